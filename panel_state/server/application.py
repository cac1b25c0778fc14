"""The tornado Application: routes, settings and the per-server context.

Routes::

    /<app route>      PageHandler   HTML shell + session token
    /                 IndexHandler  (several apps) or a redirect (one app not at /)
    /_ps/ws           SessionSocket the protocol
    /_ps/static/...   tornado's StaticFileHandler over ``panel_state/static`` only

The :class:`ServerContext` holds what the handlers share: the apps, the signing
secret, the allowed websocket origins, size limits and the :class:`SessionManager`.
It can also be mounted into an existing tornado application with :func:`routes`.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tornado.web

from . import protocol
from .handlers import STATIC_PREFIX, WS_PATH, IndexHandler, PageHandler
from .loader import App
from .sessions import SessionManager
from .tokens import DEFAULT_TOKEN_LIFETIME, make_token
from .websocket import SessionSocket

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

#: Default cap on one connection's unsent outgoing data (bytes).
MAX_WRITE_BUFFER = 16 * 1024 * 1024


def _default_port(scheme: str) -> str:
    return "443" if scheme in ("https", "wss") else "80"


class ServerContext:
    """Shared state of one server's handlers.

    Parameters
    ----------
    apps : dict
        Route -> App.
    secret : bytes
        Token signing secret.
    loop : asyncio loop
        The loop the server and its sessions run on.
    allow_websocket_origin : list of str
        Extra origins (``host``, ``host:port``, ``host:*`` or ``*``) whose pages may
        open websockets; the page's own origin is always allowed.
    """

    def __init__(self, apps: dict[str, App], secret: bytes, loop: asyncio.AbstractEventLoop, *,
                 titles: dict[str, str] | None = None,
                 allow_websocket_origin: list[str] | None = None,
                 token_lifetime: float = DEFAULT_TOKEN_LIFETIME,
                 max_message_size: int = protocol.MAX_MESSAGE_SIZE,
                 max_write_buffer: int = MAX_WRITE_BUFFER,
                 manager: SessionManager | None = None) -> None:
        self.apps = apps
        self.secret = secret
        self.loop = loop
        self.titles = dict(titles or {})
        self.allowed_origins = [o.strip().lower() for o in allow_websocket_origin or []]
        self.token_lifetime = token_lifetime
        self.max_message_size = max_message_size
        self.max_write_buffer = max_write_buffer
        self.manager = manager or SessionManager(apps, loop)
        self.manager.title_for = self.title_for
        self.connections: set[SessionSocket] = set()
        self.static_urls: dict[str, str] = {}

    def title_for(self, route: str) -> str:
        app = self.apps.get(route)
        title = self.titles.get(route) or (app.title if app is not None else None)
        return title or (route.strip("/") or "panel_state")

    def issue_token(self, *, app: str, protocol: str, host: str, uri: str,
                    headers: dict[str, str], now: float) -> str:
        return make_token(self.secret, app=app, protocol=protocol, host=host, uri=uri,
                          headers=headers, now=now, lifetime=self.token_lifetime)

    def origin_allowed(self, origin: str, host: str) -> bool:
        """Same origin always; otherwise an ``--allow-websocket-origin`` entry must match."""
        parts = urlsplit(origin.lower())
        netloc = parts.netloc
        if not netloc:
            return False
        if netloc == host.lower():
            return True
        hostname = parts.hostname or ""
        try:
            port = str(parts.port) if parts.port else _default_port(parts.scheme)
        except ValueError:  # a malformed Origin header ('host:80.evil'): not allowed
            return False
        for allowed in self.allowed_origins:
            if allowed == "*":
                return True
            name, _, want = allowed.partition(":")
            if name != hostname:
                continue
            if want in ("*", port) or (not want and port == _default_port(parts.scheme)):
                return True
        return False


class StaticHandler(tornado.web.StaticFileHandler):
    """The client's files; a path the filesystem cannot even name is a plain 404."""

    def parse_url_path(self, url_path: str) -> str:
        if "\x00" in url_path:  # tornado would fail with a 500 in os.path.realpath
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(url_path)


def routes(context: ServerContext) -> list[tuple[Any, ...]]:
    """The URL rules serving ``context``'s apps (add them to any tornado Application)."""
    rules: list[tuple[Any, ...]] = [(re.escape(WS_PATH), SessionSocket, {"context": context})]
    for route in context.apps:
        rules.append((re.escape(route), PageHandler, {"context": context, "route": route}))
    if "/" not in context.apps:
        if len(context.apps) == 1:
            rules.append((r"/", tornado.web.RedirectHandler,
                          {"url": next(iter(context.apps)), "permanent": False}))
        else:
            rules.append((r"/", IndexHandler, {"context": context}))
    return rules


def make_application(context: ServerContext, **settings: Any) -> tornado.web.Application:
    """A tornado Application serving ``context`` and the client's static files."""
    return tornado.web.Application(
        routes(context),
        static_path=str(STATIC_DIR),
        static_url_prefix=STATIC_PREFIX,
        static_handler_class=StaticHandler,
        # Messages between max_message_size and this hard cap get an error reply and
        # the connection lives on; tornado closes (1009) only beyond the cap.
        websocket_max_message_size=max(4 * context.max_message_size, 10 * 1024 * 1024),
        compress_response=False,
        **settings,
    )
