"""Layouts: components that arrange other components.

``Row``, ``Column``, ``FlexBox``, ``Card`` and ``Tabs`` hold their children in
``objects`` and behave as lists (``append``, ``extend``, ``insert``, ``pop``,
``remove``, ``clear``, indexing); every child goes through :func:`panel_state.panel`,
so strings, numbers and functions can be passed directly. ``Spacer``, ``HSpacer``,
``VSpacer`` and ``Divider`` are empty room and a rule.

Examples
--------
>>> import panel_state as pn
>>> layout = pn.Column(
...     pn.Row('**left**', pn.layout.HSpacer(), 'right'),
...     pn.Tabs(('One', 'first'), ('Two', pn.Card('inside', title='A card'))),
... )
>>> [type(o).__name__ for o in layout]
['Row', 'Tabs']
"""

from __future__ import annotations

from .base import Column, ListLike, Row
from .card import Card
from .flex import FlexBox
from .spacer import Divider, HSpacer, Spacer, VSpacer
from .tabs import Tabs

__all__ = [
    "Card",
    "Column",
    "Divider",
    "FlexBox",
    "HSpacer",
    "ListLike",
    "Row",
    "Spacer",
    "Tabs",
    "VSpacer",
]
