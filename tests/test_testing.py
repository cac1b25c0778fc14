"""panel_state.testing (virtual clock, in-process sessions, wait_until) and the shared fixtures."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from pathlib import Path

import pytest

import panel_state as pn
from panel_state import execution, loops, scheduling
from panel_state.errors import handle_exception
from panel_state.periodic import running_callbacks
from panel_state.session import live_sessions
from panel_state.tasks import scheduled_tasks
from panel_state.testing import load, session, virtual_clock, wait_until

pytest_plugins = ["pytester"]

UTC = dt.UTC
START = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


# -- virtual_clock ------------------------------------------------------------------------------


def test_virtual_clock_installs_and_restores_clock_and_loop():
    before_clock = scheduling.clock()
    assert loops.default_loop() is None
    with virtual_clock(start=START) as clock:
        assert scheduling.clock() is clock
        assert loops.default_loop() is clock.loop
        assert clock.now() == START
    assert scheduling.clock() is before_clock
    assert loops.default_loop() is None
    assert clock.loop.is_closed()


def test_virtual_clock_naive_start_is_in_its_timezone():
    plus2 = dt.timezone(dt.timedelta(hours=2))
    with virtual_clock(start=dt.datetime(2026, 11, 23, 11, 30), tz=plus2) as clock:
        assert clock.now() == START
        assert clock.now().tzinfo is UTC
        assert clock.local_tz() is plus2


def test_virtual_clock_defaults_to_the_real_now_in_utc():
    with virtual_clock() as clock:
        assert abs(clock.now() - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)
        assert clock.local_tz() is UTC


def test_virtual_clock_advance_moves_time_exactly_and_quickly():
    started = time.perf_counter()
    with virtual_clock(start=START) as clock:
        clock.advance(1.5)
        assert clock.monotonic() == 1.5
        clock.advance(minutes=1, hours=1)
        clock.advance(days=1, weeks=1)
        assert clock.now() == START + dt.timedelta(weeks=1, days=1, hours=1, minutes=1,
                                                   seconds=1.5)
    assert time.perf_counter() - started < 1.0


def test_virtual_clock_advance_rejects_negative_amounts():
    with virtual_clock() as clock:
        with pytest.raises(ValueError, match=r"advance needs a non-negative amount, got -1"):
            clock.advance(-1)
        with pytest.raises(ValueError, match=r"stall needs a non-negative amount, got -60"):
            clock.stall(minutes=-1)
        assert clock.monotonic() == 0


def test_virtual_clock_fires_timers_in_order_exactly_on_time():
    with virtual_clock() as clock:
        fired = []
        for delay in (0.3, 0.1, 2.0, 0.2):
            clock.loop.call_later(delay, lambda d=delay: fired.append((d, clock.monotonic())))
        clock.advance(1)
        assert fired == [(0.1, 0.1), (0.2, 0.2), (0.3, 0.3)]
        clock.advance(1)
        assert fired[-1] == (2.0, 2.0)


@pytest.mark.timeout(10)
def test_virtual_clock_keeps_firing_timers_after_months_of_virtual_time():
    with virtual_clock() as clock:
        clock.stall(weeks=40)  # past 2**24 s, where float rounding eats a nanosecond
        fired = []
        clock.loop.call_later(1, lambda: fired.append(clock.monotonic()))
        clock.advance(2)
        assert fired == [40 * 604800 + 1]


def test_virtual_clock_stall_moves_time_without_running_anything():
    with virtual_clock() as clock:
        fired = []
        clock.loop.call_later(1, lambda: fired.append(clock.monotonic()))
        clock.stall(5)
        assert fired == [] and clock.monotonic() == 5
        clock.advance(0)
        assert fired == [5]  # the overdue timer fires late, once


def test_virtual_clock_run_returns_the_coroutine_result():
    with virtual_clock() as clock:
        async def work():
            await asyncio.sleep(3600)
            return clock.monotonic()

        assert clock.run(work()) == 3600


def test_virtual_clock_waits_for_thread_pool_work_before_jumping():
    pn.config.nthreads = 1
    with virtual_clock() as clock:
        done = []

        def slow():
            time.sleep(0.05)
            done.append(clock.monotonic())

        async def main():
            await asyncio.wrap_future(execution.submit(slow, session=None, what="slow"))
            await asyncio.sleep(10)
            return clock.monotonic()

        assert clock.run(main()) == 10
        assert done == [0]  # virtual time did not jump while the thread worked


def test_virtual_clock_stops_what_it_started():
    with virtual_clock() as clock:
        cb = pn.state.add_periodic_callback(lambda: None, period=100)
        task = pn.state.schedule_task("left", lambda: None, period="1s")
        clock.advance(1)
    assert cb.running is False and task.scheduled is False
    assert running_callbacks() == [] and scheduled_tasks() == {}


def test_virtual_clock_cancels_pending_coroutines_on_exit():
    cancelled = []
    with virtual_clock() as clock:
        async def forever():
            try:
                await asyncio.sleep(10**6)
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

        clock.loop.create_task(forever())
        clock.advance(1)
    assert cancelled == [True]


async def test_virtual_clock_inside_a_running_loop_raises():
    with pytest.raises(RuntimeError, match=r"virtual_clock\(\) cannot be used inside a running "
                                           r"event loop.*plain \(non-async\) test"):
        with virtual_clock():
            pass
    assert loops.default_loop() is None


def test_virtual_clock_nests_and_restores_the_outer_clock():
    with virtual_clock(start=START) as outer:
        with virtual_clock(start=START + dt.timedelta(days=1)) as inner:
            assert scheduling.clock() is inner
        assert scheduling.clock() is outer
        assert loops.default_loop() is outer.loop
        outer.advance(1)
        assert outer.now() == START + dt.timedelta(seconds=1)


# -- session and load ------------------------------------------------------------------------


def test_session_is_active_in_the_block_and_destroyed_after():
    with session("http://localhost:5006/app?x=1", cookies={"c": "v"},
                 headers={"H": "h"}) as s:
        assert pn.state.curdoc is s
        assert pn.state.session_args == {"x": [b"1"]}
        assert (pn.state.cookies, pn.state.headers) == ({"c": "v"}, {"H": "h"})
        assert s in live_sessions()
    assert s.phase == "destroyed"
    assert pn.state.curdoc is None
    assert live_sessions() == []


def test_session_is_destroyed_even_when_the_block_raises():
    with pytest.raises(KeyError), session() as s:
        raise KeyError("boom")
    assert s.phase == "destroyed"


def test_session_runs_created_hooks_unless_told_not_to():
    created = []
    pn.state.on_session_created(lambda ctx: created.append(ctx))
    with session() as s1:
        pass
    with session(created_hooks=False):
        pass
    assert created == [s1]


def test_session_loaded_runs_the_onload_queue():
    order = []
    pn.state.on_session_created(lambda ctx: pn.state.onload(lambda: order.append("onload")))
    with virtual_clock(), session(loaded=True) as s:
        assert order == ["onload"]
        assert s.loaded is True and pn.state.loaded is True


def test_load_marks_a_session_loaded_on_its_loop():
    with virtual_clock() as clock, session() as s:
        seen = []

        async def fetch():
            await asyncio.sleep(2)
            seen.append((pn.state.loaded, clock.monotonic()))

        pn.state.onload(fetch)
        assert s.loaded is False
        load(s)
        assert seen == [(False, 2)]
        assert s.loaded is True


async def test_load_inside_a_running_loop_raises():
    with session() as s:
        with pytest.raises(RuntimeError, match=r"cannot block inside a running event loop; use "
                                               r"`await session\.load\(\)`"):
            load(s)
        await s.load()
        assert s.loaded is True


# -- wait_until ---------------------------------------------------------------------------------


def test_wait_until_polls_until_the_condition_holds():
    calls = []

    def third_time_lucky() -> bool:
        calls.append(1)
        return len(calls) == 3

    wait_until(third_time_lucky, timeout=5, interval=0.001)
    assert len(calls) == 3


def test_wait_until_raises_after_the_timeout():
    with pytest.raises(AssertionError, match=r"condition not met within 0\.03 s"):
        wait_until(lambda: False, timeout=0.03)
    with pytest.raises(AssertionError, match="the server never answered"):
        wait_until(lambda: False, timeout=0.01, message="the server never answered")


# -- shared fixtures (tests/conftest.py) --------------------------------------------------------


def test_errors_fixture_collects_handled_exceptions(errors, caplog):
    handle_exception(ValueError("first"), "a unit test")
    execution.run(lambda: 1 / 0, what="a failing callback")
    assert [type(e) for e in errors] == [ValueError, ZeroDivisionError]
    assert pn.config.exception_handler is not None
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert messages == ["Error in a unit test: first",
                        "Error in a failing callback: division by zero"]


CONFTEST = Path(__file__).with_name("conftest.py")

LEAKY_TESTS = '''
import asyncio

import pytest

import panel_state as pn
from panel_state import loops
from panel_state.session import Session


def test_clean():
    s = Session("http://localhost/ok")
    s.destroy()


def test_leaks_a_session():
    Session("http://localhost/leaked")


def test_leaks_a_running_callback():
    loop = asyncio.new_event_loop()
    loops.set_default_loop(loop)
    pn.PeriodicCallback(callback=lambda: None, period=100).start()
    loops.set_default_loop(None)
    loop.close()


def test_leaks_a_task():
    loop = asyncio.new_event_loop()
    loops.set_default_loop(loop)
    pn.state.schedule_task("leaked", lambda: None, period="1s")
    loops.set_default_loop(None)
    loop.close()


@pytest.mark.leaks_ok
def test_may_leak_when_marked():
    Session("http://localhost/allowed")


def test_errors_fixture_sets_a_handler(errors):
    assert pn.config.exception_handler is not None


def test_state_is_reset_between_tests():
    assert pn.state.sessions == []
    assert pn.state.tasks == {}
    assert pn.config.exception_handler is None
'''


def test_conftest_fails_tests_that_leak(pytester):
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makeini(
        "[pytest]\n"
        "asyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = function\n"
        "markers =\n    leaks_ok: may leak\n    slow: slow\n"
    )
    pytester.makepyfile(test_leaky=LEAKY_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    # Each leaking test passes its body and then errors in the fixture's teardown.
    result.assert_outcomes(passed=7, errors=3)
    result.stdout.fnmatch_lines([
        "ERROR test_leaky.py::test_leaks_a_session - Failed: Test leaked: 1 live sessi*",
        "ERROR test_leaky.py::test_leaks_a_running_callback - Failed: Test leaked: run*",
        "ERROR test_leaky.py::test_leaks_a_task - Failed: Test leaked: scheduled task(*",
    ])
    assert "Test leaked: scheduled task(s) ['leaked']" in result.stdout.str()
    assert "test_may_leak_when_marked" not in result.stdout.str()
    assert live_sessions() == [] and running_callbacks() == [] and scheduled_tasks() == {}
