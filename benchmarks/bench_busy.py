"""Busy accounting and the fixed cost of one periodic tick.

Busy pairs: ``busy.enter(owner); busy.exit(owner)`` repeated,
for a Session nobody watches, for a Session with one watcher on
``session.param.busy``, and outside any session (the path periodic callbacks started
outside a session take). Panel's counterpart is the pair its callbacks use,
``state._add_busy_event(id); state._remove_busy_event(id)`` (Panel's busy is
process-wide, so it has no per-session variant; the watcher variant watches
``state.param.busy``). Each figure is the median of 5 repeats of about 0.5 s.

All figures here are process CPU time (``time.process_time()``), so other processes
competing for the cores do not inflate them.

Periodic tick: 1,000 callbacks at a 1 s period run for 10 periods on an event loop
with virtual time (the same small loop class for both libraries: when idle it jumps to
the next timer instead of sleeping), so the CPU time per delivered run is the full
cost of a tick - timer, scheduling, bookkeeping, busy, the call - without waiting in
real time. The bare-call row is the same callback called in a plain loop, and the
overhead row is the difference.

Run ``python benchmarks/bench_busy.py`` to print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import print_table, quick, row, run_ours, run_panel

TIMING = '''
import json, statistics, time

def per_call(pair, budget, repeats=5):
    """Median seconds per call of pair(), each of the repeats lasting about budget s."""
    n = 1
    while True:
        t0 = time.process_time()
        for _ in range(n):
            pair()
        elapsed = time.process_time() - t0
        if elapsed >= budget / 10:
            break
        n *= 10
    n = max(1, int(n * budget / elapsed))
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(n):
            pair()
        times.append((time.process_time() - t0) / n)
    return statistics.median(times)
'''

BUSY_OURS = TIMING + '''
from panel_state import busy
from panel_state.session import Session

BUDGET = {budget}
enter, leave = busy.enter, busy.exit
session = Session("http://localhost:5006/app")

def pair_session():
    enter(session)
    leave(session)

def pair_outside():
    enter(None)
    leave(None)

plain = per_call(pair_session, BUDGET)
outside = per_call(pair_outside, BUDGET)
seen = []
session.param.watch(lambda event: seen.append(event.new), "busy")
watched = per_call(pair_session, BUDGET)
assert seen and not session.busy
session.destroy()
print(json.dumps({{"plain": plain, "watched": watched, "outside": outside}}))
'''

BUSY_PANEL = TIMING + '''
from panel.io.state import state

BUDGET = {budget}
add, remove = state._add_busy_event, state._remove_busy_event

def pair():
    add("bench-event")
    remove("bench-event")

plain = per_call(pair, BUDGET)
seen = []
state.param.watch(lambda event: seen.append(event.new), "busy")
watched = per_call(pair, BUDGET)
assert seen and not state.busy
print(json.dumps({{"plain": plain, "watched": watched, "outside": plain}}))
'''

TICK = '''
import asyncio, json, selectors, time
{import_line}

K, PERIODS = {k}, {periods}


class JumpSelector(selectors.DefaultSelector):
    """Instead of sleeping until the next timer, move the loop's virtual clock there."""

    def __init__(self, loop):
        super().__init__()
        self.loop = loop

    def select(self, timeout=None):
        ready = super().select(0)
        if not ready and timeout:
            self.loop.now += timeout
        return ready


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        self.now = 0.0
        super().__init__(JumpSelector(self))

    def time(self):
        return self.now


runs = [0]

def tick():
    runs[0] += 1

def bare(n):
    t0 = time.process_time()
    for _ in range(n):
        tick()
    return (time.process_time() - t0) / n

async def main():
    callbacks = [PeriodicCallback(callback=tick, period=1000) for _ in range(K)]
    for cb in callbacks:
        cb.start()
    await asyncio.sleep(0)
    before, t0 = runs[0], time.process_time()
    await asyncio.sleep(PERIODS + 0.5)
    elapsed, ticks = time.process_time() - t0, runs[0] - before
    for cb in callbacks:
        cb.stop()
    return elapsed, ticks

loop = VirtualLoop()
asyncio.set_event_loop(loop)
elapsed, ticks = loop.run_until_complete(main())
loop.close()
bare_call = min(bare(ticks) for _ in range(5))
print(json.dumps({{"tick": elapsed / ticks, "ticks": ticks, "bare": bare_call}}))
'''

OURS_IMPORT = "from panel_state import PeriodicCallback"
PANEL_IMPORT = "from panel.io.callbacks import PeriodicCallback"

BUSY_GOAL_US = 5.0


def sizes() -> tuple[float, int, int]:
    """(seconds per busy repeat, periodic callbacks, periods) for this run."""
    return (0.05, 200, 5) if quick() else (0.5, 1000, 10)


def _us(value: float | None) -> float | None:
    return None if value is None else value * 1e6


def run() -> list[dict[str, Any]]:
    """Measure busy pairs and periodic ticks for both libraries; return the rows."""
    budget, k, periods = sizes()
    ours_busy = run_ours(BUSY_OURS.format(budget=budget))
    panel_busy = run_panel(BUSY_PANEL.format(budget=budget))
    ours_tick = run_ours(TICK.format(import_line=OURS_IMPORT, k=k, periods=periods))
    panel_tick = run_panel(TICK.format(import_line=PANEL_IMPORT, k=k, periods=periods),
                           timeout=600)

    def panel(result: dict[str, float] | None, key: str) -> float | None:
        return None if result is None else _us(result[key])

    rows = []
    for key, label in (("plain", "session, no watcher"),
                       ("watched", "session, 1 busy watcher"),
                       ("outside", "outside a session")):
        ours = ours_busy[key] * 1e6
        rows.append(row(f"busy enter+exit: {label}", ours, panel(panel_busy, key), "µs",
                        f"<= {BUSY_GOAL_US:g} µs", met=ours <= BUSY_GOAL_US))
    ours_overhead = (ours_tick["tick"] - ours_tick["bare"]) * 1e6
    panel_overhead = (None if panel_tick is None
                      else (panel_tick["tick"] - panel_tick["bare"]) * 1e6)
    rows += [
        row(f"periodic tick, full path ({k} cbs, virtual time)", ours_tick["tick"] * 1e6,
            panel(panel_tick, "tick"), "µs"),
        row("bare call of the same callback", ours_tick["bare"] * 1e6,
            panel(panel_tick, "bare"), "µs"),
        row("periodic tick overhead over a bare call", ours_overhead, panel_overhead, "µs"),
    ]
    return rows


if __name__ == "__main__":
    print_table(run())
