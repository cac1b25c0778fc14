"""The benchmark runner: row contract, table formatting, discovery and selection.

These use fake benchmark modules; nothing here measures anything or needs Panel.
"""

from __future__ import annotations

import io
import math
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import __main__ as runner  # noqa: E402
from benchmarks import _common  # noqa: E402


def fake_module(name: str, run) -> ModuleType:
    module = ModuleType(name)
    module.run = run
    return module


def table_lines(text: str) -> list[list[str]]:
    """The table's data rows split into stripped cells (header and rule dropped)."""
    lines = text.split("\n\n")[0].splitlines()
    return [[cell.strip() for cell in line.split("|")] for line in lines[2:]]


# -- rows ---------------------------------------------------------------------------


def test_validate_row_accepts_minimal_row_without_goal():
    r = _common.validate_row({"name": "x", "ours": 1.0, "panel": None, "unit": "ms"})
    assert r == {"name": "x", "ours": 1.0, "panel": None, "unit": "ms"}


def test_validate_row_rejects_missing_key_naming_it():
    with pytest.raises(ValueError, match=r"bench_x row .* is missing \['unit'\]"):
        _common.validate_row({"name": "x", "ours": 1, "panel": 2}, source="bench_x")


@pytest.mark.parametrize("bad", [{"ours": "fast"}, {"panel": True}, {"name": ""},
                                 {"unit": 3}, {"met": "yes"}])
def test_validate_row_rejects_wrong_types(bad):
    r = {"name": "x", "ours": 1.0, "panel": 2.0, "unit": "ms", **bad}
    with pytest.raises(TypeError, match="row"):
        _common.validate_row(r)


def test_validate_row_rejects_unknown_better():
    with pytest.raises(ValueError, match="'better' must be 'lower' or 'higher', got 'more'"):
        _common.row("x", 1.0, 2.0, "ms", better="more")


def test_advantage_is_panel_over_ours_for_times_and_ours_over_panel_for_rates():
    assert _common.advantage(_common.row("t", 2.0, 10.0, "ms")) == 5.0
    assert _common.advantage(_common.row("r", 100.0, 10.0, "%", better="higher")) == 10.0
    # rates are recognised from the unit when a row does not say
    assert _common.advantage({"name": "s", "ours": 460.0, "panel": 46.0,
                              "unit": "sessions/s"}) == 10.0
    assert _common.advantage(_common.row("n", 1.0, None, "ms")) is None
    assert _common.advantage(_common.row("z", 0.0, 3.0, "ms")) == math.inf


def test_percentile_interpolates_and_rejects_bad_input():
    assert _common.percentile([1, 2, 3, 4], 50) == 2.5
    assert _common.percentile([5], 99) == 5
    assert _common.percentile([3, 1, 2], 100) == 3
    with pytest.raises(ValueError, match="within 0-100, got 101"):
        _common.percentile([1], 101)
    with pytest.raises(ValueError, match="empty"):
        _common.percentile([], 50)


# -- table --------------------------------------------------------------------------


def test_format_table_shows_every_column_and_marks_missing_panel():
    text = _common.format_table([
        _common.row("import: wall time", 80.0, 720.0, "ms", "<= 1/5 of Panel", met=True),
        _common.row("location sync", 12.5, None, "µs"),
        _common.row("ticks delivered", 99.0, 20.0, "%", better="higher", met=False),
    ])
    header = text.splitlines()[0]
    assert [h.strip() for h in header.split("|")] == list(_common.HEADER)
    assert table_lines(text) == [
        ["import: wall time", "80.0", "720", "9.00", "ms", "<= 1/5 of Panel", "yes"],
        ["location sync", "12.5", "n/a", "n/a", "µs", "", ""],
        ["ticks delivered", "99.0", "20.0", "4.95", "%", "", "NO"],
    ]
    assert "Panel/ours for times and memory, ours/Panel for rates" in text


def test_format_table_columns_line_up():
    text = _common.format_table([_common.row("a", 1.0, 2.0, "ms"),
                                 _common.row("a much longer name", 12345.0, 0.5, "µs")])
    lines = text.split("\n\n")[0].splitlines()
    bars = {tuple(i for i, ch in enumerate(line) if ch in "|+") for line in lines}
    assert len(bars) == 1
    assert "12,345" in text


def test_format_table_rejects_malformed_row():
    with pytest.raises(ValueError, match="missing"):
        _common.format_table([{"name": "x"}])


# -- running modules ----------------------------------------------------------------


def test_run_modules_collects_rows_and_keeps_going_after_a_failure():
    def good():
        return [{"name": "good", "ours": 1.0, "panel": 2.0, "unit": "ms"}]

    def broken():
        raise RuntimeError("snippet exited with 1")

    def malformed():
        return [{"name": "bad", "ours": 1.0}]

    outcome = runner.run_modules(
        [fake_module("bench_broken", broken), fake_module("bench_good", good),
         fake_module("bench_malformed", malformed)],
        quick=False, progress=None,
    )
    assert [r["name"] for r in outcome.rows] == ["good"]
    assert outcome.failures == [
        ("bench_broken", "RuntimeError: snippet exited with 1"),
        ("bench_malformed", "ValueError: bench_malformed row {'name': 'bad', 'ours': 1.0} "
                            "is missing ['panel', 'unit']; every row needs the keys "
                            "['name', 'ours', 'panel', 'unit'] (and optionally 'goal', "
                            "'better', 'met')."),
    ]
    text = runner.render(outcome)
    assert "FAILED:" in text and "bench_broken: RuntimeError" in text


def test_run_modules_passes_quick_by_argument_or_environment():
    seen = {}

    def with_flag(quick=False):
        seen["arg"] = quick
        return []

    def without_flag():
        seen["env"] = _common.quick()
        return []

    before = os.environ.get(_common.QUICK_ENV)
    runner.run_modules([fake_module("bench_a", with_flag), fake_module("bench_b", without_flag)],
                       quick=True, progress=io.StringIO())
    assert seen == {"arg": True, "env": True}
    assert os.environ.get(_common.QUICK_ENV) == before


def test_run_module_requires_run_returning_a_list():
    with pytest.raises(TypeError, match="must define run"):
        runner.run_module(ModuleType("bench_empty"), quick=False)
    with pytest.raises(TypeError, match="must return a list of row dicts, got dict"):
        runner.run_module(fake_module("bench_dict", lambda: {}), quick=False)


def test_select_filters_by_substring_and_rejects_unknown_names():
    names = ["bench_busy", "bench_import", "bench_location_sync", "bench_periodic"]
    assert runner.select(names, None) == names
    assert runner.select(names, ["periodic", "import"]) == ["bench_import", "bench_periodic"]
    assert runner.select(names, ["location"]) == ["bench_location_sync"]
    with pytest.raises(ValueError, match="'server' matches no benchmark module; available: "
                                         "busy, import, location_sync, periodic"):
        runner.select(names, ["server"])


def test_discover_lists_the_real_benchmark_modules():
    names = runner.discover()
    assert {"bench_busy", "bench_import", "bench_periodic"} <= set(names)
    assert names == sorted(names)


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    package = tmp_path / "fakebenchpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "bench_alpha.py").write_text(
        "def run(quick=False):\n"
        "    return [{'name': 'alpha', 'ours': 2.0, 'panel': 8.0, 'unit': 'ms',\n"
        "             'goal': '<= 1/2 of Panel', 'met': True, 'quick': quick}]\n"
    )
    (package / "bench_beta.py").write_text(
        "def run():\n"
        "    return [{'name': 'beta', 'ours': 50.0, 'panel': None, 'unit': 'sessions/s'}]\n"
    )
    (package / "helper.py").write_text("raise RuntimeError('not a benchmark')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in [m for m in sys.modules if m.startswith("fakebenchpkg")]:
        del sys.modules[name]


def test_main_runs_discovered_modules_and_prints_one_table(fake_package, capsys):
    out_json = fake_package / "rows.json"
    status = runner.main(["--quick", "--json", str(out_json)], directory=fake_package,
                         package="fakebenchpkg")
    out = capsys.readouterr().out
    assert status == 0
    assert table_lines(out) == [
        ["alpha", "2.00", "8.00", "4.00", "ms", "<= 1/2 of Panel", "yes"],
        ["beta", "50.0", "n/a", "n/a", "sessions/s", "", ""],
    ]
    assert '"quick": true' in out_json.read_text()


def test_main_only_runs_the_selected_module(fake_package, capsys):
    status = runner.main(["--only", "beta"], directory=fake_package, package="fakebenchpkg")
    out = capsys.readouterr().out
    assert status == 0
    assert [cells[0] for cells in table_lines(out)] == ["beta"]


def test_main_unknown_only_exits_2_with_message(fake_package, capsys):
    status = runner.main(["--only", "gamma"], directory=fake_package, package="fakebenchpkg")
    assert status == 2
    assert "'gamma' matches no benchmark module; available: alpha, beta" in capsys.readouterr().err
