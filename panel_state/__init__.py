"""panel_state: Panel's session state and callback machinery on param and tornado.

Write ``import panel_state as pn`` and use ``pn.state``, ``pn.Location``,
``pn.PeriodicCallback``, widgets, panes and ``pn.serve`` as in Panel.

Importing the package changes three things in param for the whole process, as importing
Panel does: ``param.parameterized.async_executor`` runs async watchers on the current
session's loop with the session active (:func:`panel_state.execution.async_executor`),
a reference transform lets a widget stand for its ``value`` wherever param
resolves references (``pn.bind(fn, widget)``), and functions bound with ``pn.bind``
get a ``_repr_mimebundle_`` display accessor (they display live in Jupyter). In a
Jupyter kernel it also hooks into the kernel (:mod:`panel_state.notebook`).
"""

from __future__ import annotations

from typing import Any

import param as _param
from param import bind, depends, rx

from . import execution as _execution
from . import indicators, io, layout, pane, template, widgets
from . import notebook as _notebook
from .caching import cache
from .config import config
from .extension import extension
from .layout import Card, Column, FlexBox, HSpacer, Row, Spacer, Tabs, VSpacer
from .links import Link, link
from .location import Location
from .param_pane import Param
from .periodic import PeriodicCallback
from .reactive import panel
from .session import Session
from .state import state
from .template import Template
from .viewable import Viewable


def __getattr__(name: str) -> Any:
    # Deferred import, documented: the server (tornado's HTTP stack) is imported on
    # first use of ``pn.serve``; it is about half of the import time and tests and
    # --setup scripts rarely need it.
    if name == "serve":
        from .server import serve

        return serve
    raise AttributeError(f"module 'panel_state' has no attribute {name!r}")


_param.parameterized.async_executor = _execution.async_executor
# Viewables display live in Jupyter (anywidget is imported on first display only).
_notebook.install()

__version__ = "0.1.0"

__all__ = [
    "Card",
    "Column",
    "FlexBox",
    "HSpacer",
    "Link",
    "Location",
    "Param",
    "PeriodicCallback",
    "Row",
    "Session",
    "Spacer",
    "Tabs",
    "Template",
    "VSpacer",
    "Viewable",
    "__version__",
    "bind",
    "cache",
    "config",
    "depends",
    "extension",
    "indicators",
    "io",
    "layout",
    "link",
    "pane",
    "panel",
    "rx",
    "serve",
    "state",
    "template",
    "widgets",
]
