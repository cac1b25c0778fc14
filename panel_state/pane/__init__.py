"""Panes: display an object -- text, Markdown, tables, images, alerts, JSON, charts.

Functions and ``pn.bind`` results are shown by :class:`panel_state.reactive.ParamFunction`
(``pn.panel(fn)``).

Examples
--------
>>> import panel_state as pn
>>> pn.pane.Markdown('**bold**').view_props()['html']
'<p><strong>bold</strong></p>\\n'
"""

from __future__ import annotations

from .alert import Alert
from .chart import LineChart
from .dataframe import DataFrame
from .image import AVIF, GIF, ICO, JPG, PNG, SVG, Image, ImageBase, WebP
from .jsonview import JSON
from .markup import HTML, Markdown, PaneBase, Str

__all__ = [
    "AVIF",
    "GIF",
    "HTML",
    "ICO",
    "JPG",
    "JSON",
    "PNG",
    "SVG",
    "Alert",
    "DataFrame",
    "Image",
    "ImageBase",
    "LineChart",
    "Markdown",
    "PaneBase",
    "Str",
    "WebP",
]
