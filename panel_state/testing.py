"""Helpers for testing panel_state apps: sessions, a virtual clock, a protocol client.

Examples
--------
Drive a cron task over two weeks in milliseconds::

    import datetime as dt
    import panel_state as pn
    from panel_state.testing import virtual_clock

    runs = []
    start = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)   # a Monday
    with virtual_clock(start=start) as clock:
        pn.state.schedule_task('report', lambda: runs.append(clock.now()),
                               cron='2 4 * * mon,fri')
        clock.advance(days=14)
        pn.state.cancel_task('report')
    assert len(runs) == 4
"""

from __future__ import annotations

import asyncio
import datetime as dt
import selectors
import time
from asyncio.base_events import MAXIMUM_SELECT_TIMEOUT  # type: ignore[attr-defined]
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from . import loops, pool, scheduling
from .periodic import running_callbacks
from .server.testclient import ProtocolClient
from .session import Session
from .tasks import clear_tasks

T = TypeVar("T")

__all__ = [
    "ProtocolClient",
    "VirtualClock",
    "VirtualEventLoop",
    "async_wait_until",
    "load",
    "session",
    "virtual_clock",
    "wait_until",
]


class _AutoJumpSelector(selectors.BaseSelector):
    """A selector that, instead of sleeping until the next timer, jumps virtual time."""

    def __init__(self, loop: VirtualEventLoop) -> None:
        self._real = selectors.DefaultSelector()
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def get_map(self) -> Any:
        return self._real.get_map()

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.get_key(fileobj)

    def close(self) -> None:
        self._real.close()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._real.select(0)
        if ready or timeout == 0:
            return ready
        if pool.in_flight():
            # Work on the thread pool will wake the loop; wait for it in real time
            # rather than jumping past it.
            return self._real.select(0.01 if timeout is None else min(timeout, 0.01))
        if timeout is None:
            return self._real.select(0.01)
        self._loop.jump(timeout)
        return []


class VirtualEventLoop(asyncio.SelectorEventLoop):
    """An asyncio loop on virtual time: when idle it jumps to the next timer at once."""

    def __init__(self) -> None:
        self._virtual_now = 0.0
        super().__init__(selector=_AutoJumpSelector(self))
        # asyncio runs a timer when its deadline is before now + resolution. The
        # monotonic clock's 1 ns vanishes in float rounding once virtual time passes
        # 2**24 s (about 28 weeks), and a timer due exactly now would never run.
        self._clock_resolution = 1e-6

    def time(self) -> float:
        """The loop's virtual monotonic time, in seconds since it was made."""
        return self._virtual_now

    def jump(self, timeout: float) -> None:
        """Idle for ``timeout``: land on the next timer's deadline, or move on by it."""
        scheduled: list[asyncio.TimerHandle] = self._scheduled  # type: ignore[attr-defined]
        if scheduled and timeout < MAXIMUM_SELECT_TIMEOUT:
            # Land exactly on the next timer's deadline (no float drift from adding).
            self._virtual_now = max(self._virtual_now, scheduled[0].when())
        else:
            self._virtual_now += timeout

    def stall(self, seconds: float) -> None:
        """Move virtual time on by ``seconds`` without running anything."""
        self._virtual_now += seconds


class VirtualClock:
    """Virtual calendar time and a virtual-time loop for periodic callbacks and tasks.

    Use :func:`virtual_clock` to install one. ``now()`` starts at ``start`` and moves
    only when the loop runs (:meth:`advance`, :meth:`run`) or when :meth:`stall`
    simulates a blocked loop. Timers fire exactly at their deadlines.

    Parameters
    ----------
    start : datetime, optional
        The initial time (aware; naive means ``tz``). Defaults to the real now.
    tz : tzinfo, optional
        The "local" timezone naive datetimes and cron fields are read in; UTC by
        default, so tests do not depend on the machine.
    """

    def __init__(self, start: dt.datetime | None = None, tz: dt.tzinfo | None = None) -> None:
        self.tz = tz or scheduling.UTC
        if start is None:
            start = dt.datetime.now(scheduling.UTC)
        self._start = start.replace(tzinfo=self.tz) if start.tzinfo is None else start
        self.loop = VirtualEventLoop()

    def now(self) -> dt.datetime:
        """The virtual time, as an aware UTC datetime."""
        return (self._start + dt.timedelta(seconds=self.loop.time())).astimezone(scheduling.UTC)

    def local_tz(self) -> dt.tzinfo:
        """The timezone naive datetimes and cron fields are read in (``tz``)."""
        return self.tz

    def monotonic(self) -> float:
        """Virtual seconds since the clock was made (the loop's time)."""
        return self.loop.time()

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
                days: float = 0, weeks: float = 0) -> None:
        """Run the loop until virtual time has moved on by the given amount.

        Every timer due on the way fires in order; this returns in real milliseconds.
        """
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days + 604800 * weeks
        if total < 0:
            raise ValueError(f"VirtualClock.advance needs a non-negative amount, got {total}.")
        self.loop.run_until_complete(asyncio.sleep(total))

    def stall(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
              days: float = 0, weeks: float = 0) -> None:
        """Move virtual time on without running anything, as a blocked loop would.

        Timers that came due meanwhile fire late, at the next :meth:`advance`; use it
        to test how missed runs coalesce.
        """
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days + 604800 * weeks
        if total < 0:
            raise ValueError(f"VirtualClock.stall needs a non-negative amount, got {total}.")
        self.loop.stall(total)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` to completion on the virtual loop and return its result."""
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        """Cancel what is still pending on the virtual loop and close it."""
        loops.close_loop(self.loop)


@contextmanager
def virtual_clock(start: dt.datetime | None = None,
                  tz: dt.tzinfo | None = None) -> Iterator[VirtualClock]:
    """Install a :class:`VirtualClock` for the ``with`` block.

    Inside, ``schedule_task`` and ``PeriodicCallback`` run on virtual time: advance it
    with ``clock.advance(...)``. Sessions created inside live on the virtual loop.
    Periodic callbacks and tasks still running at the end are stopped.

    Raises
    ------
    RuntimeError
        Inside a running event loop (an ``async def`` test): the clock runs its own
        loop, so use it from a plain ``def`` test.
    """
    if loops.running_loop() is not None:
        raise RuntimeError(
            "virtual_clock() cannot be used inside a running event loop: it drives its own "
            "loop. Use it from a plain (non-async) test function."
        )
    clock = VirtualClock(start, tz)
    previous_clock = scheduling.set_clock(clock)
    previous_loop = loops.default_loop()
    loops.set_default_loop(clock.loop)
    asyncio.set_event_loop(clock.loop)
    try:
        yield clock
    finally:
        for cb in running_callbacks():
            if cb.loop is clock.loop:
                cb.stop()
        clear_tasks()
        clock.close()
        asyncio.set_event_loop(None)
        loops.set_default_loop(previous_loop)
        scheduling.set_clock(previous_clock)


@contextmanager
def session(
    url: str = "http://localhost:5006/app",
    *,
    session_args: dict[str, list[bytes]] | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    loaded: bool = False,
    created_hooks: bool = True,
) -> Iterator[Session]:
    """Create a session in-process, active for the ``with`` block, destroyed after it.

    No server, no browser: ``pn.state.session_args``, ``cookies``, ``headers``,
    ``location`` and ``busy`` all refer to it inside the block.

    Parameters
    ----------
    url : str
        The page URL; ``session_args`` and ``state.location`` derive from it.
    session_args, cookies, headers : dict, optional
        Request data (``session_args`` defaults to the URL's query).
    loaded : bool
        Mark the session loaded (run its onload queue) before yielding.
    created_hooks : bool
        Run the process's ``on_session_created`` hooks first, as the server does.
    """
    s = Session(url, session_args=session_args, cookies=cookies, headers=headers)
    try:
        with s.activate():
            if created_hooks:
                s.run_created_hooks()
            if loaded:
                load(s)
            yield s
    finally:
        s.destroy()


def load(s: Session) -> None:
    """Mark ``s`` loaded as if its client had rendered: run its onload queue.

    Runs on the session's loop (e.g. a virtual clock's). Inside a running loop use
    ``await session.load()`` instead.
    """
    if loops.running_loop() is not None:
        raise RuntimeError(
            "testing.load() cannot block inside a running event loop; use "
            "`await session.load()` instead."
        )
    loop = s.loop
    if loop is not None and not loop.is_closed() and not loop.is_running():
        loop.run_until_complete(s.load())
    else:
        asyncio.run(s.load())


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.005,
               message: str = "") -> None:
    """Poll ``predicate`` in real time until it is true; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout} s")
        time.sleep(interval)


async def async_wait_until(predicate: Callable[[], Any], timeout: float = 5.0,
                           interval: float = 0.005, message: str = "") -> None:
    """Poll ``predicate`` on the running loop (which keeps running) until it is true.

    The form of :func:`wait_until` for ``async def`` tests: the loop serves sessions
    and sockets between polls. AssertionError after ``timeout`` real seconds.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout} s")
        await asyncio.sleep(interval)
