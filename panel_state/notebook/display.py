"""How Viewables (and ``pn.bind`` results) display in Jupyter.

:func:`install` -- run by ``import panel_state`` -- makes :func:`mimebundle` the
Viewable display hook and gives functions bound with ``pn.bind`` the same
``_repr_mimebundle_`` (through param's display accessors, as Panel does). In a kernel
with anywidget installed, every display is a new live output
(:class:`~panel_state.notebook.output.NotebookOutput`); without anywidget the text repr
says in one line what to install; outside a kernel (a terminal IPython) it is just the
text repr.

The bundle also carries ``text/html``: the HTML of the last render of the same object
that a front end reported in this kernel, for readers of the saved notebook that show
no widgets (nbconvert, GitHub); a first display carries a one-line note instead.
"""

from __future__ import annotations

import html
import weakref
from typing import Any

import param

from ..reactive import panel
from ..viewable import Viewable, set_display_hook
from . import kernel
from .output import NotebookOutput, close_all, close_cell
from .widget import INSTALL_HINT, WIDGET_VIEW, available, widget_class, widget_view

__all__ = ["install", "mimebundle", "snapshot_html"]

#: The last HTML a front end rendered for each displayed object (weakly keyed).
_snapshots: weakref.WeakKeyDictionary[Viewable, str] = weakref.WeakKeyDictionary()


def snapshot_html(obj: Viewable) -> str:
    """The static HTML that stands in for ``obj``'s live output where widgets don't run."""
    snapshot = _snapshots.get(obj)
    if snapshot:
        return f'<div class="ps-root ps-notebook ps-snapshot">{snapshot}</div>'
    return (f'<div class="ps-snapshot-note"><code>{html.escape(repr(obj))}</code>: a live '
            "panel_state output; run the notebook in Jupyter to see it.</div>")


def mimebundle(obj: Viewable, include: Any = None, exclude: Any = None) -> Any:
    """The MIME bundle of ``obj``: a new live output in a kernel, else its text repr."""
    text = repr(obj)
    if not available():
        return {"text/plain": f"{text} ({INSTALL_HINT})"}
    if kernel.shell() is None:
        return {"text/plain": text}
    widget = widget_class()()
    output = NotebookOutput(obj, widget)

    def remember(change: Any) -> None:
        if change["new"]:
            _snapshots[obj] = change["new"]

    widget.observe(remember, "snapshot")
    del output  # kept alive by its widget's comm until closed
    return {
        "text/plain": text,
        "text/html": snapshot_html(obj),
        WIDGET_VIEW: widget_view(widget.model_id),
    }


def _bound_display(fn: Any) -> Any:
    """param's display accessor: a ``pn.bind`` result displays as its reactive pane."""
    ref = weakref.ref(fn)

    def repr_mimebundle(include: Any = None, exclude: Any = None) -> Any:
        target = ref()
        return None if target is None else mimebundle(panel(target), include, exclude)

    return repr_mimebundle


def install() -> None:
    """Make Viewables and ``pn.bind`` results display live; hook into the kernel if any."""
    set_display_hook(mimebundle)
    param.display.register_display_accessor("_repr_mimebundle_", _bound_display, force=True)
    if kernel.install(close_all):
        kernel.on_cell_run(close_cell)
