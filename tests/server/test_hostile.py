"""Hostile clients, CI sizes: silent websockets, half-open requests, floods.

The long forms and the before/after figures are ``python -m benchmarks --only
hostile``; both use :mod:`benchmarks._hostile`. The server is a real ``panel-state
serve`` child process (its RSS and file descriptors are its own); the attackers run
here, the flooders in a process of their own.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._hostile import (  # noqa: E402
    closed_times,
    flood_results,
    half_open_requests,
    hostile_server,
    round_trips,
    silent_websockets,
    start_flood,
)

pytestmark = pytest.mark.slow


async def _settled_fds(server, baseline: int, timeout: float = 3.0) -> int:
    """The server's descriptor count once it is back at ``baseline`` (or the timeout)."""
    deadline = time.monotonic() + timeout
    while (fds := server.stats()["fds"]) > baseline and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return int(fds)


async def _holds(server, count: float, timeout: float = 3.0) -> bool:
    """Whether the server holds ``count`` descriptors (its accept queue drained)."""
    deadline = time.monotonic() + timeout
    while server.stats()["fds"] < count and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return bool(server.stats()["fds"] >= count)


def _in_order(result: dict) -> bool:
    first = result["first"]
    return result["seen"] == list(range(first, first + len(result["times"])))


async def test_hostile_silent_websockets_closed_within_the_hello_deadline():
    """200 websockets that never say hello: all closed within 1 s + 1 s, the server's
    descriptors back to the baseline and its RSS near it, a real session unaffected."""
    deadline = 1.0
    with hostile_server("--websocket-hello-timeout", str(deadline)) as server:
        await round_trips(server.url, count=20)  # warm: imports, first session, caches
        before = await server.steady_stats()
        held = await silent_websockets(server.host, server.port, 200)
        assert await _holds(server, before["fds"] + 200)  # the server really held them
        during = server.stats()
        real = await round_trips(server.url, count=50)  # a real tab meanwhile
        assert len(real["times"]) == 50 and _in_order(real)
        closed = await closed_times(held, timeout=deadline + 5)
        assert None not in closed, f"{closed.count(None)} of 200 still open"
        assert max(closed) <= deadline + 1, max(closed)  # type: ignore[type-var]
        assert min(closed) >= deadline * 0.9  # type: ignore[type-var]
        assert await _settled_fds(server, int(before["fds"])) == before["fds"]
        after = server.stats()
        assert after["rss_mib"] - before["rss_mib"] <= 8, (before, during, after)
        assert "Traceback" not in server.log_text()


async def test_hostile_half_open_requests_closed_within_the_header_deadline():
    """200 connections sending half a request's headers: all closed within 1 s + 1 s."""
    deadline = 1.0
    with hostile_server("--http-header-timeout", str(deadline)) as server:
        await round_trips(server.url, count=5)
        before = await server.steady_stats()
        held = await half_open_requests(server.host, server.port, 200)
        assert await _holds(server, before["fds"] + 200)
        real = await round_trips(server.url, count=20)
        assert _in_order(real)
        closed = await closed_times(held, timeout=deadline + 5)
        assert None not in closed, f"{closed.count(None)} of 200 still open"
        assert deadline * 0.9 <= min(closed) and max(closed) <= deadline + 1  # type: ignore[type-var,operator]
        assert await _settled_fds(server, int(before["fds"])) == before["fds"]


async def test_hostile_flooders_throttled_and_closed_while_a_fifth_gets_every_patch():
    """Four sessions flooding 5,000 events/s each (never reading): throttled, then
    closed with a logged reason (after about 1 s over budget; each floods for at most
    15 s); a fifth session's 150 round trips meanwhile all come back with their own
    value, in order."""
    flags = ("--max-event-rate", "100", "--max-event-burst", "100", "--flood-timeout", "1")
    with hostile_server(*flags) as server:
        flooders = await start_flood(server.url, 4, 15.0, 5000)  # the flood is on
        victim = await round_trips(server.url, count=150)
        results = await flood_results(flooders, timeout=60)
        assert len(victim["times"]) == 150 and _in_order(victim)
        log = server.log_text()
        assert log.count("over its event budget (100 messages/s, bursts of 100)") >= 4
        assert log.count("closed because it sent more than its event budget") == 4, (log, results)
        assert all(r["closed_after"] is not None for r in results), results
        assert "Traceback" not in log
