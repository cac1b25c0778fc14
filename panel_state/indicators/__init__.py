"""Indicators: components that show a state -- busy, a number, progress.

They are widgets (a label in ``name``, layout and style params) whose value only
Python sets; ``pn.widgets`` has them too, as in Panel.

Examples
--------
>>> import panel_state as pn
>>> spinner = pn.indicators.LoadingSpinner(value=True, size=40, name='Loading...')
>>> pn.indicators.Number(value=72, format='{value}%', colors=[(80, 'green'), (100, 'red')]).text
'72%'
>>> pn.widgets.Progress is pn.indicators.Progress
True
"""

from __future__ import annotations

# The widgets package first: it re-exports the indicators, which are Widgets, so
# entering here first would otherwise meet this package half-imported.
from .. import widgets as _widgets  # noqa: F401
from .base import Indicator
from .number import Number
from .progress import Progress
from .spinner import LoadingSpinner

__all__ = ["Indicator", "LoadingSpinner", "Number", "Progress"]
