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

Hostile clients stay bounded (see ``docs/reliability.md``):

* until its ``hello``, a socket holds no session, may send messages of a token's size
  only, and is dropped after ``websocket_hello_timeout`` seconds;
* every ``keep_alive`` ms the server pings; a peer that has not answered (nor sent
  anything) by the next ping is dropped;
* each session has an :class:`~panel_state.server.limits.EventBudget`: over it, the
  handler stops reading that socket until the budget refills (backpressure: the
  client's sends block), and a session over its budget for ``flood_timeout`` seconds
  is closed with a logged reason;
* after ``message_batch`` messages in a row from one socket the loop serves the others;
* ``max_sessions`` refuses new sessions (``server_full``), never resumes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from tornado.iostream import StreamBufferFullError
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..errors import handle_exception
from ..execution import blocking_watch
from ..wire import protocol
from ..wire.protocol import ProtocolError
from .pacing import Pacer, pending_bytes
from .sessions import ServerFullError
from .tokens import MAX_TOKEN_LENGTH, TokenError, read_token

if TYPE_CHECKING:
    from .application import ServerContext
    from .sessions import Lease

__all__ = ["SocketTransport"]

log = logging.getLogger(__name__)

#: The largest message a socket may send before its ``hello`` (a hello with a token).
HELLO_MAX_SIZE = MAX_TOKEN_LENGTH + 4096

#: Seconds a flooding socket is kept, unread, so its close frame can reach the client.
FLOOD_GRACE = 1.0


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
        self.address: str | None = None
        #: Paces the incoming messages (with the session's budget after hello).
        self.pacer = Pacer(context.config, time.monotonic())
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._answered = True
        self._resumed = False

    # -- connection ------------------------------------------------------------------------
    def check_origin(self, origin: str) -> bool:
        allowed = self.context.origin_allowed(origin, self.request.host)
        if not allowed:
            log.warning("Refused websocket from origin %r (host %r); allow it with "
                        "--allow-websocket-origin.", origin, self.request.host)
        return allowed

    async def get(self, *args: Any, **kwargs: Any) -> None:
        config = self.context.config
        if config.use_xheaders and config.max_connections_per_ip and not (
                self.context.addresses.allows(str(self.request.remote_ip))):
            # Behind a proxy the cap counts each forwarded address's websockets.
            self.context.counters["refused_per_ip"] += 1
            self.set_status(503)
            self.set_header("Retry-After", "5")
            self.finish(f"Too many connections from {self.request.remote_ip}.\n")
            return
        await super().get(*args, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)
        context = self.context
        config = context.config
        stream = self.stream
        if stream is not None:
            stream.max_write_buffer_size = config.max_write_buffer
        context.connections.add(self)
        if config.max_connections_per_ip:
            self.address = str(self.request.remote_ip)
            context.addresses.acquire(self.address, force=True)
        self._set_message_cap(HELLO_MAX_SIZE)
        loop = asyncio.get_running_loop()
        if config.websocket_hello_timeout:
            self._timers["hello"] = loop.call_later(config.websocket_hello_timeout,
                                                    self._hello_late)
        if config.keep_alive:
            self._timers["ping"] = loop.call_later(config.keep_alive / 1000, self._keep_alive)

    def _set_message_cap(self, size: int) -> None:
        params = getattr(self.ws_connection, "params", None)
        cap = self.context.config.websocket_max_message_size
        if params is not None and cap is not None:
            params.max_message_size = min(size, cap)

    def _hello_late(self) -> None:
        self._timers.pop("hello", None)
        if self.lease is None and not self._ended:
            self.context.counters["hello_timeouts"] += 1
            log.debug("Dropped a websocket from %s: no hello within %g s",
                      self.request.remote_ip, self.context.config.websocket_hello_timeout)
            self.end("timeout")

    def _keep_alive(self) -> None:
        self._timers.pop("ping", None)
        if self._ended or self.ws_connection is None:
            return
        if not self._answered:
            self.context.counters["keepalive_dropped"] += 1
            log.info("Session %s: no answer to the keep-alive ping within %d ms; dropping "
                     "the connection.", self._sid(), self.context.config.keep_alive)
            self.end("timeout")
            return
        self._answered = False
        try:
            self.ping(b"")
        except WebSocketClosedError:
            return
        self._timers["ping"] = asyncio.get_running_loop().call_later(
            self.context.config.keep_alive / 1000, self._keep_alive)

    def on_pong(self, data: bytes) -> None:
        self._answered = True

    @property
    def stream(self) -> Any:
        """The socket's IOStream, or None once it is gone."""
        return getattr(self.ws_connection, "stream", None)

    def on_close(self) -> None:
        self.context.connections.discard(self)
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self.address is not None:
            self.context.addresses.release(self.address)
            self.address = None
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
        if reason in ("slow", "timeout"):  # the peer is not listening: no handshake
            self.abort()
            return
        stream = self.stream  # close() lets go of the connection
        try:
            self.close(protocol.CLOSE_CODES[reason], reason)
        except StreamBufferFullError:
            self.abort()
            return
        if reason == "flood" and stream is not None:
            # Said why; a flooder owes us no close handshake. Its socket is no longer
            # read (on_message), and closed once the close frame had time to go out.
            asyncio.get_running_loop().call_later(FLOOD_GRACE, stream.close)

    def abort(self) -> None:
        """Drop the socket at once, without a close handshake."""
        stream = self.stream
        if stream is not None:
            stream.close()

    def _sid(self) -> str:
        lease = self.lease
        return lease.session.id[:8] if lease is not None else "-"

    # -- messages ----------------------------------------------------------------------------
    def on_message(self, message: str | bytes) -> Awaitable[None] | None:
        if self._ended:  # closing: read no more from this socket
            return self._later(FLOOD_GRACE)
        self._answered = True
        started = time.perf_counter()
        kind = self._dispatch(message)
        return self._pace(kind, time.perf_counter() - started)

    def _pace(self, kind: str | None, cost: float) -> Awaitable[None] | None:
        """After one message: read on, give the other sockets a turn, or wait.

        Returning an awaitable makes tornado stop reading this socket until it is
        done (:mod:`.pacing` decides how long).
        """
        queued, self._resumed = self._resumed, False
        pace = self.pacer.after(kind, cost, queued,
                                pending_bytes(getattr(self.stream, "socket", None)),
                                time.monotonic())
        if pace.flooding is not None:
            self._flooded(pace.flooding)
            return None
        if pace.throttled:
            config = self.context.config
            self.context.counters["throttled"] += 1
            log.info("Session %s: over its event budget (%g messages/s, bursts of %d); "
                     "reading its messages more slowly.", self._sid(), config.event_rate,
                     config.event_burst)
        return None if pace.wait is None else self._later(pace.wait)

    def _later(self, seconds: float) -> asyncio.Future[None]:
        """A future done after ``seconds`` (0: the next loop turn) that stops tornado
        reading this socket until then. If the next message's bytes are already there
        when it resumes (read by tornado or waiting in the kernel), that message was
        queued."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if seconds:
            loop.call_later(seconds, self._resume, future)
        else:
            loop.call_soon(self._resume, future)
        return future

    def _resume(self, future: asyncio.Future[None]) -> None:
        self._resumed = self._buffered() > 0
        if not future.done():
            future.set_result(None)  # tornado's read loop runs next

    def _buffered(self) -> int:
        """Bytes received from this client and not handled yet."""
        stream = self.stream
        if stream is None:
            return 0
        # tornado has no public count of the bytes it has read ahead.
        ahead = int(getattr(stream, "_read_buffer_size", 0))
        return ahead + pending_bytes(getattr(stream, "socket", None))

    def _flooded(self, seconds: float) -> None:
        config = self.context.config
        self.context.counters["flood_closed"] += 1
        reason = (f"it sent more than its event budget ({config.event_rate:g} messages/s, "
                  f"bursts of {config.event_burst}) for {seconds:.1f} s")
        log.warning("Session %s: closed because %s.", self._sid(), reason)
        self.send(protocol.error_message("flood", f"The connection was closed because {reason}."))
        lease = self.lease
        if lease is None:
            self.end("flood")
            return
        lease.connection.end_reason = "flood"
        lease.session.destroy()  # its teardown ends this socket with "flood"

    def _dispatch(self, message: str | bytes) -> str | None:
        """Handle one message; returns its type (None when it was refused)."""
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
            return str(msg["type"])
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
        return None

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
        except ServerFullError as exc:
            context.counters["refused_full_sockets"] += 1
            self._refuse(ProtocolError("server_full", str(exc)))
            self.end("full")
            return
        hello = self._timers.pop("hello", None)
        if hello is not None:
            hello.cancel()
        self._set_message_cap(context.config.websocket_max_message_size or 0)
        if lease.budget is None:
            lease.budget = self.pacer.budget
        self.pacer.budget = lease.budget  # the session's, across reconnects
        self.lease = lease
        lease.disconnected_at = None
        lease.connection.attach(self)
        lease.connection.open(resumed)
        context.opened(lease, resumed)
