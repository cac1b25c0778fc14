"""Starting and stopping servers: :class:`Server` and :func:`serve`.

A server runs on one asyncio loop: its own (blocking :meth:`Server.start`), its own
on a thread (:meth:`Server.start_thread`, what ``pn.serve(..., threaded=True)`` does),
or the loop already running in this thread (:meth:`Server.attach`, handy in async
tests). ``--setup`` scripts run on that loop's thread, with it set as the default loop
so tasks they schedule run on the server loop. :meth:`Server.stop` stops accepting,
destroys every session (destroyed-hooks run, periodic callbacks stop) and closes
every socket; it is safe from any thread and idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

import tornado.netutil
from tornado.httpserver import HTTPServer

from .. import execution
from ..viewable import Viewable
from . import protocol, registry
from .application import MAX_WRITE_BUFFER, ServerContext, make_application
from .loader import App, AppError, SetupError, make_app, run_setup
from .sessions import SessionManager
from .tokens import DEFAULT_TOKEN_LIFETIME, secret_from_env

log = logging.getLogger("panel_state.server")

SETTINGS = ("secret", "token_lifetime", "unused_session_lifetime", "check_unused_sessions",
            "max_message_size", "max_write_buffer")


class Server:
    """HTTP pages, websockets and sessions for a set of apps.

    Parameters
    ----------
    apps : dict
        Route (``'/'``, ``'/app'``) -> :class:`~panel_state.server.loader.App`.
    port : int
        Port to listen on; 0 picks a free one (read it back from :attr:`port`).
    address : str, optional
        Interface to bind; default ``127.0.0.1``.
    allow_websocket_origin : list of str, optional
        Other origins whose pages may open websockets (same origin is always allowed).
    titles : dict, optional
        Route -> page title.
    setup : path or callable, optional
        Run once on the server's loop thread before serving. If it raises, the error
        is logged and handed to ``pn.config.exception_handler``, and the server does not
        start (:class:`SetupError`).
    secret : bytes or str, optional
        Token signing secret; default ``PANEL_STATE_SECRET`` or random.
    token_lifetime : float
        Seconds a page's token stays valid before its websocket opens.
    unused_session_lifetime, check_unused_sessions : int, optional
        Milliseconds; default ``pn.config``'s values, read at each check.
    max_message_size, max_write_buffer : int
        Byte limits for one incoming message and one connection's unsent output.
    """

    def __init__(self, apps: dict[str, App], *, port: int = 0, address: str | None = None,
                 allow_websocket_origin: list[str] | None = None,
                 titles: dict[str, str] | None = None,
                 setup: str | os.PathLike[str] | Callable[[], Any] | None = None,
                 secret: bytes | str | None = None,
                 token_lifetime: float = DEFAULT_TOKEN_LIFETIME,
                 unused_session_lifetime: int | None = None,
                 check_unused_sessions: int | None = None,
                 max_message_size: int = protocol.MAX_MESSAGE_SIZE,
                 max_write_buffer: int = MAX_WRITE_BUFFER) -> None:
        if not apps:
            raise ValueError("Server needs at least one app, got none.")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"Server port must be an integer in 0..65535, got {port!r}.")
        for name, value in (("unused_session_lifetime", unused_session_lifetime),
                            ("check_unused_sessions", check_unused_sessions)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a non-negative number of milliseconds, "
                                 f"got {value!r}.")
        self.apps = apps
        self.address = address or "127.0.0.1"
        self._requested_port = port
        self.allow_websocket_origin = list(allow_websocket_origin or [])
        self.titles = dict(titles or {})
        self.setup = setup
        self.secret = secret.encode() if isinstance(secret, str) else (secret or secret_from_env())
        self.token_lifetime = token_lifetime
        self._lifetime = unused_session_lifetime
        self._check = check_unused_sessions
        self.max_message_size = max_message_size
        self.max_write_buffer = max_write_buffer
        self.sockets: list[socket.socket] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.context: ServerContext | None = None
        self.http_server: HTTPServer | None = None
        self.state = "new"
        self._stop_event: asyncio.Event | None = None
        self._previous_default: asyncio.AbstractEventLoop | None = None
        self._bound_port: int | None = None

    # -- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port (binds now if not yet bound)."""
        if self._bound_port is not None:
            return self._bound_port
        if self.sockets is None:
            self.bind()
        assert self.sockets is not None
        return int(self.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        """``http://address:port/``."""
        host = self.address if self.address not in ("0.0.0.0", "", "::") else "localhost"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def bind(self) -> list[socket.socket]:
        """Bind the listening sockets (before forking, for ``--num-procs``)."""
        if self.sockets is None:
            self.sockets = tornado.netutil.bind_sockets(self._requested_port, self.address)
        return self.sockets

    @property
    def sessions(self) -> list[Any]:
        """The live :class:`~panel_state.session.Session` objects of this server."""
        if self.context is None:
            return []
        return [s.session for s in self.context.manager.sessions.values()]

    # -- starting --------------------------------------------------------------------------
    def _launch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run setup and start listening, on ``loop``'s thread."""
        self.bind()
        self.loop = loop
        self._previous_default = execution.default_loop()
        execution.set_default_loop(loop)
        try:
            if self.setup is not None:
                self._run_setup(self.setup)
            lifetime, check = self._lifetime, self._check
            manager = SessionManager(
                self.apps, loop,
                lifetime=(lambda: lifetime) if lifetime is not None else None,
                check_interval=(lambda: check) if check is not None else None)
            self.context = ServerContext(
                self.apps, self.secret, loop, titles=self.titles,
                allow_websocket_origin=self.allow_websocket_origin,
                token_lifetime=self.token_lifetime, max_message_size=self.max_message_size,
                max_write_buffer=self.max_write_buffer, manager=manager)
            self.http_server = HTTPServer(make_application(self.context))
            assert self.sockets is not None
            self.http_server.add_sockets(self.sockets)
        except BaseException:
            self._release_sockets()
            self._restore_default()
            self.state = "stopped"
            raise
        self.state = "running"
        self._bound_port = self.port
        registry.register(self)
        log.info("panel_state serving %s at %s", sorted(self.apps), self.url)

    @staticmethod
    def _run_setup(setup: str | os.PathLike[str] | Callable[[], Any]) -> None:
        """Run the setup script; one that raises is reported, then stops the start.

        The exception is logged with its traceback and handed to
        ``pn.config.exception_handler`` like any user callback's; the server then
        refuses to start (:class:`SetupError`), since apps whose tasks and hooks were
        only half set up would misbehave quietly.
        """
        try:
            run_setup(setup)
        except AppError:
            raise
        except Exception as exc:
            name = execution.describe(setup) if callable(setup) else repr(str(setup))
            execution.handle_exception(exc, f"setup script {name}")
            raise SetupError(
                f"setup script {name} raised {type(exc).__name__}: {exc}") from exc

    def attach(self) -> Server:
        """Serve on the loop running in this thread (e.g. inside an async test)."""
        self._require_new()
        self._launch(asyncio.get_running_loop())
        return self

    def start(self, *, install_signal_handlers: bool = False,
              on_ready: Callable[[], Any] | None = None) -> None:
        """Serve on a new loop in this thread, blocking until :meth:`stop` (or a signal)."""
        self._require_new()
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._main(install_signal_handlers, on_ready))
        finally:
            execution.close_loop(loop)

    def start_thread(self) -> Server:
        """Serve on a new daemon thread; returns once the server is listening."""
        self._require_new()
        self.bind()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self.start(on_ready=ready.set)
            except BaseException as exc:
                failure.append(exc)
            finally:
                ready.set()

        self.thread = threading.Thread(target=run, name=f"panel_state-server-{self.port}",
                                       daemon=True)
        self.thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    async def _main(self, install_signal_handlers: bool,
                    on_ready: Callable[[], Any] | None) -> None:
        loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._launch(loop)
        if install_signal_handlers:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self._on_signal, sig)
        if on_ready is not None:
            on_ready()
        await self._stop_event.wait()
        await self._shutdown()
        if install_signal_handlers:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    def _on_signal(self, sig: int) -> None:
        log.info("Received %s; shutting down", signal.Signals(sig).name)
        self.stop()

    def _require_new(self) -> None:
        if self.state != "new":
            raise RuntimeError(f"Server was already started (state {self.state!r}); make a "
                               "new Server to serve again.")

    # -- stopping ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop accepting, destroy every session, close every socket. Safe from any thread."""
        if self.state in ("stopping", "stopped"):
            return
        if self.state == "new":
            self.state = "stopped"
            self._release_sockets()
            return
        loop = self.loop
        assert loop is not None
        on_loop = execution.running_loop() is loop
        if self._stop_event is not None:  # we own the loop (start / start_thread)
            if on_loop:
                self._stop_event.set()
                return
            if not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(self._stop_event.set)
            if self.thread is not None and self.thread is not threading.current_thread():
                self.thread.join(timeout=30)
            return
        if loop.is_running() and not on_loop:
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            future.result(timeout=30)
            return
        self._shutdown_now()
        if on_loop and self.http_server is not None:
            loop.create_task(self.http_server.close_all_connections())

    async def astop(self) -> None:
        """Stop from a coroutine on the server's loop, waiting for sockets to close."""
        if self.state in ("stopping", "stopped"):
            return
        await self._shutdown()

    def _shutdown_now(self) -> None:
        if self.state in ("stopping", "stopped"):
            return
        self.state = "stopping"
        if self.http_server is not None:
            self.http_server.stop()
        context = self.context
        if context is not None:
            context.manager.destroy_all()
            for connection in list(context.connections):
                connection.end("shutdown")
        registry.unregister(self)
        self._restore_default()
        self.state = "stopped"
        log.info("panel_state server on port %s stopped", self._port_or_none())

    async def _shutdown(self) -> None:
        self._shutdown_now()
        if self.context is not None and self.context.connections:
            await asyncio.sleep(0.02)  # let close frames go out
            for connection in list(self.context.connections):
                stream = getattr(connection.ws_connection, "stream", None)
                if stream is not None:
                    stream.close()
        if self.http_server is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.http_server.close_all_connections(), 2)

    def _release_sockets(self) -> None:
        for sock in self.sockets or []:
            sock.close()

    def _restore_default(self) -> None:
        if self.loop is not None and execution.default_loop() is self.loop:
            execution.set_default_loop(self._previous_default)

    def _port_or_none(self) -> int | None:
        if self._bound_port is not None:
            return self._bound_port
        try:
            return int(self.sockets[0].getsockname()[1]) if self.sockets else None
        except OSError:
            return None

    def __repr__(self) -> str:
        return f"<Server {sorted(self.apps)} port={self._port_or_none()} {self.state}>"


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
          setup: str | os.PathLike[str] | Callable[[], Any] | None = None,
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
        ``check_unused_sessions`` (ms), ``max_message_size``, ``max_write_buffer``.

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
    apps, titles = apps_from(panels, title)
    origins = [websocket_origin] if isinstance(websocket_origin, str) else websocket_origin
    server = Server(apps, port=port, address=address, allow_websocket_origin=origins,
                    titles=titles, setup=setup, **settings)

    def open_browser() -> None:
        if show:
            webbrowser.open(server.url)

    if threaded:
        server.start_thread()
        open_browser()
    elif start:
        if execution.running_loop() is not None:
            raise RuntimeError(
                "pn.serve(..., start=True) blocks this thread to run its own event loop, "
                "but an event loop is already running here; use threaded=True, or "
                "start=False to serve on the running loop.")
        main = threading.current_thread() is threading.main_thread()
        server.start(install_signal_handlers=main, on_ready=open_browser)
    elif execution.running_loop() is not None:
        server.attach()
        open_browser()
    else:
        server.bind()
    return server
