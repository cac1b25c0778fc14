"""The websocket transport: one connection per browser tab, speaking the wire protocol.

The handler only moves messages. Its ``hello`` finds (or creates) the token's
session through the server's :class:`~panel_state.server.sessions.SessionManager`
and attaches to its :class:`~panel_state.wire.connection.Connection`; every later
message goes to that connection.

Every incoming message is validated. A bad one (malformed JSON, unknown type, wrong
fields, unknown component, a value the param rejects, too large) gets an ``error``
reply and a log line, changes nothing, and the connection and session keep working.

Outgoing data is capped per connection (``max_write_buffer``); a client that falls
that far behind is disconnected and logged, and may reconnect to resume.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from tornado.iostream import StreamBufferFullError
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..errors import handle_exception
from ..execution import blocking_watch
from ..wire import protocol
from ..wire.protocol import ProtocolError
from .tokens import TokenError, read_token

if TYPE_CHECKING:
    import asyncio

    from .application import ServerContext
    from .sessions import Lease

__all__ = ["SocketTransport"]

log = logging.getLogger(__name__)


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A write to a socket that closed meanwhile is not an error worth a traceback.
    if not future.cancelled():
        future.exception()


class SocketTransport(WebSocketHandler):
    """Tornado handler behind ``/_ps/ws``: a :class:`~panel_state.wire.connection.Transport`."""

    def initialize(self, context: ServerContext) -> None:
        self.context = context
        self.lease: Lease | None = None
        self._ended = False

    # -- connection ------------------------------------------------------------------------
    def check_origin(self, origin: str) -> bool:
        allowed = self.context.origin_allowed(origin, self.request.host)
        if not allowed:
            log.warning("Refused websocket from origin %r (host %r); allow it with "
                        "--allow-websocket-origin.", origin, self.request.host)
        return allowed

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)
        stream = self.stream
        if stream is not None:
            stream.max_write_buffer_size = self.context.config.max_write_buffer
        self.context.connections.add(self)

    @property
    def stream(self) -> Any:
        """The socket's IOStream, or None once it is gone."""
        return getattr(self.ws_connection, "stream", None)

    def on_close(self) -> None:
        self.context.connections.discard(self)
        self._leave()

    def _leave(self) -> None:
        lease, self.lease = self.lease, None
        if lease is not None and lease.connection.detach(self):
            self.context.manager.detached(lease)

    def send(self, message: dict[str, Any]) -> None:
        """Write one message; a client over its buffer limit is disconnected."""
        if self._ended or self.ws_connection is None:
            return
        text = protocol.encode(message)
        try:
            future = self.write_message(text)
        except WebSocketClosedError:
            return
        except StreamBufferFullError:
            log.warning("Session %s: client fell %d bytes behind; disconnecting it.",
                        self._sid(), self.context.config.max_write_buffer)
            self.end("slow")
            return
        future.add_done_callback(_retrieve)

    def end(self, reason: str) -> None:
        """Close with the close code for ``reason`` (see ``protocol.CLOSE_CODES``)."""
        if self._ended:
            return
        self._ended = True
        self._leave()
        if self.ws_connection is None:
            return
        if reason == "slow":
            self.abort()
            return
        try:
            self.close(protocol.CLOSE_CODES[reason], reason)
        except StreamBufferFullError:
            self.abort()

    def abort(self) -> None:
        """Drop the socket at once, without a close handshake."""
        stream = self.stream
        if stream is not None:
            stream.close()

    def _sid(self) -> str:
        lease = self.lease
        return lease.session.id[:8] if lease is not None else "-"

    # -- messages ----------------------------------------------------------------------------
    def on_message(self, message: str | bytes) -> None:
        try:
            msg = protocol.decode(message, self.context.config.max_message_size)
            # Handlers run user code (watchers, the app itself): a slow one is named.
            with blocking_watch(lambda: self._describe(msg)):
                if msg["type"] == "hello":
                    self._hello(msg)
                elif msg["type"] == "ping":
                    self.send(protocol.pong_message(msg["id"]))
                else:
                    self._connection().receive(msg)
        except ProtocolError as exc:
            self._refuse(exc)
        except Exception as exc:
            # Not expected (user errors are handled where they occur), but one message
            # must never take the connection or the session down with it.
            lease = self.lease
            handle_exception(exc, "handling a websocket message",
                             lease.session if lease else None, "event")
            self.send(protocol.error_message(
                "app_error", f"The server failed to handle the message: "
                f"{type(exc).__name__}: {exc}"))

    def _describe(self, msg: dict[str, Any]) -> str:
        lease = self.lease
        if msg["type"] == "hello":
            app = f" ({lease.route!r})" if lease is not None else ""
            return f"opening a session: running the app{app} in session {self._sid()}"
        if lease is None:
            return f"the {msg['type']!r} message"
        return lease.connection.describe_message(msg)

    def _refuse(self, exc: ProtocolError) -> None:
        log.warning("Session %s: refused message (%s): %s", self._sid(), exc.code, exc)
        self.send(protocol.error_message(exc.code, str(exc), exc.ref))

    def _connection(self) -> Any:
        lease = self.lease
        if lease is None:
            raise ProtocolError("not_open", "Send a 'hello' message with the session token "
                                "before anything else.")
        return lease.connection

    def _hello(self, msg: dict[str, Any]) -> None:
        if self.lease is not None:
            raise ProtocolError("bad_message", "This connection already opened a session; "
                                "'hello' is sent once per connection.")
        if msg["v"] != protocol.PROTOCOL_VERSION:
            self._refuse(ProtocolError(
                "bad_version", f"Client speaks protocol version {msg['v']}, the server "
                f"{protocol.PROTOCOL_VERSION}; reload the page."))
            self.end("refused")
            return
        context = self.context
        try:
            payload = read_token(context.config.secret, msg["token"], now=None)
            lease, resumed = context.manager.open(payload, time.time())
        except TokenError as exc:
            code = "session_expired" if exc.reason == "expired" else "bad_token"
            self._refuse(ProtocolError(code, str(exc)))
            self.end("expired" if exc.reason == "expired" else "refused")
            return
        self.lease = lease
        lease.disconnected_at = None
        lease.connection.attach(self)
        lease.connection.open(resumed)
        context.opened(lease, resumed)
