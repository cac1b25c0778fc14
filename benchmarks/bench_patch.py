"""One widget change on a big page: time to the patch, and the patch's size.

The page has 200 integer sliders and 50 reactive panes, each pane a function of four
of the sliders (``pn.bind(total, *four_sliders)``) showing their sum. One change of one
slider re-renders exactly one pane. The load process (the lean clients of
:mod:`benchmarks._sessions`) changes the sliders in turn, 1,000 times (300 with
``--quick``), and times each change from sending the widget event to receiving the
patch it causes, on loopback; bytes are those of that patch message (for Bokeh, the
three frames of its ``PATCH-DOC``).

Run ``python benchmarks/bench_patch.py`` to print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ours_path, ours_python, panel_python, print_table, quick, row
from benchmarks._sessions import running_server
from benchmarks.bench_server import MODULE, load

PAGE = """
import {mod} as pn

sliders = [pn.widgets.IntSlider(name=f's{{i}}', start=0, end=10, value=0) for i in range(200)]

def total(a, b, c, d):
    return f'sum {{a + b + c + d}}'

panes = [pn.panel(pn.bind(total, *[s.param.value for s in sliders[4 * i:4 * i + 4]]))
         for i in range(50)]
pn.Row(pn.Column(*sliders), pn.Column(*panes)).servable()
"""


def measure(kind: str, python: str, changes: int) -> dict[str, float]:
    with running_server(kind, python, PAGE.format(mod=MODULE[kind]),
                        ours_path=ours_path()) as (url, _pid):
        return load("events", kind, url, changes, 200)


def run() -> list[dict[str, Any]]:
    """The rows of this benchmark (short sizes when ``--quick`` is set)."""
    small = quick()
    changes = 300 if small else 1000
    ours = measure("ours", ours_python(), changes)
    panel_py = panel_python()
    panel = measure("panel", panel_py, changes) if panel_py else {}
    return [
        row("patch: widget change -> patch p50 (200 widgets, 50 panes)", ours["p50_ms"],
            panel.get("p50_ms"), "ms"),
        row("patch: widget change -> patch p99", ours["p99_ms"], panel.get("p99_ms"), "ms"),
        row("patch: bytes sent per change", ours["bytes"], panel.get("bytes"), "bytes"),
    ]


if __name__ == "__main__":
    print_table(run())
