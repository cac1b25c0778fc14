"""The server side by side with ``panel serve``: session rate, memory, event round trip.

Each figure comes from a fresh server process (``panel-state serve`` with this
interpreter, ``panel serve`` with Panel 1.9's) and a separate load process running the
lean clients of :mod:`benchmarks._sessions` (the same client code for both):

* sessions per second: page + websocket -> first render (our ``render``; Bokeh's
  ``PULL-DOC-REPLY``), 4 sessions in flight, sockets closed after the render;
* open latency p50: the same, one session at a time;
* RSS per idle session: the server's RSS growth while 1,000 sessions (200 with
  ``--quick``) stay connected and idle, after 20 warm-up sessions;
* event round trip: one slider change sent -> the patch it causes received, p50/p99
  over 1,000 changes (300 with ``--quick``), on loopback.

The app is a trivial Markdown pane for the first three, a slider feeding a text pane
for the round trip.

Run ``python benchmarks/bench_server.py`` to print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    ours_path,
    ours_python,
    panel_python,
    print_table,
    quick,
    row,
    run_ours,
)
from benchmarks._sessions import running_server

TRIVIAL = "import {mod} as pn\npn.pane.Markdown('# Hello').servable()\n"

EVENTS = """
import {mod} as pn
slider = pn.widgets.IntSlider(name='n', start=0, end=10, value=0)
text = pn.pane.Str('n=0')
slider.param.watch(lambda event: setattr(text, 'object', f'n={{event.new}}'), 'value')
pn.Column(slider, text).servable()
"""

MODULE = {"ours": "panel_state", "panel": "panel"}


def load(what: str, kind: str, url: str, *args: Any) -> dict[str, float]:
    """Run one measurement in a fresh load process (this interpreter)."""
    arguments = ", ".join(repr(a) for a in (what, kind, url, *args))
    return run_ours(f"from benchmarks._sessions import main\nmain({arguments})", timeout=900)


def measure(kind: str, python: str, small: bool) -> dict[str, float]:
    sequential, concurrent = (50, 100) if small else (300, 600)
    if kind == "panel":  # ~50 sessions/s: fewer samples give the same precision
        sequential, concurrent = (30, 60) if small else (150, 300)
    held = 200 if small else 1000
    changes = 300 if small else 1000
    source = TRIVIAL.format(mod=MODULE[kind])
    out: dict[str, float] = {}
    with running_server(kind, python, source, ours_path=ours_path()) as (url, _pid):
        out.update(load("open", kind, url, sequential, concurrent, 4))
    with running_server(kind, python, source, ours_path=ours_path()) as (url, pid):
        out.update(load("memory", kind, url, pid, held))
    with running_server(kind, python, EVENTS.format(mod=MODULE[kind]),
                        ours_path=ours_path()) as (url, _pid):
        events = load("events", kind, url, changes)
        out.update(event_p50=events["p50_ms"], event_p99=events["p99_ms"])
    return out


def run() -> list[dict[str, Any]]:
    """The rows of this benchmark (short sizes when ``--quick`` is set)."""
    small = quick()
    ours = measure("ours", ours_python(), small)
    panel_py = panel_python()
    panel = measure("panel", panel_py, small) if panel_py else {}
    held = 200 if small else 1000

    def p(key: str) -> float | None:
        return panel.get(key)

    rate_goal = p("rate")
    mem_goal = p("kb_per_session")
    return [
        row("server: sessions/s (page + websocket -> first render)", ours["rate"], p("rate"),
            "sessions/s", ">= 10x Panel",
            met=None if rate_goal is None else ours["rate"] >= 10 * rate_goal),
        row("server: session open latency p50", ours["p50_ms"], p("p50_ms"), "ms"),
        row(f"server: RSS per idle session ({held:,} open)", ours["kb_per_session"],
            p("kb_per_session"), "KiB", "<= 1/4 of Panel",
            met=None if mem_goal is None else ours["kb_per_session"] <= mem_goal / 4),
        row("server: event round trip p50 (message in -> patch out)", ours["event_p50"],
            p("event_p50"), "ms", "<= 2 ms", met=ours["event_p50"] <= 2.0),
        row("server: event round trip p99", ours["event_p99"], p("event_p99"), "ms"),
    ]


if __name__ == "__main__":
    print_table(run())
