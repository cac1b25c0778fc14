"""Shared helpers for the benchmarks: subprocess runs, statistics, the result table.

Every benchmark module exposes ``run() -> list[dict]``. A row is::

    {"name": str, "ours": float | None, "panel": float | None, "unit": str, "goal": str}

``goal`` is optional. Two more keys are optional: ``better`` (``"lower"`` or
``"higher"``: which direction is good; without it, units that are rates such as
``"sessions/s"`` count as higher-is-better and everything else as lower-is-better) and
``met`` (``True``/``False``: whether ``ours`` meets ``goal``).

Measurements run in fresh subprocesses: ours with this interpreter, Panel's with the
interpreter of the Panel virtualenv (``.bench-venvs/panel`` next to this directory, or
the one named by ``PANEL_STATE_BENCH_PANEL_PYTHON``). Snippets print one JSON document
as their last line of output.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Environment variable that points at the Panel interpreter to compare with.
PANEL_PYTHON_ENV = "PANEL_STATE_BENCH_PANEL_PYTHON"
#: Environment variable naming another checkout whose ``panel_state`` to measure.
OURS_PATH_ENV = "PANEL_STATE_BENCH_OURS_PATH"
#: Environment variable set to "1" by ``python -m benchmarks --quick``.
QUICK_ENV = "PANEL_STATE_BENCH_QUICK"

DEFAULT_PANEL_PYTHON = ROOT / ".bench-venvs" / "panel" / "bin" / "python"

ROW_KEYS = ("name", "ours", "panel", "unit")
BETTER = ("lower", "higher")


class BenchmarkError(RuntimeError):
    """A benchmark snippet failed or printed something that is not a result."""


# -- interpreters --------------------------------------------------------------------


def ours_python() -> str:
    """The interpreter that measures panel_state: the one running the benchmarks."""
    return sys.executable


def panel_python() -> str | None:
    """The Panel virtualenv's interpreter, or None when it is not there."""
    configured = os.environ.get(PANEL_PYTHON_ENV)
    path = Path(configured) if configured else DEFAULT_PANEL_PYTHON
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def quick() -> bool:
    """True when the run asked for the short CI-smoke sizes (``--quick``)."""
    return os.environ.get(QUICK_ENV, "") not in ("", "0")


def run_python(python: str, code: str, *, timeout: float = 300.0,
               path: Sequence[str | os.PathLike[str]] = ()) -> Any:
    """Run ``code`` in a fresh ``python`` process and return its last stdout line as JSON.

    The process starts in an empty temporary directory so nothing in this checkout
    shadows the measured packages; ``path`` entries are put on its ``PYTHONPATH``.

    Raises
    ------
    BenchmarkError
        If the process fails, times out or its last line is not JSON.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    if path:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    env["PYTHONHASHSEED"] = "0"
    with tempfile.TemporaryDirectory(prefix="panel_state_bench_") as cwd:
        try:
            proc = subprocess.run(
                [python, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BenchmarkError(
                f"benchmark snippet in {python} did not finish within {timeout} s"
            ) from exc
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise BenchmarkError(
            f"benchmark snippet in {python} exited with {proc.returncode}:\n{tail}"
        )
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise BenchmarkError(f"benchmark snippet in {python} printed nothing")
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError as exc:
        raise BenchmarkError(
            f"benchmark snippet in {python} must print JSON as its last line, got "
            f"{lines[-1][:200]!r}"
        ) from exc


def ours_path() -> str:
    """The directory ``panel_state`` is imported from: this checkout, or the one named
    by ``PANEL_STATE_BENCH_OURS_PATH`` (to compare a patched copy)."""
    return os.environ.get(OURS_PATH_ENV) or str(ROOT)


def run_ours(code: str, *, timeout: float = 300.0) -> Any:
    """Run ``code`` with this interpreter and this checkout's ``panel_state`` importable."""
    return run_python(ours_python(), code, timeout=timeout, path=[ours_path()])


def run_panel(code: str, *, timeout: float = 300.0) -> Any | None:
    """Run ``code`` with the Panel virtualenv; None when the virtualenv is missing."""
    python = panel_python()
    if python is None:
        return None
    return run_python(python, code, timeout=timeout)


# -- statistics ------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, linearly interpolated.

    Raises
    ------
    ValueError
        If ``values`` is empty or ``q`` is outside 0-100.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0-100, got {q!r}.")
    if not values:
        raise ValueError("percentile needs at least one value, got an empty sequence.")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (see :func:`percentile`)."""
    return percentile(values, 50)


# -- rows and the table ----------------------------------------------------------------


def row(name: str, ours: float | None, panel: float | None, unit: str, goal: str = "", *,
        better: str | None = None, met: bool | None = None) -> dict[str, Any]:
    """Build one result row (see the module docstring for the keys)."""
    result: dict[str, Any] = {
        "name": name, "ours": ours, "panel": panel, "unit": unit, "goal": goal,
    }
    if better is not None:
        result["better"] = better
    if met is not None:
        result["met"] = met
    return validate_row(result)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_row(row: Any, source: str = "benchmark") -> dict[str, Any]:
    """Check that ``row`` follows the row contract and return it.

    Raises
    ------
    TypeError
        If ``row`` is not a mapping or a value has the wrong type.
    ValueError
        If a required key is missing or ``better`` is not 'lower'/'higher'.
    """
    if not isinstance(row, Mapping):
        raise TypeError(f"{source} rows must be dicts, got {type(row).__name__}: {row!r}.")
    missing = [key for key in ROW_KEYS if key not in row]
    if missing:
        raise ValueError(
            f"{source} row {dict(row)!r} is missing {missing}; every row needs the keys "
            f"{list(ROW_KEYS)} (and optionally 'goal', 'better', 'met')."
        )
    if not isinstance(row["name"], str) or not row["name"]:
        raise TypeError(f"{source} row 'name' must be a non-empty str, got {row['name']!r}.")
    for key in ("ours", "panel"):
        if row[key] is not None and not _is_number(row[key]):
            raise TypeError(
                f"{source} row {row['name']!r}: {key!r} must be a number or None, "
                f"got {row[key]!r}."
            )
    for key in ("unit", "goal"):
        if not isinstance(row.get(key, ""), str):
            raise TypeError(
                f"{source} row {row['name']!r}: {key!r} must be a str, got {row[key]!r}."
            )
    if row.get("better", "lower") not in BETTER:
        raise ValueError(
            f"{source} row {row['name']!r}: 'better' must be 'lower' or 'higher', "
            f"got {row['better']!r}."
        )
    if "met" in row and row["met"] is not None and not isinstance(row["met"], bool):
        raise TypeError(
            f"{source} row {row['name']!r}: 'met' must be True, False or None, "
            f"got {row['met']!r}."
        )
    return dict(row)


def higher_is_better(row: Mapping[str, Any]) -> bool:
    """Whether a bigger ``ours`` is the good direction for this row."""
    if "better" in row:
        return row["better"] == "higher"
    return "/s" in row["unit"] or row["unit"].endswith("per s")


def advantage(row: Mapping[str, Any]) -> float | None:
    """How many times better ours is than Panel's (> 1: ours is better).

    That is Panel/ours for lower-is-better rows (times, memory) and ours/Panel for
    higher-is-better rows (rates). None when either side is missing.
    """
    ours, panel = row["ours"], row["panel"]
    if ours is None or panel is None:
        return None
    num, den = (ours, panel) if higher_is_better(row) else (panel, ours)
    if den == 0:
        return math.inf if num > 0 else None
    return num / den


def fmt(value: float | None) -> str:
    """A number with about three significant digits; 'n/a' for None."""
    if value is None:
        return "n/a"
    if math.isinf(value):
        return "inf"
    if math.isnan(value):
        return "nan"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:.2f}"
    return f"{value:.3g}"


HEADER = ("benchmark", "ours", "Panel", "x better", "unit", "goal", "met")
LEGEND = (
    "x better = how many times better ours is than Panel 1.9: Panel/ours for times and "
    "memory, ours/Panel for rates; > 1 means ours is better. met = ours meets the goal."
)


def format_table(rows: Iterable[Mapping[str, Any]]) -> str:
    """Render rows as one plain-text table with a legend line under it."""
    cells = [HEADER]
    for r in rows:
        r = validate_row(r)
        adv = advantage(r)
        met = r.get("met")
        cells.append((
            r["name"], fmt(r["ours"]), fmt(r["panel"]),
            "n/a" if adv is None else fmt(adv), r["unit"], r.get("goal", ""),
            "" if met is None else ("yes" if met else "NO"),
        ))
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    numeric = {1, 2, 3}

    def line(c: Sequence[str]) -> str:
        parts = [c[i].rjust(widths[i]) if i in numeric else c[i].ljust(widths[i])
                 for i in range(len(HEADER))]
        return " | ".join(parts).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    body = [line(cells[0]), rule, *(line(c) for c in cells[1:])]
    return "\n".join([*body, "", LEGEND])


def print_table(rows: Iterable[Mapping[str, Any]]) -> None:
    """Print :func:`format_table` of ``rows``."""
    print(format_table(rows))
