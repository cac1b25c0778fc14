"""Lifespans: what a server's ``--setup`` script started, stopped when the server stops.

While a :class:`Lifespan` is :func:`recording`, the process-wide things started in
that context register how to undo themselves: scheduled tasks (``cancel``) and
periodic callbacks started outside a session (``stop``) with :func:`adopt_object`,
lifecycle hooks (unregister) with :func:`adopt`. :meth:`Lifespan.close` undoes them,
newest first, each isolated, so a server that stops leaves no task armed on its closed
loop and no hook behind. Objects are held weakly: one that is gone needs no stopping,
and a task that starts a new callback on every run does not grow the record.

Examples
--------
>>> from panel_state.lifespan import Lifespan, adopt, recording
>>> undone = []
>>> span = Lifespan("demo")
>>> with recording(span):
...     adopt(lambda: undone.append("task"))
>>> span.close()
>>> undone
['task']
"""

from __future__ import annotations

import contextvars
import logging
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .errors import describe, handle_exception

__all__ = ["Lifespan", "adopt", "adopt_object", "current_lifespan", "recording"]

log = logging.getLogger(__name__)

_current: contextvars.ContextVar[Lifespan | None] = contextvars.ContextVar(
    "panel_state_lifespan", default=None)


class Lifespan:
    """The undo actions of what was started while it was recording."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._undo: list[Callable[[], Any]] = []
        self._objects: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
        self.closed = False

    def adopt(self, undo: Callable[[], Any]) -> None:
        """Remember ``undo`` (called with no arguments) to run at :meth:`close`."""
        if self.closed:
            raise RuntimeError(f"Lifespan {self.name!r} is closed; nothing can join it.")
        self._undo.append(undo)

    def adopt_object(self, obj: Any, method: str) -> None:
        """Call ``obj.<method>()`` at :meth:`close` if ``obj`` still exists (once)."""
        if self.closed:
            raise RuntimeError(f"Lifespan {self.name!r} is closed; nothing can join it.")
        self._objects[obj] = method

    def close(self) -> None:
        """Stop every adopted object, then run every undo action, newest first.

        One that raises is reported and the rest still run.
        """
        if self.closed:
            return
        self.closed = True
        objects = [getattr(obj, method) for obj, method in list(self._objects.items())]
        self._objects.clear()
        undo, self._undo = [*self._undo, *objects], []
        for action in reversed(undo):
            try:
                action()
            except Exception as exc:
                handle_exception(exc, f"stopping {describe(action)} of {self.name}",
                                 kind="setup")
        if undo:
            log.debug("%s: stopped %d thing(s) its setup started", self.name, len(undo))

    def __len__(self) -> int:
        return len(self._undo) + len(self._objects)


def current_lifespan() -> Lifespan | None:
    """The lifespan recording in this context, or None."""
    return _current.get()


@contextmanager
def recording(lifespan: Lifespan) -> Iterator[Lifespan]:
    """Make ``lifespan`` adopt what is started inside the ``with`` block."""
    token = _current.set(lifespan)
    try:
        yield lifespan
    finally:
        _current.reset(token)


def adopt(undo: Callable[[], Any]) -> None:
    """Hand ``undo`` to the recording lifespan, if there is one (else do nothing)."""
    lifespan = _current.get()
    if lifespan is not None and not lifespan.closed:
        lifespan.adopt(undo)


def adopt_object(obj: Any, method: str) -> None:
    """Have the recording lifespan, if any, call ``obj.<method>()`` when it closes."""
    lifespan = _current.get()
    if lifespan is not None and not lifespan.closed:
        lifespan.adopt_object(obj, method)
