"""schedule_task / cancel_task and watchable Tasks, on virtual time (plus one real-time run)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import threading
import time
import types

import pytest

import panel_state as pn
from panel_state.session import Session
from panel_state.tasks import Task
from panel_state.testing import session, virtual_clock

UTC = dt.UTC
MONDAY = dt.datetime(2026, 11, 23, tzinfo=UTC)
PLUS2 = dt.timezone(dt.timedelta(hours=2), "UTC+2")
MINUS5 = dt.timezone(dt.timedelta(hours=-5), "UTC-5")


def at(day: int, hour: int = 0, minute: int = 0, second: float = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC) + dt.timedelta(seconds=second)


class Runs:
    """A task callback recording the virtual time of each run."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.times: list[dt.datetime] = []

    def __call__(self) -> None:
        self.times.append(self.clock.now())


# -- the seed examples ------------------------------------------------------------------------


def test_schedule_task_seed_period_example_prints_one_second_apart(capsys):
    with virtual_clock(start=dt.datetime(2023, 3, 3, 21, 20, 6, 633632)) as clock:
        async def task():
            print(f"Task executed at: {clock.now().replace(tzinfo=None)}")

        pn.state.schedule_task("task", task, period="1s")
        clock.advance(3.5)  # `await asyncio.sleep(3)` and a little
        pn.state.cancel_task("task")
    assert capsys.readouterr().out.splitlines() == [
        "Task executed at: 2023-03-03 21:20:06.633632",
        "Task executed at: 2023-03-03 21:20:07.633632",
        "Task executed at: 2023-03-03 21:20:08.633632",
        "Task executed at: 2023-03-03 21:20:09.633632",
    ]


def test_schedule_task_seed_cron_example_mondays_and_fridays_at_0402():
    started = time.perf_counter()
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        task = pn.state.schedule_task("task", runs, cron="2 4 * * mon,fri")
        assert task.next_run == at(23, 4, 2)
        clock.advance(weeks=2)
        assert task.next_run == at(23, 4, 2) + dt.timedelta(days=14)
        pn.state.cancel_task("task")
    assert runs.times == [at(23, 4, 2), at(27, 4, 2), at(30, 4, 2),
                          dt.datetime(2026, 12, 4, 4, 2, tzinfo=UTC)]
    assert time.perf_counter() - started < 1.0  # two weeks of virtual time


@pytest.mark.timeout(20)
def test_schedule_task_cron_over_a_year_of_virtual_time():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("year", runs, cron="2 4 * * mon,fri")
        clock.advance(weeks=52)
        pn.state.cancel_task("year")
    assert len(runs.times) == 104
    assert {t.strftime("%a %H:%M") for t in runs.times} == {"Mon 04:02", "Fri 04:02"}


# -- when it runs -------------------------------------------------------------------------------


def test_schedule_task_without_time_spec_runs_once_now():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        task = pn.state.schedule_task("now", runs)
        assert task.next_run == MONDAY
        clock.advance(0)
        assert runs.times == [MONDAY]
        clock.advance(days=1)
        assert runs.times == [MONDAY]
        assert task.scheduled is False and task.next_run is None
        assert "now" not in pn.state.tasks


@pytest.mark.parametrize(
    ("period", "step"),
    [("1s", dt.timedelta(seconds=1)), ("5m", dt.timedelta(minutes=5)),
     ("1h30m", dt.timedelta(hours=1, minutes=30)), ("2d", dt.timedelta(days=2)),
     ("1w", dt.timedelta(weeks=1)), (dt.timedelta(minutes=7), dt.timedelta(minutes=7)),
     (90, dt.timedelta(seconds=90)), (0.5, dt.timedelta(seconds=0.5))],
)
def test_schedule_task_period_forms(period, step):
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("p", runs, period=period)
        clock.advance((3 * step).total_seconds() + 0.1)
        pn.state.cancel_task("p")
    assert runs.times == [MONDAY + k * step for k in range(4)]


@pytest.mark.parametrize(
    ("period", "message"),
    [("1x", "Could not parse period '1x'"), ("1h30", "Could not parse period '1h30'"),
     ("0s", "period must be positive, got '0s'"), (-5, "period must be positive, got -5"),
     (dt.timedelta(0), "period must be positive, got datetime.timedelta(0)")],
)
def test_schedule_task_rejects_bad_periods_and_schedules_nothing(period, message):
    with virtual_clock():
        with pytest.raises(ValueError, match=re.escape(message)):
            pn.state.schedule_task("bad", lambda: None, period=period)
        assert pn.state.tasks == {}


def test_schedule_task_naive_at_is_local_time():
    with virtual_clock(start=MONDAY, tz=PLUS2) as clock:
        runs = Runs(clock)
        task = pn.state.schedule_task("local", runs, at=dt.datetime(2026, 11, 23, 10, 0))
        assert task.next_run == at(23, 8)
        clock.advance(days=1)
    assert runs.times == [at(23, 8)]


def test_schedule_task_aware_at_is_honoured():
    with virtual_clock(start=MONDAY, tz=PLUS2) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("aware", runs, at=dt.datetime(2026, 11, 23, 1, 0, tzinfo=MINUS5))
        clock.advance(days=1)
    assert runs.times == [at(23, 6)]


def test_schedule_task_at_with_period_runs_on_the_grid_from_at():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("grid", runs, at=at(23, 0, 10), period="15m")
        clock.advance(minutes=50)
        pn.state.cancel_task("grid")
    assert runs.times == [at(23, 0, 10), at(23, 0, 25), at(23, 0, 40)]


def test_schedule_task_at_iterator_of_datetimes():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        times = [at(23, 1), at(23, 5), at(24, 0)]
        task = pn.state.schedule_task("iter", runs, at=iter(times))
        clock.advance(days=2)
        assert runs.times == times
        assert task.scheduled is False and task.run_count == 3


def test_schedule_task_empty_iterator_never_runs():
    with virtual_clock() as clock:
        task = pn.state.schedule_task("empty", lambda: None, at=iter([]))
        clock.advance(1)
        assert task.run_count == 0 and task.scheduled is False
        assert pn.state.tasks == {}


def test_schedule_task_at_callable_receives_naive_utc_and_returns_utc():
    with virtual_clock(start=MONDAY, tz=PLUS2) as clock:
        runs = Runs(clock)
        asked = []

        def every_ten_minutes_three_times(now: dt.datetime) -> dt.datetime | None:
            asked.append(now)
            if len(asked) > 3:
                return None
            return now + dt.timedelta(minutes=10)

        task = pn.state.schedule_task("fn", runs, at=every_ten_minutes_three_times)
        clock.advance(hours=1)
        assert task.scheduled is False
    assert asked[0] == dt.datetime(2026, 11, 23, 0, 0)
    assert all(a.tzinfo is None for a in asked)
    assert runs.times == [at(23, 0, 10), at(23, 0, 20), at(23, 0, 30)]


def test_schedule_task_at_callable_stuck_in_the_past_ends_with_an_error(errors):
    with virtual_clock(start=MONDAY) as clock:
        task = pn.state.schedule_task("stuck", lambda: None,
                                      at=lambda now: dt.datetime(2026, 11, 22))
        clock.advance(10)
        assert task.run_count == 1  # a past time runs once, now; then the schedule ends
        assert task.scheduled is False
    assert len(errors) == 1
    assert "not after the previous run" in str(errors[0])


def test_schedule_task_cron_runs_in_local_time_unless_at_has_a_tzinfo():
    with virtual_clock(start=MONDAY, tz=PLUS2) as clock:
        local = Runs(clock)
        pinned = Runs(clock)
        pn.state.schedule_task("local", local, cron="0 9 * * *")
        pn.state.schedule_task("pinned", pinned, cron="0 9 * * *",
                               at=dt.datetime(2026, 11, 23, tzinfo=MINUS5))
        clock.advance(days=2)
        pn.state.cancel_task("local")
        pn.state.cancel_task("pinned")
    assert local.times == [at(23, 7), at(24, 7)]
    assert pinned.times == [at(23, 14), at(24, 14)]


@pytest.mark.parametrize("when", [iter([MONDAY]), lambda now: None],
                         ids=["iterator", "callable"])
def test_schedule_task_cron_with_iterator_or_callable_at_raises(when):
    with virtual_clock(), pytest.raises(ValueError, match="at must be a concrete datetime"):
        pn.state.schedule_task("c", lambda: None, at=when, cron="* * * * *")


def test_schedule_task_invalid_cron_raises_when_scheduling():
    with virtual_clock():
        with pytest.raises(ValueError, match=re.escape(
                "Invalid cron expression '2 4 * * moonday': expected croniter syntax")):
            pn.state.schedule_task("c", lambda: None, cron="2 4 * * moonday")
        assert pn.state.tasks == {}


def test_schedule_task_past_at_with_period_coalesces_then_stays_on_grid():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("late", runs, at=MONDAY - dt.timedelta(seconds=5.5), period="1s")
        clock.advance(3)
        pn.state.cancel_task("late")
    s = dt.timedelta(seconds=1)
    assert runs.times == [MONDAY, MONDAY + s / 2, MONDAY + 1.5 * s, MONDAY + 2.5 * s]


def test_schedule_task_past_one_shot_runs_once_now():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("past", runs, at=MONDAY - dt.timedelta(days=1))
        clock.advance(60)
    assert runs.times == [MONDAY]


def test_schedule_task_stalled_loop_coalesces_missed_runs():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("stall", runs, period="1s")
        clock.advance(0.5)
        clock.stall(4.2)  # blocked from 0.5 s to 4.7 s
        clock.advance(1)
        pn.state.cancel_task("stall")
    s = dt.timedelta(seconds=1)
    assert runs.times == [MONDAY, MONDAY + 4.7 * s, MONDAY + 5 * s]


def test_schedule_task_stalled_cron_runs_once_for_missed_times():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        pn.state.schedule_task("cron", runs, cron="* * * * *")
        clock.advance(minutes=1.5)
        clock.stall(minutes=5)
        clock.advance(minutes=1)
        pn.state.cancel_task("cron")
    assert runs.times == [at(23, 0, 1), at(23, 0, 6, 30), at(23, 0, 7)]


# -- idempotency --------------------------------------------------------------------------------


def test_schedule_task_same_name_and_callback_is_a_no_op(caplog):
    with virtual_clock() as clock:
        runs = Runs(clock)
        first = pn.state.schedule_task("same", runs, period="1s")
        again = pn.state.schedule_task("same", runs, period="10s")
        assert again is first
        clock.advance(2.5)
        pn.state.cancel_task("same")
    assert len(runs.times) == 3
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_schedule_task_same_bound_method_is_a_no_op(caplog):
    class Cache:
        def refresh(self) -> None:
            pass

    cache = Cache()
    with virtual_clock():
        first = pn.state.schedule_task("refresh", cache.refresh, period="1m")
        assert pn.state.schedule_task("refresh", cache.refresh, period="1m") is first
        pn.state.cancel_task("refresh")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_schedule_task_different_callback_under_a_taken_name_warns(caplog):
    with virtual_clock() as clock:
        kept, ignored = Runs(clock), Runs(clock)
        first = pn.state.schedule_task("taken", kept, period="1s")
        assert pn.state.schedule_task("taken", ignored, period="1s") is first
        clock.advance(1.5)
        pn.state.cancel_task("taken")
    assert len(kept.times) == 2 and ignored.times == []
    warning = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert warning.name == "panel_state.tasks"
    assert "A different task is already scheduled under the name 'taken'" in warning.getMessage()
    assert "pn.state.cancel_task('taken')" in warning.getMessage()


# -- threads, errors and sessions ---------------------------------------------------------------


def test_schedule_task_threaded_runs_on_the_pool():
    pn.config.nthreads = 2
    with virtual_clock() as clock:
        names = []
        task = pn.state.schedule_task(
            "threaded", lambda: names.append(threading.current_thread().name),
            period="1s", threaded=True)
        assert task.threaded is True
        clock.advance(1.5)
        pn.state.cancel_task("threaded")
    assert len(names) == 2
    assert all(n.startswith("panel_state") for n in names)


def test_schedule_task_threaded_without_pool_raises():
    with virtual_clock():
        with pytest.raises(RuntimeError, match=r"Cannot schedule task 'job' with threaded=True: "
                                               r"there is no thread pool\. Set "
                                               r"pn\.config\.nthreads"):
            pn.state.schedule_task("job", lambda: None, period="1s", threaded=True)
        assert pn.state.tasks == {}


def test_schedule_task_threaded_error_is_handled_and_schedule_continues(errors):
    pn.config.nthreads = 1
    with virtual_clock() as clock:
        def job():
            raise OSError("disk full")

        task = pn.state.schedule_task("threaded", job, period="1s", threaded=True)
        clock.advance(1.5)
        assert task.run_count == 2 and task.scheduled
        assert isinstance(task.last_error, OSError)
        pn.state.cancel_task("threaded")
    assert [str(e) for e in errors] == ["disk full", "disk full"]


def test_schedule_task_errors_are_logged_handled_and_the_schedule_continues(errors, caplog):
    with virtual_clock() as clock:
        def job():
            if task.run_count == 2:
                raise ValueError("second run fails")

        task = pn.state.schedule_task("flaky", job, period="1s")
        clock.advance(1.5)
        assert isinstance(task.last_error, ValueError)
        assert task.scheduled
        clock.advance(1)
        assert task.last_error is None  # the third run succeeded
        assert task.run_count == 3
        pn.state.cancel_task("flaky")
    assert [str(e) for e in errors] == ["second run fails"]
    record = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert "task 'flaky'" in record.getMessage() and record.exc_info is not None


def test_schedule_task_async_errors_are_handled_too(errors):
    with virtual_clock() as clock:
        async def job():
            await asyncio.sleep(0.1)
            raise LookupError("async failure")

        task = pn.state.schedule_task("async", job, period="1s")
        clock.advance(1.5)
        assert task.run_count == 2 and task.scheduled
        assert isinstance(task.last_error, LookupError)
        pn.state.cancel_task("async")
    assert len(errors) == 2


def test_schedule_task_async_run_still_going_skips_the_next_one():
    with virtual_clock() as clock:
        async def slow():
            await asyncio.sleep(1.5)

        task = pn.state.schedule_task("slow", slow, period="1s")
        clock.advance(0.5)
        assert task.running is True
        clock.advance(1.0)
        assert task.run_count == 1  # the run due at 1 s was skipped
        clock.advance(1.0)
        assert task.run_count == 2
        pn.state.cancel_task("slow")


def test_schedule_task_never_inherits_the_session(errors):
    pn.config.nthreads = 1
    with virtual_clock() as clock, session() as s:
        seen = []

        async def async_job():
            seen.append(("async", pn.state.curdoc))

        pn.state.schedule_task("sync", lambda: seen.append(("sync", pn.state.curdoc)))
        pn.state.schedule_task("async", async_job)
        pn.state.schedule_task("thread", lambda: seen.append(("thread", pn.state.curdoc)),
                               threaded=True)
        assert pn.state.curdoc is s
        clock.advance(0.5)
    assert sorted(seen, key=lambda x: x[0]) == [("async", None), ("sync", None),
                                                ("thread", None)]
    assert errors == []


def test_schedule_task_outlives_the_session_it_was_scheduled_from():
    with virtual_clock() as clock:
        runs = Runs(clock)
        s = Session("http://localhost/app")
        with s.activate():
            task = pn.state.schedule_task("global", runs, period="1s")
        s.destroy()
        clock.advance(2.5)
        assert len(runs.times) == 3 and task.scheduled
        pn.state.cancel_task("global")


def test_schedule_task_rejects_callbacks_defined_in_a_served_app_script():
    app = types.ModuleType("panel_state_app_1234")
    exec("def refresh():\n    pass\n", app.__dict__)
    with virtual_clock():
        with pytest.raises(RuntimeError, match=r"Cannot schedule task 'refresh': its callback is "
                                               r"defined in a served app script.*--setup"):
            pn.state.schedule_task("refresh", app.refresh, period="1m")
        assert pn.state.tasks == {}


def test_schedule_task_without_an_event_loop_off_the_main_thread_raises():
    errors: list[BaseException] = []

    def schedule() -> None:
        try:
            pn.state.schedule_task("x", lambda: None, period="1s")
        except RuntimeError as exc:
            errors.append(exc)

    worker = threading.Thread(target=schedule, name="panel_state-test-worker")
    worker.start()
    worker.join(5)
    assert len(errors) == 1
    assert re.match(r"Cannot schedule task 'x': there is no event loop\. Call schedule_task "
                    r"from a --setup script", str(errors[0]))
    assert pn.state.tasks == {}


def test_schedule_task_in_the_main_thread_before_any_loop_starts_with_the_server():
    runs: list[int] = []
    task = pn.state.schedule_task("early", lambda: runs.append(1), period="0.01s")
    assert task.scheduled and task.next_run is None and pn.state.tasks == {"early": task}
    server = pn.serve(lambda: pn.pane.Str("x"), threaded=True)
    try:
        deadline = time.monotonic() + 5
        while len(runs) < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(runs) >= 3 and task.next_run is not None
    finally:
        server.stop()
    assert task.scheduled is False and pn.state.tasks == {}  # cancelled with its server


def test_schedule_task_cancelled_before_the_server_starts_never_runs():
    runs: list[int] = []
    pn.state.schedule_task("early", lambda: runs.append(1), period="0.01s")
    pn.state.cancel_task("early")
    server = pn.serve(lambda: pn.pane.Str("x"), threaded=True)
    try:
        assert server.loop is not None
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0.05), server.loop).result(5)
        assert runs == []
    finally:
        server.stop()


@pytest.mark.parametrize(("name", "callback", "error", "message"), [
    ("", lambda: None, ValueError, "needs a non-empty string name, got ''"),
    (3, lambda: None, ValueError, "needs a non-empty string name, got 3"),
    ("x", "not callable", TypeError, "needs a callable, got str"),
])
def test_schedule_task_validates_name_and_callback(name, callback, error, message):
    with virtual_clock(), pytest.raises(error, match=re.escape(message)):
        pn.state.schedule_task(name, callback)


# -- the Task object ------------------------------------------------------------------------------


def test_schedule_task_returns_a_watchable_task():
    with virtual_clock(start=MONDAY) as clock:
        events = []
        task = pn.state.schedule_task("watched", lambda: None, period="1m")
        assert isinstance(task, Task) and task.name == "watched"
        assert pn.state.tasks == {"watched": task}
        task.param.watch(lambda e: events.append((e.name, e.new)),
                         ["next_run", "last_run", "run_count", "running"])
        assert (task.run_count, task.last_run, task.next_run) == (0, None, MONDAY)
        clock.advance(30)
        assert task.run_count == 1 and task.last_run == MONDAY
        assert task.next_run == MONDAY + dt.timedelta(minutes=1)
        assert task.next_run.tzinfo is not None
        assert ("run_count", 1) in events and ("last_run", MONDAY) in events
        assert ("running", True) in events and ("running", False) in events
        assert ("next_run", MONDAY + dt.timedelta(minutes=1)) in events
        pn.state.cancel_task("watched")
        assert task.scheduled is False and task.next_run is None
        assert "runs=1" in repr(task)


def test_task_fields_are_read_only():
    with virtual_clock():
        task = pn.state.schedule_task("ro", lambda: None, period="1s")
        for name, value in [("run_count", 5), ("next_run", None), ("scheduled", False)]:
            with pytest.raises(TypeError, match=f"Read-only parameter '{name}'"):
                setattr(task, name, value)
        assert task.scheduled is True
        pn.state.cancel_task("ro")


# -- cancel_task -----------------------------------------------------------------------------------


def test_cancel_task_stops_the_timer():
    with virtual_clock() as clock:
        runs = Runs(clock)
        task = pn.state.schedule_task("c", runs, period="1s")
        clock.advance(1.5)
        pn.state.cancel_task("c")
        assert [h for h in clock.loop._scheduled if not h.cancelled()] == []
        clock.advance(10)
    assert len(runs.times) == 2
    assert task.scheduled is False


def test_cancel_task_unknown_name_raises_key_error():
    with pytest.raises(KeyError, match="No task with the name 'nope' has been scheduled"):
        pn.state.cancel_task("nope")


def test_cancel_task_twice_raises_key_error():
    with virtual_clock():
        pn.state.schedule_task("once", lambda: None, period="1s")
        pn.state.cancel_task("once")
        with pytest.raises(KeyError, match="'once'"):
            pn.state.cancel_task("once")


def test_cancel_task_wait_lets_the_next_run_happen_first():
    with virtual_clock(start=MONDAY) as clock:
        runs = Runs(clock)
        task = pn.state.schedule_task("w", runs, period="1m")
        clock.advance(30)
        pn.state.cancel_task("w", wait=True)
        assert "w" in pn.state.tasks and task.next_run is not None
        clock.advance(minutes=5)
        assert runs.times == [MONDAY, MONDAY + dt.timedelta(minutes=1)]
        assert task.scheduled is False and "w" not in pn.state.tasks


def test_cancel_task_then_reschedule_never_gets_an_extra_run_from_the_old_timer():
    with virtual_clock(start=MONDAY) as clock:
        old, new = Runs(clock), Runs(clock)
        first = pn.state.schedule_task("name", old, period="10s")
        clock.advance(5)
        pn.state.cancel_task("name")
        second = pn.state.schedule_task("name", new, at=MONDAY + dt.timedelta(seconds=7),
                                        period="10s")
        assert second is not first
        clock.advance(20)
        first.cancel()  # a stale handle on the old task must not touch the new one
        assert pn.state.tasks == {"name": second}
        pn.state.cancel_task("name")
    assert old.times == [MONDAY]
    assert new.times == [MONDAY + dt.timedelta(seconds=7), MONDAY + dt.timedelta(seconds=17)]


def test_cancel_task_from_inside_the_task():
    with virtual_clock() as clock:
        runs = []

        def job():
            runs.append(1)
            if len(runs) == 2:
                pn.state.cancel_task("self")

        task = pn.state.schedule_task("self", job, period="1s")
        clock.advance(10)
        assert len(runs) == 2 and task.scheduled is False


# -- real time -------------------------------------------------------------------------------


@pytest.mark.slow
async def test_schedule_task_on_a_real_loop():
    stamps: list[float] = []

    async def task():
        stamps.append(time.monotonic())

    started = time.monotonic()
    handle = pn.state.schedule_task("task", task, period=0.02)
    while len(stamps) < 4 and time.monotonic() - started < 5:
        await asyncio.sleep(0.005)
    pn.state.cancel_task("task")
    count = len(stamps)
    # A barrier instead of a sleep: a probe task on the same period runs twice; the
    # cancelled one, had its timer survived, would have run with it.
    probe: list[float] = []
    pn.state.schedule_task("probe", lambda: probe.append(time.monotonic()), period=0.02)
    while len(probe) < 3 and time.monotonic() - started < 5:
        await asyncio.sleep(0.005)
    pn.state.cancel_task("probe")
    assert len(probe) == 3
    assert len(stamps) == count == 4  # nothing after the cancel
    assert handle.run_count == 4 and handle.scheduled is False
    assert stamps[0] - started < 1.0  # the first run is immediate
    assert stamps[3] - started >= 0.06  # the fourth run is three 20 ms periods later
    assert stamps[3] - started < 2.0
