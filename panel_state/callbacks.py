"""PeriodicCallback, and the per-loop timer that fires many of them cheaply.

All periodic callbacks of one event loop share one armed asyncio timer: a heap of
deadlines on the loop's monotonic clock. When it fires, every callback due (within a
small slack) runs in deadline order, each reschedules on its own fixed grid, and the
timer is re-armed once. Callbacks that share a period keep a stable order, so the gap
between two runs of the same callback stays close to its period even with thousands.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import inspect
import itertools
import logging
import time
import weakref
from typing import Any

import param

from . import execution
from ._params import get_value, set_value
from .session import Session, _current, current_session

log = logging.getLogger("panel_state.callbacks")

#: Callbacks due within this many seconds of the earliest one fire together.
SLACK = 0.001


class _Timers:
    """One loop's heap of periodic deadlines behind a single asyncio timer.

    Only the loop's own thread touches it (or any thread while the loop is not
    running). It holds the loop weakly, so a closed loop and its heap can be freed.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = weakref.ref(loop)
        self.heap: list[tuple[float, int, PeriodicCallback, int]] = []
        self.seq = itertools.count()
        self.handle: asyncio.TimerHandle | None = None
        self.armed_at = float("inf")
        self.firing = False

    def add(self, when: float, cb: PeriodicCallback, generation: int) -> None:
        heapq.heappush(self.heap, (when, next(self.seq), cb, generation))
        if when < self.armed_at and not self.firing:  # _fire arms once when done
            self._arm(when)

    def discard(self, cb: PeriodicCallback) -> None:
        """Drop ``cb``'s deadlines, so a stopped callback is not kept alive by the heap."""
        kept = [entry for entry in self.heap if entry[2] is not cb]
        if len(kept) == len(self.heap):
            return
        heapq.heapify(kept)
        self.heap = kept
        if not kept and self.handle is not None:
            self.handle.cancel()
            self.handle = None
            self.armed_at = float("inf")

    def _arm(self, when: float) -> None:
        loop = self._loop()
        if loop is None or loop.is_closed():
            return
        if self.handle is not None:
            self.handle.cancel()
        self.armed_at = when
        # An empty context: the timer must not keep whichever session armed it alive.
        self.handle = loop.call_at(when, self._fire, context=contextvars.Context())

    def _fire(self) -> None:
        loop = self._loop()
        self.handle = None
        self.armed_at = float("inf")
        if loop is None:
            return
        heap = self.heap
        limit = loop.time() + SLACK
        due = []
        while heap and heap[0][0] <= limit:
            due.append(heapq.heappop(heap))
        self.firing = True
        try:
            for when, _seq, cb, generation in due:
                if cb._generation == generation:
                    try:
                        cb._tick(when)
                    except Exception as exc:
                        # Library-side failures (a raising busy watcher, say) must not
                        # stop the other callbacks of this loop.
                        execution.handle_exception(exc, cb._what())
        finally:
            self.firing = False
        heap = self.heap
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
        Whether the callback is running. Setting it (or passing running=True to the
        constructor) starts or stops it, so a Toggle can drive it with
        toggle.link(cb, bidirectional=True, value='running'). A start that fails sets
        it back to False and raises.""")
    log = param.Boolean(default=True, doc="Log each run at debug level.")

    def __init__(self, **params: Any) -> None:
        start = bool(params.pop("running", False))
        super().__init__(**params)
        self._generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: weakref.ref[Session] | None = None
        self._start_time: float | None = None
        self._last_when: float | None = None
        self._origin = 0.0  # loop time the current grid counts its periods from
        self._in_flight: object | None = None  # a token for the run still going, if any
        self._stop_after_run = False
        self._updating = False
        # Plain-attribute copies of the settings each tick reads: a param read costs
        # 1-3 µs, and a tick reads them several times.
        self._mirror()
        self.param.watch(self._mirror, ["callback", "period", "count", "timeout", "log"])
        self.param.watch(self._on_running, "running")
        self.param.watch(self._on_period, "period")
        if start:
            self.start()

    # -- control -----------------------------------------------------------------------
    def start(self) -> None:
        """Start running; the first run comes one period from now.

        A run of a previous start that is still going finishes first: runs never
        overlap.

        Raises
        ------
        RuntimeError
            If it is already running, or if there is no event loop to run on (outside
            a session, outside async code and before a server or virtual clock runs).
        ValueError
            If ``callback`` is None.
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
        self._start_time = self._last_when = None
        self._stop_after_run = False
        self.counter = 0
        _running.add(self)
        self._set_running(True)
        if execution.running_loop() is loop or not loop.is_running():
            self._arm(loop, generation)
        else:
            loop.call_soon_threadsafe(self._arm, loop, generation)

    def _arm(self, loop: asyncio.AbstractEventLoop, generation: int) -> None:
        if self._generation != generation:
            return
        self._start_time = self._last_when = self._origin = loop.time()
        _timers_for(loop).add(self._origin + self.period / 1000, self, generation)

    def stop(self) -> None:
        """Stop running; ``counter`` keeps the number of runs. Harmless when stopped.

        A run in progress (an awaited coroutine, a thread) finishes; no new run starts.
        """
        self._generation += 1
        loop, self._loop = self._loop, None
        self._stop_after_run = False
        session = self._session() if self._session is not None else None
        self._session = None
        if session is not None and self in session._periodic and not session.destroyed:
            session._periodic.remove(self)
        _running.discard(self)
        if loop is not None and not loop.is_closed():
            timers = _timers.get(loop)
            if timers is not None:
                if execution.running_loop() is loop or not loop.is_running():
                    timers.discard(self)
                else:
                    loop.call_soon_threadsafe(timers.discard, self)
        self._set_running(False)

    def _mirror(self, *events: param.parameterized.Event) -> None:
        self._callback = self.callback
        self._period = self.period
        self._count = self.count
        self._timeout = self.timeout
        self._log = self.log

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
            try:
                self.start()
            except Exception:
                self._set_running(False)  # it did not start: say so
                raise
        elif not event.new and self._loop is not None:
            self.stop()

    def _on_period(self, event: param.parameterized.Event) -> None:
        loop = self._loop
        if loop is None:
            return
        self._generation += 1
        generation = self._generation

        def rearm() -> None:
            if self._generation != generation:
                return
            if self._last_when is None:  # changed before the first arming ran
                self._start_time = self._last_when = loop.time()
            self._stop_after_run = False  # the next tick re-checks count and timeout
            self._origin = self._last_when
            when = max(self._origin + self.period / 1000, loop.time())
            _timers_for(loop).add(when, self, generation)

        if execution.running_loop() is loop or not loop.is_running():
            rearm()
        else:
            loop.call_soon_threadsafe(rearm)

    # -- running ------------------------------------------------------------------------------
    def _past_timeout(self, t: float) -> bool:
        timeout = self._timeout
        start = self._start_time
        # 1 ms of tolerance for float rounding of the grid and timer batching.
        return timeout is not None and start is not None and (t - start) * 1000 > timeout + 1

    def _stop_or_defer(self) -> None:
        """Stop now, or after the run in progress when there is one."""
        if self._in_flight is None:
            self.stop()
        else:
            self._stop_after_run = True

    def _tick(self, when: float) -> None:
        loop = self._loop
        if loop is None:
            return
        session = self._session() if self._session is not None else None
        if self._session is not None and (session is None or session.destroyed):
            self.stop()
            return
        now = loop.time()
        count = self._count
        if self._past_timeout(now) or (
            count is not None and get_value(self, "counter") >= count
        ):
            self._stop_or_defer()
            return
        generation = self._generation
        self._last_when = when
        try:
            if self._in_flight is None:
                self._run(session)
        finally:
            if self._generation == generation and self._loop is loop:
                self._schedule_after(loop, when, now, generation)

    def _schedule_after(self, loop: asyncio.AbstractEventLoop, when: float, now: float,
                        generation: int) -> None:
        count = self._count
        if count is not None and get_value(self, "counter") >= count:
            self._stop_or_defer()
            return
        period_ms = self._period
        # Missed grid points (a stalled loop) coalesce: the next run is the next one
        # after now, on the grid of this callback. Counting whole periods from the
        # origin in integer milliseconds keeps the grid free of float drift.
        index = round((when - self._origin) * 1000 / period_ms)
        steps = max(1, int((now - when) * 1000 // period_ms) + 1)
        nxt = self._origin + (index + steps) * period_ms / 1000
        if self._past_timeout(nxt):
            self._stop_or_defer()
            return
        _timers_for(loop).add(nxt, self, generation)

    def _run(self, session: Session | None) -> None:
        counter = get_value(self, "counter") + 1
        set_value(self, "counter", counter)
        callback = self._callback
        if self._log and log.isEnabledFor(logging.DEBUG):
            log.debug("PeriodicCallback %s run %d", execution.describe(callback), counter)
        assert callback is not None
        token = object()
        execution.busy_enter(session)
        if execution.thread_pool() is not None and not inspect.iscoroutinefunction(callback):
            self._in_flight = token
            try:
                future = execution.submit(callback, session=session, what=self._what())
            except RuntimeError as exc:
                self._in_flight = None
                execution.busy_exit(session)
                execution.handle_exception(exc, self._what(), session)
                return
            future.add_done_callback(lambda _f: self._finished(session, token))
            return
        context = _current.set(session)
        before = execution.slow_warnings()
        started = time.perf_counter()
        try:
            result = callback()
        except Exception as exc:
            execution.busy_exit(session)
            execution.handle_exception(exc, self._what(), session)
            return
        finally:
            _current.reset(context)
            execution.warn_if_slow(self._what, started, before)
        if result is not None and inspect.isawaitable(result):
            self._in_flight = token
            task = execution.spawn(result, session=session, what=self._what())
            if task is not None:
                task.add_done_callback(lambda _t: self._finished(session, token))
                return
            self._in_flight = None
        execution.busy_exit(session)

    def _finished(self, session: Session | None, token: object) -> None:
        if self._in_flight is token:
            self._in_flight = None
        execution.busy_exit(session)
        if self._loop is not None and self._in_flight is None and self._stop_after_run:
            self.stop()

    def _what(self) -> str:
        return f"periodic callback {execution.describe(self.callback)}"

    def __repr__(self) -> str:
        return (f"PeriodicCallback({execution.describe(self.callback)}, period={self.period}, "
                f"running={self.running})")
