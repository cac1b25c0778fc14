"""ServerConfig: one frozen, validated description of a server.

Both ways of starting a server build one: ``panel-state serve`` from its flags and
``pn.serve`` from its keywords. Nothing else carries settings to the server, and
nothing changes them once it is built: the :class:`~panel_state.server.serving.Server`
and everything it makes read this object.

Examples
--------
>>> from panel_state.server.config import ServerConfig
>>> from panel_state.server.loader import make_app
>>> cfg = ServerConfig(apps={"/": make_app(lambda: "hi")}, port=0)
>>> cfg.address, cfg.token_lifetime, cfg.websocket_hello_timeout
('127.0.0.1', 300.0, 10.0)
>>> ServerConfig(apps={"/": make_app(lambda: "hi")}, port=70000)
Traceback (most recent call last):
...
ValueError: Server port must be an integer in 0..65535, got 70000.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..wire import protocol
from .loader import App
from .statics import index_spec, static_dirs
from .tokens import DEFAULT_TOKEN_LIFETIME, secret_from_env

__all__ = ["MAX_WRITE_BUFFER", "ServerConfig", "Setup"]

#: Default cap on one connection's unsent outgoing data (bytes).
MAX_WRITE_BUFFER = 16 * 1024 * 1024

#: Smallest hard cap on one incoming websocket message (bytes); see
#: :attr:`ServerConfig.websocket_max_message_size`.
HARD_MESSAGE_CAP = 10 * 1024 * 1024

# Numeric settings checked alike: name -> (minimum, unit, integer only).
_NUMBERS: dict[str, tuple[float, str, bool]] = {
    "max_message_size": (1, " bytes", True),
    "max_write_buffer": (1, " bytes", True),
    "keep_alive": (0, " milliseconds", True),
    "websocket_hello_timeout": (0, " seconds", False),
    "http_header_timeout": (0, " seconds", False),
    "http_idle_timeout": (0, " seconds", False),
    "max_body_size": (1, " bytes", True),
    "max_sessions": (0, "", True),
    "max_connections_per_ip": (0, "", True),
    "event_rate": (0, " messages per second", False),
    "event_burst": (1, " messages", True),
    "flood_timeout": (0, " seconds", False),
    "message_batch": (0, " messages", True),
}

#: A setup script path, or a function run once before serving.
Setup = str | os.PathLike[str] | Callable[[], Any]


def _int(name: str, value: Any, minimum: float, unit: str = "", integer: bool = True) -> None:
    kinds = int if integer else int | float
    if isinstance(value, bool) or not isinstance(value, kinds) or not (
            value >= minimum) or value == float("inf"):
        kind = "an integer" if integer else "a number"
        raise ValueError(f"{name} must be {kind} of at least {minimum:g}{unit}, got "
                         f"{value!r}.")


@dataclasses.dataclass(frozen=True)
class ServerConfig:
    """Everything a server needs to know, checked once when it is built.

    Parameters
    ----------
    apps : mapping
        Route (``'/'``, ``'/app'``) -> :class:`~panel_state.server.loader.App`.
    port : int
        Port to listen on; 0 picks a free one.
    address : str
        Interface to bind (``'0.0.0.0'`` for all); default ``127.0.0.1``.
    allow_websocket_origin : tuple of str
        Other origins whose pages may open websockets (same origin always may).
    titles : mapping
        Route -> page title.
    setup : path or callable, optional
        Run once on the server's loop thread before serving.
    secret : bytes
        Token key; default ``PANEL_STATE_SECRET`` or 32 random bytes.
    token_lifetime : float
        Seconds a page's token stays valid before its websocket opens.
    unused_session_lifetime, check_unused_sessions : int, optional
        Milliseconds; None reads ``pn.config`` at each check.
    max_message_size, max_write_buffer : int
        Byte limits for one incoming message and one connection's unsent output.
    nthreads : int, optional
        Sets ``pn.config.nthreads`` when the server starts (None leaves it).
    num_procs : int
        Processes serving the port (forked by ``panel-state serve``); 0 means one per
        CPU core.
    show : bool
        Open the app in a browser once listening.
    autoreload : bool
        Development mode (``--dev``): watch the apps' files and swap open tabs to fresh
        runs after edits; show exceptions in the page. One process only.
    keep_alive : int
        Milliseconds between the server's websocket pings; a peer that has not
        answered one by the next is dropped. 0 turns pings off.
    websocket_max_message_size : int, optional
        Bytes: an incoming message over this closes its connection (1009). Messages
        between ``max_message_size`` and it only get an error reply. Default: four
        times ``max_message_size``, at least 10 MiB.
    static_dirs : mapping
        URL route -> folder of files served as they are (``{'/assets': 'static'}``).
    index : str, optional
        What ``/`` shows: the route or script name of an app, or an ``.html`` file.
    warm : bool
        Run each app once at startup (without a client), so caches are filled.
    liveness : str or bool, optional
        Path of an endpoint answering 200 while the server serves; True means
        ``'/liveness'``.
    extra_patterns : sequence
        Further tornado URL rules ``(pattern, handler[, kwargs])``, served first.
    use_xheaders : bool
        Trust ``X-Real-IP`` / ``X-Forwarded-For`` / ``X-Forwarded-Proto`` (set it
        behind a reverse proxy only).
    websocket_hello_timeout : float
        Seconds a new websocket may take to send its ``hello``; 0 waits forever.
    http_header_timeout : float
        Seconds a new HTTP connection may take to send its request headers.
    http_idle_timeout : float
        Seconds an idle keep-alive HTTP connection is kept (and a request body may
        take); 0 means tornado's hour.
    max_body_size : int
        Largest HTTP request body accepted (bytes).
    max_sessions : int
        Live sessions at most; further pages get "server is full". 0: no limit.
    max_connections_per_ip : int
        Open connections at most from one client address. 0: no limit.
    event_rate, event_burst : float, int
        Each session's budget of incoming messages: ``event_rate`` per second
        sustained, bursts of ``event_burst``. Over it the server stops reading that
        socket until the budget refills. ``event_rate=0`` turns the budget off.
    flood_timeout : float
        Seconds a session may stay over its budget before it is closed; 0: never.
    message_batch : int
        Messages handled from one socket before the others get their turn; 0
        leaves it to tornado.

    Raises
    ------
    ValueError
        For a value out of range, naming the setting.
    TypeError
        For a value of the wrong type.
    """

    apps: Mapping[str, App]
    port: int = 0
    address: str = "127.0.0.1"
    allow_websocket_origin: tuple[str, ...] = ()
    titles: Mapping[str, str] = dataclasses.field(default_factory=dict)
    setup: Setup | None = None
    secret: bytes = dataclasses.field(default_factory=secret_from_env, repr=False)
    token_lifetime: float = DEFAULT_TOKEN_LIFETIME
    unused_session_lifetime: int | None = None
    check_unused_sessions: int | None = None
    max_message_size: int = protocol.MAX_MESSAGE_SIZE
    max_write_buffer: int = MAX_WRITE_BUFFER
    nthreads: int | None = None
    num_procs: int = 1
    show: bool = False
    autoreload: bool = False
    keep_alive: int = 37_000
    websocket_max_message_size: int | None = None
    static_dirs: Mapping[str, str] = dataclasses.field(default_factory=dict)
    index: str | None = None
    warm: bool = False
    liveness: str | bool | None = None
    extra_patterns: tuple[Any, ...] = ()
    use_xheaders: bool = False
    websocket_hello_timeout: float = 10.0
    http_header_timeout: float = 10.0
    http_idle_timeout: float = 30.0
    max_body_size: int = 1024 * 1024
    max_sessions: int = 0
    max_connections_per_ip: int = 0
    event_rate: float = 200.0
    event_burst: int = 500
    flood_timeout: float = 10.0
    message_batch: int = 1

    def __post_init__(self) -> None:
        if not self.apps:
            raise ValueError("Server needs at least one app, got none.")
        for route, app in self.apps.items():
            if not isinstance(route, str) or not route.startswith("/"):
                raise ValueError(f"Server routes must be strings starting with '/', got "
                                 f"{route!r}.")
            if not isinstance(app, App):
                raise TypeError(f"Server app for {route!r} must be an App, got "
                                f"{type(app).__name__}; build it with make_app().")
        port = self.port
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"Server port must be an integer in 0..65535, got {port!r}.")
        set_ = object.__setattr__  # frozen: normalise the given values once, here
        set_(self, "address", self.address or "127.0.0.1")
        set_(self, "apps", MappingProxyType(dict(self.apps)))
        set_(self, "titles", MappingProxyType(dict(self.titles)))
        origins = self.allow_websocket_origin
        set_(self, "allow_websocket_origin", tuple(
            o.strip().lower() for o in ([origins] if isinstance(origins, str) else origins)))
        if isinstance(self.secret, str):
            set_(self, "secret", self.secret.encode())
        if not isinstance(self.secret, bytes) or len(self.secret) < 16:
            raise ValueError("Server secret must be at least 16 bytes long; set "
                             "PANEL_STATE_SECRET or pass secret=.")
        if isinstance(self.token_lifetime, bool) or not isinstance(
                self.token_lifetime, int | float) or self.token_lifetime <= 0:
            raise ValueError(f"token_lifetime must be a positive number of seconds, got "
                             f"{self.token_lifetime!r}.")
        for name in ("unused_session_lifetime", "check_unused_sessions"):
            value = getattr(self, name)
            if value is not None:
                _int(name, value, 0, " milliseconds")
        for name, (minimum, unit, integer) in _NUMBERS.items():
            _int(name, getattr(self, name), minimum, unit, integer)
        for name in ("show", "warm", "use_xheaders", "autoreload"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}.")
        _int("num_procs", self.num_procs, 0)
        if self.num_procs == 0:
            set_(self, "num_procs", os.cpu_count() or 1)
        if self.autoreload and self.num_procs > 1:
            raise ValueError(f"autoreload reloads apps inside one process and cannot be "
                             f"combined with num_procs={self.num_procs}; use num_procs=1 "
                             "while developing.")
        if self.nthreads is not None:
            _int("nthreads", self.nthreads, 0)
        cap = self.websocket_max_message_size
        if cap is None:
            set_(self, "websocket_max_message_size",
                 max(4 * self.max_message_size, HARD_MESSAGE_CAP))
        elif isinstance(cap, bool) or not isinstance(cap, int) or cap < self.max_message_size:
            raise ValueError(f"websocket_max_message_size must be an integer of at least "
                             f"max_message_size ({self.max_message_size} bytes), got {cap!r}.")
        self._check_routes()

    def _check_routes(self) -> None:
        set_ = object.__setattr__
        set_(self, "static_dirs", MappingProxyType(static_dirs(self.static_dirs, self.apps)))
        if self.index is not None:
            set_(self, "index", index_spec(self.index, self.apps))
        if isinstance(self.liveness, bool):  # Panel's liveness=True: the usual path
            set_(self, "liveness", "/liveness" if self.liveness else None)
        if self.liveness is not None:
            path = self.liveness
            if not isinstance(path, str) or not path.strip("/") or path in self.apps:
                raise ValueError(f"liveness must be a path like '/liveness' that no app "
                                 f"uses, got {path!r}.")
            set_(self, "liveness", "/" + path.strip("/"))
        set_(self, "extra_patterns", tuple(self.extra_patterns))
        for rule in self.extra_patterns:
            if not isinstance(rule, tuple | list) or len(rule) not in (2, 3):
                raise ValueError(f"extra_patterns entries must be (pattern, handler) or "
                                 f"(pattern, handler, kwargs) tuples, got {rule!r}.")

    def replace(self, **changes: Any) -> ServerConfig:
        """A copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)
