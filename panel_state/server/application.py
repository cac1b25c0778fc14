"""The tornado Application: routes, settings and the per-server context.

Routes::

    extra_patterns    the configuration's own tornado rules, first
    /<app route>      PageHandler   HTML shell + session token
    /                 IndexHandler  (several apps) or a redirect (one app not at /);
                      with ``index``: that app's page, or the ``.html`` file
    /_ps/ws           SocketTransport  the wire protocol
    /_ps/static/...   tornado's StaticFileHandler over ``panel_state/static`` only
    /<static route>/  StaticDirHandler over each ``static_dirs`` folder
    /<liveness>       LivenessHandler  200 while serving (with ``liveness``)

The :class:`ServerContext` holds what the handlers share: the server's
:class:`~panel_state.server.config.ServerConfig`, its loop, the
:class:`~panel_state.server.sessions.SessionManager` and the open sockets. It can also
be mounted into an existing tornado application with :func:`routes`.
"""

from __future__ import annotations

import asyncio
import collections
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import tornado.web

from .config import ServerConfig
from .handlers import STATIC_PREFIX, WS_PATH, IndexHandler, LivenessHandler, PageHandler
from .limits import AddressCounter
from .sessions import SessionManager
from .statics import IndexFileHandler, StaticDirHandler
from .tokens import make_token
from .websocket import SocketTransport

if TYPE_CHECKING:
    from .sessions import Lease

__all__ = ["STATIC_DIR", "ServerContext", "make_application", "routes"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _default_port(scheme: str) -> str:
    return "443" if scheme in ("https", "wss") else "80"


class ServerContext:
    """Shared state of one server's handlers.

    Parameters
    ----------
    config : ServerConfig
        What to serve and how.
    loop : asyncio loop
        The loop the server and its sessions run on.
    manager : SessionManager, optional
        The sessions; one is made for ``config`` unless given.
    """

    def __init__(self, config: ServerConfig, loop: asyncio.AbstractEventLoop,
                 manager: SessionManager | None = None) -> None:
        self.config = config
        self.loop = loop
        self.manager = manager or SessionManager(config, loop)
        self.connections: set[SocketTransport] = set()
        self.static_urls: dict[str, str] = {}
        #: Called as ``hook(lease, resumed)`` after a socket opened a session and sent
        #: its render (the ``--autoreload`` swap listens here).
        self.open_hooks: list[Callable[[Lease, bool], Any]] = []
        #: Open connections per client address (``max_connections_per_ip``).
        self.addresses = AddressCounter(config.max_connections_per_ip)
        #: What the limits refused or closed: ``hello_timeouts``, ``header_timeouts``,
        #: ``keepalive_dropped``, ``throttled``, ``flood_closed``, ``refused_per_ip``,
        #: ``refused_full_pages``, ``refused_full_sockets``.
        self.counters: collections.Counter[str] = collections.Counter()

    @property
    def apps(self) -> Any:
        """Route -> App."""
        return self.config.apps

    def title_for(self, route: str) -> str:
        """The page title of ``route``."""
        return self.manager.title_for(route)

    def issue_token(self, *, app: str, protocol: str, host: str, uri: str,
                    headers: dict[str, str], now: float, nonce: str | None = None) -> str:
        """A fresh session token for one page request (``nonce``: the session id to be)."""
        return make_token(self.config.secret, app=app, protocol=protocol, host=host, uri=uri,
                          headers=headers, now=now, lifetime=self.config.token_lifetime,
                          nonce=nonce)

    def opened(self, lease: Lease, resumed: bool) -> None:
        """A socket opened ``lease``'s session and sent its render: run the open hooks."""
        for hook in list(self.open_hooks):
            hook(lease, resumed)

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
        for allowed in self.config.allow_websocket_origin:
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
    config = context.config
    rules: list[tuple[Any, ...]] = [*config.extra_patterns]
    rules.append((re.escape(WS_PATH), SocketTransport, {"context": context}))
    for route in context.apps:
        rules.append((re.escape(route), PageHandler, {"context": context, "route": route}))
    for route, folder in config.static_dirs.items():
        rules.append((re.escape(route) + r"/(.*)", StaticDirHandler, {"path": folder}))
    if isinstance(config.liveness, str):
        rules.append((re.escape(config.liveness), LivenessHandler, {"context": context}))
    if config.index in context.apps:
        rules.append((r"/", PageHandler, {"context": context, "route": config.index}))
    elif config.index is not None:
        rules.append((r"/", IndexFileHandler, {"path": config.index}))
    elif "/" not in context.apps:
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
        websocket_max_message_size=context.config.websocket_max_message_size,
        compress_response=False,
        **settings,
    )
