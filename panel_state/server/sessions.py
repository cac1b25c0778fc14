"""Server-side sessions: opening from a token, resuming, expiring unused ones.

Lifecycle of one browser tab::

    GET page -> token (no session yet)
    hello(token) -> Session created, created-hooks, app run, full render   [rendered]
    loaded ack   -> onload callbacks, ``loaded``                           [loaded]
    socket drops -> kept for ``unused_session_lifetime`` ms; a hello with the same
                    token within that time resumes it (full re-render)
    lifetime over, or shutdown -> ``session.destroy()`` exactly once       [destroyed]

Replay rule: the token nonce is the session id. A token whose session is alive here
resumes it (even after the token's own expiry: the signature still proves it). A
token whose session has ended in this process is refused as expired; so is any token
past its expiry. With ``--num-procs`` a resume that lands on another process opens a
fresh session there (the token carries the request), as long as the token has not
expired.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tornado.httputil import parse_cookie, parse_qs_bytes

from ..config import config
from ..execution import handle_exception, spawn
from ..session import Session
from . import protocol
from .loader import App
from .render import Renderer
from .tokens import TokenError, TokenPayload

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger("panel_state.server")


def request_data(payload: TokenPayload) -> tuple[dict[str, list[bytes]], dict[str, str]]:
    """``session_args`` and ``cookies`` of the page request a token describes.

    Arguments keep repeated keys and blank values, as bytes (like tornado's
    ``request.arguments``); cookies come from the ``Cookie`` header.
    """
    query = payload.uri.split("#", 1)[0].partition("?")[2]
    args = parse_qs_bytes(query, keep_blank_values=True)
    cookie = next((v for k, v in payload.headers.items() if k.lower() == "cookie"), "")
    return dict(args), parse_cookie(cookie) if cookie else {}


class ServerSession:
    """A :class:`~panel_state.session.Session` plus its renderer and connection."""

    def __init__(self, session: Session, app: App, manager: SessionManager,
                 route: str = "/") -> None:
        self.session = session
        self.app = app
        self.route = route
        self.manager = manager
        self.renderer = Renderer(session)
        self.connection: Any = None
        self.disconnected_at: float | None = None
        self.expires: float = 0.0
        self.error: str | None = None
        session._internal_destroy.append(self._teardown)

    @property
    def id(self) -> str:
        return self.session.id

    def attach(self, connection: Any, send: Callable[[dict[str, Any]], None]) -> None:
        """Make ``connection`` the one client of this session (replacing any other)."""
        old = self.connection
        self.connection = connection
        self.disconnected_at = None
        self.renderer.send = send
        self.renderer.connected = True
        if old is not None and old is not connection:
            old.supersede()

    def detach(self, connection: Any) -> None:
        """The client's socket closed; start the unused-session countdown."""
        if self.connection is not connection:
            return
        self.connection = None
        self.renderer.send = None
        self.renderer.connected = False
        self.disconnected_at = self.manager.clock()

    def render_message(self, resumed: bool) -> dict[str, Any]:
        """The full render of this session (a readable error instead if that fails)."""
        roots: list[dict[str, Any]] = []
        if not self.error:
            try:
                roots = self.renderer.render(list(self.session.roots))
            except Exception as exc:
                handle_exception(exc, "rendering the app", self.session)
                self.error = f"The app could not be shown: {type(exc).__name__}: {exc}"
        title = self.session.title or self.manager.title_for(self.route)
        return protocol.render_message(
            self.session.id, roots, title=title,
            resumed=resumed, error=self.error)

    def loaded(self, url: dict[str, str]) -> asyncio.Future[Any] | None:
        """The client rendered: reconcile the URL, then run the onload queue.

        The browser reports the URL it shows. When its path and query are still the
        page request's, it only adds the hash (which never reaches the server), and
        changes app code made to the Location meanwhile (``sync`` writing defaults)
        are sent to it. When the browser has moved on, its URL wins.
        """
        session = self.session
        if session.destroyed:
            return None
        problem: Exception | None = None
        if not self.renderer.url_ready:
            self.renderer.url_ready = True
            try:
                self._reconcile_url(url)
            except (ValueError, TypeError) as exc:  # a URL the Location refuses
                problem = exc
        future = None
        if not session.loaded:
            future = spawn(session.load(), session=session, what="session load")
        if problem is not None:
            raise problem
        return future

    def _reconcile_url(self, url: dict[str, str]) -> None:
        session = self.session
        request = urlsplit(session.uri)
        request_search = f"?{request.query}" if request.query else ""
        same_page = (url["pathname"], url["search"]) == (request.path, request_search)
        if session._location is None and same_page and not url["hash"]:
            # Nothing to reconcile: a Location built later from the request matches the
            # browser. Listen to it once it exists (most apps never touch it).
            session._location_hooks.append(self.renderer.watch_location)
            return
        location = session.location
        self.renderer.watch_location(location)
        with session.activate():
            if not same_page:
                location._apply_client_url(url["pathname"], url["search"], url["hash"])
                return
            pending = location._client_action()
            hash = location.hash or url["hash"]
            location._apply_client_url(location.pathname, location.search, hash)
        if pending is not None and self.connection is not None:
            self.connection.send(protocol.url_message(
                pending[0], location.pathname + location.search + location.hash))

    def apply_url(self, url: dict[str, str]) -> None:
        """The browser URL changed (back/forward, hash); the Location follows."""
        session = self.session
        location = session.location
        self.renderer.watch_location(location)
        with session.activate():
            location._apply_client_url(url["pathname"], url["search"], url["hash"])

    def _teardown(self, session: Session) -> None:
        session._location_hooks.clear()
        self.renderer.close()
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.end("shutdown" if self.manager.closing else "expired")
        self.manager._forget(self)


class SessionManager:
    """The live sessions of one server, and the nonces of the ended ones.

    Parameters
    ----------
    apps : dict
        Route -> :class:`~panel_state.server.loader.App`.
    loop : asyncio loop
        The server loop sessions live on.
    lifetime, check_interval : callable
        Return the unused-session lifetime and check interval in ms (read on each
        check, so ``config`` changes apply).
    """

    def __init__(self, apps: dict[str, App], loop: asyncio.AbstractEventLoop,
                 lifetime: Callable[[], int] | None = None,
                 check_interval: Callable[[], int] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.apps = apps
        self.loop = loop
        self.lifetime = lifetime or (lambda: config.unused_session_lifetime)
        self.check_interval = check_interval or (lambda: config.check_unused_sessions)
        self.clock = clock
        #: Route -> page title (the server context replaces it with its own titles).
        self.title_for: Callable[[str], str | None] = lambda route: apps[route].title
        self.sessions: dict[str, ServerSession] = {}
        self._ended: dict[str, float] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.closing = False

    # -- opening -----------------------------------------------------------------------
    def open(self, payload: TokenPayload, now: float) -> tuple[ServerSession, bool]:
        """Resume the token's live session or create one; returns ``(session, resumed)``.

        Raises
        ------
        TokenError
            ``expired`` for a token whose session ended or whose time ran out.
        """
        live = self.sessions.get(payload.nonce)
        if live is not None and not live.session.destroyed:
            return live, True
        if payload.nonce in self._ended:
            raise TokenError("expired", "This session has ended (the tab was closed or idle "
                             "too long, or the server restarted); reload the page.")
        if now > payload.expires:
            raise TokenError("expired", f"Session token expired {now - payload.expires:.0f} s "
                             "ago before a session was opened; reload the page.")
        app = self.apps.get(payload.app)
        if app is None:
            raise TokenError("forged", f"Session token names no app served here "
                             f"({payload.app!r}); reload the page.")
        return self._create(payload, app), False

    def _create(self, payload: TokenPayload, app: App) -> ServerSession:
        args, cookies = request_data(payload)
        session = Session(payload.url, session_args=args, cookies=cookies,
                          headers=dict(payload.headers), loop=self.loop, id=payload.nonce)
        server_session = ServerSession(session, app, self, route=payload.app)
        server_session.expires = payload.expires
        self.sessions[session.id] = server_session
        session.run_created_hooks()
        try:
            app.run(session)
        except Exception as exc:
            handle_exception(exc, f"app {app!r}", session)
            server_session.error = f"The app raised {type(exc).__name__}: {exc}"
        session.mark_rendered()
        self._arm()
        return server_session

    # -- expiry ----------------------------------------------------------------------------
    def _arm(self) -> None:
        if self._timer is None and not self.closing and not self.loop.is_closed():
            self._timer = self.loop.call_later(self.check_interval() / 1000, self._check)

    def _check(self) -> None:
        self._timer = None
        now = self.clock()
        lifetime = self.lifetime() / 1000
        for server_session in list(self.sessions.values()):
            gone = server_session.disconnected_at
            if gone is not None and now - gone >= lifetime:
                log.debug("Session %s unused for %.1f s; destroying it",
                          server_session.id[:8], now - gone)
                server_session.session.destroy()
        wall = time.time()
        for nonce, expires in list(self._ended.items()):
            if expires < wall:
                del self._ended[nonce]
        if self.sessions or self._ended:
            self._arm()

    def _forget(self, server_session: ServerSession) -> None:
        self.sessions.pop(server_session.id, None)
        if server_session.expires > time.time():
            self._ended[server_session.id] = server_session.expires

    def destroy_all(self) -> None:
        """Destroy every session (shutdown): hooks run, callbacks stop, sockets close."""
        self.closing = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for server_session in list(self.sessions.values()):
            try:
                server_session.session.destroy()
            except Exception as exc:
                handle_exception(exc, "destroying a session at shutdown", server_session.session)
        self.sessions.clear()
