"""Docs cannot drift: every Python block in docs/ runs, every shell command parses."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

import panel_state as pn
from panel_state.testing import virtual_clock

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)
PAGES = sorted(DOCS.glob("*.md"))


def blocks(page: Path, lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(page.read_text()) if kind == lang]


def test_docs_every_page_is_linked_from_the_index():
    index = (DOCS / "index.md").read_text()
    missing = [p.name for p in PAGES if p.name != "index.md" and f"({p.name})" not in index]
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_docs_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each page's Python blocks run in order in one namespace, on a virtual clock."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    with virtual_clock():
        for number, body in enumerate(blocks(page, "python"), 1):
            code = compile(body, f"{page.name}[block {number}]", "exec")
            exec(code, namespace)
    pn.state.reset()


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_docs_shell_commands_parse(page: Path):
    from panel_state.cli import build_parser

    parser = build_parser()
    for body in blocks(page, "bash"):
        for line in body.splitlines():
            line = line.strip()
            if line.startswith("panel-state "):
                args = parser.parse_args(shlex.split(line)[1:])
                assert args.command, line
            elif line.startswith("python -m panel_state "):
                parser.parse_args(shlex.split(line)[3:])


def test_docs_examples_named_in_docs_exist():
    root = DOCS.parent
    for page in PAGES:
        for ref in re.findall(r"\]\((\.\./examples/[^)#]+)\)", page.read_text()):
            assert (DOCS / ref).resolve().exists(), f"{page.name} links a missing {ref}"
    assert os.path.isdir(root / "examples")
