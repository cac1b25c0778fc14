"""Connection: one session as one client sees it, over any transport.

The protocol's session side, written once for every transport (a browser tab's
websocket, a notebook output's widget comm): render the session's roots, apply the
client's events with echo suppression and busy accounting, run the onload queue when
the client has rendered, keep the browser URL and the Location in step, and send
patches and commands out. A transport only moves messages: it finds (or makes) the
session for a ``hello``, :meth:`Connection.attach`\\ es itself, hands every later
decoded message to :meth:`Connection.receive`, and implements :class:`Transport`.

Lifecycle: a Connection lives as long as its session; transports come and go (a
dropped websocket reconnects, a new one supersedes the old). When the session is
destroyed the connection ends its transport and releases the rendered tree.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol
from urllib.parse import urlsplit

from .. import busy, loops, pool
from .._params import get_value
from ..config import config
from ..context import detached_context
from ..errors import describe, handle_exception
from ..execution import run, spawn, submit
from ..pages import page_title
from ..session import Session
from . import protocol
from .protocol import ProtocolError
from .render import Renderer

__all__ = ["Connection", "Transport"]


class Transport(Protocol):
    """How a connection reaches its client."""

    def send(self, message: dict[str, Any]) -> None:
        """Send one server message (a dict of :mod:`.protocol`)."""
        ...

    def end(self, reason: str) -> None:
        """Close the client side for ``reason`` (a key of ``protocol.CLOSE_CODES``)."""
        ...


class _Event:
    """A browser event handled on the thread pool."""

    __slots__ = ("action", "name", "obj", "quiet", "started", "value")

    def __init__(self, obj: Any, name: str, value: Any, action: bool, quiet: bool) -> None:
        self.obj, self.name, self.value, self.action = obj, name, value, action
        self.quiet = quiet  # not counted toward busy
        self.started = False

    def holds(self, later: _Event) -> bool:
        """Whether ``later`` must wait for this earlier event to finish."""
        return not self.action or self.obj is later.obj


class Connection:
    """The protocol's session side for ``session``.

    Parameters
    ----------
    session : Session
        The session shown; the connection tears down with it.
    title : str, optional
        The page title sent with the render when the app sets none.
    """

    def __init__(self, session: Session, title: str | None = None) -> None:
        self.session = session
        self.renderer = Renderer(session)
        self.transport: Transport | None = None
        self.title = title
        #: The app's error, shown with the render instead of a blank page.
        self.error: str | None = None
        #: The close reason sent to the transport when the session is destroyed.
        self.end_reason = "expired"
        #: Browser events on (or waiting for) the thread pool, in arrival order.
        self._events: list[_Event] = []
        session.on_teardown(self._teardown)

    @property
    def id(self) -> str:
        """The session id."""
        return self.session.id

    # -- transports ----------------------------------------------------------------------
    def attach(self, transport: Transport) -> None:
        """Make ``transport`` this session's one client (the previous one is superseded)."""
        old, self.transport = self.transport, transport
        self.renderer.send = transport.send
        self.renderer.connected = True
        if old is not None and old is not transport:
            old.end("superseded")

    def detach(self, transport: Transport) -> bool:
        """``transport`` went away; returns whether it was the attached one."""
        if self.transport is not transport:
            return False
        self.transport = None
        self.renderer.send = None
        self.renderer.connected = False
        return True

    def send(self, message: dict[str, Any]) -> None:
        """Send ``message`` to the attached client, if any."""
        if self.transport is not None:
            self.transport.send(message)

    # -- opening ---------------------------------------------------------------------------
    def render_message(self, resumed: bool) -> dict[str, Any]:
        """The full render of this session (a readable error instead if that fails)."""
        roots: list[dict[str, Any]] = []
        if not self.error:
            try:
                roots = self.renderer.render(list(self.session.roots))
            except Exception as exc:
                handle_exception(exc, "rendering the app", self.session, "render")
                self.error = f"The app could not be shown: {type(exc).__name__}: {exc}"
        title = page_title(self.session, self.title)
        return protocol.render_message(self.session.id, roots, title=title, resumed=resumed,
                                       error=self.error)

    def open(self, resumed: bool) -> None:
        """Send the full render to the attached client and start flushing changes."""
        self.send(self.render_message(resumed))
        settings = self.notification_settings()
        if settings is not None:
            self.send(settings)
        self.session.mark_rendered()
        self.renderer.request_flush()

    def notification_settings(self) -> dict[str, Any] | None:
        """The page's notification settings, when they differ from its defaults."""
        if not get_value(config, "notifications"):
            return None
        area = self.session.peek_notifications()
        if area is not None:
            return area.settings()
        disconnect = get_value(config, "disconnect_notification")
        if disconnect is None:
            return None
        return protocol.notifications_message("bottom-right", 5, disconnect)

    # -- incoming ----------------------------------------------------------------------------
    def receive(self, msg: dict[str, Any]) -> None:
        """Handle one decoded client message other than ``hello``.

        Raises
        ------
        ProtocolError
            For a message the session refuses; nothing changed then.
        """
        kind = msg["type"]
        if kind == "event":
            self.handle_event(msg["ref"], msg["name"], msg["value"])
        elif kind == "loaded":
            self.handle_loaded(msg["url"])
        elif kind == "url":
            self.handle_url(msg)
        elif kind == "browser":
            self.handle_browser(msg["info"])
        elif kind == "ping":
            self.send(protocol.pong_message(msg["id"]))
        else:
            raise ProtocolError("bad_message", f"A {kind!r} message is sent once, first.")

    def handle_event(self, ref: str, name: str, value: Any) -> None:
        """The client changed ``name`` of component ``ref`` to ``value``.

        The change counts toward the session's busy state; what reacts to busy turning
        True goes out first, before a slow handler holds the loop. With a thread pool
        (``config.nthreads``) the change and what it triggers (watchers, ``on_click``
        handlers) run on the pool, as in Panel, so the loop stays free. The order the
        user acted in holds: an event waits for every earlier event of the session that
        changes a value (a click sees the text typed before it) and for earlier events
        of the same component; actions on different components (two buttons) run side
        by side. A value the component refuses is answered with an error and the
        component's props. The user's scrolling (``view_quiet``) does not count
        toward busy, so busy indicators do not blink while the user scrolls.
        """
        renderer = self.renderer
        obj = renderer.lookup(ref)
        if obj is None:
            raise ProtocolError("unknown_ref", f"No component {ref!r} is displayed in this "
                                "session (it may have been removed).", ref)
        session = self.session
        renderer.expect_echo(ref, name, value)
        quiet = name in obj.view_quiet
        if not quiet:
            busy.enter(session)
            if session.busy_counter.count == 1:
                with session.activate():
                    renderer.flush()
        if pool.thread_pool() is None:
            try:
                self.apply_event(obj, name, value)
            finally:
                if not quiet:
                    busy.exit(session)
            return
        self._events.append(_Event(obj, name, value, name in obj.view_actions, quiet))
        self._dispatch()

    def _dispatch(self) -> None:
        """Start every waiting event no earlier event holds back (loop thread)."""
        for index, event in enumerate(self._events):
            if not event.started and not any(
                    earlier.holds(event) for earlier in self._events[:index]):
                event.started = True
                self._submit(event)

    def _submit(self, event: _Event) -> None:
        session = self.session

        def finished(_exc: BaseException | None) -> None:
            if not event.quiet:
                busy.exit(session)
            self._events.remove(event)
            if session.destroyed:
                for dropped in self._events:
                    if not dropped.started and not dropped.quiet:
                        busy.exit(session)
                self._events = [e for e in self._events if e.started]
            else:
                self._dispatch()

        obj, name, value = event.obj, event.name, event.value
        try:
            submit(self.apply_event, obj, name, value, session=session, kind="event",
                   what=lambda: f"the browser change of {type(obj).__name__}.{name}",
                   done=finished)
        except RuntimeError:  # the pool shut down meanwhile: apply it here
            run(self.apply_event, obj, name, value, session=session, kind="event",
                done=finished)

    def apply_event(self, obj: Any, name: str, value: Any) -> None:
        """Apply one client change to ``obj`` with the session active (any thread)."""
        session = self.session
        before = getattr(obj, name, None) if name in obj.param else None
        with session.activate():
            try:
                obj.apply_client_change(name, value)
            except (ValueError, TypeError) as exc:
                after = getattr(obj, name, None) if name in obj.param else None
                if after is not before:
                    handle_exception(exc, f"{type(obj).__name__}.{name} change", session,
                                     "event")
                    return
                loops.call_on(session.loop, self._refused, obj, name, value, exc)
            except Exception as exc:
                handle_exception(exc, f"{type(obj).__name__}.{name} change", session, "event")

    def _refused(self, obj: Any, name: str, value: Any, exc: Exception) -> None:
        self.send(protocol.error_message(
            "invalid_value", f"{type(obj).__name__}.{name} rejected {value!r}: {exc}",
            obj.view_ref))
        self.send(self.renderer.resync(obj))

    def handle_browser(self, info: dict[str, Any]) -> None:
        """The browser reported about itself; ``browser_info`` follows.

        Raises
        ------
        ProtocolError
            For a field or value ``BrowserInfo`` refuses; nothing changes then.
        """
        target = self.session.browser_info
        if target is None:
            return  # pn.config.browser_info is off
        try:
            target.check_client_info(info)
        except ValueError as exc:
            raise ProtocolError("bad_message", str(exc)) from None
        # Watchers of browser_info are app code: their errors are reported, not refused.
        run(target.apply_client_info, info, session=self.session, kind="watcher",
            what="browser_info watchers")

    def handle_loaded(self, url: dict[str, str] | None) -> asyncio.Future[Any] | None:
        """The client rendered: reconcile the URL, then run the onload queue.

        ``url`` is what the browser shows (None where there is no page URL). When its
        path and query are still the page request's, it only adds the hash (which
        never reaches the server), and changes app code made to the Location meanwhile
        (``sync`` writing defaults) are sent to it. When the browser has moved on, its
        URL wins.

        Raises
        ------
        ProtocolError
            For a URL the Location refuses (the onload queue still runs).
        """
        session = self.session
        if session.destroyed:
            return None
        problem: Exception | None = None
        if not self.renderer.url_ready and url is not None:
            self.renderer.url_ready = True
            try:
                self._reconcile_url(url)
            except (ValueError, TypeError) as exc:
                problem = exc
        future = None
        if not session.loaded:
            ready = get_value(config, "ready_notification")
            area = session.notifications if ready is not None else None
            if area is not None:
                area.success(ready, duration=3000)
            future = spawn(session.load(), session=session, what="session load",
                           kind="onload")
        if problem is not None:
            raise ProtocolError("bad_message", f"Browser URL rejected: {problem}")
        return future

    def _reconcile_url(self, url: dict[str, str]) -> None:
        session = self.session
        request = urlsplit(session.uri)
        request_search = f"?{request.query}" if request.query else ""
        same_page = (url["pathname"], url["search"]) == (request.path, request_search)
        if session.peek_location() is None and same_page and not url["hash"]:
            # Nothing to reconcile: a Location built later from the request matches the
            # browser. Listen to it once it exists (most apps never touch it).
            session.on_location(self.renderer.watch_location)
            return
        location = session.location
        self.renderer.watch_location(location)
        with session.activate():
            if not same_page:
                location.apply_browser_url(url["pathname"], url["search"], url["hash"])
                return
            pending = location.take_client_action()
            hash = location.hash or url["hash"]
            location.apply_browser_url(location.pathname, location.search, hash)
        if pending is not None:
            self.send(protocol.url_message(
                pending[0], location.pathname + location.search + location.hash))

    def handle_url(self, url: dict[str, str]) -> None:
        """The browser URL changed (back/forward, hash); the Location follows.

        Raises
        ------
        ProtocolError
            For a URL the Location refuses; nothing changes then.
        """
        session = self.session
        location = session.location
        self.renderer.watch_location(location)
        with session.activate():
            try:
                location.apply_browser_url(url["pathname"], url["search"], url["hash"])
            except (ValueError, TypeError) as exc:
                raise ProtocolError("bad_message", f"Browser URL rejected: {exc}") from None

    def describe_message(self, msg: dict[str, Any]) -> str:
        """What handling ``msg`` runs, for the block warning."""
        where = f" in session {self.session.id[:8]}"
        kind = msg["type"]
        if kind == "event":
            obj = self.renderer.lookup(msg["ref"])
            if obj is None:
                return f"the browser event {msg['name']!r} of {msg['ref']!r}{where}"
            name = msg["name"]
            watchers = (obj.param.watchers.get(name, {}).get("value", [])
                        if name in obj.param else [])
            user = [describe(w.fn) for w in watchers
                    if not str(getattr(w.fn, "__module__", "")).startswith("panel_state.")]
            label = f"{type(obj).__name__} {obj.name!r}" if obj.name else type(obj).__name__
            return (f"the browser change of {label}.{name}{where}"
                    + (f" (watchers: {', '.join(user)})" if user else ""))
        if kind in ("url", "loaded"):
            return f"the browser URL change{where} (Location sync watchers)"
        return f"the {kind!r} message{where}"

    # -- teardown ------------------------------------------------------------------------------
    def _teardown(self, session: Session) -> None:
        self.renderer.close()
        transport, self.transport = self.transport, None
        if transport is not None:
            # Outside the session's scope: a timer the transport arms on the way out
            # (tornado's close timeout) must not hold the destroyed session until then.
            detached_context().run(transport.end, self.end_reason)

    def __repr__(self) -> str:
        return f"<Connection {self.session!r}>"
