"""Viewable: the base of everything a session can display.

The rendering contract between components and the server:

* ``_kind`` names the client renderer (``'Button'``, ``'Markdown'``, ``'Row'`` ...).
* ``_rendered`` lists the params the client shows; ``_props()`` turns them into a
  JSON-ready dict (override it to derive props, e.g. Markdown's ``html``).
* ``_child_params`` lists params whose change changes ``_children()``, the list of
  child Viewables (layouts and reactive panes).
* ``_event_params`` lists the params the client may set (a widget's ``value``);
  ``_handle_event(name, value)`` applies one and raises ``ValueError``/``TypeError`` for
  a value the param rejects, leaving the object unchanged.
* ``_emit(message)`` sends a partial update (e.g. streamed chart points) to every
  session showing the object; the server subscribes with ``_subscribe``.
* ``_cleanup()`` releases what the object holds on others (watchers on dependencies);
  the server calls it on every viewable of a destroyed session.
* ``_coerce(name, value)``: classes listing params in ``_coerced`` check (and may
  convert) every value assigned to them, by the user, the constructor or the client,
  before param stores it; a rejected value leaves the object unchanged.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import param

from .session import current_session

_refs = itertools.count(1)


class Viewable(param.Parameterized):
    """Base class of widgets, panes and layouts."""

    _kind: ClassVar[str] = "Viewable"
    _rendered: ClassVar[tuple[str, ...]] = ()
    _child_params: ClassVar[tuple[str, ...]] = ()
    _event_params: ClassVar[tuple[str, ...]] = ()
    _coerced: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._ref = f"v{next(_refs)}"
        self._subscribers: weakref.WeakSet[Any] = weakref.WeakSet()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._coerced:
            value = self._coerce(name, value)
        super().__setattr__(name, value)

    def _coerce(self, name: str, value: Any) -> Any:
        """Check ``value`` for param ``name``; return it (possibly converted) or raise."""
        return value

    # -- rendering contract -------------------------------------------------------------
    def _props(self) -> dict[str, Any]:
        """JSON-ready props for the client (children excluded)."""
        return {name: getattr(self, name) for name in self._rendered}

    def _children(self) -> list[Viewable]:
        """Child viewables, in display order."""
        return []

    def _handle_event(self, name: str, value: Any) -> None:
        """Apply a value the client sent for param ``name``."""
        if name not in self._event_params:
            raise ValueError(
                f"{type(self).__name__} does not accept client changes to {name!r}; "
                f"it accepts {list(self._event_params)}."
            )
        setattr(self, name, value)

    def _cleanup(self) -> None:
        """Release watchers this object holds on other objects (no-op by default)."""

    def _subscribe(self, subscriber: Any) -> None:
        """Register an object with an ``on_emit(viewable, message)`` method."""
        self._subscribers.add(subscriber)

    def _unsubscribe(self, subscriber: Any) -> None:
        self._subscribers.discard(subscriber)

    def _emit(self, message: dict[str, Any]) -> None:
        """Send a partial update to every session showing this object."""
        for subscriber in list(self._subscribers):
            subscriber.on_emit(self, message)

    # -- user API ---------------------------------------------------------------------------
    def servable(self, title: str | None = None) -> Viewable:
        """Mark this object as what the served app shows, in the current session.

        Outside a session it does nothing and returns the object, so the same script
        runs under ``panel-state serve`` and in plain Python.
        """
        session = current_session()
        if session is not None:
            session.add_root(self)
            if title is not None:
                session.title = title
        return self

    def link(
        self,
        target: param.Parameterized,
        callbacks: dict[str, Callable[..., Any]] | None = None,
        bidirectional: bool = False,
        **links: str,
    ) -> Any:
        """Link params of this object to ``target``; see :func:`panel_state.link`."""
        from .links import link

        return link(self, target, callbacks=callbacks, bidirectional=bidirectional, **links)
