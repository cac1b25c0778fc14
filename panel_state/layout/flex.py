"""FlexBox: children in a CSS flex container, every flex option a validated param.

Examples
--------
>>> import panel_state as pn
>>> box = pn.FlexBox('a', 'b', 'c', flex_direction='column', gap='10px')
>>> box.view_props()['gap'], box.justify_content
('10px', 'flex-start')
"""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .base import ListLike
from .css import css_gap

__all__ = [
    "ALIGN_CONTENT",
    "ALIGN_ITEMS",
    "FLEX_DIRECTIONS",
    "FLEX_WRAPS",
    "JUSTIFY_CONTENT",
    "FlexBox",
]

FLEX_DIRECTIONS = ["row", "row-reverse", "column", "column-reverse"]
FLEX_WRAPS = ["nowrap", "wrap", "wrap-reverse"]
JUSTIFY_CONTENT = ["flex-start", "flex-end", "center", "space-between", "space-around",
                   "space-evenly", "start", "end", "left", "right"]
ALIGN_ITEMS = ["stretch", "flex-start", "flex-end", "center", "baseline", "first baseline",
               "last baseline", "start", "end", "self-start", "self-end"]
ALIGN_CONTENT = ["normal", "flex-start", "flex-end", "center", "space-between",
                 "space-around", "space-evenly", "stretch", "start", "end", "baseline",
                 "first baseline", "last baseline"]

class FlexBox(ListLike):
    """Children in a CSS flex container: direction, wrapping, alignment and gap as params.

    Every option is checked against the values CSS allows, so nothing but those values
    reaches the page.
    """

    flex_direction: str = param.Selector(  # type: ignore[assignment]
        default="row", objects=FLEX_DIRECTIONS, doc="""
        The main axis: the direction children are placed in.""")
    flex_wrap: str = param.Selector(  # type: ignore[assignment]
        default="wrap", objects=FLEX_WRAPS, doc="""
        Whether and how children wrap onto more lines.""")
    justify_content: str = param.Selector(  # type: ignore[assignment]
        default="flex-start", objects=JUSTIFY_CONTENT, doc="""
        How children are aligned along the main axis.""")
    align_items: str = param.Selector(  # type: ignore[assignment]
        default="flex-start", objects=ALIGN_ITEMS, doc="""
        How children are aligned across the main axis, within their line.""")
    align_content: str = param.Selector(  # type: ignore[assignment]
        default="flex-start", objects=ALIGN_CONTENT, doc="""
        How lines are aligned across the main axis when there is room to spare.""")
    gap = param.String(default="", doc="""
        Space between children: '' for the default, or one or two CSS lengths
        ('10px', '1em 2em': rows then columns).""")

    view_kind: ClassVar[str] = "FlexBox"
    view_params: ClassVar[tuple[str, ...]] = (
        "visible", "flex_direction", "flex_wrap", "justify_content", "align_items",
        "align_content", "gap")
    _coerced: ClassVar[frozenset[str]] = frozenset({"objects", "gap"})

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "gap":
            return css_gap("FlexBox", name, value)
        return super()._coerce(name, value)
