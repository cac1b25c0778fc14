"""Named process-wide tasks: ``schedule_task`` / ``cancel_task`` and watchable Tasks."""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import logging
import os
from collections.abc import Callable
from typing import Any

import param

from . import context, execution, lifespan, loops, pool, scheduling
from ._params import set_readonly
from .errors import describe, handle_exception

__all__ = ["APP_MODULE_PREFIX", "Task", "cancel_task", "clear_tasks", "schedule_task",
           "scheduled_tasks"]

log = logging.getLogger(__name__)

#: Modules of served app scripts start with this; their callbacks cannot be tasks.
APP_MODULE_PREFIX = "panel_state_app_"

_tasks: dict[str, Task] = {}


def scheduled_tasks() -> dict[str, Task]:
    """The tasks scheduled in this process, by name."""
    pid = os.getpid()
    return {name: task for name, task in _tasks.items() if task.pid == pid}


class Task(param.Parameterized):
    """A scheduled task; every field is a watchable read-only param.

    Returned by ``pn.state.schedule_task``; bind a pane to ``task.param.last_run`` to
    show when it last ran, or watch ``last_error``.
    """

    callback = param.Callable(default=None, readonly=True, allow_refs=False,
                              doc="The task function.")
    threaded = param.Boolean(default=False, readonly=True, doc="Runs on the thread pool.")
    scheduled = param.Boolean(default=True, readonly=True, doc="""
        True while more runs are due; False once cancelled or the schedule ended.""")
    next_run = param.Date(default=None, allow_None=True, readonly=True, doc="""
        When the next run is due (aware UTC datetime), or None.""")
    last_run = param.Date(default=None, allow_None=True, readonly=True, doc="""
        When the last run started (aware UTC datetime), or None.""")
    run_count = param.Integer(default=0, readonly=True, doc="How many runs have started.")
    running = param.Boolean(default=False, readonly=True, doc="True while a run is in progress.")
    last_error = param.Parameter(default=None, readonly=True, doc="""
        The exception the last run raised, or None if it succeeded.""")

    def __init__(self, name: str, callback: Callable[[], Any], trigger: scheduling.Trigger,
                 threaded: bool) -> None:
        super().__init__(name=name)
        self._key = name
        set_readonly(self, "callback", callback)
        set_readonly(self, "threaded", threaded)
        self._trigger = trigger
        self.pid = os.getpid()
        # Runs happen in the context that scheduled the task, minus any session: in a
        # notebook their output lands under that cell; a task never runs in a session.
        self._context = context.detached_context()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._last_scheduled: dt.datetime | None = None
        self._final = False

    def cancel(self, wait: bool = False) -> None:
        """Cancel the task; with ``wait=True`` its next run still happens first."""
        if wait and self.scheduled:
            self._final = True
            return
        if _tasks.get(self._key) is self:
            del _tasks[self._key]
        self._finish()

    # -- scheduling ------------------------------------------------------------------------
    def adopt(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start a task that waited for a server on that server's ``loop`` (its thread).

        It is cancelled with the server; a task cancelled meanwhile stays cancelled.
        """
        if self.scheduled and _tasks.get(self._key) is self:
            lifespan.adopt_object(self, "cancel")
            self.arm(loop)

    def arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Schedule the first run on ``loop`` (on its thread, or before it runs)."""
        self._loop = loop
        self._schedule_next(None)

    def _schedule_next(self, previous: dt.datetime | None) -> None:
        now = scheduling.clock().now()
        try:
            nxt = None if self._final and previous is not None else (
                self._trigger.next_run(now, previous))
        except Exception as exc:
            handle_exception(exc, f"schedule of task {self.name!r}", kind="task")
            nxt = None
        if nxt is None:
            if _tasks.get(self._key) is self:
                del _tasks[self._key]
            self._finish()
            return
        self._last_scheduled = nxt
        set_readonly(self, "next_run", nxt.astimezone(scheduling.UTC))
        loop = self._loop
        assert loop is not None
        delay = max(0.0, (nxt - now).total_seconds())
        self._handle = loop.call_at(loop.time() + delay, self._fire, context=self._context)

    def _finish(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        set_readonly(self, "next_run", None)
        set_readonly(self, "scheduled", False)

    def _fire(self) -> None:
        self._handle = None
        if not self.scheduled:
            return
        previous = self._last_scheduled
        if self.running:
            log.info("Task %r is still running; skipping the run due at %s.", self.name, previous)
        else:
            self._start_run()
        if self.scheduled:
            self._schedule_next(previous)

    def _start_run(self) -> None:
        set_readonly(self, "last_run", scheduling.clock().now())
        set_readonly(self, "run_count", self.run_count + 1)
        set_readonly(self, "running", True)
        what = f"task {self.name!r} ({describe(self.callback)})"
        callback = self.callback
        assert callback is not None
        if self.threaded:
            try:
                execution.submit(callback, what=what, kind="task", done=self._done)
            except RuntimeError as exc:  # the pool shut down meanwhile
                handle_exception(exc, what, kind="task")
                self._done(exc)
            return
        execution.run(callback, what=what, kind="task", done=self._done)

    def _done(self, exc: BaseException | None) -> None:
        set_readonly(self, "last_error", exc)
        set_readonly(self, "running", False)

    def __repr__(self) -> str:
        return f"<Task {self.name!r} next_run={self.next_run} runs={self.run_count}>"


def schedule_task(
    name: str,
    callback: Callable[[], Any],
    at: Any = None,
    period: str | dt.timedelta | float | None = None,
    cron: str | None = None,
    threaded: bool = False,
) -> Task:
    """Schedule ``callback`` to run process-wide under ``name``.

    Idempotent by name: scheduling the same callback under a name again returns the
    existing task; a different callback under a taken name is ignored with a warning.

    Parameters
    ----------
    name : str
        Unique name of the task in this process.
    callback : callable
        Sync or async function of no arguments. It must not be defined in a served app
        script: define it in a ``--setup`` script or an imported module.
    at : datetime, iterator of datetimes, or callable, optional
        When to run: a datetime (naive means local time); an iterator of datetimes; or a
        callable that receives naive UTC now and returns the next UTC datetime, or None
        to end the schedule.
    period : str, timedelta or float, optional
        Repeat period: ``'1s'``, ``'5m'``, ``'1h30m'``, ``'2d'``, ``'1w'``, a timedelta
        or seconds. Runs stay on the grid ``at + k * period``.
    cron : str, optional
        A croniter expression, read in local time unless ``at`` has a tzinfo.
    threaded : bool
        Run on the thread pool (needs ``config.nthreads``).

    With none of ``at``, ``period`` and ``cron`` the task runs once, now. Missed runs
    coalesce into at most one run; errors are logged and handled and the schedule
    continues.

    Returns
    -------
    Task
        The watchable task (``next_run``, ``last_run``, ``run_count``, ``last_error``,
        ``running``, ``scheduled``).

    In the main thread with no event loop yet (a script before its blocking
    ``pn.serve(...)``), the task waits for the server and starts on its loop, as in
    Panel (``next_run`` is None until then).

    Raises
    ------
    RuntimeError
        For a callback defined in a served app script, ``threaded=True`` without a
        thread pool, or when there is no event loop to schedule on and none will come
        (off the main thread, with no server running).
    ValueError
        For an invalid period or cron string, or cron with an iterator/callable ``at``.

    Examples
    --------
    >>> import panel_state as pn
    >>> from panel_state.testing import virtual_clock
    >>> with virtual_clock() as clock:
    ...     task = pn.state.schedule_task('tick', lambda: None, period='1s')
    ...     clock.advance(seconds=3.5)
    ...     pn.state.cancel_task('tick')
    >>> task.run_count
    4
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"schedule_task needs a non-empty string name, got {name!r}.")
    if not callable(callback):
        raise TypeError(f"schedule_task needs a callable, got {type(callback).__name__}.")
    existing = scheduled_tasks().get(name)
    if existing is not None:
        # ``==``, not ``is``: ``obj.method`` makes a new bound method on every access.
        if existing.callback is not callback and existing.callback != callback:
            log.warning(
                "A different task is already scheduled under the name %r; the new one is "
                "ignored. Cancel the old one first with pn.state.cancel_task(%r).", name, name,
            )
        return existing
    module = getattr(callback, "__module__", None) or ""
    if module.startswith(APP_MODULE_PREFIX):
        raise RuntimeError(
            f"Cannot schedule task {name!r}: its callback is defined in a served app script, "
            "which runs once per session. Define it in a --setup script (panel-state serve "
            "app.py --setup setup.py) or in an imported module."
        )
    if threaded and pool.thread_pool() is None:
        raise RuntimeError(
            f"Cannot schedule task {name!r} with threaded=True: there is no thread pool. Set "
            "pn.config.nthreads (or --num-threads) first."
        )
    trigger = scheduling.make_trigger(at, period, cron, scheduling.clock().local_tz())
    loop = loops.resolve_loop(None)
    waits = loop is None or loop.is_closed()
    if waits and not loops.can_defer():
        raise RuntimeError(
            f"Cannot schedule task {name!r}: there is no event loop. Call schedule_task from "
            "a --setup script, async code, after pn.serve(..., threaded=True), or in the "
            "main thread before pn.serve(...)."
        )
    task = Task(name, callback, trigger, threaded)
    _tasks[name] = task
    if waits:  # a script before its blocking pn.serve(...): the server's loop takes it
        loops.defer(f"task {name!r}", task.adopt)
        return task
    lifespan.adopt_object(task, "cancel")  # scheduled by a setup script: cancelled with it
    # Armed now when possible, so next_run is known at once.
    loops.call_on(loop, task.arm, loop, context=contextvars.Context())
    return task


def cancel_task(name: str, wait: bool = False) -> None:
    """Cancel the task ``name``; with ``wait=True`` its next run happens first.

    Raises
    ------
    KeyError
        If no task of that name is scheduled.
    """
    task = scheduled_tasks().get(name)
    if task is None:
        raise KeyError(f"No task with the name {name!r} has been scheduled.")
    task.cancel(wait=wait)


def clear_tasks() -> None:
    """Cancel every task (``state.reset`` calls this)."""
    for task in list(_tasks.values()):
        task.cancel()
    _tasks.clear()
