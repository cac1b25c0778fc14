"""Hostile clients, before and after, in the same run.

Three attacks on a ``panel-state serve`` process (:mod:`benchmarks._hostile`), each
twice: with the protections switched off by configuration ("before") and with the
defaults ("after"):

* 2,000 websockets that upgrade and never say ``hello`` (200 with ``--quick``): how
  many are still open at the hello deadline + 1 s, the slowest close, the server's
  descriptors and RSS before, during and after, and a real session's round trip
  meanwhile. Before: ``--websocket-hello-timeout 0``.
* 2,000 connections sending half a request's headers (200 with ``--quick``): how many
  are still open at the header deadline + 1 s. Before: ``--http-header-timeout 0
  --http-idle-timeout 0`` (tornado's hour).
* four sessions flooding 8,750 widget events a second each (35,000/s in all), never
  reading, for 30 s (4 s with ``--quick``), while a fifth session changes a slider and
  waits for the patch: its p99 round trip under the flood against its p99 alone,
  whether every patch came back in order, and how many flooders the server closed
  (after ``--flood-timeout``, 10 s, over budget). Before: ``--max-event-rate 0
  --message-batch 0``.

The deadlines are the defaults (10 s) in the long form and 1 s with ``--quick``.
Ours only: Panel has no such limits to compare. Run ``python benchmarks/bench_hostile.py``
to print the table.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ours_path, print_table, quick, row
from benchmarks._hostile import (
    closed_times,
    flood_results,
    half_open_requests,
    hostile_server,
    open_session,
    percentile,
    round_trips,
    silent_websockets,
    start_flood,
)

FLOODERS, FLOOD_RATE = 4, 8750


def sizes(small: bool) -> dict[str, Any]:
    """Connections, deadline (s) and flood duration (s) of the long or quick form."""
    if small:
        return {"connections": 200, "deadline": 1.0, "flood": 4.0}
    return {"connections": 2000, "deadline": 10.0, "flood": 30.0}


async def _held(server: Any, _count: float) -> dict[str, float]:
    """The server's stats once its accept queue is drained (the count stops rising)."""
    last = server.stats()
    while True:
        await asyncio.sleep(0.05)
        now = server.stats()
        if now["fds"] <= last["fds"]:
            return last  # type: ignore[no-any-return]
        last = now


async def _wave(server: Any, opener: Any, n: int, deadline: float) -> dict[str, Any]:
    """One wave of ``n`` connections, each watched for the deadline + 1 s from its opening."""
    started = time.monotonic()
    held = await opener(server.host, server.port, n)
    opened_s = time.monotonic() - started
    during = await _held(server, server.stats()["fds"] + 0)
    real = await round_trips(server.url, count=50)  # a real tab meanwhile
    remaining = started + opened_s + deadline + 1 - time.monotonic()
    closed = await closed_times(held, timeout=max(0.1, remaining))
    done = [c for c in closed if c is not None and c <= deadline + 1]
    return {"still_open": n - len(done), "slowest": max(done) if done else None,
            "during": during, "real_p99_ms": 1000 * percentile(real["times"], 99)}


async def attack(kind: str, flags: tuple[str, ...], n: int, deadline: float,
                 second_wave: bool) -> dict[str, Any]:
    """Open ``n`` hostile connections of ``kind`` and watch the server close them; with
    ``second_wave``, do it again to see whether the memory is reused."""
    opener = silent_websockets if kind == "silent" else half_open_requests
    with hostile_server(*flags, path=ours_path()) as server:
        await round_trips(server.url, count=20)
        before = await server.steady_stats()
        first = await _wave(server, opener, n, deadline)
        after = await server.steady_stats()
        again = None
        if second_wave:
            await _wave(server, opener, n, deadline)
            again = await server.steady_stats()
    return {"open_at_deadline": first["still_open"], "slowest_close": first["slowest"],
            "fds_before": before["fds"], "fds_during": first["during"]["fds"],
            "fds_after": after["fds"], "rss_before": before["rss_mib"],
            "rss_during": first["during"]["rss_mib"], "rss_after": after["rss_mib"],
            "rss_second": again["rss_mib"] if again else None,
            "real_p99_ms": first["real_p99_ms"]}


def _in_order(result: dict[str, Any]) -> bool:
    first = result["first"]
    return bool(result["seen"] == list(range(first, first + len(result["times"]))))


async def flood(flags: tuple[str, ...], duration: float) -> dict[str, Any]:
    """The victim's p99 alone and under four flooders, with ``flags``."""
    with hostile_server(*flags, path=ours_path()) as server:
        await round_trips(server.url, count=200)
        idle = await round_trips(server.url, count=1000)
        victim_session = await open_session(server.url)
        flooders = await start_flood(server.url, FLOODERS, duration, FLOOD_RATE)
        victim = await round_trips(server.url, duration=duration, session=victim_session)
        results = await flood_results(flooders, timeout=duration + 120)
        log = server.log_text()
    return {"idle_p99_ms": 1000 * percentile(idle["times"], 99),
            "flood_p99_ms": 1000 * percentile(victim["times"], 99),
            "flood_p50_ms": 1000 * percentile(victim["times"], 50),
            "victim_trips": len(victim["times"]), "in_order": _in_order(victim),
            "flooders_closed": sum(r["closed_after"] is not None for r in results),
            "closed_after_s": sorted(r["closed_after"] for r in results
                                     if r["closed_after"] is not None),
            "throttled": log.count("over its event budget"),
            "flood_sent": sum(r["sent"] for r in results)}


async def measure(small: bool) -> dict[str, dict[str, Any]]:
    s = sizes(small)
    n, deadline, duration = s["connections"], s["deadline"], s["flood"]
    hello = ("--websocket-hello-timeout", str(deadline))
    header = ("--http-header-timeout", str(deadline))
    return {
        "silent_before": await attack("silent", ("--websocket-hello-timeout", "0"), n,
                                      deadline, False),
        "silent_after": await attack("silent", hello if small else (), n, deadline, True),
        "half_before": await attack("half", ("--http-header-timeout", "0",
                                             "--http-idle-timeout", "0"), n, deadline, False),
        "half_after": await attack("half", header if small else (), n, deadline, True),
        "flood_before": await flood(("--max-event-rate", "0", "--message-batch", "0"),
                                    duration),
        "flood_after": await flood((), duration),
    }


def run(quick_run: bool | None = None) -> list[dict[str, Any]]:
    """The rows of this benchmark (short sizes when ``--quick`` is set)."""
    small = quick() if quick_run is None else quick_run
    s = sizes(small)
    m = asyncio.run(measure(small))
    n, deadline = s["connections"], s["deadline"]
    rows = []
    for key, label in (("silent", f"{n:,} silent websockets"),
                       ("half", f"{n:,} half-open HTTP requests")):
        for when, flags in (("before", "protections off"), ("after", "defaults")):
            r = m[f"{key}_{when}"]
            name = f"{label}, {when} ({flags})"
            rows += [
                row(f"{name}: still open at deadline {deadline:g} s + 1 s",
                    r["open_at_deadline"], None, "connections",
                    "0" if when == "after" else "", met=(r["open_at_deadline"] == 0)
                    if when == "after" else None),
                row(f"{name}: server fds before / during / after",
                    r["fds_after"], None, f"fds (before {r['fds_before']:.0f}, during "
                    f"{r['fds_during']:.0f})", "back to before" if when == "after" else "",
                    met=(r["fds_after"] <= r["fds_before"]) if when == "after" else None),
                row(f"{name}: server RSS after", r["rss_after"], None,
                    f"MiB (before {r['rss_before']:.1f}, during {r['rss_during']:.1f})"),
                *([row(f"{name}: server RSS after a second wave", r["rss_second"], None,
                       "MiB", "freed memory reused: ~ RSS after the first",
                       met=r["rss_second"] <= r["rss_after"] + 0.1 * (
                           r["rss_during"] - r["rss_before"]) + 1)]
                  if r["rss_second"] is not None else []),
                row(f"{name}: a real session's round trip p99 meanwhile", r["real_p99_ms"],
                    None, "ms"),
            ]
            if when == "after" and r["slowest_close"] is not None:
                rows.append(row(f"{name}: slowest close", r["slowest_close"], None, "s",
                                f"<= {deadline + 1:g} s", met=r["slowest_close"] <= deadline + 1))
    duration = s["flood"]
    for when, flags in (("before", "protections off"), ("after", "defaults")):
        r = m[f"flood_{when}"]
        name = (f"flood: {FLOODERS} sessions x {FLOOD_RATE:,} events/s for {duration:g} s, "
                f"{when} ({flags})")
        ratio = r["flood_p99_ms"] / r["idle_p99_ms"]
        rows += [
            row(f"{name}: victim round trip p99 alone", r["idle_p99_ms"], None, "ms"),
            row(f"{name}: victim round trip p99 under the flood", r["flood_p99_ms"], None, "ms"),
            row(f"{name}: p99 under flood / p99 alone", ratio, None, "x",
                "<= 10x" if when == "after" else "", met=ratio <= 10 if when == "after" else None),
            row(f"{name}: victim round trips, every patch in order", r["victim_trips"], None,
                "trips", "all in order", better="higher", met=r["in_order"]),
            row(f"{name}: flooders closed", r["flooders_closed"], None, "sessions",
                f"{FLOODERS}" if when == "after" and duration > 20 else "", better="higher",
                met=r["flooders_closed"] == FLOODERS if when == "after" and duration > 20
                else None),
            row(f"{name}: flooders throttled (log lines)", r["throttled"], None, "sessions"),
            *([row(f"{name}: flood time until the last flooder was closed",
                   r["closed_after_s"][-1], None, "s")] if r["closed_after_s"] else []),
        ]
    return rows


if __name__ == "__main__":
    print_table(run())
