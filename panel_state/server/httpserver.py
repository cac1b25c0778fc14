"""The HTTP server: tornado's, with the deadlines and caps of a dashboard server.

:func:`http_server` builds it from the server's
:class:`~panel_state.server.config.ServerConfig`:

* the first request of a connection must deliver its headers within
  ``http_header_timeout`` seconds (a half-open request is closed then); later requests
  on a kept-alive connection, and request bodies, get ``http_idle_timeout`` (tornado's
  ``idle_connection_timeout`` and ``body_timeout``, otherwise an hour);
* request bodies over ``max_body_size`` are refused (400) without being read;
* with ``max_connections_per_ip``, a connection from an address that already has that
  many open is answered ``503`` and closed at once. Behind a reverse proxy every
  connection comes from the proxy, so with ``use_xheaders`` the cap applies to the
  websockets of each forwarded address instead (:mod:`.websocket`).

Counts of what was refused or timed out go to the context's ``counters``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from tornado import httputil
from tornado.httpserver import HTTPServer

if TYPE_CHECKING:
    from .application import ServerContext

__all__ = ["GuardedHTTPServer", "http_server"]

log = logging.getLogger(__name__)

_BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=UTF-8\r\n"
         "Retry-After: 5\r\nConnection: close\r\nContent-Length: {length}\r\n\r\n{body}")


def peer_address(server_conn: Any) -> str | None:
    """The IP address a tornado server connection came from (None for other sockets)."""
    address = getattr(getattr(server_conn, "context", None), "address", None)
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0]
    return None


class _FirstRequest(httputil.HTTPMessageDelegate):
    """Forwards to ``inner``; the headers' arrival cancels the header deadline."""

    def __init__(self, inner: httputil.HTTPMessageDelegate, timer: asyncio.TimerHandle) -> None:
        self.inner = inner
        self.timer = timer

    def headers_received(self, start_line: httputil.RequestStartLine | httputil.ResponseStartLine,
                         headers: httputil.HTTPHeaders) -> Awaitable[None] | None:
        self.timer.cancel()
        return self.inner.headers_received(start_line, headers)

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        return self.inner.data_received(chunk)

    def finish(self) -> None:
        self.inner.finish()

    def on_connection_close(self) -> None:
        self.timer.cancel()
        self.inner.on_connection_close()


class GuardedHTTPServer(HTTPServer):
    """tornado's HTTPServer plus the header deadline and the per-address cap.

    Parameters
    ----------
    request_callback : tornado Application
        What serves the requests.
    context : ServerContext
        Supplies the configuration, the address counter and the counters.
    **kwargs
        tornado HTTPServer settings.
    """

    def initialize(self, request_callback: Any, context: ServerContext,  # type: ignore[override]
                   **kwargs: Any) -> None:
        super().initialize(request_callback, **kwargs)
        self.context = context
        #: Connection -> the address it was counted under (None: not counted).
        self.guarded: dict[Any, str | None] = {}

    def start_request(self, server_conn: object, request_conn: httputil.HTTPConnection
                      ) -> httputil.HTTPMessageDelegate:
        delegate = super().start_request(server_conn, request_conn)
        if server_conn in self.guarded:  # a later request on a kept-alive connection
            return delegate
        config = self.context.config
        address = peer_address(server_conn)
        counted = None
        if address is not None and config.max_connections_per_ip and not config.use_xheaders:
            if not self.context.addresses.acquire(address):
                self._refuse(request_conn, address)
                return delegate
            counted = address
        self.guarded[server_conn] = counted
        timeout = config.http_header_timeout
        if not timeout:
            return delegate
        loop = asyncio.get_running_loop()
        timer = loop.call_later(timeout, self._headers_late, request_conn, address)
        return _FirstRequest(delegate, timer)

    def on_close(self, server_conn: object) -> None:
        address = self.guarded.pop(server_conn, None)
        if address is not None:
            self.context.addresses.release(address)
        super().on_close(server_conn)

    def _refuse(self, request_conn: Any, address: str) -> None:
        cap = self.context.config.max_connections_per_ip
        self.context.counters["refused_per_ip"] += 1
        log.debug("Refused a connection from %s: %d open, the cap is %d", address,
                  self.context.addresses.count(address), cap)
        body = (f"Too many connections from {address} (at most {cap}); close some tabs "
                "or try again in a moment.\n")
        stream = getattr(request_conn, "stream", None)
        if stream is not None and not stream.closed():
            stream.write(_BUSY.format(length=len(body.encode()), body=body).encode())
        request_conn.close()

    def _headers_late(self, request_conn: Any, address: str | None) -> None:
        self.context.counters["header_timeouts"] += 1
        log.debug("Closed a connection from %s: no request headers within %g s", address,
                  self.context.config.http_header_timeout)
        request_conn.close()


def http_server(application: Any, context: ServerContext) -> GuardedHTTPServer:
    """The HTTP server for ``application`` with the limits of ``context.config``."""
    config = context.config
    idle = config.http_idle_timeout or None
    assert config.websocket_max_message_size is not None
    return GuardedHTTPServer(
        application, context=context, xheaders=config.use_xheaders,
        idle_connection_timeout=idle, body_timeout=idle,
        max_body_size=config.max_body_size,
        # What one connection may buffer: a request body or one websocket message.
        max_buffer_size=max(config.max_body_size, config.websocket_max_message_size) + 65536)
