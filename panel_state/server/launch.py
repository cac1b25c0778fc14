"""``pn.serve``: serve apps from Python, blocking, on a thread, or on the running loop.

It builds one :class:`~panel_state.server.config.ServerConfig` from its arguments and
starts a :class:`~panel_state.server.serving.Server` with it.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from .. import loops
from ..config import config as pn_config
from ..viewable import Viewable
from .config import ServerConfig, Setup
from .loader import App, make_app
from .serving import Server

__all__ = ["SETTINGS", "apps_from", "serve"]

#: The keyword settings ``serve`` passes on to the server's configuration.
SETTINGS = ("secret", "token_lifetime", "unused_session_lifetime", "check_unused_sessions",
            "max_message_size", "max_write_buffer", "autoreload")


def _normalise_route(route: Any) -> str:
    if not isinstance(route, str) or not route:
        raise ValueError(f"serve() routes must be non-empty strings like '/app', got {route!r}.")
    return route if route.startswith("/") else "/" + route


def apps_from(panels: Any, title: str | dict[str, str] | None = None
              ) -> tuple[dict[str, App], dict[str, str]]:
    """Routes and titles from ``pn.serve``'s ``panels`` and ``title`` arguments."""
    specs = panels if isinstance(panels, dict) else {"/": panels}
    if not specs:
        raise ValueError("serve() got an empty dict of apps; give at least one {route: app}.")
    apps: dict[str, App] = {}
    titles: dict[str, str] = {}
    for key, spec in specs.items():
        route = _normalise_route(key)
        apps[route] = make_app(spec)
        if isinstance(title, dict):
            if key in title or route in title:
                titles[route] = title.get(key) or title[route]
        elif title is not None:
            titles[route] = title
    return apps, titles


def serve(panels: Viewable | Callable[[], Any] | dict[str, Any] | str, port: int = 0,
          address: str | None = None, websocket_origin: str | list[str] | None = None,
          threaded: bool = False, show: bool = False, start: bool = True,
          title: str | dict[str, str] | None = None,
          setup: Setup | None = None,
          **settings: Any) -> Server:
    """Serve one or more apps.

    Parameters
    ----------
    panels : viewable, function, script path, or dict
        What to serve: a viewable (shared by every session), a function called per
        session that returns one, a ``.py`` script, or ``{route: any of those}``.
    port : int
        Port; 0 picks a free one (``server.port``).
    address : str, optional
        Interface to bind; default ``127.0.0.1``.
    websocket_origin : str or list of str, optional
        Extra allowed websocket origins (same origin is always allowed).
    threaded : bool
        Run the server on its own thread and return at once.
    show : bool
        Open the app in the default web browser.
    start : bool
        With ``threaded=False``: block serving until stopped (Ctrl-C). With
        ``start=False``: attach to the running loop if there is one, else just bind;
        call ``server.start()`` later.
    title : str or dict, optional
        Page title, or route -> title.
    setup : path or callable, optional
        Run once on the server loop before serving (``schedule_task``,
        ``on_session_created`` and global ``on_session_destroyed`` belong there).
    **settings
        ``secret``, ``token_lifetime`` (s), ``unused_session_lifetime`` (ms),
        ``check_unused_sessions`` (ms), ``max_message_size``, ``max_write_buffer``;
        ``autoreload`` (default ``pn.config.autoreload``): development mode, as
        ``panel-state serve --dev`` (serve script paths to have them reloaded).

    Returns
    -------
    Server
        With ``port``, ``url``, ``sessions`` and ``stop()``.

    Raises
    ------
    TypeError
        For an unknown setting or something that cannot be served.
    RuntimeError
        ``start=True`` (blocking) inside a running event loop.

    Examples
    --------
    >>> import panel_state as pn
    >>> server = pn.serve(lambda: pn.pane.Str("hi"), threaded=True)   # doctest: +SKIP
    >>> server.stop()                                                   # doctest: +SKIP
    """
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise TypeError(f"serve() got unknown setting(s) {unknown}; known settings are "
                        f"{list(SETTINGS)}.")
    settings.setdefault("autoreload", pn_config.autoreload)
    apps, titles = apps_from(panels, title)
    origins = [websocket_origin] if isinstance(websocket_origin, str) else websocket_origin
    server = Server(ServerConfig(apps=apps, port=port, address=address or "127.0.0.1",
                                 allow_websocket_origin=tuple(origins or ()), titles=titles,
                                 setup=setup, show=show, **settings))

    def open_browser() -> None:
        if show:
            webbrowser.open(server.url)

    if threaded:
        server.start_thread()
        open_browser()
    elif start:
        if loops.running_loop() is not None:
            raise RuntimeError(
                "pn.serve(..., start=True) blocks this thread to run its own event loop, "
                "but an event loop is already running here; use threaded=True, or "
                "start=False to serve on the running loop.")
        main = threading.current_thread() is threading.main_thread()
        server.start(install_signal_handlers=main, on_ready=open_browser)
    elif loops.running_loop() is not None:
        server.attach()
        open_browser()
    else:
        server.bind()
    return server
