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
>>> cfg.address, cfg.token_lifetime
('127.0.0.1', 300.0)
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
from .tokens import DEFAULT_TOKEN_LIFETIME, secret_from_env

__all__ = ["MAX_WRITE_BUFFER", "ServerConfig", "Setup"]

#: Default cap on one connection's unsent outgoing data (bytes).
MAX_WRITE_BUFFER = 16 * 1024 * 1024

#: A setup script path, or a function run once before serving.
Setup = str | os.PathLike[str] | Callable[[], Any]


def _int(name: str, value: Any, minimum: int, unit: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}{unit}, got "
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
        Processes serving the port (forked by ``panel-state serve``).
    show : bool
        Open the app in a browser once listening.
    autoreload : bool
        Development mode (``--dev``): watch the apps' files and swap open tabs to fresh
        runs after edits; show exceptions in the page. One process only.

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
        _int("max_message_size", self.max_message_size, 1, " bytes")
        _int("max_write_buffer", self.max_write_buffer, 1, " bytes")
        _int("num_procs", self.num_procs, 1)
        if not isinstance(self.autoreload, bool):
            raise TypeError(f"autoreload must be True or False, got {self.autoreload!r}.")
        if self.autoreload and self.num_procs > 1:
            raise ValueError(f"autoreload reloads apps inside one process and cannot be "
                             f"combined with num_procs={self.num_procs}; use num_procs=1 "
                             "while developing.")
        if self.nthreads is not None:
            _int("nthreads", self.nthreads, 0)

    def replace(self, **changes: Any) -> ServerConfig:
        """A copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)
