"""Tabs: children shown one at a time, picked by clicking their titled tab.

Each child has a title: give it as a ``(title, object)`` pair, or let the object's
``name`` be the title (a widget's label; a pane's class name when it has none of its
own). Every list method takes pairs too, and a child that stays keeps its title.

Examples
--------
>>> import panel_state as pn
>>> tabs = pn.Tabs(('Intro', '# Hello'), pn.widgets.Button(name='Go'))
>>> tabs.view_props()['titles'], tabs.active
(['Intro', 'Go'], 0)
>>> tabs.append(('More', 'text')); tabs.view_props()['titles']
['Intro', 'Go', 'More']
>>> tabs.apply_client_change('active', 2); tabs.active
2

With ``dynamic=True`` the browser holds only the shown tab's child:

>>> lazy = pn.Tabs(('A', 'a'), ('B', 'b'), dynamic=True)
>>> [o is lazy[0] for o in lazy.view_children()]
[True]
>>> lazy.active = 1; lazy.view_children()[0] is lazy[1]
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

import param

from ..viewable import Viewable
from .base import ListLike, scroll_mode, scroll_param

__all__ = ["TABS_LOCATIONS", "Tabs", "title_of"]

#: Where the row of tabs sits relative to the shown child.
TABS_LOCATIONS = ["above", "below", "left", "right"]

_GENERATED = re.compile(r"\D+?(\d{5,})$")


def title_of(obj: Viewable) -> str:
    """The title a child shows without one given: its ``name``, minus param's counter.

    param names unnamed objects ``'Markdown00012'``; the title is then ``'Markdown'``.
    """
    name = getattr(obj, "name", "") or ""
    match = _GENERATED.match(name)
    if match:
        name = name[:match.start(1)]
    return name or type(obj).__name__


class Tabs(ListLike):
    """Children shown one at a time, each under a titled tab; ``active`` is the shown one.

    ``active`` follows the browser (a click on a tab sets it) and the browser follows
    ``active``. It stays within the children: removing the shown child (or those after
    it) moves it to the last remaining one. With ``dynamic=True`` only the shown child
    is in the page.
    """

    active = param.Integer(default=0, bounds=(-1, None), doc="""
        Index of the child shown; -1 shows none. Clicking a tab sets it.""")
    closable = param.Boolean(default=False, doc="""
        Whether each tab has a close button; closing a tab removes its child from
        ``objects``.""")
    dynamic = param.Boolean(default=False, doc="""
        Whether the browser renders only the shown tab's child. Opening a tab renders
        its child as it is then and drops the one hidden, so a hidden tab costs the page
        nothing (heavy or many tabs). False renders every tab once, switching instantly.""")
    scroll: Any = scroll_param()
    tabs_location: str = param.Selector(  # type: ignore[assignment]
        default="above", objects=TABS_LOCATIONS, doc="""
        Where the row of tabs sits relative to the shown child.""")
    _titles = param.List(default=[], doc="The title of each child, in order.")
    _shown = param.List(default=[], doc="""
        The children the browser renders: all of them, or with ``dynamic`` the active one.""")

    view_kind: ClassVar[str] = "Tabs"
    view_child_params: ClassVar[tuple[str, ...]] = ("objects", "_shown")
    view_params: ClassVar[tuple[str, ...]] = ("visible", "active", "closable",
                                              "tabs_location")
    _event_params: ClassVar[tuple[str, ...]] = ("active", "close")
    view_actions: ClassVar[tuple[str, ...]] = ("close",)

    def __init__(self, *objects: Any, **params: Any) -> None:
        super().__init__(*objects, **params)
        self._bound_active()

    def _coerce(self, name: str, value: Any) -> Any:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            return super()._coerce(name, value)  # raises the list-of-objects error
        items = list(value)
        given: list[str | None] = []
        plain: list[Any] = []
        for item in items:
            if isinstance(item, tuple):
                if len(item) != 2 or not isinstance(item[0], str):
                    raise TypeError(
                        f"Tabs children given as tuples must be (title, object) with a "
                        f"string title, got {item!r}.")
                given.append(item[0])
                plain.append(item[1])
            else:
                given.append(None)
                plain.append(item)
        children = super()._coerce(name, plain)
        current = list(self.objects)
        shown = current[self.active] if 0 <= self.active < len(current) else None
        self._keep_shown = next((i for i, c in enumerate(children) if c is shown), None)
        old = list(zip(current, self._titles, strict=False))
        titles = []
        for child, title in zip(children, given, strict=True):
            if title is None:
                kept = next((i for i, (o, _) in enumerate(old) if o is child), None)
                title = old.pop(kept)[1] if kept is not None else title_of(child)
            titles.append(title)
        self._titles = titles
        return children

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        props["titles"] = list(self._titles)
        props["dynamic"] = self.dynamic
        # Which child the browser holds when dynamic: until its patch arrives after a
        # click, the old child stays hidden rather than showing under the new tab.
        props["shown"] = self.active if self.dynamic and self._shown else -1
        props["scroll"] = scroll_mode(self.scroll, "both-auto")
        return props

    def view_children(self) -> list[Viewable]:
        return list(self._shown)

    @param.depends("objects", "active", "dynamic", watch=True, on_init=True)
    def _render_shown(self) -> None:
        objects = list(self.objects)
        if not self.dynamic:
            self._shown = objects
        else:
            self._shown = [objects[self.active]] if 0 <= self.active < len(objects) else []

    @param.depends("objects", watch=True)
    def _bound_active(self) -> None:
        # The shown child stays shown wherever it moved; if it went, the nearest one.
        last = len(self.objects) - 1
        self.param["active"].bounds = (-1, max(last, 0))
        follow, self._keep_shown = getattr(self, "_keep_shown", None), None
        if follow is not None:
            self.active = follow
        elif self.active > last:
            self.active = max(last, 0)

    def apply_client_change(self, name: str, value: Any) -> None:
        """Apply the browser's change: ``active`` (a click) or ``close`` (a tab's index).

        Raises
        ------
        ValueError, TypeError
            For an index out of range, a close while ``closable`` is False, or another
            name; nothing changes.
        """
        if name != "close":
            super().apply_client_change(name, value)
            return
        if not self.closable:
            raise ValueError("Tabs is not closable and ignores a close from the browser; "
                             "set closable=True to allow it.")
        if isinstance(value, bool) or not isinstance(value, int) or not (
                0 <= value < len(self.objects)):
            raise ValueError(f"Tabs close index must be an int in [0, {len(self.objects)}), "
                             f"got {value!r}.")
        self.pop(value)

    def __repr__(self) -> str:
        pairs = zip(self._titles, self.objects, strict=False)
        inner = ", ".join(f"({t!r}, {o!r})" for t, o in pairs)
        return f"Tabs({inner})"
