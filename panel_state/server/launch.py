"""``pn.serve``: serve apps from Python, blocking, on a thread, or on the running loop.

It builds one :class:`~panel_state.server.config.ServerConfig` from its arguments and
starts a :class:`~panel_state.server.serving.Server` with it. Panel's and Bokeh's
keyword names are accepted too (:mod:`.keywords`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from .. import loops
from ..config import config as pn_config
from ..viewable import Viewable
from .config import ServerConfig, Setup
from .keywords import OURS, as_list, config_settings
from .loader import App, make_app
from .processes import run_workers
from .serving import Server

__all__ = ["SETTINGS", "apps_from", "open_browser", "serve"]

log = logging.getLogger(__name__)

#: The keyword settings ``serve`` passes on to the server's configuration.
SETTINGS = OURS


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


def open_browser(url: str) -> bool:
    """Open ``url`` in the default web browser; where there is none, log where to go.

    Returns whether a browser took the URL.
    """
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        log.warning("No web browser could be opened here (show=True); visit %s", url)
    return opened


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
        Open the app in the default web browser, where there is one (else a warning
        says where to go). Panel's default is True, ours False: tests and servers
        have no browser to open.
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
        Any :class:`~panel_state.server.config.ServerConfig` field (``secret``,
        ``token_lifetime``, ``unused_session_lifetime``, ``max_sessions``, ...), and
        Panel's and Bokeh's names: ``loop``/``io_loop`` (serve on that event loop),
        ``verbose`` (print ``Launching server at <url>`` once listening; True by
        default, as in Panel), ``num_procs`` (blocking only),
        ``check_unused_sessions_milliseconds`` and the other Bokeh ones; those
        panel_state does not support warn once each (:mod:`.keywords`).
        ``autoreload`` (default ``pn.config.autoreload``) is development mode, as
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
    fields, launch = config_settings(settings)
    fields.setdefault("autoreload", pn_config.autoreload)
    apps, titles = apps_from(panels, title)
    origins = [*as_list(websocket_origin), *as_list(fields.pop("allow_websocket_origin", ()))]
    server = Server(ServerConfig(apps=apps, port=port, address=address or "127.0.0.1",
                                 allow_websocket_origin=tuple(origins), titles=titles,
                                 setup=setup, show=show, **fields))
    loop = _asyncio_loop(launch.get("loop"))
    verbose = bool(launch.get("verbose", True))

    def ready() -> None:
        if verbose:
            print(f"Launching server at {server.url}", flush=True)
        if show:
            open_browser(server.url)

    if server.config.num_procs > 1:
        _serve_forked(server, threaded, start, loop, ready)
    elif threaded:
        server.start_thread(loop=_idle(loop))
        ready()
    elif loop is not None and loop.is_running():
        _attach_to(server, loop)
        ready()
    elif start:
        if loops.running_loop() is not None:
            raise RuntimeError(
                "pn.serve(..., start=True) blocks this thread to run its own event loop, "
                "but an event loop is already running here; use threaded=True, or "
                "start=False to serve on the running loop.")
        main = threading.current_thread() is threading.main_thread()
        server.start(install_signal_handlers=main, on_ready=ready, loop=loop)
    elif loop is not None:  # not running yet: serve once it runs
        server.bind()
        loop.call_soon(_attach_later, server, ready)
    elif loops.running_loop() is not None:
        server.attach()
        ready()
    else:
        server.bind()
    return server


def _asyncio_loop(loop: Any) -> asyncio.AbstractEventLoop | None:
    """The asyncio loop of ``loop`` (a tornado IOLoop or an asyncio loop), or None."""
    if loop is None:
        return None
    inner = getattr(loop, "asyncio_loop", loop)  # tornado's IOLoop wraps one
    if not isinstance(inner, asyncio.AbstractEventLoop):
        raise TypeError(f"serve(loop=...) must be an asyncio loop or a tornado IOLoop, got "
                        f"{type(loop).__name__}.")
    return inner


def _idle(loop: asyncio.AbstractEventLoop | None) -> asyncio.AbstractEventLoop | None:
    if loop is not None and loop.is_running():
        raise RuntimeError("serve(threaded=True, loop=...) runs that loop on a new thread, "
                           "but it is already running; leave out threaded=True.")
    return loop


def _attach_to(server: Server, loop: asyncio.AbstractEventLoop) -> None:
    """Serve on ``loop``, running here or on another thread."""
    if loops.running_loop() is loop:
        server.attach()
        return

    async def attach() -> None:
        server.attach()

    asyncio.run_coroutine_threadsafe(attach(), loop).result(timeout=30)


def _attach_later(server: Server, ready: Callable[[], Any]) -> None:
    if server.state == "new":
        server.attach()
        ready()


def _serve_forked(server: Server, threaded: bool, start: bool,
                  loop: asyncio.AbstractEventLoop | None, ready: Callable[[], Any]) -> None:
    """``num_procs`` > 1: fork that many processes serving the port, as the CLI does."""
    n = server.config.num_procs
    if threaded or not start or loop is not None or loops.running_loop() is not None:
        raise ValueError(f"serve(num_procs={n}) forks processes and blocks until they "
                         "stop; call it with start=True, threaded=False and no running or "
                         "given loop.")
    server.bind()

    def worker(_index: int) -> int:
        server.start(install_signal_handlers=True, on_ready=ready)
        return 0

    try:
        run_workers(n, worker)
    finally:
        server.stop()
