"""Which event loop work goes to, and how to get there from any thread.

* :func:`running_loop` is the loop running in this thread, if any.
* :func:`default_loop` is where work started outside any session and any running
  loop goes: the server sets its loop here before running ``--setup`` scripts, a
  notebook kernel's loop is found on first use, and the virtual clock of
  :mod:`panel_state.testing` sets its own.
* :func:`resolve_loop` picks the loop for new work of a session (or of none).
* :func:`call_on` runs a function on a loop: now when that is safe, else handed over
  with ``call_soon_threadsafe``; :func:`call_soon` always waits for the loop's next
  iteration, from any thread.
* :func:`defer` keeps work that needs a loop when there is none yet: in the main
  thread with no loop anywhere -- a script that schedules tasks and periodic callbacks
  and then calls a blocking ``pn.serve(...)`` -- the next server to start takes it
  (:func:`take_pending`) and starts it on its loop, as Panel does. Anywhere else
  (another thread, where no server of this script will start) :func:`can_defer` is
  False and the caller raises its clear error instead.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import Session

__all__ = ["Start", "call_on", "call_soon", "can_defer", "clear_pending", "close_loop",
           "default_loop", "defer", "pending", "resolve_loop", "running_loop",
           "set_default_loop", "take_pending"]

_default: asyncio.AbstractEventLoop | None = None


def set_default_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Set the loop that work started outside any session and any running loop uses."""
    global _default
    _default = loop


def default_loop() -> asyncio.AbstractEventLoop | None:
    """Return the default loop, if one is set and not closed."""
    if _default is not None and _default.is_closed():
        return None
    return _default


def running_loop() -> asyncio.AbstractEventLoop | None:
    """Return the loop running in this thread, or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def resolve_loop(session: Session | None = None) -> asyncio.AbstractEventLoop | None:
    """The loop for new work: the session's, else the running one, else the default."""
    if session is not None and session.loop is not None:
        return session.loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return default_loop()


def call_on(loop: asyncio.AbstractEventLoop | None, fn: Callable[..., Any], *args: Any,
            context: contextvars.Context | None = None) -> None:
    """Run ``fn(*args)`` on ``loop``'s thread.

    It runs now when this thread is the loop's, when the loop is not running (nothing
    else can touch its objects then) or when there is no usable loop; otherwise it is
    handed to the loop with ``call_soon_threadsafe`` and runs in its next iteration.
    Safe from any thread.

    Parameters
    ----------
    loop : asyncio loop or None
        Where ``fn`` must run.
    fn : callable
        Called with ``args``; exceptions propagate when it runs now.
    context : contextvars.Context, optional
        The context to run in when handed over (default: a copy of the caller's).
    """
    if loop is None or loop.is_closed() or not loop.is_running() or running_loop() is loop:
        fn(*args)
        return
    try:
        loop.call_soon_threadsafe(fn, *args, context=context)
    except RuntimeError:  # the loop closed between the check and the call
        fn(*args)


def call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any,
              context: contextvars.Context | None = None) -> None:
    """Run ``fn(*args)`` in ``loop``'s next iteration; safe from any thread.

    Raises
    ------
    RuntimeError
        When ``loop`` is closed.
    """
    if running_loop() is loop:
        loop.call_soon(fn, *args, context=context)
    else:
        loop.call_soon_threadsafe(fn, *args, context=context)


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is still pending on ``loop`` (not running), let it finish, close it."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


# -- work waiting for a loop ---------------------------------------------------------------

#: ``start(loop)``: begins deferred work on the loop that took it (on that loop's thread).
Start = Callable[[asyncio.AbstractEventLoop], Any]

_pending: list[tuple[str, Start]] = []
_pending_lock = threading.Lock()


def can_defer() -> bool:
    """Whether work needing a loop may wait for the next server instead of failing.

    True in the main thread when no loop runs there and no default loop is set: a
    script's top level before its blocking ``pn.serve(...)``.
    """
    return (threading.current_thread() is threading.main_thread()
            and running_loop() is None and default_loop() is None)


def defer(what: str, start: Start) -> None:
    """Keep ``start`` for the next server's loop; ``what`` names it (:func:`pending`)."""
    with _pending_lock:
        _pending.append((what, start))


def pending() -> list[str]:
    """What waits for a loop, by name, oldest first."""
    with _pending_lock:
        return [what for what, _ in _pending]


def take_pending() -> list[tuple[str, Start]]:
    """Hand every deferred start to the caller (a starting server) and forget them."""
    with _pending_lock:
        taken, _pending[:] = list(_pending), []
    return taken


def clear_pending() -> None:
    """Forget what waits for a loop (``state.reset`` calls this)."""
    with _pending_lock:
        _pending.clear()
