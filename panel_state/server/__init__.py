"""The server: ``pn.serve`` / ``panel-state serve``, sessions over websockets, the page.

Modules: :mod:`.config` (the one frozen server configuration), :mod:`.tokens`
(encrypted session tokens), :mod:`.loader` (apps and setup scripts), :mod:`.sessions`
(open/resume/expire), :mod:`.handlers` and :mod:`.websocket` (tornado handlers; the
websocket is one transport of :class:`panel_state.wire.connection.Connection`),
:mod:`.application` (routes), :mod:`.serving` (:class:`Server`, its lifecycle),
:mod:`.launch` (:func:`serve`), :mod:`.processes` (``--num-procs``) and
:mod:`.testclient` (a protocol client for tests).
"""

from __future__ import annotations

from .config import ServerConfig
from .launch import serve
from .serving import Server

__all__ = ["Server", "ServerConfig", "serve"]
