"""Drive what a reactive function returns when it is not a plain value.

A reactive function (shown by :class:`~panel_state.reactive.ParamFunction`, or a
reference a component param follows) may return a generator, an async generator or
an awaitable. :func:`drive` runs it as one piece of work of its session:

* a **sync generator** steps on the thread pool (``config.nthreads``), or on a thread
  of its own when there is no pool, so the event loop stays free while it computes;
  each value is handed to ``apply`` on the session's loop, and the next value is
  handed over only after the page was sent the previous one -- every yield reaches
  the page, in order;
* an **async generator** steps on the loop, each value handed over the same way;
* an **awaitable** is awaited and its value handed over.

While it runs the session is current in the user's code and busy is True; an
exception is logged and passed to ``config.exception_handler`` (and to ``done``).
:meth:`Run.cancel` stops it: an async generator is cancelled where it awaits, a sync
generator stops after the step it is in (a thread cannot be interrupted) and is then
closed, so its ``finally`` blocks run. With no event loop anywhere (plain Python) a
sync generator is stepped right here and an awaitable run to completion.

Examples
--------
>>> from panel_state.generators import drive
>>> seen = []
>>> run = drive((n * n for n in range(4)), seen.append, session=None, what="squares")
>>> seen
[0, 1, 4, 9]
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
import logging
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any

from . import context, loops, pool
from .errors import handle_exception
from .execution import Done, run, spawn

if TYPE_CHECKING:
    from .session import Session

__all__ = ["Run", "drive", "is_driven"]

log = logging.getLogger(__name__)

_DONE = object()


def is_driven(value: Any) -> bool:
    """Whether ``value`` is something :func:`drive` runs rather than a plain value."""
    return inspect.isgenerator(value) or inspect.isasyncgen(value) or inspect.isawaitable(value)


class Run:
    """One driven run. :meth:`cancel` stops it; safe from any thread."""

    def __init__(self) -> None:
        self.cancelled = False
        self._task: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def cancel(self) -> None:
        """Stop the run: no further value is handed over."""
        self.cancelled = True
        task, loop = self._task, self._loop
        if task is not None and loop is not None and not loop.is_closed():
            loops.call_on(loop, task.cancel)

    def bind_task(self, cancellable: bool, session: Session | None) -> None:
        """Called by the driver on the loop: the session owns its task; ``cancellable``
        lets :meth:`cancel` interrupt it where it awaits."""
        task = asyncio.current_task()
        if task is None:
            return
        if session is not None:
            session.track(task)  # destroying the session stops it
        if cancellable:
            self._task, self._loop = task, asyncio.get_running_loop()


def drive(source: Any, apply: Callable[[Any], Any], *, session: Session | None,
          what: str, kind: str = "reactive", done: Done | None = None) -> Run:
    """Run ``source`` (a generator, async generator or awaitable), handing values to ``apply``.

    Parameters
    ----------
    source : generator, async generator or awaitable
        What the user's function returned.
    apply : callable
        ``apply(value)`` for each value, on the session's loop (in this thread when
        there is no loop). An exception it raises stops the run and is handled.
    session : Session or None
        The session the work belongs to: current in user code, busy while it runs.
    what : str
        How to name it in logs.
    kind : str
        One of :data:`panel_state.errors.KINDS`.
    done : callable, optional
        ``done(exc_or_None)`` once the run ended, on the loop.

    Returns
    -------
    Run
        The handle that cancels it.

    Raises
    ------
    TypeError
        When ``source`` is none of the three.
    """
    handle = Run()
    if inspect.isgenerator(source):
        if loops.resolve_loop(session) is None:
            run(_iterate, source, apply, handle, session=session, what=what, kind=kind,
                busy=True, done=done)
            return handle
        driver = _drive_sync(source, apply, handle, session)
    elif inspect.isasyncgen(source):
        driver = _drive_async(source, apply, handle, session)
    elif inspect.isawaitable(source):
        driver = _drive_awaitable(source, apply, handle, session)
    else:
        raise TypeError(
            f"drive needs a generator, async generator or awaitable, got "
            f"{type(source).__name__} {source!r}.")
    spawn(driver, session=session, what=what, kind=kind, busy=True, done=done)
    return handle


def _iterate(gen: Generator[Any, Any, Any], apply: Callable[[Any], Any], handle: Run) -> None:
    try:
        for value in gen:
            if handle.cancelled:
                return
            apply(value)
    finally:
        gen.close()


def _step(gen: Generator[Any, Any, Any], session: Session | None) -> Any:
    token = context.enter(session)
    try:
        return next(gen)
    except StopIteration:
        return _DONE
    finally:
        context.leave(token)


def _close(gen: Generator[Any, Any, Any], session: Session | None, what: str) -> None:
    token = context.enter(session)
    try:
        gen.close()
    except Exception as exc:
        handle_exception(exc, f"closing {what}", session, "reactive")
    finally:
        context.leave(token)


async def _drive_sync(gen: Generator[Any, Any, Any], apply: Callable[[Any], Any], handle: Run,
                      session: Session | None) -> None:
    handle.bind_task(False, session)  # a step on a thread cannot be interrupted
    executor = pool.thread_pool()
    own = None
    if executor is None:
        own = executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="panel_state-generator")
    step: concurrent.futures.Future[Any] | None = None
    what = getattr(gen, "__qualname__", "generator")
    try:
        while not handle.cancelled:
            # Counted in flight so a virtual clock waits for the thread, not past it.
            pool.track(1)
            step = executor.submit(contextvars.copy_context().run, _step, gen, session)
            step.add_done_callback(lambda _: pool.track(-1))
            value = await asyncio.wrap_future(step)
            if value is _DONE or handle.cancelled:
                break
            apply(value)
    finally:
        # Close once the step in flight (if any) has returned: on its worker thread
        # then, or here when it already has.
        if step is None:
            _close(gen, session, what)
        else:
            step.add_done_callback(lambda _: _close(gen, session, what))
        if own is not None:
            own.shutdown(wait=False)


async def _drive_async(agen: AsyncGenerator[Any, Any], apply: Callable[[Any], Any], handle: Run,
                       session: Session | None) -> None:
    handle.bind_task(True, session)
    try:
        async for value in agen:
            if handle.cancelled:
                break
            apply(value)
            # Let the loop flush this value to the page before the next one comes.
            await asyncio.sleep(0)
    finally:
        await agen.aclose()


async def _drive_awaitable(awaitable: Any, apply: Callable[[Any], Any], handle: Run,
                           session: Session | None) -> None:
    handle.bind_task(False, session)  # an awaitable runs to its end; its value is dropped
    value = await awaitable
    if not handle.cancelled:
        apply(value)
