"""Running user callbacks: session activation, threads, the loop, busy and errors.

Every user callback the library runs goes through this module, so each one has the
right session active, counts toward that session's busy state when it should, and has
its exceptions logged with context and handed to ``config.exception_handler``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, Literal

from ._params import get_value, set_readonly
from .config import config
from .session import Session, _current, current_session

log = logging.getLogger("panel_state.callbacks")

Schedule = bool | Literal["auto", "thread"]

# -- thread pool ---------------------------------------------------------------------

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_pool_size: int | None = None
_pool_lock = threading.Lock()


def thread_pool() -> concurrent.futures.ThreadPoolExecutor | None:
    """Return the shared thread pool, creating it when ``config.nthreads`` is set."""
    global _pool, _pool_size
    n = get_value(config, "nthreads")  # every periodic tick asks; skip the descriptor
    if n is None:
        return None
    with _pool_lock:
        if _pool is None or _pool_size != n:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=n or None, thread_name_prefix="panel_state"
            )
            _pool_size = n
        return _pool


def shutdown_pool(wait: bool = True) -> None:
    """Shut the shared thread pool down; a new one is made on next use."""
    global _pool, _pool_size
    with _pool_lock:
        pool, _pool, _pool_size = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


_in_flight = 0


def threads_in_flight() -> int:
    """How many submitted callbacks are queued or running on the thread pool."""
    return _in_flight


def _count_in_flight(delta: int) -> None:
    global _in_flight
    with _pool_lock:
        _in_flight += delta


def _require_pool(what: str) -> concurrent.futures.ThreadPoolExecutor:
    pool = thread_pool()
    if pool is None:
        raise RuntimeError(
            f"Cannot run {what} on a thread: there is no thread pool. Set "
            "pn.config.nthreads (or pass --num-threads to panel-state serve) first."
        )
    return pool


# -- loops ---------------------------------------------------------------------------

_default_loop: asyncio.AbstractEventLoop | None = None


def set_default_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Set the loop that work started outside any session and any running loop uses.

    The server sets its loop here before running ``--setup`` scripts, and the virtual
    clock of :mod:`panel_state.testing` sets its own.
    """
    global _default_loop
    _default_loop = loop


def default_loop() -> asyncio.AbstractEventLoop | None:
    """Return the default loop, if one is set and not closed."""
    if _default_loop is not None and _default_loop.is_closed():
        return None
    return _default_loop


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is still pending on ``loop`` (not running), let it finish, close it."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def resolve_loop(session: Session | None = None) -> asyncio.AbstractEventLoop | None:
    """The loop for new work: the session's, else the running one, else the default."""
    if session is not None and session.loop is not None:
        return session.loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return default_loop()


def running_loop() -> asyncio.AbstractEventLoop | None:
    """Return the loop running in this thread, or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# -- errors --------------------------------------------------------------------------


def describe(fn: Any) -> str:
    """A short human name for a callable, for log lines and warnings."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module and module not in ("builtins",) else str(name)


def handle_exception(exc: BaseException, what: str, session: Session | None = None) -> None:
    """Log ``exc`` with context and hand it to ``config.exception_handler``.

    Never raises: an exception handler that raises is logged too.
    """
    where = f" in session {session.id[:8]}" if session is not None else ""
    log.error("Error in %s%s: %s", what, where, exc, exc_info=exc)
    handler = config.exception_handler
    if handler is not None:
        try:
            handler(exc)
        except Exception as handler_exc:
            log.error("config.exception_handler raised while handling an error in %s",
                      what, exc_info=handler_exc)


# -- busy accounting -------------------------------------------------------------------

_process_busy = 0
_busy_lock = threading.Lock()


_state: Any = None


def _process_target() -> Any:
    # Imported on first use (state imports this module); cached because busy
    # accounting runs on every periodic tick and an import statement costs ~1 µs.
    global _state
    if _state is None:
        from .state import state

        _state = state
    return _state


def busy_enter(session: Session | None) -> None:
    """Count one more busy callback for ``session`` (outside a session: for ``state``)."""
    global _process_busy
    target = _state if _state is not None else _process_target()
    owner = session if session is not None else target
    with _busy_lock:
        first_process = _process_busy == 0
        _process_busy += 1
        first_owner = owner._busy_count == 0
        owner._busy_count += 1
    if first_owner:
        set_readonly(owner, "busy", True)
    if first_process:
        set_readonly(target, "process_busy", True)


def busy_exit(session: Session | None) -> None:
    """Count one busy callback of ``session`` (or of ``state``) as finished."""
    global _process_busy
    target = _state if _state is not None else _process_target()
    owner = session if session is not None else target
    with _busy_lock:
        if not owner._busy_count:
            return
        owner._busy_count -= 1
        last_owner = owner._busy_count == 0
        _process_busy = max(0, _process_busy - 1)
        last_process = _process_busy == 0
    if last_owner:
        set_readonly(owner, "busy", False)
    if last_process:
        set_readonly(target, "process_busy", False)


def busy_reset(session: Session) -> None:
    """Drop whatever busy count a destroyed session still holds."""
    for _ in range(session._busy_count):
        busy_exit(session)


def busy_reset_all() -> None:
    """Reset the process-wide busy counter (used by ``state.reset``)."""
    global _process_busy
    target = _process_target()
    with _busy_lock:
        _process_busy = 0
        target._busy_count = 0
    set_readonly(target, "busy", False)
    set_readonly(target, "process_busy", False)


def _busy_exit_soon(session: Session | None) -> None:
    """Finish a busy count from any thread, on the session's loop when it runs."""
    loop = session.loop if session is not None else None
    if loop is not None and not loop.is_closed() and running_loop() is not loop:
        try:
            loop.call_soon_threadsafe(busy_exit, session)
            return
        except RuntimeError:
            pass
    busy_exit(session)


# -- running callbacks -------------------------------------------------------------------


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
    if not threshold or elapsed <= threshold or running_loop() is None:
        return
    if before is not None and _slow_warnings != before:
        return
    _slow_warnings += 1
    log.warning(
        "%s blocked the event loop for %.2f s (block_warning_threshold is %g s); make it "
        "async or run it with threaded=True / pn.state.execute(..., schedule='thread').",
        what() if callable(what) else what, elapsed, threshold,
    )


@contextlib.contextmanager
def blocking_watch(what: str | Callable[[], str]) -> Iterator[None]:
    """Time the ``with`` block and :func:`warn_if_slow` about it (nested blocks win)."""
    before = _slow_warnings
    started = time.perf_counter()
    try:
        yield
    finally:
        warn_if_slow(what, started, before)


def run_isolated(
    fn: Callable[..., Any],
    *args: Any,
    session: Session | None = None,
    what: str = "",
    busy: bool = False,
) -> Any:
    """Call ``fn(*args)`` now with ``session`` active; exceptions are handled, not raised.

    A returned awaitable is scheduled on the session's loop and owned by the session;
    with ``busy`` the busy count covers it until it finishes.
    """
    if busy:
        busy_enter(session)
    token = _current.set(session)
    before = _slow_warnings
    started = time.perf_counter()
    try:
        result = fn(*args)
    except Exception as exc:
        if busy:
            busy_exit(session)
        handle_exception(exc, what or describe(fn), session)
        return None
    finally:
        _current.reset(token)
        warn_if_slow(what or (lambda: describe(fn)), started, before)
    if inspect.isawaitable(result):
        return spawn(result, session=session, what=what or describe(fn), busy_held=busy)
    if busy:
        busy_exit(session)
    return result


def spawn(
    awaitable: Awaitable[Any],
    *,
    session: Session | None,
    what: str,
    busy: bool = False,
    busy_held: bool = False,
) -> asyncio.Future[Any] | None:
    """Run ``awaitable`` on the session's loop (or the running/default loop).

    The session is active in the task; exceptions are handled; with ``busy`` (or
    ``busy_held``, when the caller already counted it) busy lasts until the task ends.
    Safe from any thread. With no loop anywhere it runs to completion right here.
    """
    if busy:
        busy_enter(session)
    counted = busy or busy_held

    async def runner() -> Any:
        token = _current.set(session)
        try:
            return await awaitable
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            handle_exception(exc, what, session)
            return None
        finally:
            _current.reset(token)
            if counted:
                busy_exit(session)

    loop = resolve_loop(session)
    here = running_loop()
    if loop is None:
        asyncio.run(runner())
        return None
    if loop is here:
        task = loop.create_task(runner())
        if session is not None:
            session.track(task)
        return task
    future = asyncio.run_coroutine_threadsafe(runner(), loop)
    wrapped = asyncio.wrap_future(future, loop=here) if here is not None else None
    return wrapped


def submit(
    fn: Callable[..., Any],
    *args: Any,
    session: Session | None,
    what: str,
    busy: bool = False,
) -> asyncio.Future[Any] | concurrent.futures.Future[Any]:
    """Run ``fn(*args)`` on the thread pool with ``session`` active.

    Raises RuntimeError when there is no pool. Exceptions are handled; busy, when
    counted, ends on the session's loop once the thread finishes.
    """
    pool = _require_pool(what)
    if busy:
        busy_enter(session)
    ctx = contextvars.copy_context()

    def work() -> Any:
        token = _current.set(session)
        try:
            result = fn(*args)
            if inspect.isawaitable(result):
                spawn(result, session=session, what=what)
            return result
        except Exception as exc:
            handle_exception(exc, what, session)
            return None
        finally:
            _current.reset(token)
            if busy:
                _busy_exit_soon(session)
            _count_in_flight(-1)

    _count_in_flight(1)
    try:
        future = pool.submit(ctx.run, work)
    except RuntimeError:
        _count_in_flight(-1)
        if busy:
            busy_exit(session)
        raise
    here = running_loop()
    if here is not None:
        return asyncio.wrap_future(future, loop=here)
    return future


def _is_coroutine_function(fn: Any) -> bool:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 - callable objects with async __call__
    )


def execute(
    callback: Callable[[], Any],
    schedule: Schedule = "auto",
    *,
    session: Session | None = None,
) -> Any:
    """Run ``callback`` in the right place; see :meth:`State.execute`."""
    if not callable(callback):
        raise TypeError(f"execute needs a callable, got {type(callback).__name__}.")
    if schedule not in ("auto", "thread", True, False):
        raise ValueError(
            f"execute schedule must be 'auto', 'thread', True or False, got {schedule!r}."
        )
    session = session if session is not None else current_session()
    what = describe(callback)
    if schedule == "thread":
        return submit(callback, session=session, what=what)
    if _is_coroutine_function(callback):
        return spawn(callback(), session=session, what=what)
    loop = resolve_loop(session) if session is not None or schedule is True else None
    if schedule is False or loop is None or (schedule == "auto" and (
        session is None or session.on_loop_thread()
    )):
        return run_isolated(callback, session=session, what=what)

    def deferred() -> None:
        if session is not None and session.destroyed:
            return
        run_isolated(callback, session=session, what=what)

    if running_loop() is loop:
        loop.call_soon(deferred)
    else:
        loop.call_soon_threadsafe(deferred)
    return None


def run_onload(
    session: Session, batch: Iterable[tuple[Callable[[], Any], bool]]
) -> list[Awaitable[Any]]:
    """Run a batch of onload callbacks in order, each isolated.

    Returns the awaitables (async and threaded callbacks) the caller may wait for.
    """
    pending: list[Awaitable[Any]] = []
    for callback, threaded in batch:
        what = f"onload callback {describe(callback)}"
        if threaded:
            try:
                pending.append(submit(callback, session=session, what=what))  # type: ignore[arg-type]
            except RuntimeError as exc:
                handle_exception(exc, what, session)
            continue
        result = run_isolated(callback, session=session, what=what)
        if isinstance(result, asyncio.Future):
            pending.append(result)
    return pending


def async_executor(fn: Callable[[], Any]) -> None:
    """param's ``async_executor``: run async watchers on the loop, session active.

    An async watcher started by a session's event counts toward its busy state until
    it finishes.
    """
    session = current_session()
    spawn(fn(), session=session, what=f"async watcher {describe(fn)}",
          busy=session is not None and session._busy_count > 0)
