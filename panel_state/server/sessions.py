"""The server's sessions: opening from a token, resuming, expiring unused ones.

Lifecycle of one browser tab::

    GET page -> token (no session yet)
    hello(token) -> Session created, created-hooks, app run, full render   [rendered]
    loaded ack   -> onload callbacks, ``loaded``                           [loaded]
    socket drops -> kept for ``unused_session_lifetime`` ms; a hello with the same
                    token within that time resumes it (full re-render)
    lifetime over, or shutdown -> ``session.destroy()`` exactly once       [destroyed]
                    (``pn.state.block_expiration()`` holds off the lifetime of its
                    own session, not the others)

Replay rule: the token nonce is the session id. A token whose session is alive here
resumes it (even after the token's own expiry: the encryption still proves it). A
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

from tornado.httputil import parse_cookie

from ..config import config
from ..errors import handle_exception
from ..session import Session
from ..urls import request_args
from ..wire.connection import Connection
from .loader import App
from .tokens import TokenError, TokenPayload

if TYPE_CHECKING:
    import asyncio

    from .config import ServerConfig

__all__ = ["Lease", "ServerFullError", "SessionManager", "request_data"]

log = logging.getLogger(__name__)


def request_data(payload: TokenPayload) -> tuple[dict[str, list[bytes]], dict[str, str]]:
    """``session_args`` and ``cookies`` of the page request a token describes.

    Arguments keep repeated keys and blank values, as bytes (see
    :func:`panel_state.urls.request_args`); cookies come from the ``Cookie`` header.
    """
    query = payload.uri.split("#", 1)[0].partition("?")[2]
    cookie = next((v for k, v in payload.headers.items() if k.lower() == "cookie"), "")
    return request_args(query), parse_cookie(cookie) if cookie else {}


class ServerFullError(RuntimeError):
    """``max_sessions`` sessions are live: no new one now (resumes still work)."""


class Lease:
    """How long the server keeps one session: its connection, route and clock."""

    __slots__ = ("budget", "connection", "disconnected_at", "expires", "route")

    def __init__(self, connection: Connection, route: str, expires: float) -> None:
        self.connection = connection
        self.route = route
        #: The token's expiry (epoch seconds): a resume after it needs the live session.
        self.expires = expires
        #: ``clock()`` when the last client left, or None while one is attached.
        self.disconnected_at: float | None = None
        #: The session's incoming-message budget (an ``EventBudget``), kept across
        #: reconnects; set by the transport.
        self.budget: Any = None

    @property
    def session(self) -> Session:
        """The leased session."""
        return self.connection.session


class SessionManager:
    """The live sessions of one server, and the nonces of the ended ones.

    Parameters
    ----------
    config : ServerConfig
        The server's configuration (apps, titles, lifetimes).
    loop : asyncio loop
        The server loop sessions live on.
    clock : callable
        Monotonic seconds; tests inject their own.
    """

    def __init__(self, config: ServerConfig, loop: asyncio.AbstractEventLoop,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.loop = loop
        self.clock = clock
        self.leases: dict[str, Lease] = {}
        self._ended: dict[str, float] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.closing = False

    def lifetime(self) -> int:
        """Milliseconds an unused session is kept (the config's, else ``pn.config``'s)."""
        value = self.config.unused_session_lifetime
        return config.unused_session_lifetime if value is None else value

    def check_interval(self) -> int:
        """Milliseconds between expiry checks (the config's, else ``pn.config``'s)."""
        value = self.config.check_unused_sessions
        return config.check_unused_sessions if value is None else value

    def title_for(self, route: str) -> str:
        """The page title of ``route``: configured, the app's own, or the route."""
        app = self.config.apps.get(route)
        title = self.config.titles.get(route) or (app.title if app is not None else None)
        return title or (route.strip("/") or "panel_state")

    @property
    def sessions(self) -> list[Session]:
        """The live sessions."""
        return [lease.session for lease in self.leases.values()]

    @property
    def ended_count(self) -> int:
        """How many ended sessions' nonces are remembered (until their tokens expire)."""
        return len(self._ended)

    # -- opening -----------------------------------------------------------------------
    def open(self, payload: TokenPayload, now: float) -> tuple[Lease, bool]:
        """Resume the token's live session or create one; returns ``(lease, resumed)``.

        Raises
        ------
        TokenError
            ``expired`` for a token whose session ended or whose time ran out.
        ServerFullError
            When ``max_sessions`` sessions are live (a resume is never refused).
        """
        live = self.leases.get(payload.nonce)
        if live is not None and not live.session.destroyed:
            return live, True
        if payload.nonce in self._ended:
            raise TokenError("expired", "This session has ended (the tab was closed or idle "
                             "too long, or the server restarted); reload the page.")
        if now > payload.expires:
            raise TokenError("expired", f"Session token expired {now - payload.expires:.0f} s "
                             "ago before a session was opened; reload the page.")
        app = self.config.apps.get(payload.app)
        if app is None:
            raise TokenError("forged", f"Session token names no app served here "
                             f"({payload.app!r}); reload the page.")
        if self.full:
            raise ServerFullError(f"The server is full ({len(self.leases)} sessions, the "
                                  "most it serves at once); try again in a moment.")
        return self._create(payload, app), False

    @property
    def full(self) -> bool:
        """Whether ``max_sessions`` sessions are live (always False without a limit)."""
        limit = self.config.max_sessions
        return bool(limit) and len(self.leases) >= limit

    def _create(self, payload: TokenPayload, app: App) -> Lease:
        args, cookies = request_data(payload)
        session = Session(payload.url, session_args=args, cookies=cookies,
                          headers=dict(payload.headers), loop=self.loop, id=payload.nonce)
        session.app_path = payload.app
        connection = Connection(session, title=self.title_for(payload.app))
        lease = Lease(connection, payload.app, payload.expires)
        self.leases[session.id] = lease
        session.on_teardown(lambda _session: self._forget(lease))
        session.run_created_hooks()
        try:
            app.run(session)
        except Exception as exc:
            handle_exception(exc, f"app {app!r}", session, "app")
            connection.error = f"The app raised {type(exc).__name__}: {exc}"
        session.mark_rendered()
        self._arm()
        return lease

    def detached(self, lease: Lease) -> None:
        """The lease's client left: start its unused-session countdown."""
        lease.disconnected_at = self.clock()

    # -- expiry ----------------------------------------------------------------------------
    def _arm(self) -> None:
        if self._timer is None and not self.closing and not self.loop.is_closed():
            self._timer = self.loop.call_later(self.check_interval() / 1000, self._check)

    def _check(self) -> None:
        self._timer = None
        now = self.clock()
        lifetime = self.lifetime() / 1000
        for lease in list(self.leases.values()):
            gone = lease.disconnected_at
            if lease.session.expiration_blocked:
                continue  # pn.state.block_expiration() in that session
            if gone is not None and now - gone >= lifetime:
                log.debug("Session %s unused for %.1f s; destroying it",
                          lease.session.id[:8], now - gone)
                lease.session.destroy()
        wall = time.time()
        for nonce, expires in list(self._ended.items()):
            if expires < wall:
                del self._ended[nonce]
        if self.leases or self._ended:
            self._arm()

    def _forget(self, lease: Lease) -> None:
        self.leases.pop(lease.session.id, None)
        if lease.expires > time.time():
            self._ended[lease.session.id] = lease.expires

    def destroy_all(self) -> None:
        """Destroy every session (shutdown): hooks run, callbacks stop, sockets close."""
        self.closing = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for lease in list(self.leases.values()):
            lease.connection.end_reason = "shutdown"
            try:
                lease.session.destroy()
            except Exception as exc:
                handle_exception(exc, "destroying a session at shutdown", lease.session)
        self.leases.clear()
