"""The scope runner: the one way the library runs user code.

Every user callback -- widget handlers, watchers fed by the browser, periodic ticks,
tasks, onload callbacks, lifecycle hooks, link callbacks, reactive functions -- runs
through :func:`run` (now, in this thread), :func:`spawn` (a coroutine on a loop) or
:func:`submit` (on the thread pool). Each of them:

* makes the callback's session current for exactly the duration of the call;
* counts it toward that session's busy state when asked (until a returned coroutine
  or the thread finishes);
* hands an exception to :func:`panel_state.errors.handle_exception` with the
  callback's name, session and kind, and never lets it escape;
* names a synchronous callback that held the event loop too long
  (``config.block_warning_threshold``);
* calls ``done(exc_or_None)`` once the work has finished, on the session's loop.

:func:`execute` is ``pn.state.execute``; :func:`run_onload` runs a batch of onload
callbacks; :func:`async_executor` is what param uses for async watchers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from . import busy as _busy
from . import context, loops, pool
from ._params import get_value
from .config import config
from .errors import describe, handle_exception

if TYPE_CHECKING:
    from .session import Session

__all__ = ["Done", "Schedule", "async_executor", "blocking_watch", "execute", "onload_batch",
           "run", "run_onload", "slow_warnings", "spawn", "submit", "warn_if_slow"]

log = logging.getLogger(__name__)

Schedule = bool | Literal["auto", "thread"]

#: ``done(exc)``: called once the work finished, with its exception or None.
Done = Callable[[BaseException | None], Any]

#: A description of the callback: text, or a function making it (only called to report).
What = str | Callable[[], str] | None


def _name(what: What, fn: Any) -> str:
    if what is None:
        return describe(fn)
    return what() if callable(what) else what


# -- block warnings ----------------------------------------------------------------------

_slow_warnings = 0


def slow_warnings() -> int:
    """How many block warnings were logged so far in this process."""
    return _slow_warnings


def warn_if_slow(what: str | Callable[[], str], started: float,
                 before: int | None = None) -> None:
    """Log a warning naming ``what`` if it held the event loop past the threshold.

    Parameters
    ----------
    what : str or callable
        The callback's description, or a function making it (called only to warn).
    started : float
        ``time.perf_counter()`` when the callback started.
    before : int, optional
        :func:`slow_warnings` when it started: if a callback nested inside it was
        already named, this outer one is not reported a second time.
    """
    global _slow_warnings
    elapsed = time.perf_counter() - started
    threshold = get_value(config, "block_warning_threshold")  # every tick asks
    if not threshold or elapsed <= threshold or loops.running_loop() is None:
        return
    if before is not None and _slow_warnings != before:
        return
    _slow_warnings += 1
    log.warning(
        "%s blocked the event loop for %.2f s (block_warning_threshold is %g s); make it "
        "async or run it with threaded=True / pn.state.execute(..., schedule='thread').",
        what() if callable(what) else what, elapsed, threshold)


@contextlib.contextmanager
def blocking_watch(what: str | Callable[[], str]) -> Iterator[None]:
    """Time the ``with`` block and :func:`warn_if_slow` about it (nested blocks win)."""
    before = _slow_warnings
    started = time.perf_counter()
    try:
        yield
    finally:
        warn_if_slow(what, started, before)


# -- the runner ----------------------------------------------------------------------------


def run(fn: Callable[..., Any], *args: Any, session: Session | None = None,
        what: What = None, kind: str = "callback", busy: bool = False,
        done: Done | None = None) -> Any:
    """Call ``fn(*args)`` now, in this thread, with ``session`` current.

    Returns what ``fn`` returned, or None if it raised (the exception is handled). A
    returned awaitable is run with :func:`spawn` (owned by the session, busy held
    until it finishes) and the task is returned instead.

    Parameters
    ----------
    fn : callable
        The user code.
    *args
        Its arguments.
    session : Session, optional
        The session to run in (None: outside any session).
    what : str or callable, optional
        How to name it in logs; default ``describe(fn)``.
    kind : str
        One of :data:`panel_state.errors.KINDS`.
    busy : bool
        Count it toward the session's busy state.
    done : callable, optional
        ``done(exc_or_None)`` once finished (for a coroutine: when it ends).
    """
    if busy:
        _busy.enter(session)
    token = context.enter(session)
    before = _slow_warnings
    started = time.perf_counter()
    try:
        result = fn(*args)
    except Exception as exc:
        if busy:
            _busy.exit(session)
        # Still inside the session: a handler may use pn.state (a notification, say).
        handle_exception(exc, _name(what, fn), session, kind)
        if done is not None:
            done(exc)
        return None
    finally:
        context.leave(token)
        warn_if_slow(what if what is not None else (lambda: describe(fn)), started, before)
    if result is not None and inspect.isawaitable(result):
        return spawn(result, session=session, what=_name(what, fn), kind=kind, held=busy,
                     done=done)
    if busy:
        _busy.exit(session)
    if done is not None:
        done(None)
    return result


def spawn(awaitable: Awaitable[Any], *, session: Session | None = None, what: What = "",
          kind: str = "callback", busy: bool = False, held: bool = False,
          done: Done | None = None) -> asyncio.Future[Any] | None:
    """Run ``awaitable`` on the session's loop (else the running, else the default one).

    The session is current in the task; an exception is handled; with ``busy`` (or
    ``held``, when the caller already counted it) busy lasts until the task ends.
    Safe from any thread. With no loop anywhere it runs to completion right here.
    Returns the task (wrapped for the caller's loop when started from another one).
    """
    if busy:
        _busy.enter(session)
    counted = busy or held

    async def runner() -> Any:
        token = context.enter(session)
        error: BaseException | None = None
        try:
            return await awaitable
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = exc
            handle_exception(exc, _name(what, awaitable), session, kind)
            return None
        finally:
            context.leave(token)
            if counted:
                _busy.exit(session)
            if done is not None:
                done(error)

    loop = loops.resolve_loop(session)
    here = loops.running_loop()
    if loop is None:
        asyncio.run(runner())
        return None
    if loop is here:
        task = loop.create_task(runner())
        if session is not None:
            session.track(task)
        return task
    future = asyncio.run_coroutine_threadsafe(runner(), loop)
    return asyncio.wrap_future(future, loop=here) if here is not None else None


def submit(fn: Callable[..., Any], *args: Any, session: Session | None = None,
           what: What = None, kind: str = "callback", busy: bool = False,
           done: Done | None = None) -> asyncio.Future[Any] | concurrent.futures.Future[Any]:
    """Run ``fn(*args)`` on the thread pool with ``session`` current there.

    Exceptions are handled; busy (when counted) and ``done`` finish on the session's
    loop once the thread -- or a coroutine ``fn`` returned -- is done.

    Raises
    ------
    RuntimeError
        When there is no thread pool (``config.nthreads`` is None).
    """
    executor = pool.require_pool(_name(what, fn))
    loop = loops.resolve_loop(session)

    def finish(error: BaseException | None) -> None:
        if busy:
            _busy.exit(session)
        if done is not None:
            done(error)

    def finished(error: BaseException | None) -> None:
        loops.call_on(loop, finish, error)

    def work() -> Any:
        try:
            return run(fn, *args, session=session, what=what, kind=kind, done=finished)
        finally:
            pool.track(-1)

    if busy:
        _busy.enter(session)
    pool.track(1)
    try:
        # The caller's context travels into the thread (a notebook cell's output routing).
        future = executor.submit(contextvars.copy_context().run, work)
    except RuntimeError:
        pool.track(-1)
        if busy:
            _busy.exit(session)
        raise
    here = loops.running_loop()
    return asyncio.wrap_future(future, loop=here) if here is not None else future


# -- entry points ------------------------------------------------------------------------


def _is_coroutine_function(fn: Any) -> bool:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None))  # noqa: B004 - callable objects with async __call__


def execute(callback: Callable[[], Any], schedule: Schedule = "auto", *,
            session: Session | None = None) -> Any:
    """Run ``callback`` in the right place; see :meth:`panel_state.state.State.execute`."""
    if not callable(callback):
        raise TypeError(f"execute needs a callable, got {type(callback).__name__}.")
    if schedule not in ("auto", "thread", True, False):
        raise ValueError(
            f"execute schedule must be 'auto', 'thread', True or False, got {schedule!r}.")
    session = session if session is not None else context.current_session()
    what = describe(callback)
    if schedule == "thread":
        return submit(callback, session=session, what=what, kind="execute")
    if _is_coroutine_function(callback):
        return spawn(callback(), session=session, what=what, kind="execute")
    loop = loops.resolve_loop(session) if session is not None or schedule is True else None
    if schedule is False or loop is None or (schedule == "auto" and (
            session is None or session.on_loop_thread())):
        return run(callback, session=session, what=what, kind="execute")

    def deferred() -> None:
        if session is None or not session.destroyed:
            run(callback, session=session, what=what, kind="execute")

    loops.call_soon(loop, deferred)
    return None


def run_onload(session: Session | None, batch: Iterable[tuple[Callable[[], Any], bool]]
               ) -> list[Awaitable[Any]]:
    """Run a batch of onload callbacks in order, each isolated.

    Returns the awaitables (async and threaded callbacks) the caller may wait for.
    """
    pending: list[Awaitable[Any]] = []
    for callback, threaded in batch:
        what = f"onload callback {describe(callback)}"
        if threaded:
            try:
                pending.append(submit(callback, session=session, what=what,  # type: ignore[arg-type]
                                      kind="onload"))
            except RuntimeError as exc:
                handle_exception(exc, what, session, "onload")
            continue
        result = run(callback, session=session, what=what, kind="onload")
        if isinstance(result, asyncio.Future):
            pending.append(result)
    return pending


async def onload_batch(session: Session | None,
                       batch: Iterable[tuple[Callable[[], Any], bool]]) -> list[Awaitable[Any]]:
    """Run a batch of onload callbacks in order, on the thread pool when there is one.

    Without a pool this is :func:`run_onload`. With one (``config.nthreads``), as in
    Panel, the loop stays free while a session loads: each plain sync callback runs on
    the pool and the next starts once it finished (the order holds), ``threaded=True``
    ones are submitted without waiting, and async ones run on the loop. Returns the
    awaitables the caller may wait for.
    """
    if pool.thread_pool() is None:
        return run_onload(session, batch)
    pending: list[Awaitable[Any]] = []
    for callback, threaded in batch:
        if threaded or _is_coroutine_function(callback):
            pending += run_onload(session, [(callback, threaded)])
            continue
        try:
            future = submit(callback, session=session, kind="onload",
                            what=f"onload callback {describe(callback)}")
        except RuntimeError:  # the pool shut down meanwhile: run it here
            pending += run_onload(session, [(callback, False)])
            continue
        if isinstance(future, asyncio.Future):
            await asyncio.gather(future, return_exceptions=True)
    return pending


def async_executor(fn: Callable[[], Any]) -> None:
    """param's ``async_executor``: run async watchers on the loop, session current.

    An async watcher started while its session is busy (by a browser event) counts
    toward that busy state until it finishes.
    """
    session = context.current_session()
    spawn(fn(), session=session, what=lambda: f"async watcher {describe(fn)}",
          kind="watcher", busy=session is not None and session.busy_counter.count > 0)
