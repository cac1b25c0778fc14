"""The anywidget class every notebook output uses, made on first use.

anywidget is the optional ``[notebook]`` extra, so nothing imports it before a
Viewable is displayed in a kernel: :func:`available` says whether it is installed and
:func:`widget_class` builds the class once.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any

from .esm import widget_css, widget_module

__all__ = ["INSTALL_HINT", "WIDGET_VIEW", "available", "widget_class", "widget_view"]

#: What to install for live outputs (one line, shown instead of them).
INSTALL_HINT = "pip install 'panel_state[notebook]' to display it live in Jupyter"

#: The MIME type front ends render a widget view for.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def available() -> bool:
    """Whether anywidget (the ``[notebook]`` extra) is installed."""
    try:
        return importlib.util.find_spec("anywidget") is not None
    except ValueError:  # a module set to None in sys.modules: blocked, as if absent
        return False


@functools.cache
def widget_class() -> type[Any]:
    """The anywidget subclass of notebook outputs: ``static/core.js`` + ``widget.js``.

    Raises
    ------
    ModuleNotFoundError
        Without the ``[notebook]`` extra.
    """
    # Deferred import, documented: anywidget (and ipywidgets under it) is the optional
    # [notebook] extra and costs ~100 ms to import; only a live output needs it.
    import anywidget
    import traitlets

    class PanelStateWidget(anywidget.AnyWidget):
        """One live notebook output of a panel_state Viewable."""

        _esm = widget_module()
        _css = widget_css()
        #: The HTML of the output's last render, kept by the front end: a notebook
        #: saved with its widget state shows it when opened without a kernel.
        snapshot = traitlets.Unicode("").tag(sync=True)

    return PanelStateWidget


def widget_view(model_id: str) -> dict[str, Any]:
    """The ``WIDGET_VIEW`` data of a display: which widget model to render a view of."""
    # Deferred import, documented: only called once a widget exists (anywidget loaded).
    import ipywidgets

    major, minor, *_ = str(ipywidgets.__protocol_version__).split(".")
    return {"version_major": int(major), "version_minor": int(minor), "model_id": model_id}
