"""Many periodic callbacks on one event loop: interval jitter and CPU per tick.

1,000 callbacks at a 100 ms period run for 5 s (200 for 1 s with ``--quick``) inside
``asyncio.run`` with no server, once with ``panel_state.PeriodicCallback`` and once with
Panel's ``panel.io.callbacks.PeriodicCallback`` (what ``pn.state.add_periodic_callback``
builds; outside a server it runs on the running asyncio loop). Each callback appends
``time.perf_counter()`` to its own list; the script is the same for both.

Jitter is ``|gap between consecutive runs of one callback - period|`` over every gap
of every callback. CPU per tick is the process CPU time while they run (from after the
last ``start()`` to before the first ``stop()``) divided by the number of runs
delivered; the CPU cost of ``start()`` and ``stop()`` per callback is reported apart.

Run ``python benchmarks/bench_periodic.py`` to print the table.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import percentile, print_table, quick, row, run_ours, run_panel

SCRIPT = '''
import asyncio, json, time
{import_line}

N, DURATION, PERIOD = {n}, {duration}, {period}

def make(stamps):
    append = stamps.append
    clock = time.perf_counter
    def tick():
        append(clock())
    return tick

async def main():
    stamps = [[] for _ in range(N)]
    callbacks = [PeriodicCallback(callback=make(s), period=PERIOD) for s in stamps]
    await asyncio.sleep(0.2)  # let imports and the loop settle
    cpu0 = time.process_time()
    for cb in callbacks:
        cb.start()
    cpu1 = time.process_time()
    await asyncio.sleep(DURATION)
    cpu2 = time.process_time()
    for cb in callbacks:
        cb.stop()
    cpu3 = time.process_time()
    return {{"stamps": stamps, "cpu": cpu2 - cpu1, "start": cpu1 - cpu0, "stop": cpu3 - cpu2}}

print(json.dumps(asyncio.run(main())))
'''

OURS_IMPORT = "from panel_state import PeriodicCallback"
PANEL_IMPORT = "from panel.io.callbacks import PeriodicCallback"

JITTER_GOAL_MS = 5.0
CPU_GOAL_US = 20.0


def sizes() -> tuple[int, float, int]:
    """(callbacks, seconds, period in ms) for this run."""
    return (200, 1.0, 100) if quick() else (1000, 5.0, 100)


def summarize(result: dict[str, Any], n: int, duration: float, period_ms: int) -> dict[str, float]:
    """Jitter percentiles (ms), ticks delivered and CPU µs per tick of one run."""
    period = period_ms / 1000
    jitter = [
        abs((b - a) - period) * 1000
        for stamps in result["stamps"]
        for a, b in itertools.pairwise(stamps)
    ]
    ticks = sum(len(stamps) for stamps in result["stamps"])
    expected = n * round(duration / period)
    return {
        "p50": percentile(jitter, 50) if jitter else float("nan"),
        "p99": percentile(jitter, 99) if jitter else float("nan"),
        "max": max(jitter) if jitter else float("nan"),
        "ticks": ticks,
        "expected": expected,
        "delivered": 100 * ticks / expected,
        "cpu_us": 1e6 * result["cpu"] / ticks if ticks else float("nan"),
        "start_us": 1e6 * result["start"] / n,
        "stop_us": 1e6 * result["stop"] / n,
    }


def measure(runner: Any, import_line: str) -> dict[str, float] | None:
    n, duration, period = sizes()
    script = SCRIPT.format(import_line=import_line, n=n, duration=duration, period=period)
    result = runner(script, timeout=120 + 4 * duration)
    if result is None:
        return None
    return summarize(result, n, duration, period)


def run() -> list[dict[str, Any]]:
    """Run both implementations and return the result rows."""
    n, duration, period = sizes()
    ours = measure(run_ours, OURS_IMPORT)
    assert ours is not None
    panel = measure(run_panel, PANEL_IMPORT)

    def pick(key: str) -> float | None:
        return None if panel is None else panel[key]

    label = f"periodic {n}x{period}ms {duration:g}s"
    return [
        row(f"{label}: jitter p50", ours["p50"], pick("p50"), "ms"),
        row(f"{label}: jitter p99", ours["p99"], pick("p99"), "ms",
            f"<= {JITTER_GOAL_MS:g} ms", met=ours["p99"] <= JITTER_GOAL_MS),
        row(f"{label}: jitter max", ours["max"], pick("max"), "ms"),
        row(f"{label}: ticks delivered", ours["delivered"], pick("delivered"),
            f"% of {ours['expected']:,}", better="higher"),
        row(f"{label}: CPU per tick", ours["cpu_us"], pick("cpu_us"), "µs",
            f"<= {CPU_GOAL_US:g} µs", met=ours["cpu_us"] <= CPU_GOAL_US),
        row(f"{label}: start() CPU per callback", ours["start_us"], pick("start_us"), "µs"),
        row(f"{label}: stop() CPU per callback", ours["stop_us"], pick("stop_us"), "µs"),
    ]


if __name__ == "__main__":
    print_table(run())
