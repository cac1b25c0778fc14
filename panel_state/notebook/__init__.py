"""Live notebook outputs: every Viewable displays and stays live in Jupyter.

Displaying a widget, pane, layout, reactive function or ``pn.bind`` result as a cell's
last expression (or with ``display``) in a Jupyter kernel makes a live output through
anywidget (the optional ``[notebook]`` extra): the same component tree, protocol and
renderer (``static/core.js``) as the server, over the widget comm instead of a
websocket. See ``docs/notebooks.md``.
"""

from __future__ import annotations

from .display import install, mimebundle
from .output import NotebookOutput, live_outputs

__all__ = ["NotebookOutput", "install", "live_outputs", "mimebundle"]
