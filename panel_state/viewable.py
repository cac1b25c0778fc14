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

from . import styling
from ._params import get_value
from .compat import warn_unsupported
from .context import current_session
from .contracts import ViewListener
from .links import Link, link

__all__ = ["DisplayHook", "Viewable", "set_display_hook"]

_refs = itertools.count(1)

#: ``hook(viewable, include, exclude) -> MIME bundle``: how a notebook displays a Viewable.
DisplayHook = Callable[["Viewable", Any, Any], Any]

_display_hook: DisplayHook | None = None


def set_display_hook(hook: DisplayHook | None) -> None:
    """Install how Viewables display in Jupyter (``_repr_mimebundle_``); None removes it."""
    global _display_hook
    _display_hook = hook


class _Unapplied(param.Parameter):
    """A Panel layout param accepted and kept, but not applied: warns once if set."""

    def _validate(self, val: Any) -> None:
        super()._validate(val)
        if val != self.default:
            warn_unsupported("Component layout", str(self.name),
                             "Use sizing_mode, width/height, styles or css_classes instead.")


class Viewable(param.Parameterized):
    """Base class of widgets, panes and layouts.

    Every component has Panel's layout and style params (``width``, ``height``,
    ``min_*``/``max_*``, ``sizing_mode``, ``margin``, ``align``, ``aspect_ratio``,
    ``styles``, ``css_classes``, ``visible``, ``loading``); the client applies them as
    CSS to the component's element (:func:`panel_state.styling.layout_css`), and a
    change patches the page live.
    """

    # -- layout and style params (applied by the client; see panel_state.styling) ---------
    visible = param.Boolean(default=True, doc="Whether the component is shown.")
    width = param.Integer(default=None, allow_None=True, bounds=(0, None), doc="""
        Width in pixels (ignored by sizing modes that stretch the width).""")
    height = param.Integer(default=None, allow_None=True, bounds=(0, None), doc="""
        Height in pixels (ignored by sizing modes that stretch the height).""")
    min_width = param.Integer(default=None, allow_None=True, bounds=(0, None),
                              doc="Minimum width in pixels.")
    max_width = param.Integer(default=None, allow_None=True, bounds=(0, None),
                              doc="Maximum width in pixels.")
    min_height = param.Integer(default=None, allow_None=True, bounds=(0, None),
                               doc="Minimum height in pixels.")
    max_height = param.Integer(default=None, allow_None=True, bounds=(0, None),
                               doc="Maximum height in pixels.")
    sizing_mode = param.Selector(default=None, objects=[*styling.SIZING_MODES, None], doc="""
        How the component sizes itself: None or 'fixed' (its content or width/height),
        'stretch_width'/'stretch_height'/'stretch_both' (fill the container that way),
        'scale_*' (stretch keeping aspect_ratio, or width / height).""")
    aspect_ratio = styling.AspectRatio(doc="""
        Width divided by height, kept as the component resizes; 'auto' or None: none.""")
    margin = styling.Margin(doc="""
        Space around the component in pixels: an int, (vertical, horizontal) or
        (top, right, bottom, left); None keeps the stylesheet's.""")
    align = styling.Align(doc="""
        Position across its container: 'start', 'center' or 'end', or a
        (vertical, horizontal) pair.""")
    styles = styling.Styles(default={}, doc="""
        CSS properties for the component's element, e.g. {'background': '#eee'}. Checked:
        no value may load a resource, run code or contain ';{}<>' or backslashes.""")
    css_classes = styling.CssClasses(default=[], doc="CSS class names added to its element.")
    loading = param.Boolean(default=False, doc="""
        Show a spinner over the component (it stays in place, dimmed).""")
    tags = param.List(default=[], doc="Any values to keep with the component (not shown).")
    stylesheets = _Unapplied(default=[], doc="Panel's stylesheets: kept, not applied.")
    design = _Unapplied(default=None, doc="Panel's design system: kept, not applied.")
    width_policy = _Unapplied(default="auto", doc="Panel's width_policy: kept, not applied.")
    height_policy = _Unapplied(default="auto", doc="Panel's height_policy: kept, not applied.")

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
        """JSON-ready props for the client (children excluded).

        ``visible`` and the params in ``view_params``, plus ``css`` (see
        :meth:`view_css`) once any layout or style param has been set.
        """
        props = {"visible": self.visible}
        props.update((name, getattr(self, name)) for name in self.view_params)
        css = self.view_css()
        if css is not None:
            props["css"] = css
        return props

    # Whether this object has had layout or style values (then ``css`` stays in its props,
    # so resetting them to the defaults reaches the client too).
    _styled: bool = False

    def view_css(self) -> dict[str, Any] | None:
        """The CSS the client applies to this component, or None if none ever applied.

        Layout params the component lists in ``view_params`` are its renderer's own
        (a chart's ``width`` sizes its drawing) and are left out here.
        """
        values = {name: get_value(self, name) for name in styling.LAYOUT_PARAMS
                  if name not in self.view_params}
        css = styling.layout_css(values)
        if css is None:
            return {"style": {}, "classes": []} if self._styled else None
        self._styled = True
        return css

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

    def link(self, target: param.Parameterized,
             callbacks: dict[str, Callable[..., Any]] | None = None,
             bidirectional: bool = False, **links: str) -> Link:
        """Link params of this object to ``target``; see :func:`panel_state.link`."""
        return link(self, target, callbacks=callbacks, bidirectional=bidirectional, **links)
