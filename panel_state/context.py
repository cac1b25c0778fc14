"""The current session: one ContextVar, and how to enter and leave it.

This is the bottom layer of the package: it knows nothing of what a session holds.
The ContextVar follows asyncio tasks and ``call_soon``/``call_later`` handles; the
scope runner (:mod:`panel_state.execution`) carries it into threads explicitly.

Examples
--------
>>> from panel_state.context import activate, current_session
>>> marker = object()
>>> with activate(marker):
...     current_session() is marker
True
>>> current_session() is None
True
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import Session

__all__ = ["Token", "activate", "current_session", "detached_context", "enter", "leave"]

_current: contextvars.ContextVar[Any] = contextvars.ContextVar("panel_state_session",
                                                                 default=None)

Token = contextvars.Token


def current_session() -> Session | None:
    """Return the session active in this context, or None outside any session."""
    session: Session | None = _current.get()
    return session


def enter(session: Session | None) -> Token[Any]:
    """Make ``session`` current; pass the token to :func:`leave` (in a ``finally``)."""
    return _current.set(session)


def leave(token: Token[Any]) -> None:
    """Restore the session that was current before :func:`enter` returned ``token``."""
    _current.reset(token)


@contextmanager
def activate(session: Session | None) -> Iterator[Session | None]:
    """Make ``session`` the current session for the duration of the ``with`` block."""
    token = _current.set(session)
    try:
        yield session
    finally:
        _current.reset(token)


def detached_context() -> contextvars.Context:
    """A copy of the current context with no session in it.

    Timers and tasks armed with it keep every other context variable of the code that
    armed them (a Jupyter kernel's cell, so their prints land under that cell) but
    never hold on to, or run in, the session that happened to arm them.
    """
    ctx = contextvars.copy_context()
    if ctx.get(_current) is not None:
        ctx.run(_current.set, None)
    return ctx
