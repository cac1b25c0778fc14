"""The servers running in this process, so ``pn.state.kill_all_servers()`` can stop them.

A server registers itself when it starts listening and unregisters when it stops;
this module knows only that each has a ``stop()`` method.
"""

from __future__ import annotations

import threading
from typing import Protocol

__all__ = ["Stoppable", "register", "running", "stop_all", "unregister"]


class Stoppable(Protocol):
    """Anything with a ``stop()`` that is safe from any thread (a running server)."""

    def stop(self) -> None:
        """Stop it; idempotent."""
        ...


_servers: list[Stoppable] = []
_lock = threading.Lock()


def register(server: Stoppable) -> None:
    """Record a running server."""
    with _lock:
        if server not in _servers:
            _servers.append(server)


def unregister(server: Stoppable) -> None:
    """Forget a stopped server."""
    with _lock:
        if server in _servers:
            _servers.remove(server)


def running() -> list[Stoppable]:
    """The servers started and not yet stopped."""
    with _lock:
        return list(_servers)


def stop_all() -> None:
    """Stop every running server (each destroys its sessions first)."""
    for server in running():
        server.stop()
