"""Location.sync throughput, panel_state beside Panel, measured in the same run.

Scenario: one Parameterized with 20 Integer params, all synced with the URL. We time
10,000 single-param changes (object -> URL) one call at a time and report the median
microseconds per change; then 2,000 assignments of ``search`` that each move one of
the 20 keys (URL -> objects). Panel runs the identical snippet in its own virtualenv
with ``panel.io.location.Location()`` (its ``pn.state.location`` is None outside a
server); its column is None when that virtualenv is missing.

A third row repeats the first with what a served session adds on our side: the
server listening for URL changes (``Location._listen``) and watching ``pathname``,
``hash`` and ``reload``. Panel has no comparable figure outside a Bokeh server.

Run ``python benchmarks/bench_location_sync.py`` to print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import print_table, quick, row, run_ours, run_panel

PARAMS = 20
GOAL_US = 50.0

#: Runs in a fresh interpreter; ``{import_line}`` picks the implementation.
MEASURE = """
import json, statistics, time
import param
{import_line}

PARAMS, CHANGES, SEARCHES, SERVED = {params}, {changes}, {searches}, {served}
names = [f"p{{i}}" for i in range(PARAMS)]
P = type("P", (param.Parameterized,), {{n: param.Integer(0) for n in names}})
obj = P()
loc = Location()
loc.sync(obj)
if SERVED:
    loc.listen(lambda: None)
    loc.param.watch(lambda *events: None, ["pathname", "hash", "reload"])
clock = time.perf_counter_ns

def per_change(n, step):
    for i in range(1000):          # warm up
        step(i)
    times = []
    for i in range(1000, 1000 + n):
        t0 = clock()
        step(i)
        times.append(clock() - t0)
    return statistics.median(times) / 1000

def set_param(i):
    setattr(obj, names[i % PARAMS], i)

ok = all(f"{{n}}=" in loc.search for n in names)
sync_us = per_change(CHANGES, set_param)
ok = ok and loc.search.count("=") == PARAMS and getattr(obj, names[-1]) > 0

base = {{n: 1 for n in names}}
def set_search(i):
    values = dict(base)
    values[names[i % PARAMS]] = 100000 + i
    loc.search = "?" + "&".join(f"{{k}}={{v}}" for k, v in values.items())

search_us = per_change(SEARCHES, set_search) if SEARCHES else None
last = 999 + SEARCHES
ok = ok and (not SEARCHES or getattr(obj, names[last % PARAMS]) == 100000 + last)
print(json.dumps({{"sync_us": sync_us, "search_us": search_us, "ok": ok}}))
"""

OURS_IMPORT = "from panel_state import Location"
PANEL_IMPORT = "from panel.io.location import Location"


def sizes() -> tuple[int, int]:
    """(param changes, search changes): the issue's sizes, or small ones for --quick."""
    return (1_000, 200) if quick() else (10_000, 2_000)


def _snippet(import_line: str, served: bool = False) -> str:
    changes, searches = sizes()
    return MEASURE.format(import_line=import_line, params=PARAMS, changes=changes,
                          searches=0 if served else searches, served=served)


def _checked(result: dict[str, Any] | None, who: str) -> dict[str, Any] | None:
    if result is not None and not result.pop("ok"):
        raise RuntimeError(f"{who}: the synced object and the URL disagreed after the run")
    return result


def run() -> list[dict[str, Any]]:
    """Measure both implementations; rows ``{"name", "ours", "panel", "unit", "goal"}``."""
    ours = _checked(run_ours(_snippet(OURS_IMPORT)), "panel_state")
    panel = _checked(run_panel(_snippet(PANEL_IMPORT)), "Panel")
    served = _checked(run_ours(_snippet(OURS_IMPORT, served=True)), "panel_state served")
    assert ours is not None and served is not None
    changes, _ = sizes()

    def panel_value(key: str) -> float | None:
        return None if panel is None else panel[key]

    return [
        row(f"Location.sync: 1 param change, {PARAMS} synced (median of {changes:,})",
            ours["sync_us"], panel_value("sync_us"), "µs", f"<= {GOAL_US:g} µs",
            met=ours["sync_us"] <= GOAL_US),
        row(f"Location.search change -> {PARAMS} synced params (median)",
            ours["search_us"], panel_value("search_us"), "µs"),
        row("Location.sync: 1 param change, server listening (median)",
            served["sync_us"], None, "µs", f"<= {GOAL_US:g} µs",
            met=served["sync_us"] <= GOAL_US),
    ]


if __name__ == "__main__":
    print_table(run())
