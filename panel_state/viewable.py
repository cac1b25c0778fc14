"""Viewable: the base of everything a session can display.

It implements the rendering contract :class:`panel_state.contracts.Renderable` that
connections rely on. Subclasses declare what they show with a few class attributes:

* ``view_kind`` names the client renderer (``'Button'``, ``'Markdown'``, ``'Row'``...);
* ``view_params`` lists the params the client shows; :meth:`Viewable.view_props` turns
  them into a JSON-ready dict (override it to derive props, e.g. Markdown's ``html``);
* ``view_child_params`` lists params whose change changes :meth:`view_children`;
* ``_event_params`` lists the params the client may set (a widget's ``value``), and
  ``view_actions`` those of them that are actions rather than values (a click),
  ``view_quiet`` those that do not count toward the session's busy state (the
  user's scrolling);
  :meth:`apply_client_change` applies one and raises ``ValueError``/``TypeError`` for
  a value the param rejects, leaving the object unchanged;
* ``_coerced`` lists params whose every assignment (by the user, the constructor or
  the client) goes through ``_coerce(name, value)`` first, which may convert the value
  or raise, leaving the object unchanged.

Every param a component declares accepts a *reference* -- a widget, a Parameter, a
``pn.bind`` result, a ``pn.rx`` expression, a generator or coroutine function -- in
the constructor, by assignment or through ``refs={'name': ref}`` (or ``refs=ref`` for
a reference yielding a dict of values), and then follows it; an assignment of a plain
value stops following. :mod:`panel_state.references` says which params and how.
The metaclass takes references out of the constructor's arguments before any
``__init__`` runs, so a subclass's ``__init__`` and ``_coerce`` see plain values.

``_emit(message)`` sends a partial update (streamed chart points) to every view
showing the object; :meth:`release` drops what the object holds on others once no
view shows it.

Displayed as the last expression of a notebook cell, a Viewable asks the display hook
installed with :func:`set_display_hook` (the notebook layer's: a live output) for its
MIME bundle; without one it shows its text repr.
"""

from __future__ import annotations

import inspect
import itertools
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import param
from param.parameterized import ParameterizedMetaclass

from . import pages, styling
from ._params import get_value, validate
from .compat import warn_unsupported
from .config import config
from .context import current_session
from .contracts import ViewListener
from .links import Link, link
from .references import References, enable_references, is_reference, split_arguments

__all__ = ["AREAS", "DisplayHook", "Viewable", "ViewableMetaclass", "set_display_hook"]

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


class _Unapplied(param.Parameter):
    """A Panel param accepted and kept, but not applied: warns once if set.

    Subclasses name another subject (``_where``) and advice (``_hint``) for the warning.
    """

    _where: ClassVar[str] = "Component layout"
    _hint: ClassVar[str] = "Use sizing_mode, width/height, styles or css_classes instead."

    def _validate(self, val: Any) -> None:
        super()._validate(val)
        if val != self.default:
            warn_unsupported(self._where, str(self.name), self._hint)


class ViewableMetaclass(ParameterizedMetaclass):
    """The metaclass of components: params accept references (see the module doc)."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        cls._ref_names = enable_references(cls, ViewableMetaclass)  # type: ignore[arg-type]

    def __call__(cls, *args: Any, refs: Any = None, **params: Any) -> Any:
        args, params, found = split_arguments(
            cls, cls._ref_names, args, params, refs)  # type: ignore[arg-type]
        if found:
            params["refs"] = found
        return super().__call__(*args, **params)

    def _signature(cls) -> inspect.Signature:
        # What ``help()`` and the API docs show: the class's own ``__init__`` (not this
        # ``__call__``), plus the ``refs=`` every component takes.
        init = inspect.signature(cls.__init__)  # type: ignore[misc]
        params = list(init.parameters.values())[1:]
        if "refs" not in init.parameters:
            refs = inspect.Parameter("refs", inspect.Parameter.KEYWORD_ONLY, default=None,
                                     annotation="Any")
            last = params[-1:] and params[-1].kind is inspect.Parameter.VAR_KEYWORD
            params.insert(len(params) - 1 if last else len(params), refs)
        return init.replace(parameters=params, return_annotation=inspect.Signature.empty)

    __signature__ = property(_signature)


class Viewable(param.Parameterized, metaclass=ViewableMetaclass):
    """Base class of widgets, panes and layouts.

    Every component has Panel's layout and style params (``width``, ``height``,
    ``min_*``/``max_*``, ``sizing_mode``, ``margin``, ``align``, ``aspect_ratio``,
    ``styles``, ``css_classes``, ``visible``, ``loading``); the client applies them as
    CSS to the component's element (:func:`panel_state.styling.layout_css`), and a
    change patches the page live.

    Parameters
    ----------
    refs : dict or reference, optional
        ``{param name: reference}`` to follow, or a reference yielding a dict of param
        values (set together on each change), as in Panel.
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
    sizing_mode: str | None = param.Selector(  # type: ignore[assignment]
        default=None, objects=[*styling.SIZING_MODES, None], doc="""
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
    view_quiet: ClassVar[tuple[str, ...]] = ()
    view_params: ClassVar[tuple[str, ...]] = ()
    _event_params: ClassVar[tuple[str, ...]] = ()
    _coerced: ClassVar[frozenset[str]] = frozenset()
    _ref_names: ClassVar[frozenset[str]] = frozenset()
    _references: References | None = None

    def __init__(self, refs: Any = None, **params: Any) -> None:
        super().__init__(**params)
        self._ref = f"v{next(_refs)}"
        self._listeners: weakref.WeakSet[Any] = weakref.WeakSet()
        # The metaclass turned a user's ``refs=`` (and references given as params)
        # into ``{name: reference}``, their current values already in ``params``.
        for key, ref in (refs or {}).items():
            self._follow(key, ref, initial=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._ref_names and is_reference(value):
            self._follow(name, value, initial=True)
            return
        followed = self._references
        if followed is not None and name in followed and name not in followed.syncing:
            followed.drop(name)  # a plain value replaces the reference
        if name in self._coerced:
            value = self._coerce(name, value)
        super().__setattr__(name, value)

    # -- references -------------------------------------------------------------------------
    def _follow(self, key: str | None, ref: Any, initial: bool) -> None:
        if self._references is None:
            self._references = References(self, weakref.WeakMethod(self._apply_references))
        self._references.follow(key, ref, initial)

    def _apply_references(self, values: dict[str, Any]) -> None:
        """Set params to values references produced; raise (changing nothing) if one is bad."""
        checked = {}
        for name, value in values.items():
            if name in self._coerced:
                value = self._coerce(name, value)
            validate(self.param[name], value)
            checked[name] = value
        followed = self._references
        syncing = set(checked) - followed.syncing if followed is not None else set()
        if followed is not None:
            followed.syncing |= syncing
        try:
            with param.edit_constant(self):
                self.param.update(checked)
        finally:
            if followed is not None:
                followed.syncing -= syncing

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
        props: dict[str, Any] = {"visible": self.visible}
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
        """Release watchers this object holds on other objects (its references').

        Subclasses that hold more extend it and call ``super().release()``.
        """
        if self._references is not None:
            self._references.release()

    def add_view_listener(self, listener: ViewListener) -> None:
        """Send this object's emitted messages to ``listener.on_emit`` (held weakly).

        A view showing the object again after :meth:`release` makes its references
        follow again.
        """
        self._listeners.add(listener)
        if self._references is not None and self._references.released:
            self._references.reattach()

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
