"""Param: a Parameterized shown as widgets, one per param, linked both ways.

``pn.Param(obj)`` lays out, in a Column, the object's name as a heading and a widget for
each param (chosen by :func:`panel_state.widgets.params.widget_type`; ``widgets=``
overrides it). Changing a widget sets the param; changing the param updates the widget.
Read-only and constant params get a disabled widget that follows the object. A change of
a param's ``precedence`` shows, hides or moves its widget.

Examples
--------
>>> import param
>>> import panel_state as pn
>>> class Settings(param.Parameterized):
...     retries = param.Integer(default=3, bounds=(0, 10))
...     verbose = param.Boolean(default=False)
>>> settings = Settings(name='Settings')
>>> pane = pn.Param(settings)
>>> [type(w).__name__ for w in pane.widget_list]
['IntSlider', 'Checkbox']
>>> pane.widget('retries').value = 5
>>> settings.retries
5
"""

from __future__ import annotations

import re
import string
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import param

from ._params import set_readonly
from .compat import warn_unsupported
from .layout import Column, ListLike
from .pane.markup import Markdown
from .references import unwatch_all
from .viewable import Viewable
from .widgets.base import Widget
from .widgets.paramlink import ParamLink
from .widgets.params import link_param

__all__ = ["Param", "param_name"]

_COUNTER = re.compile(r"\D+(\d{5,})$")
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")

#: Panel's keywords for expanding sub-objects into their own Param; accepted, ignored.
_IGNORED = ("expand", "expand_button", "expand_layout")


def param_name(name: str) -> str:
    """A Parameterized's name without param's instance counter (``'P00012'`` -> ``'P'``)."""
    match = _COUNTER.match(name)
    return name[:match.start(1)] if match else name


def _heading(text: str) -> str:
    """``text`` as a Markdown heading that shows every character literally."""
    return "### " + _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


class Param(Viewable):
    """Widgets for the params of ``object``, linked to them both ways.

    Parameters
    ----------
    object : param.Parameterized or param.Parameter
        The object (or class) whose params are shown; a single param
        (``obj.param.x``) shows just that one, without the heading.
    parameters : list of str, optional
        Which params to show (in the object's order); None or omitted: all but ``name``.
    widgets : dict, optional
        Per param name: a widget class, a widget, or ``{'type': cls, **keywords}``.
    show_name : bool
        Whether the object's name is shown as a heading above the widgets.
    """

    object = param.Parameter(default=None, allow_refs=False, doc="""
        The Parameterized (instance or class) whose params are shown.""")
    parameters = param.List(default=None, allow_None=True, item_type=str, doc="""
        The names of the params to show, or None for all but ``name``.""")
    widgets = param.Dict(default=None, allow_None=True, doc="""
        Widget overrides: param name -> widget class, widget, or {'type': cls, **kw}.""")
    name = param.String(default="", doc="The heading (default: the object's name).")
    show_name = param.Boolean(default=True, doc="Whether the heading is shown.")
    show_labels = param.Boolean(default=True, doc="""
        Whether each widget shows its param's label (buttons always do).""")
    display_threshold = param.Number(default=0, doc="""
        Params whose precedence is below this are not shown.""")
    default_precedence = param.Number(default=1e-8, doc="""
        The precedence of params that declare none, for ordering.""")
    hide_constant = param.Boolean(default=False, doc="""
        Whether widgets of constant (and read-only) params are hidden, not just disabled.""")
    sort = param.ClassSelector(
        default=False,
        class_=(bool, Callable),  # type: ignore[arg-type]
        doc="""
        False: the object's order by precedence; True: by label; a callable: the key
        function of ``sorted`` over ``(name, parameter)`` pairs.""")
    initializer = param.Callable(default=None, doc="""
        Called once with the object before the widgets are made (e.g. to set values).""")
    default_layout = param.ClassSelector(default=Column, class_=ListLike, is_instance=False,
                                         doc="The layout class holding the widgets.")
    visible = param.Boolean(default=True, doc="Whether the widgets are shown.")
    layout = param.ClassSelector(class_=ListLike, default=None, allow_None=True,
                                 readonly=True, doc="""
        The layout (a ``default_layout``) holding the heading and the widgets.""")

    view_kind: ClassVar[str] = "Param"
    view_params: ClassVar[tuple[str, ...]] = ("visible",)
    view_child_params: ClassVar[tuple[str, ...]] = ("layout",)

    def __init__(self, object: Any = None, **params: Any) -> None:
        for key in _IGNORED:
            if key in params:
                params.pop(key)
                warn_unsupported("pn.Param", key, "Sub-objects are not expanded.")
        if isinstance(object, param.Parameter):
            if object.owner is None:
                raise TypeError(f"pn.Param needs a param of a Parameterized, got {object!r} "
                                "which belongs to none.")
            params.setdefault("show_name", False)
            params["parameters"] = [object.name]
            object = object.owner
        elif isinstance(object, param.parameterized.Parameters):
            object = object.self if object.self is not None else object.cls
        if object is not None and not _parameterized(object):
            raise TypeError(f"pn.Param shows a Parameterized (or one of its params), got "
                            f"{type(object).__name__} {object!r}; use pn.panel(obj) for "
                            "other objects.")
        if "name" not in params:  # no object: no heading (not param's counter name)
            params["name"] = "" if object is None else param_name(object.name)
        super().__init__(object=object, **params)
        self._links: list[ParamLink] = []
        self._widgets: dict[str, Widget] = {}
        self._precedence: weakref.finalize | None = None
        self._title = Markdown("")
        if self.initializer is not None and self.object is not None:
            self.initializer(self.object)
        self._build()
        self.param.watch(self._rebuild, ["object", "parameters", "widgets", "show_labels",
                                         "display_threshold", "default_precedence",
                                         "hide_constant", "sort", "default_layout"])
        self.param.watch(self._retitle, ["name", "show_name"])

    def __repr__(self) -> str:
        return f"Param({type(self.object).__name__ if self.object is not None else None})"

    # -- public API --------------------------------------------------------------------
    @property
    def widget_list(self) -> list[Widget]:
        """The widgets shown, in display order (the heading excluded)."""
        return [w for w in (self.layout or []) if isinstance(w, Widget)]

    def widget(self, name: str) -> Widget:
        """The widget showing param ``name``.

        Raises
        ------
        KeyError
            When no widget shows a param of that name.
        """
        try:
            return self._widgets[name]
        except KeyError:
            raise KeyError(f"pn.Param shows no widget for {name!r}; it shows "
                           f"{sorted(self._widgets)}.") from None

    def view_children(self) -> list[Viewable]:
        return [] if self.layout is None else [self.layout]

    # -- building ----------------------------------------------------------------------
    def _names(self) -> list[str]:
        obj = self.object
        if obj is None:
            return []
        declared = obj.param.objects("existing")
        wanted = self.parameters
        if wanted is not None:
            unknown = [n for n in wanted if n not in declared]
            if unknown:
                raise ValueError(
                    f"pn.Param: {type(obj).__name__} has no param(s) {unknown}; its params "
                    f"are {sorted(declared)}.")
        chosen = [(n, p) for n, p in declared.items()
                  if (n in wanted if wanted is not None else n != "name")]

        def precedence(item: tuple[str, param.Parameter]) -> float:
            value = item[1].precedence
            return self.default_precedence if value is None else value

        if callable(self.sort) and not isinstance(self.sort, bool):
            chosen = sorted(chosen, key=self.sort)
        elif self.sort:
            chosen = sorted(chosen, key=lambda item: item[1].label or item[0])
        else:
            chosen = sorted(chosen, key=precedence)  # stable: declared order within ties
        return [n for n, p in chosen
                if p.precedence is None or p.precedence >= self.display_threshold]

    def _build(self) -> None:
        specs = self.widgets or {}
        widgets: dict[str, Widget] = {}
        for name in self._names():
            widget, link = link_param(self.object.param[name], specs.get(name),
                                      show_label=self.show_labels,
                                      hide_constant=self.hide_constant)
            widgets[name] = widget
            self._links.append(link)
        self._widgets = widgets
        self._watch_precedence()
        self._set_title()
        children: list[Any] = [self._title] if self._title.visible else []
        children += widgets.values()
        if type(self.layout) is self.default_layout:
            self.layout.objects = children  # the same layout, for whoever holds it
        else:
            set_readonly(self, "layout", self.default_layout(*children))

    def _watch_precedence(self) -> None:
        """Rebuild when a param's precedence changes which widgets show, or their order.

        The object holds this pane weakly: a long-lived object (a PeriodicCallback,
        ``pn.state``) never keeps the panes of closed sessions alive.
        """
        if self._precedence is not None:
            self._precedence()
        obj = self.object
        if obj is None:
            self._precedence = None
            return
        ref = weakref.WeakMethod(self._moved)

        def moved(*events: param.parameterized.Event) -> None:
            method = ref()
            if method is not None:
                method(*events)

        wanted = self.parameters
        names = [n for n in obj.param if (n in wanted if wanted is not None else n != "name")]
        handles = [(obj, obj.param.watch(moved, names, what="precedence"))] if names else []
        self._precedence = weakref.finalize(self, unwatch_all, handles)

    def _moved(self, *events: param.parameterized.Event) -> None:
        if self._names() != list(self._widgets):
            self._rebuild()

    def _set_title(self) -> None:
        shown = bool(self.show_name and self.name)
        self._title.param.update(object=_heading(self.name) if shown else "", visible=shown)

    def _rebuild(self, *events: param.parameterized.Event) -> None:
        for link in self._links:
            link.unlink()
        self._links = []
        self._build()

    def _retitle(self, *events: param.parameterized.Event) -> None:
        was = self._title.visible
        self._set_title()
        if self.layout is not None and was != self._title.visible:
            rest = [o for o in self.layout if o is not self._title]
            self.layout.objects = [self._title, *rest] if self._title.visible else rest


def _parameterized(obj: Any) -> bool:
    return isinstance(obj, param.Parameterized) or (
        isinstance(obj, type) and issubclass(obj, param.Parameterized))
