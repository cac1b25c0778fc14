"""Card: a column of children under a header bar that collapses and expands them.

Examples
--------
>>> import panel_state as pn
>>> card = pn.Card('Some text', pn.widgets.Button(name='Go'), title='Settings')
>>> card.collapsed, card.view_props()['title']
(False, 'Settings')
>>> card.apply_client_change('collapsed', True); card.collapsed
True
"""

from __future__ import annotations

from typing import Any, ClassVar

import param

from ..reactive import panel
from ..viewable import Viewable
from .base import Column, Row, contains
from .css import css_classes, css_color

__all__ = ["Card"]

_COLORS = frozenset({"header_background", "header_color", "active_header_background"})
_CLASSES = frozenset({"button_css_classes", "header_css_classes", "title_css_classes"})


class Card(Column):
    """A column of children under a header bar that collapses and expands them.

    The header shows ``title``, or the ``header`` component instead when one is given.
    ``collapsed`` follows the browser (a click on the header's button sets it) and the
    browser follows ``collapsed``. It scrolls as a :class:`Column` does (``scroll``,
    ``scroll_position``, ``auto_scroll_limit``...), header included.
    """

    title = param.String(default="", doc="""
        The text in the header bar; not shown when ``header`` is given.""")
    header = param.Parameter(default=None, allow_refs=False, doc="""
        A component (anything ``pn.panel`` takes) shown in the header bar instead of
        ``title``, or None.""")
    collapsed = param.Boolean(default=False, doc="""
        Whether the children are hidden, leaving only the header bar. Clicking the
        header's button sets it.""")
    collapsible = param.Boolean(default=True, doc="""
        Whether the header has the button that collapses and expands the card.""")
    hide_header = param.Boolean(default=False, doc="Whether to leave the header bar out.")
    header_background = param.String(default=None, allow_None=True, doc="""
        A CSS colour for the header bar's background, or None for the default.""")
    active_header_background = param.String(default=None, allow_None=True, doc="""
        A CSS colour for the header bar's background while expanded, or None to use
        ``header_background``.""")
    header_color = param.String(default=None, allow_None=True, doc="""
        A CSS colour for the header's text, or None for the default.""")
    button_css_classes = param.List(default=["card-button"], item_type=str, doc="""
        CSS classes of the collapse button.""")
    header_css_classes = param.List(default=["card-header"], item_type=str, doc="""
        CSS classes of the header bar.""")
    title_css_classes = param.List(default=["card-title"], item_type=str, doc="""
        CSS classes of the title.""")

    view_kind: ClassVar[str] = "Card"
    view_params: ClassVar[tuple[str, ...]] = (
        *Column.view_params, "title", "collapsed", "collapsible", "hide_header",
        "header_background", "active_header_background", "header_color", "button_css_classes",
        "header_css_classes", "title_css_classes")
    view_nested_params: ClassVar[tuple[str, ...]] = ("header",)
    _event_params: ClassVar[tuple[str, ...]] = ("collapsed", "scroll_position")
    _coerced: ClassVar[frozenset[str]] = frozenset({"objects", "header", *_COLORS, *_CLASSES})

    def __init__(self, *objects: Any, **params: Any) -> None:
        # The header bar's slot: a Row holding ``header`` (or nothing), so a new header
        # is a change of that Row's children and the Card's own props say whether the
        # title shows.
        self._header_row = Row()
        super().__init__(*objects, **params)
        self._header_row.objects = [] if self.header is None else [self.header]

    def _coerce(self, name: str, value: Any) -> Any:
        if name in _COLORS:
            return css_color("Card", name, value)
        if name in _CLASSES:
            return css_classes("Card", name, value)
        if name != "header":
            return super()._coerce(name, value)
        if value is None:
            return None
        header = panel(value)
        if header is self or contains(header, self):
            raise ValueError(f"Card cannot contain itself, got header {header!r} which is or "
                             "holds this card.")
        return header

    @param.depends("header", watch=True)
    def _show_header(self) -> None:
        self._header_row.objects = [] if self.header is None else [self.header]

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        props["has_header"] = self.header is not None
        return props

    def view_children(self) -> list[Viewable]:
        return [self._header_row, *self.objects]
