"""Soak: many concurrent websocket sessions, each ticking once a second, for a minute.

The instrumented app of :mod:`benchmarks._load` runs in a server process; a separate
load process opens the sessions (8 in flight), then holds them all open for the
soak window, reading every message. Each session's periodic callback (1 s) checks
its isolation (``session_args``, ``location``, ``busy``, ``curdoc``, and for ours that
the previously opened session is not busy) and updates a ``Str`` with its tick
number and send time.

* the main soak: 1,000 sessions x 60 s with ours (100 x 5 s with ``--quick``). Panel
  cannot hold that load (its ticks fall tens of seconds behind; see
  ``docs/performance.md``), so its column is n/a;
* side by side: 100 sessions x 60 s (50 x 5 s with ``--quick``), ours and Panel.

Figures: ticks delivered on schedule (due before the end, arrived by the end), tick
lateness (server send time - ideal time ``t0 + n x period``), end-to-end lateness
(client receipt - ideal time), jitter (gap between consecutive ticks - period),
isolation violations counted by the ticks, server CPU over the window and RSS at its
end.

Run ``python benchmarks/bench_soak.py`` to print the table.
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
from benchmarks._load import load_server

PERIOD_MS = 1000


def sizes(small: bool) -> tuple[tuple[int, float], tuple[int, float]]:
    """(sessions, seconds) of the main soak and of the side-by-side one."""
    return ((100, 5.0), (50, 5.0)) if small else ((1000, 60.0), (100, 60.0))


def measure(kind: str, python: str, sessions: int, duration: float) -> dict[str, Any]:
    """Serve the app with ``kind`` and soak it from a separate load process."""
    with load_server(kind, python, period_ms=PERIOD_MS, ours_path=ours_path()) as server:
        args = ", ".join(repr(a) for a in (
            "soak", kind, server.url, server.control, sessions, duration, PERIOD_MS))
        result: dict[str, Any] = run_ours(
            f"from benchmarks._load import main\nmain({args})", timeout=duration + 900)
    return result


def on_schedule(r: dict[str, Any]) -> float:
    """Percentage of the due ticks that arrived by the end."""
    return 100.0 * r["delivered"] / r["expected"] if r["expected"] else 0.0


def every_tick(r: dict[str, Any]) -> bool:
    return (r["missing"] == 0 and r["lost"] == 0 and r["duplicates"] == 0
            and r["foreign"] == 0 and r["closed"] == 0 and r["expected"] > 0)


def cpu_per_tick_us(r: dict[str, Any]) -> float:
    return 1e6 * r["cpu_s"] / r["server_ticks"] if r["server_ticks"] else float("nan")


def derived(r: dict[str, Any]) -> dict[str, Any]:
    """The soak figures plus the ratios the table shows."""
    return dict(r, on_schedule=on_schedule(r), cpu_per_tick_us=cpu_per_tick_us(r))


def run() -> list[dict[str, Any]]:
    """The rows of this benchmark (short sizes when ``--quick`` is set)."""
    (n, duration), (m, side_duration) = sizes(quick())
    main = derived(measure("ours", ours_python(), n, duration))
    ours = derived(measure("ours", ours_python(), m, side_duration))
    panel_py = panel_python()
    panel = derived(measure("panel", panel_py, m, side_duration)) if panel_py else {}

    def p(key: str) -> float | None:
        return panel.get(key)

    big = f"soak {n:,} sessions x {duration:.0f} s"
    side = f"soak {m:,} sessions x {side_duration:.0f} s"
    return [
        row(f"{big}: ticks delivered on schedule", main["on_schedule"], None, "%",
            "100% (every tick)", better="higher", met=every_tick(main)),
        row(f"{big}: ticks due, each checked for isolation", main["expected"], None,
            "ticks", "all delivered", better="higher",
            met=main["lost"] == 0 and main["missing"] == 0),
        row(f"{big}: tick lateness p99 (server send - ideal)", main["late_p99_ms"], None,
            "ms", "<= 20 ms", met=main["late_p99_ms"] <= 20.0),
        row(f"{big}: tick lateness max", main["late_max_ms"], None, "ms"),
        row(f"{big}: end-to-end lateness p99 (client receipt - ideal)", main["e2e_p99_ms"],
            None, "ms"),
        row(f"{big}: isolation violations (every tick checked)", main["violations_total"],
            None, "ticks", "0", met=main["violations_total"] == 0),
        row(f"{big}: server CPU", main["cpu_pct"], None, "% of a core"),
        row(f"{big}: server RSS", main["rss_mib"], None, "MiB"),
        row(f"{side}: ticks delivered on schedule", ours["on_schedule"], p("on_schedule"),
            "%", "100%", better="higher", met=every_tick(ours)),
        row(f"{side}: tick lateness p99", ours["late_p99_ms"], p("late_p99_ms"), "ms",
            "<= 20 ms", met=ours["late_p99_ms"] <= 20.0),
        row(f"{side}: tick jitter p99 (gap - period)", ours["jitter_p99_ms"],
            p("jitter_p99_ms"), "ms"),
        row(f"{side}: isolation violations", ours["violations_total"],
            p("violations_total"), "ticks", "0", met=ours["violations_total"] == 0),
        row(f"{side}: server CPU per tick", ours["cpu_per_tick_us"], p("cpu_per_tick_us"),
            "µs"),
        row(f"{side}: server RSS", ours["rss_mib"], p("rss_mib"), "MiB"),
    ]


if __name__ == "__main__":
    print_table(run())
