"""Pure schedule math: periods, triggers and the clock, on explicit datetimes only."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from zoneinfo import ZoneInfo

import pytest

from panel_state import scheduling
from panel_state.scheduling import (
    UTC,
    Cron,
    Every,
    FromCallable,
    FromIterator,
    Once,
    as_aware,
    make_trigger,
    parse_period,
)

T0 = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday
PLUS2 = dt.timezone(dt.timedelta(hours=2), "UTC+2")
MINUS5 = dt.timezone(dt.timedelta(hours=-5), "UTC-5")


def s(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=seconds)


def runs(trigger: scheduling.Trigger, now: dt.datetime, n: int) -> list[dt.datetime]:
    """The first ``n`` run times when every run happens exactly when it is due."""
    times: list[dt.datetime] = []
    previous = None
    for _ in range(n):
        nxt = trigger.next_run(now, previous)
        if nxt is None:
            break
        times.append(nxt)
        previous = now = nxt
    return times


# -- parse_period ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1s", 1),
        ("5m", 300),
        ("1h30m", 5400),
        ("2d", 172800),
        ("1w", 604800),
        ("0.5s", 0.5),
        ("1w2d3h4m5s", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        (" 10s ", 10),
    ],
)
def test_parse_period_reads_unit_strings(text, seconds):
    assert parse_period(text) == s(seconds)


def test_parse_period_accepts_timedelta_and_seconds():
    assert parse_period(dt.timedelta(minutes=2)) == s(120)
    assert parse_period(3) == s(3)
    assert parse_period(0.25) == s(0.25)


@pytest.mark.parametrize("text", ["", "90", "1h30", "5 m", "1H", "abc", "1s1m", "1ms", "-5s"])
def test_parse_period_rejects_unparsable_strings(text):
    with pytest.raises(ValueError, match=rf"Could not parse period {text!r}: use numbers with "
                                         r"units in the order w, d, h, m, s"):
        parse_period(text)


@pytest.mark.parametrize("period", [0, -1, -0.5, "0s", "0h0m", dt.timedelta(0), s(-1)])
def test_parse_period_rejects_non_positive_periods(period):
    with pytest.raises(ValueError, match=re.escape(f"period must be positive, got {period!r}")):
        parse_period(period)


@pytest.mark.parametrize("period", [float("nan"), float("inf")])
def test_parse_period_rejects_non_finite_seconds(period):
    with pytest.raises(ValueError, match=r"period must be finite, got (nan|inf)"):
        parse_period(period)


@pytest.mark.parametrize("period", [1e20, "99999999999w"])
def test_parse_period_rejects_periods_too_large_for_a_timedelta(period):
    with pytest.raises(ValueError, match=r"period .* is too large"):
        parse_period(period)


@pytest.mark.parametrize(("period", "shown"), [(True, "True"), ([1], "list"), (None, "NoneType")])
def test_parse_period_rejects_other_types(period, shown):
    with pytest.raises(TypeError, match=rf"must be a string, timedelta or seconds, got {shown}"):
        parse_period(period)


# -- clock and naive datetimes ---------------------------------------------------------


def test_as_aware_reads_naive_as_local_and_keeps_aware():
    naive = dt.datetime(2026, 1, 1, 9, 0)
    assert as_aware(naive, PLUS2) == dt.datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
    aware = dt.datetime(2026, 1, 1, 9, 0, tzinfo=MINUS5)
    assert as_aware(aware, PLUS2) is aware


def test_system_clock_gives_aware_utc_now():
    now = scheduling.SystemClock().now()
    assert now.tzinfo is UTC
    assert abs(now - dt.datetime.now(UTC)) < s(5)
    assert scheduling.SystemClock().local_tz().utcoffset(None) is not None


def test_set_clock_returns_the_previous_clock():
    class Fixed:
        def now(self) -> dt.datetime:
            return T0

        def local_tz(self) -> dt.tzinfo:
            return UTC

    fixed = Fixed()
    previous = scheduling.set_clock(fixed)
    try:
        assert scheduling.clock() is fixed
    finally:
        assert scheduling.set_clock(previous) is fixed
    assert scheduling.clock() is previous


# -- Once ---------------------------------------------------------------------------------


def test_once_without_time_runs_now_then_never():
    assert runs(Once(), T0, 5) == [T0]


def test_once_runs_at_a_future_time():
    at = T0 + s(90)
    assert runs(Once(at), T0, 5) == [at]


def test_once_in_the_past_runs_once_now():
    assert runs(Once(T0 - dt.timedelta(days=3)), T0, 5) == [T0]


# -- Every ----------------------------------------------------------------------------------


def test_every_without_start_runs_now_then_on_the_period_grid():
    assert runs(Every(s(1)), T0, 4) == [T0, T0 + s(1), T0 + s(2), T0 + s(3)]


def test_every_with_future_start_waits_for_it():
    start = T0 + s(30)
    assert runs(Every(s(10), start), T0, 3) == [start, start + s(10), start + s(20)]


def test_every_with_past_start_coalesces_into_one_run_then_the_grid():
    trigger = Every(s(1), T0 - s(5.5))
    first = trigger.next_run(T0, None)
    assert first == T0  # one run for all the missed grid points
    assert trigger.next_run(T0, first) == T0 + s(0.5)  # back on the grid start + k*period
    assert trigger.next_run(T0 + s(0.5), T0 + s(0.5)) == T0 + s(1.5)


def test_every_stalled_loop_coalesces_missed_runs():
    trigger = Every(s(1))
    first = trigger.next_run(T0, None)
    # The timer for T0 + 1s only fires 3.7 s late: that one late run covers the
    # missed grid points, and the next run is the next grid point after now.
    assert trigger.next_run(T0 + s(4.7), first + s(1)) == T0 + s(5)


def test_every_late_run_stays_on_the_grid():
    trigger = Every(s(10))
    first = trigger.next_run(T0, None)
    assert trigger.next_run(T0 + s(3), first) == T0 + s(10)


def test_every_timer_firing_early_never_repeats_a_run():
    trigger = Every(s(10), T0)
    assert trigger.next_run(T0 - s(0.001), T0) == T0 + s(10)


# -- FromIterator ---------------------------------------------------------------------------


def test_from_iterator_runs_at_each_time_then_ends():
    times = [T0 + s(5), T0 + s(60), T0 + s(3600)]
    assert runs(FromIterator(iter(times), UTC), T0, 10) == times


def test_from_iterator_empty_ends_without_error():
    assert FromIterator(iter([]), UTC).next_run(T0, None) is None


def test_from_iterator_reads_naive_times_as_local():
    trigger = FromIterator(iter([dt.datetime(2026, 11, 23, 15, 0)]), PLUS2)
    assert trigger.next_run(T0, None) == dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def test_from_iterator_coalesces_past_times_into_one_run_now():
    times = [T0 - s(30), T0 - s(20), T0 - s(10), T0 + s(10)]
    trigger = FromIterator(iter(times), UTC)
    first = trigger.next_run(T0, None)
    assert first == T0
    assert trigger.next_run(T0, first) == T0 + s(10)
    assert trigger.next_run(T0 + s(10), T0 + s(10)) is None


def test_from_iterator_all_past_runs_once_now():
    trigger = FromIterator(iter([T0 - s(3), T0 - s(2)]), UTC)
    assert runs(trigger, T0, 5) == [T0]


def test_from_iterator_skips_times_already_run_when_the_timer_fires_early():
    trigger = FromIterator(iter([T0, T0, T0 + s(1)]), UTC)
    assert trigger.next_run(T0 - s(1), None) == T0
    # The run due at T0 happened a millisecond early; the repeated T0 is covered by it.
    assert trigger.next_run(T0 - s(0.001), T0) == T0 + s(1)


def test_from_iterator_accepts_infinite_generators():
    gen = (T0 + k * s(7) for k in itertools.count(1))
    assert runs(FromIterator(gen, UTC), T0, 3) == [T0 + s(7), T0 + s(14), T0 + s(21)]


# -- FromCallable ---------------------------------------------------------------------------


def test_from_callable_receives_naive_utc_now_and_returns_utc():
    seen = []

    def at(now: dt.datetime) -> dt.datetime:
        seen.append(now)
        return now + dt.timedelta(minutes=5)

    trigger = FromCallable(at)
    local_now = T0.astimezone(PLUS2)
    first = trigger.next_run(local_now, None)
    assert seen == [dt.datetime(2026, 11, 23, 12, 0)]
    assert seen[0].tzinfo is None
    assert first == T0 + dt.timedelta(minutes=5)
    assert first.tzinfo is not None


def test_from_callable_keeps_the_zone_of_an_aware_result():
    trigger = FromCallable(lambda now: dt.datetime(2026, 11, 23, 9, 0, tzinfo=MINUS5))
    assert trigger.next_run(T0, None) == dt.datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def test_from_callable_none_ends_the_schedule():
    answers = iter([T0 + s(1), None])
    trigger = FromCallable(lambda now: next(answers))
    assert runs(trigger, T0, 5) == [T0 + s(1)]


def test_from_callable_none_first_means_no_runs():
    assert FromCallable(lambda now: None).next_run(T0, None) is None


def test_from_callable_past_time_runs_now():
    trigger = FromCallable(lambda now: now - dt.timedelta(hours=1))
    assert trigger.next_run(T0, None) == T0


def test_from_callable_is_asked_from_the_previous_run_when_the_timer_fires_early():
    trigger = FromCallable(lambda now: now.replace(second=0, microsecond=0)
                           + dt.timedelta(minutes=1))
    previous = T0 + dt.timedelta(minutes=1)
    # Fired 1 ms before the minute: the next run is the following minute, not a repeat.
    assert trigger.next_run(previous - s(0.001), previous) == previous + dt.timedelta(minutes=1)


def test_from_callable_not_moving_forward_is_an_error():
    trigger = FromCallable(lambda now: dt.datetime(2026, 11, 23, 12, 0))
    assert trigger.next_run(T0 - s(60), None) == T0
    with pytest.raises(ValueError, match=r"at= callable returned 2026-11-23 12:00:00, which is "
                                         r"not after the previous run at 2026-11-23 12:00:00"):
        trigger.next_run(T0, T0)


def test_from_callable_rejects_non_datetime_results():
    trigger = FromCallable(lambda now: "tomorrow")
    with pytest.raises(TypeError, match="must return a datetime or None, got str"):
        trigger.next_run(T0, None)


# -- Cron -------------------------------------------------------------------------------------


def test_cron_mon_fri_at_0402_over_two_weeks():
    trigger = Cron("2 4 * * mon,fri", UTC)
    start = dt.datetime(2026, 11, 23, tzinfo=UTC)
    times = runs(trigger, start, 4)
    assert times == [
        dt.datetime(2026, 11, 23, 4, 2, tzinfo=UTC),
        dt.datetime(2026, 11, 27, 4, 2, tzinfo=UTC),
        dt.datetime(2026, 11, 30, 4, 2, tzinfo=UTC),
        dt.datetime(2026, 12, 4, 4, 2, tzinfo=UTC),
    ]
    assert [t.strftime("%a") for t in times] == ["Mon", "Fri", "Mon", "Fri"]


def test_cron_fields_are_read_in_its_timezone():
    trigger = Cron("0 9 * * *", PLUS2)
    assert trigger.next_run(T0, None) == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def test_cron_local_time_follows_daylight_saving_changes():
    berlin = ZoneInfo("Europe/Berlin")
    trigger = Cron("0 9 * * *", berlin)
    times = runs(trigger, dt.datetime(2026, 10, 24, tzinfo=UTC), 3)
    assert [t.astimezone(UTC).hour for t in times] == [7, 8, 8]  # CEST, then CET
    assert [t.astimezone(berlin).hour for t in times] == [9, 9, 9]


def test_cron_start_on_a_cron_time_runs_then():
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    trigger = Cron("0 9 * * *", UTC, start)
    assert runs(trigger, T0, 2) == [start, start + dt.timedelta(days=1)]


def test_cron_start_between_cron_times_runs_at_the_next_one():
    start = dt.datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    trigger = Cron("0 9 * * *", UTC, start)
    assert trigger.next_run(T0, None) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_cron_past_start_is_ignored():
    trigger = Cron("*/15 * * * *", UTC, T0 - dt.timedelta(days=10))
    assert trigger.next_run(T0 + s(1), None) == T0 + dt.timedelta(minutes=15)


def test_cron_skips_missed_times_after_a_stall():
    trigger = Cron("* * * * *", UTC)
    previous = T0 + dt.timedelta(minutes=1)
    late = previous + dt.timedelta(minutes=7, seconds=30)
    assert trigger.next_run(late, previous) == T0 + dt.timedelta(minutes=9)


def test_cron_timer_firing_early_never_repeats_a_run():
    trigger = Cron("2 4 * * *", UTC)
    previous = dt.datetime(2026, 1, 1, 4, 2, tzinfo=UTC)
    assert trigger.next_run(previous - s(0.001), previous) == previous + dt.timedelta(days=1)


@pytest.mark.parametrize("expression", ["every monday", "61 * * * *", "* * *", ""])
def test_cron_rejects_invalid_expressions(expression):
    with pytest.raises(ValueError, match=re.escape(
            f"Invalid cron expression {expression!r}: expected croniter syntax such as "
            "'2 4 * * mon,fri'")):
        Cron(expression, UTC)


# -- make_trigger -----------------------------------------------------------------------------


def test_make_trigger_without_anything_runs_once_now():
    trigger = make_trigger()
    assert isinstance(trigger, Once)
    assert runs(trigger, T0, 3) == [T0]


def test_make_trigger_period_only_starts_now():
    trigger = make_trigger(period="5m")
    assert isinstance(trigger, Every)
    assert runs(trigger, T0, 2) == [T0, T0 + dt.timedelta(minutes=5)]


def test_make_trigger_naive_at_is_local_time():
    trigger = make_trigger(at=dt.datetime(2026, 11, 23, 18, 0), local=PLUS2)
    assert runs(trigger, T0, 3) == [dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC)]


def test_make_trigger_at_with_period_runs_on_the_grid_from_at():
    at = dt.datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
    trigger = make_trigger(at=at, period=dt.timedelta(hours=1))
    assert runs(trigger, T0, 3) == [at, at + dt.timedelta(hours=1), at + dt.timedelta(hours=2)]


def test_make_trigger_iterable_and_callable_at():
    assert isinstance(make_trigger(at=iter([T0])), FromIterator)
    assert isinstance(make_trigger(at=[T0, T0 + s(1)]), FromIterator)
    assert isinstance(make_trigger(at=lambda now: None), FromCallable)


def test_make_trigger_cron_runs_in_local_time_unless_at_is_aware():
    local = make_trigger(cron="0 9 * * *", local=PLUS2)
    assert local.next_run(T0, None) == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    naive_at = make_trigger(at=dt.datetime(2026, 11, 25), cron="0 9 * * *", local=PLUS2)
    assert naive_at.next_run(T0, None) == dt.datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    aware_at = make_trigger(at=dt.datetime(2026, 11, 25, tzinfo=MINUS5), cron="0 9 * * *",
                            local=PLUS2)
    assert aware_at.next_run(T0, None) == dt.datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(("at", "kind"), [(iter([T0]), "list_iterator"),
                                          (lambda now: None, "function")])
def test_make_trigger_cron_with_iterator_or_callable_at_raises(at, kind):
    with pytest.raises(ValueError, match=rf"When scheduling a task with cron, at must be a "
                                         rf"concrete datetime \(or None\), got {kind}"):
        make_trigger(at=at, cron="* * * * *")


def test_make_trigger_cron_with_period_raises():
    with pytest.raises(ValueError, match="takes period or cron, not both"):
        make_trigger(period="1s", cron="* * * * *")


def test_make_trigger_invalid_cron_raises_when_made():
    with pytest.raises(ValueError, match="Invalid cron expression '2 4 mon'"):
        make_trigger(cron="2 4 mon")


def test_make_trigger_invalid_period_raises_when_made():
    with pytest.raises(ValueError, match="Could not parse period '1x'"):
        make_trigger(period="1x")


@pytest.mark.parametrize(("at", "kind"), [("2026-11-23", "str"), (b"x", "bytes"), (5, "int"),
                                          (dt.date(2026, 11, 23), "date")])
def test_make_trigger_rejects_other_at_values(at, kind):
    with pytest.raises(TypeError, match=rf"at= must be a datetime, an iterator of datetimes or "
                                        rf"a callable, got {kind}"):
        make_trigger(at=at)
