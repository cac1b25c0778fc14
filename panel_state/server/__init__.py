"""The server: ``pn.serve`` / ``panel-state serve``, sessions over websockets, the client.

Modules: :mod:`.protocol` (the wire format), :mod:`.tokens` (signed session tokens),
:mod:`.loader` (apps and setup scripts), :mod:`.render` (tree -> nodes -> patches),
:mod:`.sessions` (open/resume/expire), :mod:`.handlers` and :mod:`.websocket`
(tornado handlers), :mod:`.application` (routes and settings), :mod:`.serving`
(:class:`Server`, :func:`serve`), :mod:`.registry` (running servers) and
:mod:`.testclient` (a protocol client for tests).
"""

from __future__ import annotations

from .serving import Server, serve

__all__ = ["Server", "serve"]
