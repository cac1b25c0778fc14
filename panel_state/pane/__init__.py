"""Panes: display an object -- Markdown, Str, HTML, LineChart.

Functions and ``pn.bind`` results are shown by :class:`panel_state.reactive.ParamFunction`
(``pn.panel(fn)``).

Examples
--------
>>> import panel_state as pn
>>> pn.pane.Markdown('**bold**').view_props()['html']
'<p><strong>bold</strong></p>\\n'
"""

from __future__ import annotations

from .chart import LineChart
from .markup import HTML, Markdown, PaneBase, Str

__all__ = ["HTML", "LineChart", "Markdown", "PaneBase", "Str"]
