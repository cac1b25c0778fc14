"""The limits' arithmetic on explicit times: budgets, pacing, connections per address."""

from __future__ import annotations

import socket
import time

import pytest

import panel_state as pn
from panel_state.server.config import ServerConfig
from panel_state.server.limits import AddressCounter, EventBudget
from panel_state.server.loader import make_app
from panel_state.server.pacing import BACKLOG_BYTES, BACKLOG_SHARE, Pace, Pacer, pending_bytes


def test_event_budget_lets_a_burst_through_then_paces_at_the_rate():
    budget = EventBudget(rate=100, burst=50, now=0.0)
    waits = [budget.take(0.0) for _ in range(50)]
    assert waits == [0.0] * 50  # a burst of `burst` messages passes at once
    assert budget.take(0.0) == pytest.approx(0.01)  # then one per 1/rate seconds
    assert budget.throttled_since == 0.0
    # Read again after the wait: exactly one token came back, spent at once.
    assert budget.take(0.01) == pytest.approx(0.01)
    assert budget.throttled_for(0.5) == pytest.approx(0.5)


def test_event_budget_refills_over_time_and_never_beyond_the_burst():
    budget = EventBudget(rate=10, burst=5, now=0.0)
    for _ in range(5):
        budget.take(0.0)
    assert budget.take(0.2) == 0.0  # 2 tokens came back in 0.2 s
    assert budget.take(0.2) == 0.0
    assert budget.take(0.2) > 0
    budget = EventBudget(rate=10, burst=5, now=0.0)
    for _ in range(6):
        budget.take(3600.0)  # an hour idle refills to the burst, not 36,000
    assert budget.take(3600.0) > 0


def test_event_budget_run_over_budget_ends_once_a_second_s_worth_refilled():
    budget = EventBudget(rate=10, burst=10, now=0.0)
    for _ in range(11):
        budget.take(0.0)
    assert budget.throttled_since == 0.0
    # A flooder read a little late (3 tokens back) is still over budget: same run.
    budget.take(0.3)
    budget.take(0.3)
    assert budget.throttled_since == 0.0
    # A client that paused long enough for half the bucket starts afresh.
    assert budget.take(2.0) == 0.0
    assert budget.throttled_since is None and budget.throttled_for(2.0) == 0.0


def test_event_budget_rate_zero_is_no_budget():
    budget = EventBudget(rate=0, burst=1, now=0.0)
    assert all(budget.take(0.0) == 0.0 for _ in range(10_000))
    assert budget.throttled_since is None


def test_address_counter_caps_each_address_alone():
    counter = AddressCounter(cap=2)
    assert counter.acquire("10.0.0.1") and counter.acquire("10.0.0.1")
    assert not counter.acquire("10.0.0.1")
    assert counter.acquire("10.0.0.2")  # another address has its own count
    assert counter.acquire("10.0.0.1", force=True)  # an upgraded connection moves over
    assert counter.count("10.0.0.1") == 3
    for _ in range(3):
        counter.release("10.0.0.1")
    assert counter.count("10.0.0.1") == 0 and "10.0.0.1" not in counter.counts
    counter.release("10.0.0.9")  # releasing an unknown address changes nothing
    assert dict(counter.counts) == {"10.0.0.2": 1}


def test_address_counter_cap_zero_allows_any_number():
    counter = AddressCounter(cap=0)
    assert all(counter.acquire("127.0.0.1") for _ in range(5000))


# -- pacing ---------------------------------------------------------------------------------


def pacer(**settings):
    cfg = ServerConfig(apps={"/": make_app(lambda: "hi")}, **settings)
    return Pacer(cfg, now=0.0)


def test_pacer_charges_queued_messages_only():
    p = pacer(event_rate=10, event_burst=2, message_batch=0)
    # A client that waits for each answer is never charged, however fast.
    assert all(p.after("event", 0.001, False, 0, 0.0) == Pace() for _ in range(1000))
    assert p.after("event", 0.001, True, 0, 0.0) == Pace()
    assert p.after("event", 0.001, True, 0, 0.0) == Pace()
    assert p.after("event", 0.001, True, 0, 0.0) == Pace(wait=pytest.approx(0.1),
                                                          throttled=True)
    assert p.after("ping", 0.0, True, 0, 0.0) == Pace()  # pings are never charged


def test_pacer_yields_after_each_batch():
    p = pacer(event_rate=0, message_batch=3)
    paces = [p.after("event", 0.001, True, 0, 0.0) for _ in range(6)]
    assert paces == [Pace(), Pace(), Pace(wait=0.0)] * 2


def test_pacer_backlog_is_a_flood_paced_to_a_share_of_the_loop():
    p = pacer(event_rate=1000, event_burst=1000, flood_timeout=5)
    big = BACKLOG_BYTES + 1
    first = p.after("event", 0.002, False, big, 0.0)  # tokens left, but 32 KiB queued
    assert first.throttled and first.wait == pytest.approx(0.002 * (1 / BACKLOG_SHARE - 1))
    assert p.after("event", 0.002, True, big, 4.9).flooding is None
    assert p.after("event", 0.002, True, big, 5.0) == Pace(flooding=5.0)
    calm = pacer(event_rate=1000, event_burst=1000)
    assert calm.after("event", 0.002, False, BACKLOG_BYTES, 0.0) == Pace(wait=0.0)


def test_pacer_flood_needs_the_budget_exceeded_without_a_break():
    p = pacer(event_rate=10, event_burst=10, flood_timeout=2, message_batch=0)
    for _ in range(11):
        p.after("event", 0.0, True, 0, 0.0)
    assert p.budget.throttled_since == 0.0
    assert p.after("event", 0.0, True, 0, 1.9).flooding is None
    # It paused long enough to earn a second's worth back: a fresh start, not a flood.
    assert p.after("event", 0.0, True, 0, 3.5) == Pace()
    assert p.budget.throttled_since is None


def test_pending_bytes_reads_what_the_kernel_holds():
    a, b = socket.socketpair()
    try:
        assert pending_bytes(a) == 0
        b.sendall(b"x" * 1000)
        assert pending_bytes(a) == 1000
        a.recv(600)
        assert pending_bytes(a) == 400
    finally:
        a.close()
        b.close()
    assert pending_bytes(None) == 0 and pending_bytes(a) == 0  # closed: unknown, 0


async def test_a_client_waiting_for_each_answer_is_never_throttled(serve, open_client):
    def echo():
        slider = pn.widgets.IntSlider(name="n", start=0, end=10_000)
        return pn.Column(slider, pn.bind(lambda n: f"n={n}", slider))

    server = serve(echo, event_rate=50, event_burst=10, flood_timeout=0.5)
    tab = await open_client(server.url)
    slider, started = tab.find("IntSlider"), time.monotonic()
    for value in range(1, 301):  # far over 50/s, one at a time
        await tab.event(slider, "value", value)
        await tab.wait_for(lambda t, v=value: t.props(t.find("Markdown"))["html"]
                           == f"<p>n={v}</p>\n")
    assert 300 / (time.monotonic() - started) > 50
    assert server.counters.get("throttled", 0) == 0 and len(server.sessions) == 1
