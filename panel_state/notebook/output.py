"""NotebookOutput: one displayed output -- its session, its connection, its widget.

Displaying a Viewable in a notebook makes one output: a
:class:`~panel_state.session.Session` whose root is the Viewable, the
:class:`~panel_state.wire.connection.Connection` that renders it, and an anywidget
whose comm is the connection's transport. The same object displayed twice is two
outputs showing one Python object: a change made in either (or in any cell, callback
or thread) reaches both.

Lifecycle: the widget's view sends ``hello`` (render), then ``loaded`` (``onload``
callbacks and deferred panes run). The output is closed -- session destroyed exactly
once, comm closed, every reference dropped -- when the front end closes the comm,
when the cell that displayed it runs again, when its last view has been gone for
:data:`VIEW_GRACE` seconds (output cleared, notebook closed), or when the kernel
shuts down.

Busy: an output's ``pn.state.busy`` is its own session's. The notebook's cells run
outside any session, so a ``pn.state.param.busy`` bound in a cell is the kernel's:
it is True while a handler of any of its outputs runs (and while a callback started
outside sessions runs), as Panel's is in a notebook.

Thread-safety: everything here runs on the kernel's loop thread.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from .. import busy, context
from ..session import Session
from ..viewable import Viewable
from ..wire import protocol
from ..wire.connection import Connection
from ..wire.protocol import ProtocolError
from . import kernel
from .transport import CommTransport

__all__ = ["VIEW_GRACE", "NotebookOutput", "close_all", "close_cell", "live_outputs"]

log = logging.getLogger(__name__)

#: Seconds an output without any view stays open for a view to come back (a front end
#: re-rendering it) before it is closed.
VIEW_GRACE = 2.0

_outputs: dict[str, NotebookOutput] = {}


def live_outputs() -> list[NotebookOutput]:
    """The outputs displayed in this kernel and not closed yet."""
    return list(_outputs.values())


def close_cell(cell_id: str) -> None:
    """Close the outputs the previous run of cell ``cell_id`` displayed."""
    for output in live_outputs():
        if output.cell == cell_id:
            output.close("cell re-run")


def close_all() -> None:
    """Close every output (kernel shutdown)."""
    for output in live_outputs():
        output.close("kernel shutdown")


class NotebookOutput:
    """One live output of ``obj`` in this kernel.

    Parameters
    ----------
    obj : Viewable
        What the output shows.
    widget : anywidget.AnyWidget
        A fresh widget (one comm) for this output.
    """

    def __init__(self, obj: Viewable, widget: Any) -> None:
        loop = kernel.adopt_loop()
        # Handlers run in the context of the cell that displayed the output (minus any
        # session): their prints and tracebacks appear under that cell.
        self.context = context.detached_context()
        self.cell = kernel.current_cell()
        self.session = Session(url="", loop=loop)
        self.session.add_root(obj)
        self.connection = Connection(self.session)
        self.views = 0
        self.closed = False
        self._grace: Any = None
        self._busy = self.session.param.watch(self._busy_changed, "busy")
        self.transport = CommTransport(widget, self)
        #: The output's widget model id (what the front end knows it by).
        self.id: str = self.transport.model_id
        _outputs[self.id] = self
        self.session.run_created_hooks()

    @property
    def widget(self) -> Any:
        """The output's anywidget."""
        return self.transport.widget

    # -- messages --------------------------------------------------------------------------
    def handle(self, msg: dict[str, Any]) -> None:
        """Handle one decoded message from the output's views (the transport calls it)."""
        if self.closed:
            return
        self.context.copy().run(self._dispatch, msg)

    def _dispatch(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "hello":
            self._hello(msg)
        elif kind == "ping":
            self.transport.send(protocol.pong_message(msg["id"]))
        elif self.views == 0:
            raise ProtocolError("not_open", "Send a 'hello' message before anything else.")
        else:
            self.connection.receive(msg)

    def _hello(self, msg: dict[str, Any]) -> None:
        if msg["v"] != protocol.PROTOCOL_VERSION:
            self.transport.send(protocol.error_message(
                "bad_version", f"This output's view speaks protocol version {msg['v']}, the "
                f"kernel {protocol.PROTOCOL_VERSION}; re-run the cell."))
            return
        self._cancel_grace()
        resumed = self.views > 0
        self.views += 1
        if not resumed:
            self.connection.attach(self.transport)
        # A later view (the output shown again) gets the current tree; every view of
        # the output re-renders it.
        self.connection.open(resumed)

    # -- lifecycle ---------------------------------------------------------------------------
    def describe(self, msg: dict[str, Any]) -> str:
        """What handling ``msg`` runs, for the block warning."""
        return self.connection.describe_message(msg)

    def view_closed(self) -> None:
        """One view of the output went away; the last one starts the grace period."""
        self.views = max(0, self.views - 1)
        if self.views or self.closed:
            return
        loop = self.session.loop
        if loop is None:
            self.close("view closed")
            return
        self._cancel_grace()
        self._grace = loop.call_later(VIEW_GRACE, self._grace_over,
                                      context=contextvars.Context())

    def _grace_over(self) -> None:
        self._grace = None
        if not self.views:
            self.close("no view left")

    def _cancel_grace(self) -> None:
        if self._grace is not None:
            self._grace.cancel()
            self._grace = None

    def comm_closed(self) -> None:
        """The front end closed the output's comm."""
        self.close("comm closed")

    def close(self, reason: str) -> None:
        """Destroy the session (hooks run once), close the comm, drop every reference."""
        if self.closed:
            return
        self.closed = True
        self._cancel_grace()
        _outputs.pop(self.id, None)
        log.debug("Notebook output %s closed: %s", self.id, reason)
        self.session.destroy()  # the connection's teardown ends the transport
        self.transport.end(reason)

    # -- busy --------------------------------------------------------------------------------
    def _busy_changed(self, event: Any) -> None:
        # The kernel's busy (pn.state.busy in a cell) follows every output's.
        if event.new:
            busy.enter(None)
        else:
            busy.exit(None)

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self.views} view(s)"
        return f"<NotebookOutput {self.id[:8]} {state} {self.session!r}>"
