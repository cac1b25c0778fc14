"""The websocket endpoint: one connection per browser tab, speaking :mod:`.protocol`.

Every incoming message is validated. A bad one (malformed JSON, unknown type, wrong
fields, unknown component, a value the param rejects, too large) gets an ``error``
reply and a log line, changes nothing, and the connection and session keep working;
a rejected value also re-syncs that component to the server's value.

Outgoing data is capped per connection (``max_write_buffer``); a client that falls
that far behind is disconnected and logged, and may reconnect to resume.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from tornado.iostream import StreamBufferFullError
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from .. import execution
from . import protocol
from .protocol import ProtocolError
from .tokens import TokenError, read_token

if TYPE_CHECKING:
    import asyncio

    from .application import ServerContext
    from .sessions import ServerSession

log = logging.getLogger("panel_state.server")


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A write to a socket that closed meanwhile is not an error worth a traceback.
    if not future.cancelled():
        future.exception()


class SessionSocket(WebSocketHandler):
    """Tornado handler behind ``/_ps/ws``."""

    def initialize(self, context: ServerContext) -> None:
        self.context = context
        self.server_session: ServerSession | None = None
        self._ended = False

    # -- connection ------------------------------------------------------------------------
    def check_origin(self, origin: str) -> bool:
        allowed = self.context.origin_allowed(origin, self.request.host)
        if not allowed:
            log.warning("Refused websocket from origin %r (host %r); allow it with "
                        "--allow-websocket-origin.", origin, self.request.host)
        return allowed

    def open(self) -> None:
        self.set_nodelay(True)
        connection = self.ws_connection
        stream = getattr(connection, "stream", None)
        if stream is not None:
            stream.max_write_buffer_size = self.context.max_write_buffer
        self.context.connections.add(self)

    def on_close(self) -> None:
        self.context.connections.discard(self)
        server_session, self.server_session = self.server_session, None
        if server_session is not None:
            server_session.detach(self)

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
                        self._sid(), self.context.max_write_buffer)
            self.end("slow")
            return
        future.add_done_callback(_retrieve)

    def end(self, reason: str) -> None:
        """Close with the close code for ``reason`` (see ``protocol.CLOSE_CODES``)."""
        if self._ended:
            return
        self._ended = True
        server_session, self.server_session = self.server_session, None
        if server_session is not None:
            server_session.detach(self)
        connection = self.ws_connection
        if connection is None:
            return
        if reason == "slow":
            stream = getattr(connection, "stream", None)
            if stream is not None:
                stream.close()
            return
        try:
            self.close(protocol.CLOSE_CODES[reason], reason)
        except StreamBufferFullError:
            stream = getattr(connection, "stream", None)
            if stream is not None:
                stream.close()

    def supersede(self) -> None:
        """Another connection took over this session."""
        self.end("superseded")

    def _sid(self) -> str:
        s = self.server_session
        return s.id[:8] if s is not None else "-"

    # -- messages ----------------------------------------------------------------------------
    def on_message(self, message: str | bytes) -> None:
        try:
            msg = protocol.decode(message, self.context.max_message_size)
            # Handlers run user code (watchers, the app itself): a slow one is named.
            with execution.blocking_watch(lambda: self._describe(msg)):
                getattr(self, f"_on_{msg['type']}")(msg)
        except ProtocolError as exc:
            self._refuse(exc)
        except Exception as exc:
            # Not expected (user errors are handled where they occur), but one message
            # must never take the connection or the session down with it.
            server_session = self.server_session
            execution.handle_exception(exc, "handling a websocket message",
                                       server_session.session if server_session else None)
            self.send(protocol.error_message(
                "app_error", f"The server failed to handle the message: "
                f"{type(exc).__name__}: {exc}"))

    def _describe(self, msg: dict[str, Any]) -> str:
        """What handling ``msg`` ran, for the block warning."""
        where = f" in session {self._sid()}"
        kind = msg["type"]
        if kind == "event":
            server_session = self.server_session
            obj = server_session.renderer.lookup(msg["ref"]) if server_session else None
            if obj is None:
                return f"the browser event {msg['name']!r} of {msg['ref']!r}{where}"
            name = msg["name"]
            watchers = obj.param.watchers.get(name, {}).get("value", []) \
                if name in obj.param else []
            user = [execution.describe(w.fn) for w in watchers
                    if not str(getattr(w.fn, "__module__", "")).startswith("panel_state.")]
            label = f"{type(obj).__name__} {obj.name!r}" if obj.name else type(obj).__name__
            return (f"the browser change of {label}.{name}{where}"
                    + (f" (watchers: {', '.join(user)})" if user else ""))
        if kind == "hello":
            server_session = self.server_session
            app = f" ({server_session.app!r})" if server_session is not None else ""
            return f"opening a session: running the app{app}{where}"
        if kind in ("url", "loaded"):
            return f"the browser URL change{where} (Location sync watchers)"
        return f"the {kind!r} message{where}"

    def _refuse(self, exc: ProtocolError) -> None:
        log.warning("Session %s: refused message (%s): %s", self._sid(), exc.code, exc)
        self.send(protocol.error_message(exc.code, str(exc), exc.ref))

    def _session(self) -> ServerSession:
        server_session = self.server_session
        if server_session is None:
            raise ProtocolError("not_open", "Send a 'hello' message with the session token "
                                "before anything else.")
        return server_session

    def _on_ping(self, msg: dict[str, Any]) -> None:
        self.send(protocol.pong_message(msg["id"]))

    def _on_hello(self, msg: dict[str, Any]) -> None:
        if self.server_session is not None:
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
            payload = read_token(context.secret, msg["token"], now=None)
            server_session, resumed = context.manager.open(payload, time.time())
        except TokenError as exc:
            code = "session_expired" if exc.reason == "expired" else "bad_token"
            self._refuse(ProtocolError(code, str(exc)))
            self.end("expired" if exc.reason == "expired" else "refused")
            return
        self.server_session = server_session
        server_session.attach(self, self.send)
        self.send(server_session.render_message(resumed))
        server_session.session.mark_rendered()
        server_session.renderer.request_flush()

    def _on_loaded(self, msg: dict[str, Any]) -> None:
        server_session = self._session()
        try:
            server_session.loaded(msg["url"])
        except (ValueError, TypeError) as exc:
            raise ProtocolError("bad_message", f"Browser URL rejected: {exc}") from None

    def _on_url(self, msg: dict[str, Any]) -> None:
        server_session = self._session()
        try:
            server_session.apply_url(msg)
        except (ValueError, TypeError) as exc:
            raise ProtocolError("bad_message", f"Browser URL rejected: {exc}") from None

    def _on_event(self, msg: dict[str, Any]) -> None:
        server_session = self._session()
        ref, name, value = msg["ref"], msg["name"], msg["value"]
        renderer = server_session.renderer
        obj = renderer.lookup(ref)
        if obj is None:
            raise ProtocolError("unknown_ref", f"No component {ref!r} is displayed in this "
                                "session (it may have been removed).", ref)
        session = server_session.session
        renderer.expect_echo(ref, name, value)
        before = getattr(obj, name, None) if name in obj.param else None
        with session.activate():
            execution.busy_enter(session)
            if session._busy_count == 1:
                # Whatever reacts to busy turning True (the seed's "I'm busy" indicator)
                # goes out now, before a slow sync handler holds the loop.
                renderer.flush()
            try:
                obj._handle_event(name, value)
            except (ValueError, TypeError) as exc:
                after = getattr(obj, name, None) if name in obj.param else None
                if after is before:
                    self._refuse(ProtocolError(
                        "invalid_value",
                        f"{type(obj).__name__}.{name} rejected {value!r}: {exc}", ref))
                    self.send(renderer.resync(obj))
                else:
                    execution.handle_exception(
                        exc, f"{type(obj).__name__}.{name} change", session)
            except Exception as exc:
                execution.handle_exception(exc, f"{type(obj).__name__}.{name} change", session)
            finally:
                execution.busy_exit(session)
