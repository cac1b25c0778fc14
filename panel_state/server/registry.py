"""The servers started in this process, so ``pn.state.kill_all_servers()`` can stop them."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .serving import Server

_servers: list[Server] = []
_lock = threading.Lock()


def register(server: Server) -> None:
    """Record a running server."""
    with _lock:
        if server not in _servers:
            _servers.append(server)


def unregister(server: Server) -> None:
    """Forget a stopped server."""
    with _lock:
        if server in _servers:
            _servers.remove(server)


def running() -> list[Server]:
    """The servers started and not yet stopped."""
    with _lock:
        return list(_servers)


def stop_all() -> None:
    """Stop every running server (each destroys its sessions first)."""
    for server in running():
        server.stop()
