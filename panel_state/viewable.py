"""Viewable: the base of everything a session can display.

It implements the rendering contract :class:`panel_state.contracts.Renderable` that
connections rely on. Subclasses declare what they show with a few class attributes:

* ``view_kind`` names the client renderer (``'Button'``, ``'Markdown'``, ``'Row'``...);
* ``view_params`` lists the params the client shows; :meth:`Viewable.view_props` turns
  them into a JSON-ready dict (override it to derive props, e.g. Markdown's ``html``);
* ``view_child_params`` lists params whose change changes :meth:`view_children`;
* ``_event_params`` lists the params the client may set (a widget's ``value``), and
  ``view_actions`` those of them that are actions rather than values (a click);
  :meth:`apply_client_change` applies one and raises ``ValueError``/``TypeError`` for
  a value the param rejects, leaving the object unchanged;
* ``_coerced`` lists params whose every assignment (by the user, the constructor or
  the client) goes through ``_coerce(name, value)`` first, which may convert the value
  or raise, leaving the object unchanged.

``_emit(message)`` sends a partial update (streamed chart points) to every view
showing the object; :meth:`release` drops what the object holds on others once no
view shows it.

Displayed as the last expression of a notebook cell, a Viewable asks the display hook
installed with :func:`set_display_hook` (the notebook layer's: a live output) for its
MIME bundle; without one it shows its text repr.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import param

from . import pages
from .config import config
from .context import current_session
from .contracts import ViewListener
from .links import Link, link

__all__ = ["AREAS", "DisplayHook", "Viewable", "set_display_hook"]

#: The template areas ``servable(area=...)`` puts an object in.
AREAS = ("main", "sidebar", "header", "modal")

_refs = itertools.count(1)

#: ``hook(viewable, include, exclude) -> MIME bundle``: how a notebook displays a Viewable.
DisplayHook = Callable[["Viewable", Any, Any], Any]

_display_hook: DisplayHook | None = None


def set_display_hook(hook: DisplayHook | None) -> None:
    """Install how Viewables display in Jupyter (``_repr_mimebundle_``); None removes it."""
    global _display_hook
    _display_hook = hook


class Viewable(param.Parameterized):
    """Base class of widgets, panes and layouts."""

    view_kind: ClassVar[str] = "Viewable"
    view_child_params: ClassVar[tuple[str, ...]] = ()
    view_actions: ClassVar[tuple[str, ...]] = ()
    view_params: ClassVar[tuple[str, ...]] = ()
    _event_params: ClassVar[tuple[str, ...]] = ()
    _coerced: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._ref = f"v{next(_refs)}"
        self._listeners: weakref.WeakSet[Any] = weakref.WeakSet()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._coerced:
            value = self._coerce(name, value)
        super().__setattr__(name, value)

    def _coerce(self, name: str, value: Any) -> Any:
        """Check ``value`` for param ``name``; return it (possibly converted) or raise."""
        return value

    # -- rendering contract -------------------------------------------------------------
    @property
    def view_ref(self) -> str:
        """This object's id in the protocol, unique in the process."""
        return self._ref

    def view_props(self) -> dict[str, Any]:
        """JSON-ready props for the client (children excluded)."""
        return {name: getattr(self, name) for name in self.view_params}

    def view_children(self) -> list[Viewable]:
        """Child viewables, in display order."""
        return []

    def apply_client_change(self, name: str, value: Any) -> None:
        """Apply a value the client sent for param ``name``.

        Raises
        ------
        ValueError, TypeError
            For a param the client may not set or a value it rejects; nothing changes.
        """
        if name not in self._event_params:
            raise ValueError(
                f"{type(self).__name__} does not accept client changes to {name!r}; "
                f"it accepts {list(self._event_params)}.")
        setattr(self, name, value)

    def release(self) -> None:
        """Release watchers this object holds on other objects (no-op by default)."""

    def add_view_listener(self, listener: ViewListener) -> None:
        """Send this object's emitted messages to ``listener.on_emit`` (held weakly)."""
        self._listeners.add(listener)

    def remove_view_listener(self, listener: ViewListener) -> None:
        """Stop sending emitted messages to ``listener``."""
        self._listeners.discard(listener)

    def has_view_listeners(self) -> bool:
        """Whether any view still shows this object."""
        return bool(len(self._listeners))

    def _emit(self, message: dict[str, Any]) -> None:
        """Send a partial update to every view showing this object."""
        for listener in list(self._listeners):
            listener.on_emit(self, message)

    # -- user API ---------------------------------------------------------------------------
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """IPython's display protocol: a live output through the installed display hook."""
        if _display_hook is None:
            return {"text/plain": repr(self)}
        return _display_hook(self, include, exclude)

    def servable(self, title: str | None = None, location: bool = True, area: str = "main",
                 target: str | None = None) -> Viewable:
        """Mark this object as what the served app shows, in the current session.

        On a plain page objects show one under another. With a template -- the
        session's ``pn.state.template``, one ``pn.config.template`` names, or one made
        for an ``area`` other than ``'main'`` -- the object goes into that area of it.
        Outside a session it does nothing and returns the object, so the same script
        runs under ``panel-state serve`` and in plain Python.

        Parameters
        ----------
        title : str, optional
            The page title (a template keeps a title of its own).
        location : bool
            Accepted for Panel code: every session has its Location.
        area : {'main', 'sidebar', 'header', 'modal'}
            The template area to put the object in.
        target : str, optional
            Panel's newer name for ``area``; it wins when given.

        Raises
        ------
        ValueError
            For an area a template does not have.
        """
        area = target or area
        if area not in AREAS:
            raise ValueError(f"servable(area={area!r}): the areas are {list(AREAS)}.")
        session = current_session()
        if session is None:
            return self
        if session.template is not None or config.template is not None or area != "main":
            pages.template_of(session).view_add(self, area, title)
            return self
        session.add_root(self)
        if title is not None:
            session.title = title
        return self

    def link(self, target: param.Parameterized,
             callbacks: dict[str, Callable[..., Any]] | None = None,
             bidirectional: bool = False, **links: str) -> Link:
        """Link params of this object to ``target``; see :func:`panel_state.link`."""
        return link(self, target, callbacks=callbacks, bidirectional=bidirectional, **links)
