"""The comm transport: one notebook output's widget messages, as a connection transport.

Each protocol message travels as its JSON text in ``{"ps": text}`` over anywidget's
custom messages (the Jupyter widget comm), so every message is decoded and validated
by :func:`panel_state.wire.protocol.decode` exactly as the websocket's are. Besides
the protocol, the host says ``{"view": "closed"}`` when one of the output's views
goes away.

A bad message gets an ``error`` reply and a log line and changes nothing; the output
keeps working.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from ..errors import handle_exception
from ..execution import blocking_watch
from ..wire import protocol
from ..wire.protocol import ProtocolError

__all__ = ["CommTransport", "Peer"]

log = logging.getLogger(__name__)


class Peer(Protocol):
    """What owns a comm transport: the notebook output."""

    def handle(self, msg: dict[str, Any]) -> None:
        """Handle one decoded protocol message; may raise ProtocolError."""
        ...

    def describe(self, msg: dict[str, Any]) -> str:
        """Name what handling ``msg`` runs, for the block warning."""
        ...

    def view_closed(self) -> None:
        """One view of the output went away."""
        ...

    def comm_closed(self) -> None:
        """The front end closed the comm: the output is gone for good."""
        ...


class CommTransport:
    """A :class:`~panel_state.wire.connection.Transport` over one widget's comm.

    Parameters
    ----------
    widget : anywidget.AnyWidget
        The output's widget; its comm carries the messages.
    peer : Peer
        Who handles what arrives (the output).

    Thread-safety: :meth:`send` and :meth:`end` run on the kernel's loop thread (the
    connection flushes there); messages arrive there too.
    """

    def __init__(self, widget: Any, peer: Peer) -> None:
        self.widget = widget
        self.peer = peer
        self.ended = False
        self._model_id = str(widget.model_id)
        #: Messages sent and received, for the curious and the benchmarks.
        self.sent = 0
        self.received = 0
        widget.on_msg(self._on_msg)
        comm = getattr(widget, "comm", None)
        if comm is not None:
            comm.on_close(self._closed_by_front_end)

    # -- Transport --------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        """Send one server message to every view of the output."""
        if self.ended:
            return
        self.sent += 1
        self.widget.send({"ps": protocol.encode(message)})

    def end(self, reason: str) -> None:
        """Close the output's comm (its views go blank) and its layout's; ``reason`` is
        logged."""
        if self.ended:
            return
        self.ended = True
        log.debug("Closing notebook output %s (%s)", self.model_id, reason)
        layout = getattr(self.widget, "layout", None)
        self.widget.close()  # a no-op for a comm the front end closed
        if layout is not None:
            layout.close()  # ipywidgets gives every DOM widget a layout widget of its own

    @property
    def model_id(self) -> str:
        """The widget model id (also once closed)."""
        return self._model_id

    # -- incoming ------------------------------------------------------------------------------
    def _closed_by_front_end(self, _msg: Any) -> None:
        self.peer.comm_closed()

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if self.ended:
            return
        self.received += 1
        if isinstance(content, dict) and content.get("view") == "closed":
            self.peer.view_closed()
            return
        text = content.get("ps") if isinstance(content, dict) else None
        if not isinstance(text, str):
            self._refuse(ProtocolError("bad_json", f"A notebook message must be "
                                       f"{{'ps': <JSON text>}}, got {type(content).__name__}."))
            return
        try:
            msg = protocol.decode(text)
            # Handlers run user code (watchers, click handlers): a slow one is named.
            with blocking_watch(lambda: self.peer.describe(msg)):
                self.peer.handle(msg)
        except ProtocolError as exc:
            self._refuse(exc)
        except Exception as exc:
            # Not expected (user errors are handled where they occur), but one message
            # must never take the output down with it.
            handle_exception(exc, "handling a notebook output message", kind="event")
            self.send(protocol.error_message(
                "app_error", f"The kernel failed to handle the message: "
                f"{type(exc).__name__}: {exc}"))

    def _refuse(self, exc: ProtocolError) -> None:
        log.warning("Notebook output %s: refused message (%s): %s",
                    self.model_id, exc.code, exc)
        self.send(protocol.error_message(exc.code, str(exc), exc.ref))
