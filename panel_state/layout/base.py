"""The list-like layouts: ``ListLike``, ``Row`` and ``Column``.

Children go through :func:`panel_state.panel` when the layout is built and whenever
``objects`` is assigned, so strings, numbers and reactive functions can be passed
directly. Every mutating list method assigns a new list to ``objects``, so watchers
(and the sessions showing the layout) see one change per call.

Examples
--------
>>> import panel_state as pn
>>> button = pn.widgets.Button(name='Click me!')
>>> row = pn.Row(button, pn.bind(lambda busy: "I'm busy" if busy else "I'm idle",
...                              pn.state.param.busy))
>>> [type(o).__name__ for o in row]
['Button', 'ParamFunction']
>>> row.append('**done**'); len(row)
3

A ``Column`` with a height scrolls its children; ``scroll_position`` follows the browser:

>>> log = pn.Column(*[f'line {i}' for i in range(50)], height=200, auto_scroll_limit=40)
>>> log.scroll, log.view_props()['scroll']
(True, 'y-auto')
>>> log.apply_client_change('scroll_position', 120); log.scroll_position
120
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, SupportsIndex, overload

import param

from ..reactive import panel
from ..viewable import Viewable

__all__ = ["SCROLL_MODES", "Column", "ListLike", "Row", "contains", "scroll_mode", "scroll_param"]

#: Panel's values of ``scroll``: False (no scrollbars), True (scroll along the layout's
#: direction when the content overflows), or an axis: ``'*-auto'`` scrolls on overflow,
#: ``'both'``/``'x'``/``'y'`` always shows the scrollbars.
SCROLL_MODES = [False, True, "both-auto", "y-auto", "x-auto", "both", "x", "y"]


def scroll_param() -> param.Selector:
    """A layout's ``scroll`` param (Row, Column, Tabs: the layouts Panel gives one)."""
    return param.Selector(default=False, objects=list(SCROLL_MODES), doc="""
        Whether the layout scrolls when its content overflows its size: False (never),
        True (along its direction: a Column vertically, a Row horizontally), 'both-auto',
        'x-auto' or 'y-auto' (scrollbars on overflow on those axes), or 'both', 'x' or
        'y' (scrollbars always on those axes).""")


def scroll_mode(value: Any, along: str) -> str:
    """The client's scroll mode for ``scroll`` ``value``: ``''`` for none, else an axis
    mode of :data:`SCROLL_MODES`; True means ``along`` (``'y-auto'`` for a Column)."""
    if value is True:
        return along
    return value if isinstance(value, str) else ""


def contains(parent: Viewable, target: Viewable) -> bool:
    """Whether ``target`` is ``parent`` or shown anywhere inside it."""
    stack, seen = [parent], set()
    while stack:
        node = stack.pop()
        if node is target:
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        # Read the child params directly: _children() could start a deferred evaluation.
        # ``view_nested_params`` are children held in a slot of the layout's own (a
        # Card's header) rather than in a child param.
        for name in (*node.view_child_params, *getattr(node, "view_nested_params", ())):
            value = getattr(node, name)
            stack.extend(value if isinstance(value, list) else [] if value is None else [value])
    return False


class ListLike(Viewable):
    """A layout holding an ordered list of child Viewables in ``objects``."""

    objects = param.List(default=[], doc="The children, in display order.")

    view_params: ClassVar[tuple[str, ...]] = ("visible",)
    view_child_params: ClassVar[tuple[str, ...]] = ("objects",)
    _coerced: ClassVar[frozenset[str]] = frozenset({"objects"})

    def __init__(self, *objects: Any, **params: Any) -> None:
        if objects:
            if "objects" in params:
                raise ValueError(
                    f"{type(self).__name__} takes children either positionally or as "
                    "objects=[...], not both."
                )
            params["objects"] = list(objects)
        super().__init__(**params)

    def _coerce(self, name: str, value: Any) -> Any:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(
                f"{type(self).__name__}.objects must be a list of objects to display, got "
                f"{type(value).__name__} {value!r}."
            )
        children = [panel(obj) for obj in value]
        for child in children:
            if child is self or contains(child, self):
                raise ValueError(
                    f"{type(self).__name__} cannot contain itself, got {child!r} which is "
                    "or holds this layout."
                )
        return children

    def view_children(self) -> list[Viewable]:
        return list(self.objects)

    # -- list interface ----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.objects)

    def __iter__(self) -> Iterator[Viewable]:
        return iter(self.objects)

    def __contains__(self, obj: object) -> bool:
        return any(o is obj for o in self.objects)

    @overload
    def __getitem__(self, index: SupportsIndex) -> Viewable: ...
    @overload
    def __getitem__(self, index: slice) -> list[Viewable]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Viewable | list[Viewable]:
        return self.objects[index]

    def __setitem__(self, index: SupportsIndex | slice, obj: Any) -> None:
        objects = list(self.objects)
        if isinstance(index, slice):
            objects[index] = list(obj)
        else:
            objects[index] = obj
        self.objects = objects

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        objects = list(self.objects)
        del objects[index]
        self.objects = objects

    def append(self, obj: Any) -> None:
        """Add ``obj`` (through :func:`panel`) at the end."""
        self.objects = [*self.objects, obj]

    def extend(self, objects: Iterable[Any]) -> None:
        """Add every item of ``objects`` at the end, in one change."""
        self.objects = [*self.objects, *objects]

    def insert(self, index: SupportsIndex, obj: Any) -> None:
        """Insert ``obj`` before position ``index``."""
        objects = list(self.objects)
        objects.insert(index, obj)
        self.objects = objects

    def pop(self, index: SupportsIndex = -1) -> Viewable:
        """Remove and return the child at ``index`` (default: the last).

        Raises
        ------
        IndexError
            When the layout is empty or ``index`` is out of range.
        """
        objects = list(self.objects)
        try:
            obj = objects.pop(index)
        except IndexError:
            raise IndexError(
                f"{type(self).__name__}.pop index {index} out of range for {len(objects)} "
                "children."
            ) from None
        self.objects = objects
        return obj

    def remove(self, obj: Any) -> None:
        """Remove ``obj`` (the same object, not an equal one).

        Raises
        ------
        ValueError
            When ``obj`` is not a child of this layout.
        """
        for i, child in enumerate(self.objects):
            if child is obj:
                self.objects = [*self.objects[:i], *self.objects[i + 1:]]
                return
        raise ValueError(f"{type(self).__name__}.remove: {obj!r} is not one of its children.")

    def clear(self) -> None:
        """Remove every child."""
        self.objects = []

    def __repr__(self) -> str:
        inner = ", ".join(repr(o) for o in self.objects)
        return f"{type(self).__name__}({inner})"


class Row(ListLike):
    """Children laid out left to right; ``scroll=True`` scrolls them horizontally."""

    scroll: Any = scroll_param()

    view_kind: ClassVar[str] = "Row"

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        props["scroll"] = scroll_mode(self.scroll, "x-auto")
        return props


class Column(ListLike):
    """Children laid out top to bottom; with a height and ``scroll`` they scroll.

    ``scroll_position`` follows the browser (the user's scrolling, reported at most a
    few times a second) and the browser follows it. Setting any of
    ``scroll_position`` (at creation), ``auto_scroll_limit``,
    ``scroll_button_threshold`` or ``view_latest`` turns ``scroll`` on, as in Panel.
    """

    scroll: Any = scroll_param()
    scroll_position = param.Integer(default=0, bounds=(0, None), doc="""
        How far the column is scrolled, in pixels from the top. The user's scrolling
        sets it; setting it scrolls the column in the browser (0: the top).""")
    auto_scroll_limit = param.Integer(default=0, bounds=(0, None), doc="""
        Pixels from the bottom within which the column keeps to the bottom when
        children are added (a log that follows its newest line); 0 turns it off.""")
    scroll_button_threshold = param.Integer(default=0, bounds=(0, None), doc="""
        Pixels from the bottom beyond which a button that scrolls to the bottom shows;
        0: no button.""")
    view_latest = param.Boolean(default=False, doc="""
        Whether the column starts scrolled to the bottom (its latest child) rather than
        the top.""")

    view_kind: ClassVar[str] = "Column"
    view_params: ClassVar[tuple[str, ...]] = (
        "visible", "scroll_position", "auto_scroll_limit", "scroll_button_threshold",
        "view_latest")
    _event_params: ClassVar[tuple[str, ...]] = ("scroll_position",)
    view_quiet: ClassVar[tuple[str, ...]] = ("scroll_position",)

    def __init__(self, *objects: Any, **params: Any) -> None:
        super().__init__(*objects, **params)
        if not self.scroll and self.scroll_position:
            self.scroll = True

    @param.depends("auto_scroll_limit", "scroll_button_threshold", "view_latest",
                   watch=True, on_init=True)
    def _scroll_when_asked(self) -> None:
        if not self.scroll and (self.auto_scroll_limit or self.scroll_button_threshold
                                or self.view_latest):
            self.scroll = True

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        props["scroll"] = scroll_mode(self.scroll, "y-auto")
        return props

    def scroll_to(self, index: int) -> None:
        """Scroll the column in every browser showing it so child ``index`` is at the top.

        Raises
        ------
        IndexError
            When ``index`` is out of range.
        """
        if isinstance(index, bool) or not isinstance(index, int) or not (
                -len(self.objects) <= index < len(self.objects)):
            raise IndexError(f"{type(self).__name__}.scroll_to index {index!r} out of range "
                             f"for {len(self.objects)} children.")
        self._emit({"op": "scroll_to", "ref": self.objects[index].view_ref})
