"""Reporting errors in user code: one log line with context, then the user's handler.

Every exception a user callback raises (a widget handler, a watcher, a periodic tick,
a task, an onload callback, a lifecycle hook, a reactive function) ends here, through
the scope runner of :mod:`panel_state.execution`. It is logged with its traceback on
the ``panel_state.errors`` logger and handed to ``pn.config.exception_handler``:
``handler(exc)``, or ``handler(exc, context)`` when the handler takes two arguments,
where ``context`` is an :class:`ErrorContext` (which callback, which session, which
kind of callback).

Listeners (:func:`add_listener`) see every reported exception with its context after
the log line; ``--dev`` uses one to show callback exceptions in the page.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config import config

if TYPE_CHECKING:
    from .session import Session

__all__ = ["KINDS", "ErrorContext", "add_listener", "describe", "handle_exception",
           "remove_listener"]

log = logging.getLogger(__name__)

#: The kinds of user code the library runs, as :attr:`ErrorContext.kind` names them.
KINDS = ("callback", "event", "watcher", "periodic", "task", "onload", "hook", "reactive",
         "link", "execute", "setup", "app", "render")


@dataclass(frozen=True)
class ErrorContext:
    """Where an exception came from, as ``config.exception_handler`` receives it.

    Attributes
    ----------
    what : str
        The callback, named for a person: ``"on_click callback app.processing"``.
    kind : str
        One of :data:`KINDS`.
    session : Session or None
        The session it ran in, if any.
    """

    what: str
    kind: str = "callback"
    session: Session | None = None

    @property
    def session_id(self) -> str | None:
        """The session's id, or None outside a session."""
        return self.session.id if self.session is not None else None


def describe(fn: Any) -> str:
    """A short human name for a callable, for log lines and warnings.

    Examples
    --------
    >>> import functools
    >>> describe(functools.partial(print, 1))
    'print'
    """
    while isinstance(fn, functools.partial):
        fn = fn.func
    fn = getattr(fn, "__bound_function__", fn)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module and module not in ("builtins",) else str(name)


_arity: dict[Any, bool] = {}

#: Called with ``(exc, context)`` for every reported exception (see add_listener).
_listeners: list[Callable[[BaseException, ErrorContext], Any]] = []


def add_listener(listener: Callable[[BaseException, ErrorContext], Any]) -> None:
    """Call ``listener(exc, context)`` for every exception reported from now on.

    Listeners run after the log line and before ``config.exception_handler``, on the
    thread that reported the exception; one that raises is logged and the rest run.
    """
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Callable[[BaseException, ErrorContext], Any]) -> None:
    """Stop calling ``listener`` (no error if it was not added)."""
    if listener in _listeners:
        _listeners.remove(listener)


def _takes_context(handler: Any) -> bool:
    """Whether ``handler`` accepts a second positional argument (looked up once)."""
    try:
        known = _arity.get(handler)
    except TypeError:  # an unhashable callable object
        known = None
    if known is not None:
        return known
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        takes = False
    else:
        positional = [p for p in params
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        takes = len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)
    if len(_arity) > 64:
        _arity.clear()
    try:
        _arity[handler] = takes
    except TypeError:
        pass
    return takes


def handle_exception(exc: BaseException, what: str, session: Session | None = None,
                     kind: str = "callback") -> None:
    """Log ``exc`` with context and hand it to ``config.exception_handler``.

    Never raises: an exception handler that raises is logged too.

    Parameters
    ----------
    exc : BaseException
        What the user code raised.
    what : str
        The callback, named for a person.
    session : Session, optional
        The session it ran in.
    kind : str
        One of :data:`KINDS`.
    """
    where = f" in session {session.id[:8]}" if session is not None else ""
    log.error("Error in %s%s: %s", what, where, exc, exc_info=exc)
    for listener in list(_listeners):
        try:
            listener(exc, ErrorContext(what, kind, session))
        except Exception as listener_exc:
            log.error("An error listener raised while handling an error in %s", what,
                      exc_info=listener_exc)
    handler = config.exception_handler
    if handler is None:
        return
    try:
        if _takes_context(handler):
            handler(exc, ErrorContext(what, kind, session))
        else:
            handler(exc)
    except Exception as handler_exc:
        log.error("config.exception_handler raised while handling an error in %s",
                  what, exc_info=handler_exc)
