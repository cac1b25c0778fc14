"""Spacers: empty room in a layout -- fixed (``Spacer``), or filling the row
(``HSpacer``) or column (``VSpacer``) -- and ``Divider``, a horizontal rule.

Examples
--------
>>> import panel_state as pn
>>> row = pn.Row('left', pn.HSpacer(), 'right')
>>> pn.Spacer(width=40).view_props()
{'visible': True, 'width': 40, 'height': None}
"""

from __future__ import annotations

from typing import ClassVar

from ..viewable import Viewable

__all__ = ["Divider", "HSpacer", "Spacer", "VSpacer"]


class Spacer(Viewable):
    """Empty room of a fixed size (``width`` and ``height`` in pixels; its renderer
    sizes itself from them, so they are props rather than CSS)."""

    view_kind: ClassVar[str] = "Spacer"
    view_params: ClassVar[tuple[str, ...]] = ("width", "height")


class HSpacer(Spacer):
    """Empty room that grows to fill the width a row leaves (push things apart)."""

    view_kind: ClassVar[str] = "HSpacer"


class VSpacer(Spacer):
    """Empty room that grows to fill the height a column leaves."""

    view_kind: ClassVar[str] = "VSpacer"


class Divider(Viewable):
    """A horizontal rule across the layout it is in."""

    view_kind: ClassVar[str] = "Divider"
