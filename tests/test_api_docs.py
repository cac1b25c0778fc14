"""docs/api.md is generated from the docstrings and must match what the generator writes."""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import panel_state as pn
from panel_state import testing

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_api_docs.py"
API_MD = ROOT / "docs" / "api.md"


@pytest.fixture(scope="module")
def gen() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("build_api_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_api_docs"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("build_api_docs", None)


@pytest.fixture(scope="module")
def built(gen: ModuleType) -> str:
    return gen.build()


def test_api_docs_file_is_up_to_date(built: str):
    assert API_MD.exists(), "docs/api.md is missing; run `python scripts/build_api_docs.py`."
    if API_MD.read_text(encoding="utf-8") != built:
        pytest.fail("docs/api.md is out of date with the docstrings; run "
                    "`python scripts/build_api_docs.py` and commit the result.", pytrace=False)


def test_api_docs_build_is_deterministic(gen: ModuleType, built: str):
    assert gen.build() == built
    assert not re.search(r" at 0x[0-9a-f]+", built), "a memory address leaked into the page"


def test_api_docs_cover_every_public_name(built: str):
    headings = set(re.findall(r"^#{2,4} `([^`]+)`", built, re.M))
    expected = {f"pn.{n}" for n in pn.__all__ if not n.startswith("_")}
    for module in (pn.widgets, pn.pane):
        expected |= {f"{module.__name__.replace('panel_state.', 'pn.')}.{n}"
                     for n in module.__all__}
    expected |= {f"panel_state.testing.{n}" for n in testing.__all__}
    assert expected - headings == set()


def test_api_docs_cover_state_methods_and_config_params(built: str):
    state_members = [n for n, v in vars(type(pn.state)).items() if not n.startswith("_")
                     and (inspect.isfunction(v) or isinstance(v, property))]
    assert state_members, "State has no public members?"
    for name in state_members:
        assert re.search(rf"^#### `pn\.state\.{name}(\(\))?`$", built, re.M), name
    for name in pn.config.param:
        if name != "name":
            assert f"| `{name}` |" in built, name


def test_api_docs_show_param_docs_types_and_defaults(built: str):
    section = built.split("### `pn.Location`", 1)[1].split("\n### ", 1)[0]
    assert "| `search` | String | `''` | Query part of the URL" in section
    assert "| `href` | String (read-only) |" in section
    assert "```\npn.Location.sync(\n" in section


def test_api_docs_have_no_python_blocks_for_the_docs_runner(built: str):
    assert "```python" not in built
    assert built.count("```") % 2 == 0


def test_api_docs_links_resolve_to_unique_anchors(gen: ModuleType, built: str):
    # GitHub's rule: the n-th repeat of an anchor gets "-n".
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,4} (.+)$", built, re.M):
        base = gen.slug(heading)
        anchors.add(base if base not in seen else f"{base}-{seen[base]}")
        seen[base] = seen.get(base, 0) + 1
    links = re.findall(r"\]\(#([^)]+)\)", built)
    assert links
    assert [a for a in links if a not in anchors] == []
    assert "[`pn.link`](#pnlink-1)" in built     # `pn.Link` has #pnlink


def test_api_docs_inline_turns_rest_markup_into_markdown(gen: ModuleType):
    assert gen.inline("Use ``a`` with :func:`panel_state.link`.") == \
        "Use `a` with `panel_state.link`."
    assert gen.inline(":class:`~panel_state.pane.Markdown`") == "`Markdown`"


def test_api_docs_docstring_sections_become_lists_and_fences(gen: ModuleType):
    doc = '''Do a thing.

    Longer text with ``code``::

        literal()

    Parameters
    ----------
    x : int
        The x, at least
        one.
    **kw : str
        Extra.

    Raises
    ------
    ValueError, TypeError
        When ``x`` is bad.

    Examples
    --------
    >>> do(1)
    2
    '''
    md = "\n".join(gen.docstring_markdown(doc))
    assert md.startswith("Do a thing.\n\nLonger text with `code`:\n\n```\nliteral()\n```")
    assert "- `x` (int): The x, at least one." in md
    assert "- `**kw` (str): Extra." in md
    assert "- `ValueError`, `TypeError`: When `x` is bad." in md
    assert "```pycon\n>>> do(1)\n2\n```" in md


def test_api_docs_long_signatures_wrap_one_parameter_per_line(gen: ModuleType):
    def f(alpha: int = 1, *, beta: str = "a" * 40, gamma: list[int] | None = None) -> str:
        return ""

    text = gen.format_signature("f", inspect.signature(f))
    assert text == ("f(\n    alpha: int = 1,\n    *,\n    beta: str = '" + "a" * 40 + "',\n"
                    "    gamma: list[int] | None = None,\n) -> str")
    assert gen.format_signature("g", inspect.signature(lambda a, b=2: a)) == "g(a, b=2)"


def test_api_docs_check_mode_reports_a_stale_file(gen: ModuleType, built: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "api.md"
    target.write_text("stale\n", encoding="utf-8")
    assert gen.main(["--check", "--output", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert gen.main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == built
    assert gen.main(["--check", "--output", str(target)]) == 0
