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
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import Session

__all__ = ["call_on", "call_soon", "close_loop", "default_loop", "resolve_loop",
           "running_loop", "set_default_loop"]

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
