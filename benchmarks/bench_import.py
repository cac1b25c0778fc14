"""Import cost: wall time and resident memory of ``import panel_state`` vs ``import panel``.

Each measurement is a fresh interpreter that reads its RSS, imports the package with
``time.perf_counter()`` around the import statement, and reads its RSS again (psutil's
``Process().memory_info().rss``). The figure is the median of 5 runs (3 with
``--quick``). Interpreter start-up is not counted in either figure.

Run ``python benchmarks/bench_import.py`` to print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import median, print_table, quick, row, run_ours, run_panel

SCRIPT = '''
import json, time
import psutil
process = psutil.Process()
rss0 = process.memory_info().rss
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
rss1 = process.memory_info().rss
print(json.dumps({{"seconds": t1 - t0, "rss": rss1 - rss0}}))
'''

#: Our import must take at most this fraction of Panel's time, and of its memory.
TIME_GOAL = 1 / 5
RSS_GOAL = 1 / 2


def repeats() -> int:
    return 3 if quick() else 5


def measure(runner: Any, module: str) -> dict[str, float] | None:
    """Median import seconds and RSS growth in bytes over fresh interpreters."""
    script = SCRIPT.format(module=module)
    results = []
    for _ in range(repeats()):
        result = runner(script, timeout=120)
        if result is None:
            return None
        results.append(result)
    return {
        "seconds": median([r["seconds"] for r in results]),
        "rss": median([r["rss"] for r in results]),
    }


def run() -> list[dict[str, Any]]:
    """Measure both imports and return the result rows."""
    ours = measure(run_ours, "panel_state")
    assert ours is not None
    panel = measure(run_panel, "panel")
    ours_ms, ours_mib = ours["seconds"] * 1000, ours["rss"] / 2**20
    panel_ms = None if panel is None else panel["seconds"] * 1000
    panel_mib = None if panel is None else panel["rss"] / 2**20
    return [
        row("import: wall time", ours_ms, panel_ms, "ms", "<= 1/5 of Panel",
            met=None if panel_ms is None else ours_ms <= TIME_GOAL * panel_ms),
        row("import: RSS growth", ours_mib, panel_mib, "MiB", "<= 1/2 of Panel",
            met=None if panel_mib is None else ours_mib <= RSS_GOAL * panel_mib),
    ]


if __name__ == "__main__":
    print_table(run())
