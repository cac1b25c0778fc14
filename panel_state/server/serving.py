"""Starting and stopping servers: :class:`Server` and :func:`serve`.

A server has one lifecycle, ``new -> running -> stopping -> stopped``, written once
in :meth:`Server.serve` (startup, run until stopped, shutdown). The three ways to
start it are thin wrappers: :meth:`Server.start` runs it on a new loop in this thread
(blocking), :meth:`Server.start_thread` on a new loop on its own thread (what
``pn.serve(..., threaded=True)`` does), :meth:`Server.attach` on the loop already
running in this thread (async tests, notebooks).

Startup runs the ``--setup`` script on the server's loop thread, with that loop as
the default loop and a :class:`~panel_state.lifespan.Lifespan` recording, so what
the script starts -- tasks, periodic callbacks, lifecycle hooks -- is stopped again
at shutdown. Tasks and periodic callbacks a script started before any loop existed
(its top level, before a blocking ``pn.serve(...)``; see
:func:`panel_state.loops.defer`) start first, the same way. Shutdown stops accepting,
destroys every session (destroyed-hooks run, periodic callbacks stop), closes the
lifespan and every socket, and takes the apps' folders off ``sys.path``.
:meth:`Server.stop` is safe from any thread and idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any

import tornado.netutil
from tornado.httpserver import HTTPServer

from .. import loops, registry
from ..config import config as pn_config
from ..errors import describe, handle_exception
from ..lifespan import Lifespan, recording
from ..session import Session
from .application import ServerContext, make_application
from .config import ServerConfig, Setup
from .httpserver import http_server
from .loader import AppError, ImportPaths, SetupError, run_setup
from .reload import Reloader
from .warming import warm

__all__ = ["Server"]

log = logging.getLogger(__name__)


class Server:
    """HTTP pages, websockets and sessions for the apps of a :class:`ServerConfig`.

    Examples
    --------
    >>> from panel_state.server.config import ServerConfig
    >>> from panel_state.server.loader import make_app
    >>> server = Server(ServerConfig(apps={"/": make_app(lambda: "hi")}))
    >>> server.state
    'new'
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.sockets: list[socket.socket] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.context: ServerContext | None = None
        self.http_server: HTTPServer | None = None
        self.lifespan = Lifespan("the server's setup")
        #: What the script started before this server's loop existed (it waited for it).
        self.early = Lifespan("work started before the server")
        #: Watches and reloads the apps with ``autoreload=True`` (``--dev``), else None.
        self.reloader: Reloader | None = None
        self.state = "new"
        self._paths = ImportPaths()
        self._stop_event: asyncio.Event | None = None
        self._closing: asyncio.Task[None] | None = None
        self._previous_default: asyncio.AbstractEventLoop | None = None
        self._bound_port: int | None = None
        self._warming: list[asyncio.Future[None]] = []

    # -- addresses -------------------------------------------------------------------------
    @property
    def apps(self) -> Mapping[str, Any]:
        """Route -> App."""
        return self.config.apps

    @property
    def address(self) -> str:
        """The interface bound."""
        return self.config.address

    @property
    def port(self) -> int:
        """The bound port (binds now if not yet bound)."""
        if self._bound_port is not None:
            return self._bound_port
        return int(self.bind()[0].getsockname()[1])

    @property
    def url(self) -> str:
        """``http://address:port/``."""
        host = self.address if self.address not in ("0.0.0.0", "", "::") else "localhost"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def bind(self) -> list[socket.socket]:
        """Bind the listening sockets (before forking, for ``--num-procs``)."""
        if self.sockets is None:
            self.sockets = tornado.netutil.bind_sockets(self.config.port, self.address)
        return self.sockets

    @property
    def sessions(self) -> list[Session]:
        """The live sessions of this server."""
        return self.context.manager.sessions if self.context is not None else []

    @property
    def counters(self) -> dict[str, int]:
        """What the limits refused or closed so far (see ``docs/reliability.md``)."""
        return dict(self.context.counters) if self.context is not None else {}

    # -- the lifecycle -------------------------------------------------------------------
    async def serve(self, *, install_signal_handlers: bool = False,
                    ready: Callable[[], Any] | None = None) -> None:
        """Start on the running loop, serve until :meth:`stop`, then shut down."""
        self._require_new()
        loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._startup(loop)
        handled: tuple[signal.Signals, ...] = ()
        if install_signal_handlers:
            handled = (signal.SIGINT, signal.SIGTERM)
            for sig in handled:
                loop.add_signal_handler(sig, self._on_signal, sig)
        try:
            if ready is not None:
                ready()
            await self._stop_event.wait()
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)
            await self._shutdown()

    def _startup(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run setup and start listening, on ``loop``'s thread."""
        self.bind()
        self.loop = loop
        self._previous_default = loops.default_loop()
        loops.set_default_loop(loop)
        try:
            # The process's settings follow the server's, as `panel serve` flags do.
            for name in ("nthreads", "unused_session_lifetime", "check_unused_sessions"):
                value = getattr(self.config, name)
                if value is not None:
                    setattr(pn_config, name, value)
            if self.config.autoreload:  # before setup: what setup imports is setup's
                self.reloader = Reloader(self)
            with recording(self.early):
                self._adopt_pending(loop)
            if self.config.setup is not None:
                with recording(self.lifespan):
                    self._run_setup(self.config.setup)
            self.context = ServerContext(self.config, loop)
            if self.config.warm:
                self._warming = warm(self.apps, self.url, loop)
            self.http_server = http_server(make_application(self.context), self.context)
            assert self.sockets is not None
            self.http_server.add_sockets(self.sockets)
            if self.reloader is not None:
                self.reloader.start(self.context)
        except BaseException:
            self._release()
            self.state = "stopped"
            raise
        self.state = "running"
        self._bound_port = self.port
        registry.register(self)
        log.info("panel_state serving %s at %s", sorted(self.apps), self.url)

    def _adopt_pending(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start what the script scheduled before any loop existed (``loops.defer``).

        Tasks and periodic callbacks a script set up before its blocking
        ``pn.serve(...)`` start here, on this server's loop, and stop with it.
        """
        for what, start in loops.take_pending():
            try:
                start(loop)
            except Exception as exc:
                handle_exception(exc, f"starting {what} with the server", kind="setup")

    def _run_setup(self, setup: Setup) -> None:
        """Run the setup script; one that raises is reported, then stops the start.

        The exception is logged with its traceback and handed to
        ``pn.config.exception_handler`` like any user callback's; the server then
        refuses to start (:class:`SetupError`), since apps whose tasks and hooks were
        only half set up would misbehave quietly.
        """
        try:
            run_setup(setup, self._paths)
        except AppError:
            raise
        except Exception as exc:
            name = describe(setup) if callable(setup) else repr(str(setup))
            handle_exception(exc, f"setup script {name}", kind="setup")
            raise SetupError(f"setup script {name} raised {type(exc).__name__}: {exc}") from exc

    def restart_setup(self) -> BaseException | None:
        """Undo what the setup script started and run it again (``--autoreload``).

        On the server's loop thread. Tasks are cancelled, periodic callbacks stopped
        and lifecycle hooks removed; then the script runs again, recording anew.
        Returns what it raised (already logged and reported), or None.
        """
        setup = self.config.setup
        if setup is None:
            return None
        self.lifespan.close()
        self.lifespan = Lifespan("the server's setup")
        try:
            with recording(self.lifespan):
                self._run_setup(setup)
        except AppError as exc:
            return exc
        return None

    def _close(self) -> None:
        """Stop accepting, destroy the sessions, stop what setup started (loop thread)."""
        if self.state in ("stopping", "stopped"):
            return
        self.state = "stopping"
        if self.http_server is not None:
            self.http_server.stop()
        for warming in self._warming:
            warming.cancel()  # its session is destroyed as it ends
        context = self.context
        if context is not None:
            context.manager.destroy_all()
            for connection in list(context.connections):
                connection.end("shutdown")
        self._release()
        self.state = "stopped"
        log.info("panel_state server on port %s stopped", self._port_or_none())

    def _release(self) -> None:
        """Give back what startup took: lifespan, import paths, default loop, sockets."""
        if self.reloader is not None:
            self.reloader.stop()
        self.lifespan.close()
        self.early.close()
        for app in self.apps.values():
            app.close()
        self._paths.close()
        registry.unregister(self)
        if self.loop is not None and loops.default_loop() is self.loop:
            loops.set_default_loop(self._previous_default)
        if self.http_server is None:
            for sock in self.sockets or []:
                sock.close()

    async def _shutdown(self) -> None:
        self._close()
        context = self.context
        if context is not None and context.connections:
            await asyncio.sleep(0.02)  # let close frames go out
            for connection in list(context.connections):
                connection.abort()
        if self.http_server is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.http_server.close_all_connections(), 2)

    # -- the three ways to start -------------------------------------------------------------
    def start(self, *, install_signal_handlers: bool = False,
              on_ready: Callable[[], Any] | None = None,
              loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Serve on a new loop in this thread, blocking until :meth:`stop` (or a signal).

        With ``loop`` (not running), serve on that loop instead; it is left open.
        """
        self._require_new()
        own = loop is None
        run_on = asyncio.new_event_loop() if loop is None else loop
        try:
            run_on.run_until_complete(self.serve(
                install_signal_handlers=install_signal_handlers, ready=on_ready))
        finally:
            if own:
                loops.close_loop(run_on)

    def start_thread(self, loop: asyncio.AbstractEventLoop | None = None) -> Server:
        """Serve on a new daemon thread; returns once the server is listening.

        With ``loop`` (not running), the thread runs that loop instead of a new one.
        """
        self._require_new()
        self.bind()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self.start(on_ready=ready.set, loop=loop)
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

    def attach(self) -> Server:
        """Serve on the loop running in this thread; returns once listening."""
        self._require_new()
        self._startup(asyncio.get_running_loop())
        return self

    # -- stopping ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop accepting, destroy every session, close every socket. Safe from any thread."""
        if self.state in ("stopping", "stopped"):
            return
        if self.state == "new":
            self.state = "stopped"
            self._release()
            return
        loop = self.loop
        assert loop is not None
        on_loop = loops.running_loop() is loop
        if self._stop_event is not None:  # serve() owns the loop: let it shut down
            if not loop.is_closed():
                loops.call_on(loop, self._stop_event.set)
            if not on_loop and self.thread is not None and (
                    self.thread is not threading.current_thread()):
                self.thread.join(timeout=30)
            return
        if not on_loop and loop.is_running():  # attached, called from another thread
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30)
            return
        self._close()
        if on_loop:
            self._closing = loop.create_task(self._shutdown())

    async def astop(self) -> None:
        """Stop from a coroutine on the server's loop, waiting for the sockets to close."""
        if self.state == "new":
            self.stop()
            return
        closing, self._closing = self._closing, None
        if self.state == "running":
            await self._shutdown()
        elif closing is not None:
            await closing

    def _on_signal(self, sig: int) -> None:
        log.info("Received %s; shutting down", signal.Signals(sig).name)
        self.stop()

    def _require_new(self) -> None:
        if self.state != "new":
            raise RuntimeError(f"Server was already started (state {self.state!r}); make a "
                               "new Server to serve again.")

    def _port_or_none(self) -> int | None:
        if self._bound_port is not None:
            return self._bound_port
        try:
            return int(self.sockets[0].getsockname()[1]) if self.sockets else None
        except OSError:
            return None

    def __repr__(self) -> str:
        return f"<Server {sorted(self.apps)} port={self._port_or_none()} {self.state}>"
