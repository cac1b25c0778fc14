"""Process-wide session lifecycle hooks: ``on_session_created`` and global ``on_session_destroyed``.

They are registered outside any session (a ``--setup`` script, or before ``pn.serve``);
one registered while a server's setup runs is removed again when that server stops.
:func:`call_hook` calls a hook with the session when it takes an argument, as Bokeh
passes its session context.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import lifespan

if TYPE_CHECKING:
    from .session import Session

__all__ = ["add_created_hook", "add_destroyed_hook", "call_hook", "clear_hooks",
           "created_hooks", "destroyed_hooks"]

_created_hooks: list[Callable[..., Any]] = []
_destroyed_hooks: list[Callable[..., Any]] = []


def _add_hook(hooks: list[Callable[..., Any]], callback: Callable[..., Any]) -> None:
    if callback in hooks:
        return
    hooks.append(callback)

    def remove() -> None:
        if callback in hooks:
            hooks.remove(callback)

    lifespan.adopt(remove)  # registered by a setup script: gone when its server stops


def add_created_hook(callback: Callable[..., Any]) -> None:
    """Run ``callback(session)`` for every new session, before its app (once per callable)."""
    _add_hook(_created_hooks, callback)


def add_destroyed_hook(callback: Callable[..., Any]) -> None:
    """Run ``callback(session)`` when any session is destroyed (once per callable)."""
    _add_hook(_destroyed_hooks, callback)


def created_hooks() -> list[Callable[..., Any]]:
    """The ``on_session_created`` hooks, in registration order."""
    return list(_created_hooks)


def destroyed_hooks() -> list[Callable[..., Any]]:
    """The global ``on_session_destroyed`` hooks, in registration order."""
    return list(_destroyed_hooks)


def clear_hooks() -> None:
    """Forget every process-wide lifecycle hook (``state.reset`` calls this)."""
    _created_hooks.clear()
    _destroyed_hooks.clear()


def call_hook(hook: Callable[..., Any], session: Session) -> Any:
    """Call a lifecycle hook with the session if it takes an argument, else with none."""
    try:
        sig = inspect.signature(hook)
    except (TypeError, ValueError):
        return hook(session)
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    return hook(session) if params else hook()
