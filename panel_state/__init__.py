"""panel_state: Panel's session state and callback machinery on param and tornado.

Write ``import panel_state as pn`` and use ``pn.state``, ``pn.Location``,
``pn.PeriodicCallback``, widgets, panes and ``pn.serve`` as in Panel.
"""

from __future__ import annotations

import param as _param
from param import bind, depends

from . import execution as _execution
from .callbacks import PeriodicCallback
from .config import config
from .links import Link, link
from .session import Session
from .state import state
from .viewable import Viewable

_param.parameterized.async_executor = _execution.async_executor

__version__ = "0.1.0"

__all__ = [
    "Link",
    "PeriodicCallback",
    "Session",
    "Viewable",
    "__version__",
    "bind",
    "config",
    "depends",
    "link",
    "state",
]
