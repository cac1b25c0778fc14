"""Session: one browser tab's (or notebook output's) document and its lifecycle.

A Session holds the snapshot of the page request, its Location, its roots, its busy
counter, its onload queue, the periodic callbacks and futures it owns and its
destroyed-hooks. Its document side -- Bokeh's ``Document`` methods Panel code calls on
``pn.state.curdoc``, its notifications and browser info -- is
:class:`panel_state.curdoc.Document`. The process-wide lifecycle hooks
(``pn.state.on_session_created`` and global ``on_session_destroyed``) live in
:mod:`panel_state.hooks`.

Lifecycle::

    created -> rendered (app ran, first render sent) -> loaded (client rendered,
    onload ran) -> destroyed (exactly once: hooks run, callbacks stop, refs dropped)
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import param

from . import busy as _busy
from . import context, execution, history, hooks, loops
from ._params import set_readonly
from .curdoc import Document
from .location import Location
from .urls import request_args

if TYPE_CHECKING:
    from .periodic import PeriodicCallback

__all__ = ["PHASES", "Session", "live_sessions"]

#: Sessions created and not yet destroyed, by id. Destroy removes them, so nothing
#: here outlives a session.
_live: dict[str, Session] = {}
_live_lock = threading.Lock()

PHASES = ("created", "rendered", "loaded", "destroyed")

_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_COOKIE_VALUE = re.compile(r"[!#-+\--:<-\[\]-~]*")


def live_sessions() -> list[Session]:
    """Return every session that has been created and not yet destroyed."""
    with _live_lock:
        return list(_live.values())


class Session(Document, param.Parameterized):
    """The document of one browser tab: what ``pn.state.curdoc`` returns in a session.

    A Session carries the snapshot of the page request (``session_args``, ``cookies``,
    ``headers``), its :class:`~panel_state.Location`, its roots, a busy counter, the
    onload queue, the periodic callbacks it owns and its destroyed-hooks. The server
    creates one per websocket, a notebook one per displayed output; tests create them
    with :func:`panel_state.testing.session`.

    Thread-safety: read-only attributes may be read from any thread; everything else is
    meant to run on the session's event loop (``state.execute`` gets you there).

    Parameters
    ----------
    url : str
        The page URL the session was opened with; ``session_args`` and the Location
        derive from it unless given explicitly.
    session_args, cookies, headers : dict, optional
        Request data. ``session_args`` maps each query key to a list of bytes values.
    loop : asyncio.AbstractEventLoop, optional
        The loop the session lives on; defaults to the running loop, if any.

    Examples
    --------
    >>> from panel_state.session import Session
    >>> s = Session(url="http://localhost:5006/app?phase=0.5")
    >>> s.session_args
    {'phase': [b'0.5']}
    >>> s.destroy()
    """

    busy = param.Boolean(default=False, readonly=True, doc="""
        True while a callback triggered by this session's events or periodic callbacks
        runs.""")
    loaded = param.Boolean(default=False, readonly=True, doc="""
        True once the client has rendered the page and every onload callback has run.""")
    phase: str = param.Selector(  # type: ignore[assignment]
        default="created", objects=list(PHASES), readonly=True,
        doc="Lifecycle phase: created -> rendered -> loaded -> destroyed.")

    _ids = itertools.count(1)

    def __init__(self, url: str = "http://localhost/", *,
                 session_args: dict[str, list[bytes]] | None = None,
                 cookies: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None,
                 loop: asyncio.AbstractEventLoop | None = None,
                 id: str | None = None) -> None:
        super().__init__(name=f"Session{next(self._ids):05d}")
        parts = urlsplit(url)
        self.id: str = id or secrets.token_urlsafe(18)
        self.url = url
        self.protocol = parts.scheme or "http"
        self.host = parts.netloc or "localhost"
        self.uri = parts.path + (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
        self.session_args: dict[str, list[bytes]] = (
            dict(session_args) if session_args is not None else request_args(parts.query))
        self.cookies: dict[str, str] = dict(cookies or {})
        self.headers: dict[str, str] = dict(headers or {})
        self.loop: asyncio.AbstractEventLoop | None = loop or loops.resolve_loop(None)
        self.roots: list[Any] = []
        self.title: str | None = None
        #: The template this session shows as its page, or None (:mod:`.pages`).
        self.template: Any = None
        #: Counts this session's running callbacks; drives ``busy``.
        self.busy_counter = _busy.BusyCounter(self)
        self._location: Location | None = None
        self._location_hooks: list[Callable[[Location], Any]] = []
        self._commands: list[dict[str, Any]] = []
        self._waker: Callable[[], Any] | None = None
        self._onload: list[tuple[Callable[[], Any], bool]] = []
        self._periodic: list[PeriodicCallback] = []
        self._destroyed_hooks: list[Callable[..., Any]] = []
        self._teardown: list[Callable[[Session], Any]] = []
        self._tasks: set[asyncio.Future[Any]] = set()
        self._destroying = False
        self.init_document()
        with _live_lock:
            _live[self.id] = self
        history.opened(self)

    # -- request data ------------------------------------------------------------------
    @property
    def request(self) -> SimpleNamespace:
        """The request snapshot in the shape Bokeh's session context has it."""
        return SimpleNamespace(arguments=self.session_args, cookies=self.cookies,
                               headers=self.headers, protocol=self.protocol, host=self.host,
                               uri=self.uri)

    @property
    def location(self) -> Location:
        """This session's Location, built from the page URL on first use."""
        if self._location is None:
            self._location = Location.from_request(self.protocol, self.host, self.uri)
            self._location.set_loop(self.loop)
            for hook in self._location_hooks:
                hook(self._location)
        return self._location

    def peek_location(self) -> Location | None:
        """The Location if app code (or the client) has built it already, else None."""
        return self._location

    def on_location(self, callback: Callable[[Location], Any]) -> None:
        """Call ``callback(location)`` once the Location exists (now, if it does)."""
        if self._location is not None:
            callback(self._location)
        else:
            self._location_hooks.append(callback)

    @property
    def destroyed(self) -> bool:
        """True once :meth:`destroy` has started."""
        return self._destroying

    # -- commands for the client ---------------------------------------------------------
    def post(self, command: dict[str, Any]) -> None:
        """Queue a protocol message for the client (a cookie, a notification...).

        The connection showing this session sends it with its next flush.
        """
        self._commands.append(command)
        self.wake()

    def wake(self) -> None:
        """Have the connection showing this session flush now (held changes included)."""
        if self._waker is not None:
            self._waker()

    def take_commands(self) -> list[dict[str, Any]]:
        """Return and clear the queued client commands (the connection calls this)."""
        commands, self._commands = self._commands, []
        return commands

    def set_waker(self, waker: Callable[[], Any] | None) -> None:
        """Who :meth:`post` wakes to send queued commands (the connection's flush)."""
        self._waker = waker

    def set_cookie(self, name: str, value: str, max_age: int | None = None,
                   path: str = "/") -> None:
        """Ask the browser to store a cookie; later page requests send it back.

        The session's own ``cookies`` snapshot does not change: it is the request's.

        Parameters
        ----------
        name, value : str
            The cookie; ``name`` a token, ``value`` cookie-safe text (URL-encode
            anything else yourself).
        max_age : int, optional
            Seconds until it expires; None for a cookie that ends with the browser.
        path : str
            The URL path it applies to.

        Raises
        ------
        ValueError
            For a name, value, path or max_age a browser would reject or misread.
        """
        if not isinstance(name, str) or not _COOKIE_NAME.fullmatch(name):
            raise ValueError(f"Cookie name must be a non-empty token (letters, digits, "
                             f"!#$%&'*+-.^_`|~), got {name!r}.")
        if not isinstance(value, str) or not _COOKIE_VALUE.fullmatch(value):
            raise ValueError(f"Cookie value must be printable ASCII without spaces, quotes, "
                             f"commas, semicolons or backslashes, got {value!r}; "
                             f"URL-encode it first.")
        if not isinstance(path, str) or not path.startswith("/") or ";" in path:
            raise ValueError(f"Cookie path must start with '/' and have no ';', got {path!r}.")
        if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int)):
            raise ValueError(f"Cookie max_age must be whole seconds or None, got {max_age!r}.")
        self.post({"type": "cookie", "name": name, "value": value, "max_age": max_age,
                   "path": path})

    # -- context ---------------------------------------------------------------------------
    @contextmanager
    def activate(self) -> Iterator[Session]:
        """Make this the current session for the duration of the ``with`` block."""
        token = context.enter(self)
        try:
            yield self
        finally:
            context.leave(token)

    def on_loop_thread(self) -> bool:
        """True when called on the thread running this session's event loop."""
        return self.loop is None or loops.running_loop() is self.loop

    # -- roots and owned work ------------------------------------------------------------
    def add_root(self, obj: Any) -> None:
        """Add ``obj`` to the objects this session displays."""
        if obj not in self.roots:
            self.roots.append(obj)

    def track(self, future: asyncio.Future[Any]) -> None:
        """Own ``future``: it is cancelled if still pending when the session is destroyed."""
        self._tasks.add(future)
        future.add_done_callback(self._tasks.discard)

    def add_periodic(self, callback: PeriodicCallback) -> None:
        """Own a periodic callback: it is stopped when the session is destroyed."""
        if callback not in self._periodic:
            self._periodic.append(callback)

    def remove_periodic(self, callback: PeriodicCallback) -> None:
        """Stop owning a periodic callback (it stopped on its own)."""
        if callback in self._periodic and not self._destroying:
            self._periodic.remove(callback)

    @property
    def periodic_callbacks(self) -> tuple[PeriodicCallback, ...]:
        """The periodic callbacks this session owns."""
        return tuple(self._periodic)

    # -- lifecycle ---------------------------------------------------------------------------
    def on_session_destroyed(self, callback: Callable[..., Any]) -> None:
        """Register ``callback(session)`` to run once when this session is destroyed."""
        if not callable(callback):
            raise TypeError(
                f"on_session_destroyed needs a callable, got {type(callback).__name__}.")
        if callback not in self._destroyed_hooks:
            self._destroyed_hooks.append(callback)

    def on_teardown(self, callback: Callable[[Session], Any]) -> None:
        """Library teardown for this session: ``callback(session)`` after the user's
        destroyed-hooks (the server closes the connection, the loader drops the
        app module)."""
        self._teardown.append(callback)

    def run_created_hooks(self) -> None:
        """Run the process-wide ``on_session_created`` hooks, each isolated, in order."""
        for hook in hooks.created_hooks():
            execution.run(hooks.call_hook, hook, self, session=self, kind="hook",
                          what=f"on_session_created hook {hook!r}")

    def mark_rendered(self) -> None:
        """Record that the app code ran and the first render was sent."""
        if self.phase == "created":
            set_readonly(self, "phase", "rendered")

    def onload(self, callback: Callable[[], Any], threaded: bool = False) -> None:
        """Queue ``callback`` until the client has loaded; run it now if it already has."""
        if self.loaded:
            execution.run_onload(self, [(callback, threaded)])
        else:
            self._onload.append((callback, threaded))

    async def load(self) -> None:
        """Run the onload queue (each callback isolated), then set ``loaded``.

        Callbacks registered while loading join the queue. Threaded and async onload
        callbacks are awaited, so ``loaded`` turns True only after all of them.
        """
        if self.loaded or self._destroying:
            return
        while self._onload:
            batch, self._onload = self._onload, []
            pending = await execution.onload_batch(self, batch)
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            if self._destroying:
                return
        set_readonly(self, "loaded", True)
        set_readonly(self, "phase", "loaded")
        history.loaded(self)

    def destroy(self) -> None:
        """Destroy the session exactly once.

        Stops its periodic callbacks, cancels its pending work, runs its destroyed-hooks
        and then the process-wide ones (each isolated, session active, request data
        readable), runs the library's teardown and drops every reference to its objects.
        """
        if self._destroying:
            return
        self._destroying = True
        for cb in list(self._periodic):
            execution.run(cb.stop, session=self, what=f"stopping {cb!r}", kind="periodic")
        self._periodic.clear()
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
        for hook in [*self._destroyed_hooks, *hooks.destroyed_hooks()]:
            execution.run(hooks.call_hook, hook, self, session=self, kind="hook",
                          what=f"on_session_destroyed hook {hook!r}")
        for teardown in list(self._teardown):
            execution.run(teardown, self, session=self, what="session teardown", kind="hook")
        if self._location is not None:
            self._location.close()
        self._destroyed_hooks.clear()
        self._teardown.clear()
        self._location_hooks.clear()
        self._onload.clear()
        self._commands.clear()
        self._waker = None
        self.roots.clear()
        self.template = None
        self._location = None
        if self.busy_counter.count:
            _busy.reset(self)
        set_readonly(self, "phase", "destroyed")
        with _live_lock:
            _live.pop(self.id, None)
        history.closed(self)

    def __repr__(self) -> str:
        return f"<Session {self.id[:8]} {self.phase}>"
