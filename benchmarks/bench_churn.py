"""Churn: open and close sessions by the thousand; nothing may survive them.

The instrumented app of :mod:`benchmarks._load` runs in a server process, with a
20 ms periodic callback limited to 2 ticks per session. A separate load process
opens sessions (16 in flight), waits for each one's first tick to arrive, and
closes it. The server destroys a closed session at its next unused-session check.

After a warm-up the server's RSS is read (after ``gc.collect()``) as the baseline;
then the churn runs, and once every churned session has run its destroyed-hook the
server reports how many hooks ran, how many Sessions, Locations, widgets and
periodic callbacks are still alive (weakref census after ``gc.collect()``) and its
RSS. Ours remembers the tokens of ended sessions until they expire (so a closed
tab's token cannot open a new session), so RSS is read again one token lifetime
later; the baseline is taken with the same delay.

Sizes: ours 10,000 sessions after 1,000 of warm-up, token lifetime 10 s; Panel
1,000 after 200 (it opens about 30 sessions a second: 10,000 would take over five
minutes). ``--quick``: 500 after 1,000 (ours), 200 after 100 (Panel).

Run ``python benchmarks/bench_churn.py`` to print the table.
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

PERIOD_MS = 20
COUNT = 2


def sizes(kind: str, small: bool) -> tuple[int, int, float]:
    """(sessions, warm-up sessions, token lifetime in s) for ``kind``."""
    if kind == "ours":
        return (500, 1_000, 2.0) if small else (10_000, 1_000, 10.0)
    return (200, 100, 2.0) if small else (1_000, 200, 10.0)


def measure(kind: str, python: str, small: bool) -> dict[str, Any]:
    """Serve the app with ``kind`` and churn it from a separate load process."""
    sessions, warmup, lifetime = sizes(kind, small)
    with load_server(kind, python, period_ms=PERIOD_MS, count=COUNT, ours_path=ours_path(),
                     token_lifetime=lifetime) as server:
        args = ", ".join(repr(a) for a in (
            "churn", kind, server.url, server.control, sessions, warmup, lifetime + 0.5))
        result: dict[str, Any] = run_ours(
            f"from benchmarks._load import main\nmain({args})", timeout=1800)
    return derived(result)


def derived(r: dict[str, Any]) -> dict[str, Any]:
    """The churn figures plus the ratios the table shows."""
    return dict(
        r, hooks_pct=100.0 * r["hooks"] / r["sessions"],
        rss_vs_base_pct=100.0 * r["rss_settled_mib"] / r["rss_base_mib"],
        retained_b=max(0.0, r["rss_per_session_b"]))


def run() -> list[dict[str, Any]]:
    """The rows of this benchmark (short sizes when ``--quick`` is set)."""
    small = quick()
    ours = measure("ours", ours_python(), small)
    panel_py = panel_python()
    panel = measure("panel", panel_py, small) if panel_py else {}

    def p(key: str) -> float | None:
        return panel.get(key)

    n = f"{ours['sessions']:,}"
    if panel:
        n += f", Panel {panel['sessions']:,}"
    name = f"churn ({n} sessions)"
    clean = ours["census_total"] == 0 and ours["violations_total"] == 0
    return [
        row(f"{name}: destroyed-hooks run per session", ours["hooks_pct"], p("hooks_pct"),
            "%", "100%", better="higher",
            met=ours["hooks"] == ours["sessions"] == ours["opened"]),
        row(f"{name}: Sessions, Locations, widgets, callbacks alive after (gc'd)",
            ours["census_total"], p("census_total"), "objects", "0", met=clean),
        row(f"{name}: server RSS after churn vs post-warm-up baseline",
            ours["rss_vs_base_pct"], p("rss_vs_base_pct"), "%", "<= 105%",
            met=ours["rss_vs_base_pct"] <= 105.0),
        row(f"{name}: RSS retained per churned session", ours["retained_b"],
            p("retained_b"), "B"),
        row(f"{name}: server RSS after warm-up", ours["rss_base_mib"], p("rss_base_mib"),
            "MiB"),
        row(f"{name}: sessions/s (open, first tick, close)", ours["rate"], p("rate"),
            "sessions/s"),
    ]


if __name__ == "__main__":
    print_table(run())
