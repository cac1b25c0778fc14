"""PeriodicCallback, and the per-loop timer that fires many of them cheaply.

All periodic callbacks of one event loop share one armed asyncio timer: a heap of
deadlines on the loop's monotonic clock. When it fires, every callback due (within a
small slack) runs in deadline order, each reschedules on its own fixed grid, and the
timer is re-armed once. Callbacks that share a period keep a stable order, so the gap
between two runs of the same callback stays close to its period even with thousands.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
import weakref
from typing import Any

import param

from . import execution
from .session import Session, _current, current_session

log = logging.getLogger("panel_state.callbacks")

#: Callbacks due within this many seconds of the earliest one fire together.
SLACK = 0.001


class _Timers:
    """One loop's heap of periodic deadlines behind a single asyncio timer."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.heap: list[tuple[float, int, PeriodicCallback, int]] = []
        self.seq = itertools.count()
        self.handle: asyncio.TimerHandle | None = None
        self.armed_at = float("inf")

    def add(self, when: float, cb: PeriodicCallback, generation: int) -> None:
        heapq.heappush(self.heap, (when, next(self.seq), cb, generation))
        if when < self.armed_at:
            self._arm(when)

    def _arm(self, when: float) -> None:
        if self.handle is not None:
            self.handle.cancel()
        self.armed_at = when
        self.handle = self.loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self.handle = None
        self.armed_at = float("inf")
        heap = self.heap
        limit = self.loop.time() + SLACK
        due = []
        while heap and heap[0][0] <= limit:
            due.append(heapq.heappop(heap))
        for when, _seq, cb, generation in due:
            if cb._generation == generation:
                cb._tick(when)
        while heap and heap[0][2]._generation != heap[0][3]:
            heapq.heappop(heap)  # drop entries of stopped or rescheduled callbacks
        if heap and self.handle is None:
            self._arm(heap[0][0])


_timers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Timers] = (
    weakref.WeakKeyDictionary()
)
_running: weakref.WeakSet[PeriodicCallback] = weakref.WeakSet()


def _timers_for(loop: asyncio.AbstractEventLoop) -> _Timers:
    timers = _timers.get(loop)
    if timers is None:
        timers = _timers[loop] = _Timers(loop)
    return timers


def running_callbacks() -> list[PeriodicCallback]:
    """Every PeriodicCallback of the process that is running now."""
    return [cb for cb in list(_running) if cb.running]


def stop_all() -> None:
    """Stop every running PeriodicCallback (``state.reset`` calls this)."""
    for cb in running_callbacks():
        cb.stop()


class PeriodicCallback(param.Parameterized):
    """Run ``callback`` every ``period`` milliseconds.

    The first run is one period after ``start()``; runs never overlap (a run still
    going when the next is due skips that one); ``counter`` is the 1-based number of
    the current run while it runs and the number of runs afterwards, until the next
    ``start()`` resets it. An exception is logged and handed to
    ``config.exception_handler``; the callback keeps running. Started inside a
    session, it runs with that session active, counts toward its busy state, and
    stops when the session is destroyed.

    Thread-safety: ``start()``, ``stop()`` and setting ``running``/``period`` may be
    called from any thread; the runs happen on the loop (sync callbacks on the thread
    pool when ``config.nthreads`` is set).

    Examples
    --------
    >>> import panel_state as pn
    >>> cb = pn.PeriodicCallback(callback=lambda: None, period=200, count=3)
    >>> cb.period, cb.running
    (200, False)
    """

    callback = param.Callable(default=None, allow_refs=False, doc="""
        The function to run, sync or async, with no arguments.""")
    period = param.Integer(default=500, bounds=(1, None), doc="""
        Milliseconds between runs. Changing it while running keeps the count and
        timeout budgets and moves the next run to one new period after the last.""")
    count = param.Integer(default=None, allow_None=True, bounds=(0, None), doc="""
        Stop after this many runs; None runs until stopped.""")
    counter = param.Integer(default=0, bounds=(0, None), doc="""
        The 1-based number of the current run while it runs; the number of runs so
        far otherwise. Reset to 0 by start().""")
    timeout = param.Integer(default=None, allow_None=True, bounds=(0, None), doc="""
        Milliseconds after start() after which no run starts; None for no limit.""")
    running = param.Boolean(default=False, doc="""
        Whether the callback is running. Setting it starts or stops it, so a Toggle can
        drive it with toggle.link(cb, bidirectional=True, value='running').""")
    log = param.Boolean(default=True, doc="Log each run at debug level.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: weakref.ref[Session] | None = None
        self._start_time = 0.0
        self._last_when = 0.0
        self._in_flight = False
        self._updating = False
        self.param.watch(self._on_running, "running")
        self.param.watch(self._on_period, "period")

    # -- control -----------------------------------------------------------------------
    def start(self) -> None:
        """Start running; the first run comes one period from now.

        Raises
        ------
        RuntimeError
            If it is already running, or if there is no event loop to run on (outside
            a session, outside async code and before a server or virtual clock runs).
        """
        if self._loop is not None:
            raise RuntimeError(
                "Periodic callback has already started; call stop() before start()."
            )
        if self.callback is None:
            raise ValueError("PeriodicCallback.start() needs a callback, got None.")
        session = current_session()
        loop = execution.resolve_loop(session)
        if loop is None or loop.is_closed():
            raise RuntimeError(
                "PeriodicCallback.start() found no event loop to run on: start it inside a "
                "session (an app or callback served by panel-state), from async code, or "
                "after pn.serve(..., threaded=True) has started a server."
            )
        self._loop = loop
        self._session = weakref.ref(session) if session is not None else None
        if session is not None and self not in session._periodic:
            session._periodic.append(self)
        self._generation += 1
        generation = self._generation
        self._in_flight = False
        self._set_running(True)
        with param.discard_events(self):
            self.counter = 0
        _running.add(self)

        def arm() -> None:
            if self._generation != generation:
                return
            self._start_time = self._last_when = loop.time()
            _timers_for(loop).add(self._start_time + self.period / 1000, self, generation)

        if execution.running_loop() is loop:
            arm()
        else:
            loop.call_soon_threadsafe(arm)

    def stop(self) -> None:
        """Stop running; ``counter`` keeps the number of runs. Harmless when stopped."""
        self._generation += 1
        self._loop = None
        session = self._session() if self._session is not None else None
        self._session = None
        if session is not None and self in session._periodic and not session.destroyed:
            session._periodic.remove(self)
        _running.discard(self)
        self._set_running(False)

    # -- watchers -------------------------------------------------------------------------
    def _set_running(self, value: bool) -> None:
        self._updating = True
        try:
            self.running = value
        finally:
            self._updating = False

    def _on_running(self, event: param.parameterized.Event) -> None:
        if self._updating:
            return
        if event.new and self._loop is None:
            self.start()
        elif not event.new and self._loop is not None:
            self.stop()

    def _on_period(self, event: param.parameterized.Event) -> None:
        loop = self._loop
        if loop is None:
            return
        self._generation += 1
        generation = self._generation

        def rearm() -> None:
            if self._generation == generation:
                when = max(self._last_when + self.period / 1000, loop.time())
                _timers_for(loop).add(when, self, generation)

        if execution.running_loop() is loop:
            rearm()
        else:
            loop.call_soon_threadsafe(rearm)

    # -- running ------------------------------------------------------------------------------
    def _tick(self, when: float) -> None:
        loop = self._loop
        if loop is None:
            return
        session = self._session() if self._session is not None else None
        if self._session is not None and (session is None or session.destroyed):
            self.stop()
            return
        now = loop.time()
        timeout = self.timeout
        if timeout is not None and (now - self._start_time) * 1000 > timeout + 1:
            self.stop()
            return
        period = self.period / 1000
        generation = self._generation
        self._last_when = when
        if not self._in_flight:
            self._run(session)
        if self._generation != generation or self._loop is None:
            return
        if self.count is not None and self.counter >= self.count and not self._in_flight:
            self.stop()
            return
        steps = max(1, int((now - when) // period) + 1)
        nxt = when + steps * period
        if timeout is not None and (nxt - self._start_time) * 1000 > timeout + 1:
            if not self._in_flight:
                self.stop()
            return
        _timers_for(loop).add(nxt, self, generation)

    def _run(self, session: Session | None) -> None:
        self.counter += 1
        if self.log and log.isEnabledFor(logging.DEBUG):
            log.debug("PeriodicCallback %s run %d", execution.describe(self.callback), self.counter)
        callback = self.callback
        assert callback is not None
        execution.busy_enter(session)
        if execution.thread_pool() is not None and not inspect.iscoroutinefunction(callback):
            self._in_flight = True
            try:
                future = execution.submit(callback, session=session, what=self._what())
            except RuntimeError as exc:
                self._in_flight = False
                execution.busy_exit(session)
                execution.handle_exception(exc, self._what(), session)
                return
            future.add_done_callback(lambda _f: self._finished(session))
            return
        token = _current.set(session)
        try:
            result = callback()
        except Exception as exc:
            execution.busy_exit(session)
            execution.handle_exception(exc, self._what(), session)
            return
        finally:
            _current.reset(token)
        if inspect.isawaitable(result):
            self._in_flight = True
            task = execution.spawn(result, session=session, what=self._what())
            if task is not None:
                task.add_done_callback(lambda _t: self._finished(session))
                return
            self._in_flight = False
        execution.busy_exit(session)

    def _finished(self, session: Session | None) -> None:
        self._in_flight = False
        execution.busy_exit(session)
        if self._loop is None:
            return
        if self.count is not None and self.counter >= self.count:
            self.stop()
        elif self.timeout is not None and self._loop is not None and (
            (self._loop.time() - self._start_time) * 1000 > self.timeout
        ):
            self.stop()

    def _what(self) -> str:
        return f"periodic callback {execution.describe(self.callback)}"

    def __repr__(self) -> str:
        return (f"PeriodicCallback({execution.describe(self.callback)}, period={self.period}, "
                f"running={self.running})")
