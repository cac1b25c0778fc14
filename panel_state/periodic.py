"""PeriodicCallback: run a function every ``period`` milliseconds.

The callbacks of one loop share its timer heap (:mod:`panel_state.timers`); the grid
math (next run, coalescing missed runs, the timeout) is pure, in
:mod:`panel_state.scheduling`; each run goes through the scope runner
(:mod:`panel_state.execution`).
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import weakref
from typing import TYPE_CHECKING, Any

import param

from . import context, execution, lifespan, loops, pool
from ._params import get_value, set_value
from .errors import describe, handle_exception
from .scheduling import next_on_grid, past_timeout
from .timers import timers_for

if TYPE_CHECKING:
    from .session import Session

__all__ = ["PeriodicCallback", "running_callbacks", "stop_all"]

log = logging.getLogger(__name__)

_running: weakref.WeakSet[PeriodicCallback] = weakref.WeakSet()


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
        #: Bumped by every start, stop and period change; timer entries of an older
        #: generation are dropped.
        self.generation = 0
        self._context: contextvars.Context | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: weakref.ref[Session] | None = None
        self._start_time: float | None = None
        self._last_when: float | None = None
        self._origin = 0.0  # loop time the current grid counts its periods from
        self._in_flight: object | None = None  # a token for the run still going, if any
        self._stop_after_run = False
        self._deferred = False  # running, waiting for a server's loop (see start())
        self._updating = False
        # Plain-attribute copies of the settings each tick reads: a param read costs
        # 1-3 µs, and a tick reads them several times.
        self._mirror()
        self.param.watch(self._mirror, ["callback", "period", "count", "timeout", "log"])
        self.param.watch(self._on_running, "running")
        self.param.watch(self._on_period, "period")
        if start:
            self.start()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop it runs on while running, else None."""
        return self._loop

    # -- control -----------------------------------------------------------------------
    def start(self) -> None:
        """Start running; the first run comes one period from now.

        A run of a previous start that is still going finishes first: runs never
        overlap. In the main thread with no event loop yet (a script before its
        blocking ``pn.serve(...)``) it is ``running`` at once and starts with the next
        server, as in Panel.

        Raises
        ------
        RuntimeError
            If it is already running, or if there is no event loop to run on and none
            will come (outside a session and async code, off the main thread, before a
            server or virtual clock runs).
        ValueError
            If ``callback`` is None.
        """
        if self._loop is not None or self._deferred:
            raise RuntimeError(
                "Periodic callback has already started; call stop() before start()."
            )
        if self.callback is None:
            raise ValueError("PeriodicCallback.start() needs a callback, got None.")
        session = context.current_session()
        loop = loops.resolve_loop(session)
        if loop is None or loop.is_closed():
            if session is None and loops.can_defer():
                self._defer()
                return
            raise RuntimeError(
                "PeriodicCallback.start() found no event loop to run on: start it inside a "
                "session (an app or callback served by panel-state), from async code, "
                "after pn.serve(..., threaded=True) has started a server, or in the main "
                "thread before pn.serve(...) (it then starts with the server)."
            )
        self._begin(loop, session)

    def _defer(self) -> None:
        """Be running now; start on the loop of the next server (see ``loops.defer``)."""
        self.generation += 1
        generation = self.generation
        self._deferred = True
        self._stop_after_run = False
        self.counter = 0
        _running.add(self)
        self._set_running(True)

        def begin(loop: asyncio.AbstractEventLoop) -> None:
            if self.generation == generation and self._deferred:
                self._deferred = False
                self._begin(loop, None)

        loops.defer(self._what(), begin)

    def _begin(self, loop: asyncio.AbstractEventLoop, session: Session | None) -> None:
        self._loop = loop
        self._session = weakref.ref(session) if session is not None else None
        # Ticks run in the context that started the callback (minus the session, held
        # weakly): in a notebook their output lands under the cell that started it.
        self._context = context.detached_context()
        if session is not None:
            session.add_periodic(self)
        else:
            lifespan.adopt_object(self, "stop")
        self.generation += 1
        generation = self.generation
        self._start_time = self._last_when = None
        self._stop_after_run = False
        self.counter = 0
        _running.add(self)
        self._set_running(True)
        loops.call_on(loop, self._arm, loop, generation, context=contextvars.Context())

    def _arm(self, loop: asyncio.AbstractEventLoop, generation: int) -> None:
        if self.generation != generation:
            return
        self._start_time = self._last_when = self._origin = loop.time()
        timers_for(loop).add(self._origin + self.period / 1000, self, generation)

    def stop(self) -> None:
        """Stop running; ``counter`` keeps the number of runs. Harmless when stopped.

        A run in progress (an awaited coroutine, a thread) finishes; no new run starts.
        """
        self.generation += 1
        loop, self._loop = self._loop, None
        self._deferred = False
        self._stop_after_run = False
        session = self._session() if self._session is not None else None
        self._session = None
        self._context = None
        if session is not None:
            session.remove_periodic(self)
        _running.discard(self)
        if loop is not None and not loop.is_closed():
            loops.call_on(loop, timers_for(loop).discard, self, context=contextvars.Context())
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
        elif not event.new and (self._loop is not None or self._deferred):
            self.stop()

    def _on_period(self, event: param.parameterized.Event) -> None:
        loop = self._loop
        if loop is None:
            return
        self.generation += 1
        generation = self.generation

        def rearm() -> None:
            if self.generation != generation:
                return
            if self._last_when is None:  # changed before the first arming ran
                self._start_time = self._last_when = loop.time()
            self._stop_after_run = False  # the next tick re-checks count and timeout
            self._origin = self._last_when
            when = max(self._origin + self.period / 1000, loop.time())
            timers_for(loop).add(when, self, generation)

        loops.call_on(loop, rearm, context=contextvars.Context())

    # -- running ------------------------------------------------------------------------------
    def fire(self, when: float) -> None:
        """Run the tick due at loop time ``when`` (the loop's timer heap calls this)."""
        ctx = self._context
        try:
            if ctx is None:
                self._tick(when)
            else:
                ctx.run(self._tick, when)
        except Exception as exc:
            # Library-side failures (a raising busy watcher, say) must not stop the
            # other callbacks of this loop.
            handle_exception(exc, self._what(), kind="periodic")

    def _past_timeout(self, t: float) -> bool:
        return past_timeout(self._start_time, t, self._timeout)

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
        generation = self.generation
        self._last_when = when
        try:
            if self._in_flight is None:
                self._run(session)
        finally:
            if self.generation == generation and self._loop is loop:
                self._schedule_after(loop, when, now, generation)

    def _schedule_after(self, loop: asyncio.AbstractEventLoop, when: float, now: float,
                        generation: int) -> None:
        count = self._count
        if count is not None and get_value(self, "counter") >= count:
            self._stop_or_defer()
            return
        nxt = next_on_grid(self._origin, when, now, self._period)
        if self._past_timeout(nxt):
            self._stop_or_defer()
            return
        timers_for(loop).add(nxt, self, generation)

    def _run(self, session: Session | None) -> None:
        counter = get_value(self, "counter") + 1
        set_value(self, "counter", counter)
        callback = self._callback
        if self._log and log.isEnabledFor(logging.DEBUG):
            log.debug("PeriodicCallback %s run %d", describe(callback), counter)
        assert callback is not None
        token = object()
        if pool.thread_pool() is not None and not inspect.iscoroutinefunction(callback):
            self._in_flight = token
            try:
                execution.submit(callback, session=session, what=self._what, kind="periodic",
                                 busy=True, done=lambda _exc: self._finished(token))
            except RuntimeError as exc:  # the pool shut down meanwhile
                self._in_flight = None
                handle_exception(exc, self._what(), session, "periodic")
            return
        result = execution.run(callback, session=session, what=self._what, kind="periodic",
                               busy=True)
        if isinstance(result, asyncio.Future):  # a coroutine still running
            self._in_flight = token
            result.add_done_callback(lambda _t: self._finished(token))

    def _finished(self, token: object) -> None:
        if self._in_flight is token:
            self._in_flight = None
        if self._loop is not None and self._in_flight is None and self._stop_after_run:
            self.stop()

    def _what(self) -> str:
        return f"periodic callback {describe(self.callback)}"

    def __repr__(self) -> str:
        return (f"PeriodicCallback({describe(self.callback)}, period={self.period}, "
                f"running={self.running})")
