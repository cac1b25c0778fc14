"""PeriodicCallback: timing on virtual time, lifecycle, errors, busy, and two real-time runs."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
import weakref
from functools import partial

import param
import pytest

import panel_state as pn
from panel_state import loops
from panel_state import periodic as callbacks_module
from panel_state.session import Session
from panel_state.testing import session, virtual_clock, wait_until
from panel_state.viewable import Viewable


class Switch(Viewable):
    """A stand-in for a Toggle widget: any Parameterized with a Boolean ``value``."""

    value = param.Boolean(default=True)


class Recorder:
    """A callback that records the virtual time and ``counter`` of each run."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.times: list[float] = []
        self.counters: list[int] = []
        self.cb: pn.PeriodicCallback | None = None

    def __call__(self) -> None:
        self.times.append(round(self.clock.monotonic(), 6))
        if self.cb is not None:
            self.counters.append(self.cb.counter)


def recorded(clock, **params) -> tuple[pn.PeriodicCallback, Recorder]:
    rec = Recorder(clock)
    cb = pn.PeriodicCallback(callback=rec, **params)
    rec.cb = cb
    return cb, rec


# -- parameters ------------------------------------------------------------------------------


def test_periodic_callback_defaults():
    cb = pn.PeriodicCallback(callback=lambda: None)
    assert (cb.period, cb.count, cb.counter, cb.timeout, cb.running, cb.log) == (
        500, None, 0, None, False, True)
    assert "period=500" in repr(cb) and "running=False" in repr(cb)


def test_periodic_callback_rejects_non_positive_period():
    with pytest.raises(ValueError, match="period"):
        pn.PeriodicCallback(callback=lambda: None, period=0)


# -- timing ------------------------------------------------------------------------------------


def test_periodic_callback_first_run_one_period_after_start():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=200)
        cb.start()
        clock.advance(0.199)
        assert rec.times == []
        clock.advance(0.002)
        assert rec.times == [0.2]
        cb.stop()


def test_periodic_callback_runs_on_a_fixed_grid():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=250)
        clock.advance(1.3)
        cb.start()
        clock.advance(1.1)
        assert rec.times == [1.55, 1.8, 2.05, 2.3]
        cb.stop()


def test_periodic_callback_counter_is_the_one_based_run_index_during_the_call():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100)
        cb.start()
        clock.advance(0.35)
        assert rec.counters == [1, 2, 3]
        assert cb.counter == 3
        cb.stop()
        assert cb.counter == 3  # stop keeps the number of runs


def test_periodic_callback_count_stops_and_keeps_counter_until_next_start():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100, count=3)
        cb.start()
        clock.advance(1)
        assert rec.counters == [1, 2, 3]
        assert cb.running is False
        assert cb.counter == 3
        cb.start()
        assert cb.counter == 0
        clock.advance(1)
        assert rec.counters == [1, 2, 3, 1, 2, 3]
        assert rec.times[3] == pytest.approx(1.1)  # one period after the second start
        assert not cb.running


def test_periodic_callback_count_zero_never_runs():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100, count=0)
        cb.start()
        clock.advance(1)
        assert rec.times == []
        assert cb.running is False
        assert cb.counter == 0


def test_periodic_callback_timeout_5000_with_period_200():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=200, timeout=5000)
        cb.start()
        clock.advance(4.9)
        assert cb.running and cb.counter == 24
        clock.advance(10)
        assert cb.running is False
        assert cb.counter == 25
        assert max(rec.times) <= 5.0  # no run starts after the timeout


def test_periodic_callback_timeout_and_count_together_stop_at_the_first_reached():
    with virtual_clock() as clock:
        cb, _ = recorded(clock, period=100, timeout=5000, count=4)
        cb.start()
        clock.advance(10)
        assert (cb.counter, cb.running) == (4, False)
        cb2, _ = recorded(clock, period=100, timeout=250, count=10)
        cb2.start()
        clock.advance(10)
        assert (cb2.counter, cb2.running) == (2, False)


def test_periodic_callback_timeout_stops_after_an_async_run_that_ends_early():
    with virtual_clock() as clock:
        async def short():
            await asyncio.sleep(0.01)

        cb = pn.PeriodicCallback(callback=short, period=100, timeout=250)
        cb.start()
        clock.advance(2)
        assert cb.counter == 2
        assert cb.running is False
        assert callbacks_module.running_callbacks() == []


def test_periodic_callback_count_reached_during_an_async_run_stops_when_it_ends():
    with virtual_clock() as clock:
        finished = []

        async def slow():
            await asyncio.sleep(0.15)
            finished.append(clock.monotonic())

        cb = pn.PeriodicCallback(callback=slow, period=100, count=1)
        cb.start()
        clock.advance(0.2)
        assert cb.running is True  # the last run is still going
        clock.advance(0.1)
        assert finished == [pytest.approx(0.25)]
        assert cb.running is False and cb.counter == 1


def test_periodic_callback_async_runs_are_awaited_and_never_overlap():
    with virtual_clock() as clock:
        active, peak, starts = [0], [0], []

        async def slow():
            starts.append(round(clock.monotonic(), 6))
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            await asyncio.sleep(0.25)
            active[0] -= 1

        cb = pn.PeriodicCallback(callback=slow, period=100)
        cb.start()
        clock.advance(1.05)
        cb.stop()
        clock.advance(1)
        assert peak[0] == 1
        # Runs due while one is going are skipped; the grid is kept.
        assert starts == [0.1, 0.4, 0.7, 1.0]
        assert cb.counter == 4


def test_periodic_callback_restart_waits_for_the_run_still_going():
    with virtual_clock() as clock:
        active, peak = [0], [0]

        async def slow():
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            await asyncio.sleep(0.5)
            active[0] -= 1

        cb = pn.PeriodicCallback(callback=slow, period=100)
        cb.start()
        clock.advance(0.15)
        cb.stop()
        cb.start()
        clock.advance(1)
        cb.stop()
        clock.advance(1)
        assert peak[0] == 1


def test_periodic_callback_stalled_loop_coalesces_missed_runs():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100)
        cb.start()
        clock.advance(0.15)
        clock.stall(0.52)  # the loop is blocked from 0.15 to 0.67
        clock.advance(0.2)
        assert rec.times == [0.1, 0.67, 0.7, 0.8]
        cb.stop()


def test_periodic_callback_period_change_keeps_count_budget():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100, count=5)
        cb.start()
        clock.advance(0.35)
        cb.period = 200
        clock.advance(2)
        assert rec.counters == [1, 2, 3, 4, 5]
        assert rec.times == [0.1, 0.2, 0.3, 0.5, 0.7]  # one new period after the last run
        assert cb.running is False


def test_periodic_callback_period_change_keeps_timeout_deadline():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100, timeout=1000)
        cb.start()
        clock.advance(0.35)
        cb.period = 300
        clock.advance(3)
        assert rec.times == [0.1, 0.2, 0.3, 0.6, 0.9]
        assert cb.running is False


def test_periodic_callback_period_change_while_stopped_only_stores_it():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100)
        cb.period = 300
        clock.advance(1)
        assert rec.times == [] and not cb.running
        cb.start()
        clock.advance(0.7)
        assert rec.times == [1.3, 1.6]
        cb.stop()


def test_periodic_callback_period_change_before_the_loop_runs():
    with virtual_clock() as clock:
        clock.advance(5)
        cb, rec = recorded(clock, period=100, timeout=1000)
        cb.start()
        cb.period = 300
        clock.advance(2)
        assert rec.times == [5.3, 5.6, 5.9]


def test_periodic_callback_callbacks_sharing_a_period_keep_their_order():
    with virtual_clock() as clock:
        order = []
        cbs = [pn.PeriodicCallback(callback=partial(order.append, i), period=100)
               for i in range(50)]
        for cb in cbs:
            cb.start()
        clock.advance(0.35)
        assert order == list(range(50)) * 3
        for cb in cbs:
            cb.stop()


def test_periodic_callback_many_callbacks_arm_one_timer():
    with virtual_clock() as clock:
        cbs = [pn.PeriodicCallback(callback=lambda: None, period=100 + i) for i in range(200)]
        for cb in cbs:
            cb.start()
        def armed():
            return [h for h in clock.loop._scheduled if not h.cancelled()]

        assert len(armed()) == 1
        clock.advance(0.5)
        assert len(armed()) == 1
        assert len(clock.loop._scheduled) < 10  # re-armed once per firing, not per callback
        # Deadlines within SLACK (1 ms) of a firing run together with it.
        assert [cb.counter for cb in cbs] == [501 // cb.period for cb in cbs]
        for cb in cbs:
            cb.stop()


# -- start / stop / running ------------------------------------------------------------------


def test_periodic_callback_start_twice_raises():
    with virtual_clock():
        cb = pn.PeriodicCallback(callback=lambda: None, period=100)
        cb.start()
        with pytest.raises(RuntimeError, match=r"already started; call stop\(\) before start\(\)"):
            cb.start()
        cb.stop()


def in_thread(fn):
    """Run ``fn()`` on a new thread (no loop there, and not the main thread)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(fn())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, name="panel_state-test-worker")
    worker.start()
    worker.join(5)
    return outcome[0]


def test_periodic_callback_start_without_a_loop_off_the_main_thread_raises_and_stays_stopped():
    cb = pn.PeriodicCallback(callback=lambda: None, period=100)
    error = in_thread(cb.start)
    assert isinstance(error, RuntimeError)
    assert "found no event loop to run on: start it inside a session" in str(error)
    assert cb.running is False

    def set_running() -> None:
        cb.running = True

    assert "found no event loop" in str(in_thread(set_running))
    assert cb.running is False
    assert loops.pending() == []


def test_periodic_callback_started_in_the_main_thread_before_any_loop_waits_for_a_server():
    runs: list[int] = []
    cb = pn.state.add_periodic_callback(lambda: runs.append(1), period=10)
    assert cb.running is True and cb.loop is None
    assert loops.pending() == [cb._what()]
    server = pn.serve(lambda: pn.pane.Str("x"), threaded=True)
    try:
        wait_until(lambda: len(runs) >= 3)
        assert cb.loop is server.loop and loops.pending() == []
    finally:
        server.stop()
    assert cb.running is False  # it stops with the server that started it


def test_periodic_callback_stopped_before_the_server_starts_never_runs():
    runs: list[int] = []
    cb = pn.state.add_periodic_callback(lambda: runs.append(1), period=10)
    cb.running = False
    server = pn.serve(lambda: pn.pane.Str("x"), threaded=True)
    try:
        assert server.loop is not None
        ran = asyncio.run_coroutine_threadsafe(asyncio.sleep(0.05), server.loop)
        ran.result(5)
        assert runs == [] and cb.running is False and cb.loop is None
    finally:
        server.stop()


def test_periodic_callback_start_without_callback_raises():
    with virtual_clock():
        cb = pn.PeriodicCallback(period=100)
        with pytest.raises(ValueError, match=r"needs a callback, got None"):
            cb.start()
        assert cb.running is False


def test_periodic_callback_started_before_the_loop_runs_starts_when_it_does():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100)
        cb.start()  # the virtual loop is not running between advances
        assert cb.running is True
        clock.advance(0.25)
        assert rec.times == [0.1, 0.2]
        cb.stop()


def test_periodic_callback_stop_is_harmless_when_stopped():
    cb = pn.PeriodicCallback(callback=lambda: None)
    cb.stop()
    cb.stop()
    assert cb.running is False


def test_periodic_callback_running_param_starts_and_stops():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100)
        cb.running = True
        clock.advance(0.25)
        cb.running = False
        clock.advance(1)
        assert rec.times == [0.1, 0.2]
        cb.running = True
        assert cb.counter == 0
        clock.advance(0.15)
        assert len(rec.times) == 3
        cb.running = False


def test_periodic_callback_running_true_in_constructor_starts_it():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100, running=True)
        assert cb.running is True
        clock.advance(0.25)
        assert rec.times == [0.1, 0.2]
        cb.stop()


def test_periodic_callback_toggle_link_drives_running_both_ways():
    with virtual_clock() as clock:
        cb, rec = recorded(clock, period=100, count=5)
        toggle = Switch(value=False)
        toggle.link(cb, bidirectional=True, value="running")
        toggle.value = True
        assert cb.running is True
        clock.advance(0.25)
        toggle.value = False
        assert cb.running is False
        clock.advance(1)
        assert rec.counters == [1, 2]
        cb.start()
        assert toggle.value is True
        clock.advance(1)  # count reached: auto-stop shows on the toggle
        assert cb.running is False
        assert toggle.value is False
        assert cb.counter == 5


def test_periodic_callback_seed_toggle_snippet():
    with virtual_clock() as clock:
        cb = pn.state.add_periodic_callback(lambda: None, 200)
        toggle = Switch(name="Toggle callback", value=True)
        toggle.link(cb, bidirectional=True, value="running")
        clock.advance(0.5)
        assert cb.counter == 2
        toggle.value = False
        assert not cb.running
        toggle.value = True
        clock.advance(0.5)
        assert cb.running and cb.counter == 2
        cb.stop()
        assert toggle.value is False


def test_periodic_callback_seed_timeout_snippet_in_a_served_app():
    """``add_periodic_callback(partial(update, source), 200, timeout=5000)`` in an app."""
    with virtual_clock() as clock:
        updates = []

        def update(source):
            source.append(len(updates))
            updates.append(clock.monotonic())

        def panel_app():
            source: list[int] = []
            cb = pn.state.add_periodic_callback(partial(update, source), 200, timeout=5000)
            return source, cb

        with session() as s:
            source, cb = panel_app()
            assert cb in s._periodic
            clock.advance(6)
            assert cb.running is False
            assert cb.counter == 25 == len(source)
            assert max(updates) <= 5.0


def test_add_periodic_callback_start_false_leaves_it_stopped():
    with virtual_clock() as clock:
        cb = pn.state.add_periodic_callback(lambda: None, period=100, count=2, start=False)
        clock.advance(1)
        assert (cb.running, cb.counter, cb.count) == (False, 0, 2)
        cb.start()
        clock.advance(1)
        assert (cb.running, cb.counter) == (False, 2)


def test_periodic_callback_stopped_is_not_kept_alive_by_the_timer():
    with virtual_clock() as clock:
        cb = pn.PeriodicCallback(callback=lambda: None, period=3_600_000)
        cb.start()
        clock.advance(1)
        cb.stop()
        ref = weakref.ref(cb)
        del cb
        gc.collect()
        assert ref() is None


def test_periodic_callback_timers_do_not_keep_a_closed_loop_alive():
    with virtual_clock() as clock:
        cb = pn.PeriodicCallback(callback=lambda: None, period=100)
        cb.start()
        clock.advance(0.25)
        loop_ref = weakref.ref(clock.loop)
    del clock
    gc.collect()
    assert loop_ref() is None


# -- errors -----------------------------------------------------------------------------------


def test_periodic_callback_exception_is_logged_handled_and_it_keeps_running(errors, caplog):
    with virtual_clock() as clock:
        def flaky():
            if cb.counter == 2:
                raise ValueError("second run fails")

        cb = pn.PeriodicCallback(callback=flaky, period=100, count=4)
        cb.start()
        clock.advance(1)
        assert cb.counter == 4
        assert cb.running is False
    assert [str(e) for e in errors] == ["second run fails"]
    record = next(r for r in caplog.records if r.name == "panel_state.errors")
    assert record.levelno == logging.ERROR
    assert "periodic callback" in record.getMessage() and "flaky" in record.getMessage()
    assert record.exc_info is not None


def test_periodic_callback_async_exception_is_handled_and_it_keeps_running(errors):
    with virtual_clock() as clock:
        async def boom():
            await asyncio.sleep(0.01)
            raise RuntimeError(f"async run {cb.counter}")

        cb = pn.PeriodicCallback(callback=boom, period=100, count=3)
        cb.start()
        clock.advance(1)
        assert cb.counter == 3 and not cb.running
    assert [str(e) for e in errors] == ["async run 1", "async run 2", "async run 3"]


def test_periodic_callback_exception_in_a_session_names_the_session(errors, caplog):
    with virtual_clock() as clock, session() as s:
        cb = pn.state.add_periodic_callback(lambda: 1 / 0, period=100)
        clock.advance(0.25)
        assert cb.running and cb.counter == 2
    assert len(errors) == 2 and all(isinstance(e, ZeroDivisionError) for e in errors)
    assert f"in session {s.id[:8]}" in caplog.records[0].getMessage()


def test_periodic_callback_library_failure_does_not_stop_other_callbacks(errors):
    def bad_watcher(event):
        if event.new:
            raise RuntimeError("watcher failed")

    with virtual_clock() as clock, session() as s:
        s.param.watch(bad_watcher, "busy")
        broken = pn.state.add_periodic_callback(lambda: None, period=100)
        other = Session("http://localhost/other")
        with other.activate():
            healthy = pn.state.add_periodic_callback(lambda: None, period=100)
        clock.advance(0.35)
        assert healthy.counter == 3
        assert broken.running
        other.destroy()
    assert errors and all(str(e) == "watcher failed" for e in errors)


# -- sessions and busy ---------------------------------------------------------------------


def test_periodic_callback_runs_with_its_session_active():
    with virtual_clock() as clock:
        seen = []
        plain = pn.PeriodicCallback(callback=lambda: seen.append(("plain", pn.state.curdoc)),
                                    period=100, count=1)
        with session() as s:
            pn.state.add_periodic_callback(lambda: seen.append(("state", pn.state.curdoc)),
                                           period=100, count=1)
            plain.start()  # a plain start() inside a session belongs to that session too
            clock.advance(0.15)
        assert sorted(seen, key=lambda x: x[0]) == [("plain", s), ("state", s)]
        seen.clear()
        plain.start()
        clock.advance(0.15)
        assert seen == [("plain", None)]


def test_periodic_callback_stops_when_its_session_is_destroyed():
    with virtual_clock() as clock:
        with session() as s:
            via_state = pn.state.add_periodic_callback(lambda: None, period=100)
            direct = pn.PeriodicCallback(callback=lambda: None, period=100)
            direct.start()
            clock.advance(0.25)
        assert s.phase == "destroyed"
        assert (via_state.running, direct.running) == (False, False)
        clock.advance(1)
        assert (via_state.counter, direct.counter) == (2, 2)


def test_periodic_callback_session_destroyed_between_ticks_stops_it():
    with virtual_clock() as clock:
        s = Session("http://localhost/app")
        with s.activate():
            cb = pn.state.add_periodic_callback(lambda: None, period=100)
        clock.advance(0.15)
        s._periodic.clear()  # even if the session forgot it, the tick notices
        s.destroy()
        clock.advance(0.5)
        assert cb.running is False and cb.counter == 1


def test_periodic_callback_busy_only_for_its_own_session(errors):
    with virtual_clock() as clock, session() as s1:
        other = Session("http://localhost/other")
        seen = []

        def tick():
            seen.append((s1.busy, other.busy, pn.state.busy))
            if len(seen) == 2:
                raise RuntimeError("tick 2 fails")

        with other.activate():
            other_cb = pn.state.add_periodic_callback(
                lambda: seen.append(("other", s1.busy, other.busy)), period=1000)
        cb = pn.state.add_periodic_callback(tick, period=100)
        clock.advance(0.35)
        assert seen == [(True, False, True)] * 3
        assert s1.busy is False and other.busy is False
        assert pn.state.process_busy is False
        clock.advance(0.7)
        assert ("other", False, True) in seen
        cb.stop()
        other_cb.stop()
        other.destroy()
    assert [str(e) for e in errors] == ["tick 2 fails"]


def test_periodic_callback_busy_covers_an_async_run_until_it_ends():
    with virtual_clock() as clock, session() as s:
        async def slow():
            await asyncio.sleep(0.3)

        changes = []
        s.param.watch(lambda e: changes.append((round(clock.monotonic(), 6), e.new)), "busy")
        cb = pn.state.add_periodic_callback(slow, period=100, count=1)
        clock.advance(1)
        assert changes == [(0.1, True), (0.4, False)]
        assert not cb.running


def test_periodic_callback_outside_a_session_counts_toward_process_busy():
    with virtual_clock() as clock:
        seen = []
        cb = pn.PeriodicCallback(
            callback=lambda: seen.append((pn.state.busy, pn.state.process_busy)),
            period=100, count=1)
        cb.start()
        clock.advance(0.2)
        assert seen == [(True, True)]
        assert pn.state.busy is False and pn.state.process_busy is False


# -- threads and logging -------------------------------------------------------------------


def test_periodic_callback_sync_runs_on_the_pool_when_nthreads_is_set(errors):
    pn.config.nthreads = 2
    with virtual_clock() as clock, session() as s:
        seen = []

        def work():
            seen.append((threading.current_thread().name, pn.state.curdoc, pn.state.busy))
            if len(seen) == 2:
                raise KeyError("threaded failure")

        cb = pn.state.add_periodic_callback(work, period=100, count=3)
        clock.advance(0.55)
        assert [name.startswith("panel_state") for name, _, _ in seen] == [True] * 3
        assert all(doc is s and busy for _, doc, busy in seen)
        assert cb.counter == 3 and not cb.running
        assert s.busy is False
    assert [type(e) for e in errors] == [KeyError]


def test_periodic_callback_log_param_controls_debug_lines(caplog):
    caplog.set_level(logging.DEBUG, logger="panel_state.periodic")
    with virtual_clock() as clock:
        def quiet_job():
            pass

        def loud_job():
            pass

        quiet = pn.PeriodicCallback(callback=quiet_job, period=100, count=2, log=False)
        loud = pn.PeriodicCallback(callback=loud_job, period=100, count=2)
        quiet.start()
        loud.start()
        clock.advance(1)
    messages = [r.getMessage() for r in caplog.records]
    assert any("loud_job run 2" in m for m in messages)
    assert not any("quiet_job" in m for m in messages)


# -- real time (few, tiny periods) ------------------------------------------------------------


@pytest.mark.slow
async def test_periodic_callback_on_a_real_asyncio_loop():
    stamps: list[float] = []
    started = time.monotonic()
    cb = pn.PeriodicCallback(callback=lambda: stamps.append(time.monotonic()), period=20,
                             count=3)
    cb.start()
    while cb.running and time.monotonic() - started < 5:
        await asyncio.sleep(0.005)
    assert cb.running is False and cb.counter == 3 and len(stamps) == 3
    assert stamps[0] - started >= 0.02  # the first run is one period after start
    assert stamps[2] - started >= 0.06
    assert stamps[2] - started < 2.0


@pytest.mark.slow
def test_periodic_callback_threaded_on_a_served_loop_never_overlaps():
    pn.config.nthreads = 2
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-loop")
    thread.start()
    try:
        active, peak, names = [0], [0], []
        lock = threading.Lock()

        def work():
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                names.append(threading.current_thread().name)
            time.sleep(0.03)
            with lock:
                active[0] -= 1

        loops.set_default_loop(loop)
        started = time.monotonic()
        cb = pn.PeriodicCallback(callback=work, period=10, count=4)
        cb.start()  # from this thread, onto the loop running in the other one
        wait_until(lambda: not cb.running, timeout=5, message="callback did not finish")
        elapsed = time.monotonic() - started
        assert cb.counter == 4
        assert peak[0] == 1
        assert all(n.startswith("panel_state") and n != thread.name for n in names)
        assert elapsed >= 4 * 0.03  # four non-overlapping 30 ms runs
        assert elapsed < 3.0
    finally:
        loops.set_default_loop(None)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(2)
        loop.close()
