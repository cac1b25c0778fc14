"""Pure schedule math: period parsing, triggers and the clock they read.

Nothing here touches an event loop. A trigger answers one question — given the time
now and the scheduled time of the run that just happened, when is the next run? — so
every rule (one-shot, fixed grid, iterator, callable, cron, coalescing missed runs)
is a plain function of explicit datetimes and tested without sleeping.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from croniter import croniter

UTC = dt.UTC

# -- the clock -------------------------------------------------------------------------


class Clock(Protocol):
    """Where timing code reads the calendar time."""

    def now(self) -> dt.datetime:
        """The current time as an aware UTC datetime."""
        ...

    def local_tz(self) -> dt.tzinfo:
        """The timezone naive datetimes and cron fields are read in."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (cache lifetimes read it)."""
        ...


class SystemClock:
    """The real clock: UTC now, and the machine's local timezone."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def local_tz(self) -> dt.tzinfo:
        tz = dt.datetime.now().astimezone().tzinfo
        assert tz is not None
        return tz

    def monotonic(self) -> float:
        return time.monotonic()


_clock: Clock = SystemClock()


def clock() -> Clock:
    """Return the clock timing code reads (the system clock unless a test swapped it)."""
    return _clock


def set_clock(new: Clock) -> Clock:
    """Install ``new`` as the clock and return the previous one."""
    global _clock
    previous, _clock = _clock, new
    return previous


# -- periods -----------------------------------------------------------------------------

_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_PERIOD_RE = re.compile(
    r"(?:(?P<w>\d+(?:\.\d+)?)w)?(?:(?P<d>\d+(?:\.\d+)?)d)?(?:(?P<h>\d+(?:\.\d+)?)h)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?"
)


def _seconds(seconds: float, period: object) -> dt.timedelta:
    try:
        return dt.timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(
            f"schedule_task period {period!r} is too large: the longest period a timedelta "
            "holds is about 2.7 million years."
        ) from None


def parse_period(period: str | dt.timedelta | float | int) -> dt.timedelta:
    """Turn a task period into a positive timedelta.

    Parameters
    ----------
    period : str, timedelta, int or float
        A string of unit-suffixed numbers in the order w, d, h, m, s (``'1s'``,
        ``'5m'``, ``'1h30m'``, ``'2d'``, ``'1w'``, ``'0.5s'``), a timedelta, or seconds.

    Raises
    ------
    ValueError
        For a string that does not parse or a period that is not positive.

    Examples
    --------
    >>> parse_period('1h30m')
    datetime.timedelta(seconds=5400)
    """
    if isinstance(period, bool):
        raise TypeError(
            f"schedule_task period must be a string, timedelta or seconds, got {period!r}."
        )
    if isinstance(period, dt.timedelta):
        delta = period
    elif isinstance(period, (int, float)):
        if not math.isfinite(period):
            raise ValueError(f"schedule_task period must be finite, got {period!r}.")
        delta = _seconds(period, period)
    elif isinstance(period, str):
        match = _PERIOD_RE.fullmatch(period.strip())
        if not period.strip() or match is None or not any(match.groupdict().values()):
            raise ValueError(
                f"Could not parse period {period!r}: use numbers with units in the order "
                "w, d, h, m, s, such as '1s', '5m', '1h30m', '2d' or '1w'."
            )
        seconds = sum(float(v) * _UNITS[k] for k, v in match.groupdict().items() if v)
        delta = _seconds(seconds, period)
    else:
        raise TypeError(
            f"schedule_task period must be a string, timedelta or seconds, got "
            f"{type(period).__name__}."
        )
    if delta <= dt.timedelta(0):
        raise ValueError(f"schedule_task period must be positive, got {period!r}.")
    return delta


def as_aware(value: dt.datetime, local: dt.tzinfo) -> dt.datetime:
    """Read a naive datetime as local time; keep an aware one."""
    return value.replace(tzinfo=local) if value.tzinfo is None else value


# -- triggers ------------------------------------------------------------------------------


class Trigger(Protocol):
    """Computes run times. ``previous`` is None before the first run."""

    def next_run(self, now: dt.datetime, previous: dt.datetime | None) -> dt.datetime | None:
        ...


class Once:
    """One run, at ``at`` (or now when ``at`` is None or already past)."""

    def __init__(self, at: dt.datetime | None = None) -> None:
        self.at = at

    def next_run(self, now: dt.datetime, previous: dt.datetime | None) -> dt.datetime | None:
        if previous is not None:
            return None
        return now if self.at is None or self.at < now else self.at


class Every:
    """Runs on the grid ``start + k * period``; missed grid points coalesce into one run.

    With no ``start`` the first run is now and the grid starts there. A ``start`` in
    the past gives one run now, then the next grid point after now.
    """

    def __init__(self, period: dt.timedelta, start: dt.datetime | None = None) -> None:
        self.period = period
        self.start = start

    def _grid_after(self, t: dt.datetime) -> dt.datetime:
        assert self.start is not None
        steps = math.floor((t - self.start) / self.period) + 1
        return self.start + steps * self.period

    def next_run(self, now: dt.datetime, previous: dt.datetime | None) -> dt.datetime | None:
        if previous is None:
            if self.start is None:
                self.start = now
                return now
            return now if self.start < now else self.start
        return self._grid_after(max(previous, now))


class FromIterator:
    """Runs at each datetime an iterator yields; past ones coalesce into one run now."""

    def __init__(self, times: Iterator[dt.datetime], local: dt.tzinfo) -> None:
        self._times = times
        self._local = local
        self._peeked: dt.datetime | None = None

    def _pull(self) -> dt.datetime | None:
        if self._peeked is not None:
            value, self._peeked = self._peeked, None
            return value
        try:
            return as_aware(next(self._times), self._local)
        except StopIteration:
            return None

    def next_run(self, now: dt.datetime, previous: dt.datetime | None) -> dt.datetime | None:
        missed = False
        while True:
            value = self._pull()
            if value is None:
                return now if missed else None
            if previous is not None and value <= previous:
                continue  # already covered by the run that just happened
            if value > now:
                if missed:
                    self._peeked = value
                    return now
                return value
            missed = True


class FromCallable:
    """Asks ``at(naive_utc_now)`` for each next run; it returns a UTC datetime or None.

    A past result means "run now"; a result not after the previous run raises
    ValueError (the task logs it and its schedule ends) instead of running in a
    tight loop.
    """

    def __init__(self, at: Callable[[dt.datetime], dt.datetime | None]) -> None:
        self._at = at

    def next_run(self, now: dt.datetime, previous: dt.datetime | None) -> dt.datetime | None:
        # A timer may fire a hair before the time it was set for; asking from the
        # previous run's time keeps "the next time after now" from repeating it.
        asked = now if previous is None else max(now, previous)
        result = self._at(asked.astimezone(UTC).replace(tzinfo=None))
        if result is None:
            return None
        if not isinstance(result, dt.datetime):
            raise TypeError(
                f"A callable at= must return a datetime or None, got {type(result).__name__}."
            )
        value = result.replace(tzinfo=UTC) if result.tzinfo is None else result
        if previous is not None and value <= previous:
            shown = previous.astimezone(UTC).replace(tzinfo=None)
            raise ValueError(
                f"The at= callable returned {result}, which is not after the previous run at "
                f"{shown} (UTC); return a later UTC time, or None to end the schedule."
            )
        return max(value, now)


class Cron:
    """Runs at the times of a cron expression, read in ``tz``; skips missed times."""

    def __init__(self, expression: str, tz: dt.tzinfo, start: dt.datetime | None = None) -> None:
        if not isinstance(expression, str) or not croniter.is_valid(expression):
            raise ValueError(
                f"Invalid cron expression {expression!r}: expected croniter syntax such as "
                "'2 4 * * mon,fri' (minute hour day month weekday)."
            )
        self.expression = expression
        self.tz = tz
        self.start = start

    def next_run(self, now: dt.datetime, previous: dt.datetime | None) -> dt.datetime | None:
        if previous is not None and previous > now:
            now = previous  # the timer fired early: never repeat the run that just happened
        base = now if self.start is None or self.start < now else self.start
        base = base.astimezone(self.tz)
        if previous is None and self.start is not None and self.start >= now:
            base = base - dt.timedelta(microseconds=1)  # an `at` on a cron time runs then
        result = croniter(self.expression, base).get_next(dt.datetime)
        assert isinstance(result, dt.datetime)
        return result


def make_trigger(
    at: Any = None,
    period: str | dt.timedelta | float | None = None,
    cron: str | None = None,
    local: dt.tzinfo = UTC,
) -> Trigger:
    """Build the trigger for ``schedule_task``'s ``at``/``period``/``cron`` arguments.

    Raises
    ------
    ValueError
        For an invalid period or cron string, or cron combined with an iterator or
        callable ``at``.
    """
    delta = parse_period(period) if period is not None else None
    if cron is not None:
        if at is not None and not isinstance(at, dt.datetime):
            raise ValueError(
                "When scheduling a task with cron, at must be a concrete datetime (or None), "
                f"got {type(at).__name__}."
            )
        if delta is not None:
            raise ValueError("schedule_task takes period or cron, not both.")
        tz = at.tzinfo if isinstance(at, dt.datetime) and at.tzinfo is not None else local
        start = as_aware(at, local) if isinstance(at, dt.datetime) else None
        return Cron(cron, tz, start)
    if at is None:
        return Once() if delta is None else Every(delta)
    if isinstance(at, dt.datetime):
        start = as_aware(at, local)
        return Once(start) if delta is None else Every(delta, start)
    if isinstance(at, (str, bytes)):
        raise TypeError(
            f"schedule_task at= must be a datetime, an iterator of datetimes or a callable, "
            f"got {type(at).__name__} {at!r}; parse it first, e.g. with "
            "datetime.fromisoformat()."
        )
    if callable(at):
        return FromCallable(at)
    if isinstance(at, Iterator) or hasattr(at, "__next__"):
        return FromIterator(at, local)
    if hasattr(at, "__iter__"):
        return FromIterator(iter(at), local)
    raise TypeError(
        f"schedule_task at= must be a datetime, an iterator of datetimes or a callable, "
        f"got {type(at).__name__}."
    )


# -- periodic callbacks: the grid on the loop's monotonic clock ----------------------------


def next_on_grid(origin: float, when: float, now: float, period_ms: int) -> float:
    """When a periodic callback runs next, on its grid ``origin + k * period``.

    ``when`` is the grid time of the run that just happened and ``now`` the loop time
    after it. Grid points missed while the loop was stalled coalesce: the next run is
    the first grid point after ``now`` (at least one period after ``when``). Whole
    periods are counted from ``origin`` in integer milliseconds, so the grid never
    drifts with float rounding.

    Examples
    --------
    >>> next_on_grid(0.0, 0.2, 0.21, 200)   # on time: the next point
    0.4
    >>> next_on_grid(0.0, 0.2, 0.95, 200)   # stalled past 0.4, 0.6 and 0.8
    1.0
    """
    index = round((when - origin) * 1000 / period_ms)
    steps = max(1, int((now - when) * 1000 // period_ms) + 1)
    return origin + (index + steps) * period_ms / 1000


def past_timeout(start: float | None, t: float, timeout_ms: int | None) -> bool:
    """Whether a run at loop time ``t`` would start after a periodic callback's timeout.

    ``start`` is the loop time of ``start()``; 1 ms of tolerance absorbs float rounding
    of the grid and timer batching.

    Examples
    --------
    >>> past_timeout(10.0, 10.5, 500), past_timeout(10.0, 10.502, 500)
    (False, True)
    """
    return timeout_ms is not None and start is not None and (t - start) * 1000 > timeout_ms + 1
