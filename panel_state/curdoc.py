"""The document side of a Session: what Panel code reaches through ``pn.state.curdoc``.

Panel apps treat ``pn.state.curdoc`` as a Bokeh ``Document``: they read
``curdoc.session_context.id`` and ``.request``, add and remove periodic, timeout and
next-tick callbacks, and ``hold()`` / ``unhold()`` patches around a burst of changes.
:class:`Document` gives a :class:`~panel_state.session.Session` those methods, and
the session's companions: its toasts (``notifications``), what its browser reports
(``browser_info``) and an expiration block. :func:`hold` is Panel's
``pn.io.hold()`` context manager.

Thread-safety: adding and removing callbacks, ``hold``/``unhold`` and the expiration
block may be called from any thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from . import context, execution, loops
from ._params import get_value
from .browser import BrowserInfo
from .config import config
from .errors import describe
from .notifications import NotificationArea
from .periodic import PeriodicCallback

if TYPE_CHECKING:
    from types import SimpleNamespace

    from .session import Session

__all__ = ["HOLD_POLICIES", "Document", "SessionCallback", "block_expiration", "hold",
           "unblock_expiration", "unlocked", "with_lock"]

#: Bokeh's hold policies; both collect every change into one batch here.
HOLD_POLICIES = ("combine", "collect")


class SessionCallback:
    """A timeout or next-tick callback of a session; pass it to ``remove_*`` to cancel."""

    __slots__ = ("_handle", "_lock", "callback", "done", "kind")

    def __init__(self, callback: Callable[[], Any], kind: str) -> None:
        self.callback = callback
        self.kind = kind
        #: True once it ran or was removed.
        self.done = False
        self._handle: asyncio.Handle | None = None
        self._lock = threading.Lock()

    def claim(self) -> bool:
        """Mark it done; True for the one caller that got there first."""
        with self._lock:
            if self.done:
                return False
            self.done = True
            return True

    def arm(self, handle: asyncio.Handle) -> None:
        """Remember the loop handle that runs it (cancelled by :meth:`cancel`)."""
        self._handle = handle

    def cancel(self) -> None:
        """Cancel the loop handle, if it is armed (loop thread)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def __repr__(self) -> str:
        return f"<SessionCallback {self.kind} {describe(self.callback)} done={self.done}>"


class Document:
    """Bokeh ``Document`` methods and per-session companions, mixed into Session."""

    if TYPE_CHECKING:  # provided by Session
        id: str
        loop: asyncio.AbstractEventLoop | None

        @property
        def destroyed(self) -> bool: ...
        @property
        def request(self) -> SimpleNamespace: ...
        @property
        def periodic_callbacks(self) -> tuple[PeriodicCallback, ...]: ...
        def post(self, command: dict[str, Any]) -> None: ...
        def wake(self) -> None: ...
        def on_teardown(self, callback: Callable[[Session], Any]) -> None: ...

    #: The route the session was opened on (set by the server); None elsewhere.
    app_path: str | None = None

    def init_document(self) -> None:
        """Set up the document side (Session's constructor calls this, once)."""
        self._doc_pending: set[SessionCallback] = set()
        self._doc_held = False
        self._doc_blocks = 0
        self._doc_notifications: NotificationArea | None = None
        self._doc_browser: BrowserInfo | None = None
        self.on_teardown(lambda _session: self._cancel_pending())

    # -- Bokeh's session context ---------------------------------------------------------
    @property
    def session_context(self) -> Document:
        """The session itself: it has Bokeh's ``session_context.id`` and ``.request``."""
        return self

    # -- callbacks ---------------------------------------------------------------------------
    def add_periodic_callback(self, callback: Callable[[], Any],
                              period_milliseconds: int) -> PeriodicCallback:
        """Run ``callback`` every ``period_milliseconds`` while the session lives.

        Returns the started :class:`~panel_state.PeriodicCallback`; pass it to
        :meth:`remove_periodic_callback` to stop it.
        """
        cb = PeriodicCallback(callback=callback, period=period_milliseconds)
        with context.activate(cast("Session", self)):
            cb.start()  # started in the session: the session owns it
        return cb

    def remove_periodic_callback(self, callback: PeriodicCallback) -> None:
        """Stop a periodic callback this session owns.

        Raises
        ------
        ValueError
            When ``callback`` is not one of this session's periodic callbacks.
        """
        if callback not in self.periodic_callbacks:
            raise ValueError(f"{callback!r} is not a periodic callback of this session (it "
                             "was removed already, or belongs to another session).")
        callback.stop()

    def add_timeout_callback(self, callback: Callable[[], Any],
                             timeout_milliseconds: float) -> SessionCallback:
        """Run ``callback`` once, ``timeout_milliseconds`` from now, session active.

        Raises
        ------
        ValueError
            For a negative or non-numeric timeout.
        RuntimeError
            When the session has no event loop.
        """
        if isinstance(timeout_milliseconds, bool) or not isinstance(
                timeout_milliseconds, int | float) or not timeout_milliseconds >= 0:
            raise ValueError(f"add_timeout_callback needs timeout_milliseconds >= 0, got "
                             f"{timeout_milliseconds!r}.")
        return self._schedule(callback, "timeout", timeout_milliseconds / 1000)

    def add_next_tick_callback(self, callback: Callable[[], Any]) -> SessionCallback:
        """Run ``callback`` in the loop's next iteration, session active.

        Without an event loop it runs now.
        """
        if self.loop is None or self.loop.is_closed():
            handle = SessionCallback(callback, "next tick")
            if handle.claim():
                self._run(handle)
            return handle
        return self._schedule(callback, "next tick", None)

    def remove_timeout_callback(self, callback: SessionCallback) -> None:
        """Cancel a timeout callback that has not run yet (see :meth:`_remove`)."""
        self._remove(callback, "timeout")

    def remove_next_tick_callback(self, callback: SessionCallback) -> None:
        """Cancel a next-tick callback that has not run yet (see :meth:`_remove`)."""
        self._remove(callback, "next tick")

    def _schedule(self, callback: Callable[[], Any], kind: str,
                  delay: float | None) -> SessionCallback:
        if not callable(callback):
            raise TypeError(f"add_{kind.replace(' ', '_')}_callback needs a callable, got "
                            f"{type(callback).__name__} {callback!r}.")
        loop = self.loop
        if loop is None or loop.is_closed():
            raise RuntimeError(f"Cannot add a {kind} callback: session {self.id[:8]} has no "
                               "event loop (serve the app, or use a virtual clock).")
        handle = SessionCallback(callback, kind)
        pending = self._doc_pending
        pending.add(handle)

        def fire() -> None:
            pending.discard(handle)
            if handle.claim() and not self.destroyed:
                self._run(handle)

        def arm() -> None:
            if handle.done:
                return
            handle.arm(loop.call_soon(fire) if delay is None else loop.call_later(delay, fire))

        loops.call_on(loop, arm, context=context.detached_context())
        return handle

    def _run(self, handle: SessionCallback) -> None:
        execution.run(handle.callback, session=cast("Session", self),
                      what=f"{handle.kind} callback {describe(handle.callback)}")

    def _remove(self, handle: SessionCallback, kind: str) -> None:
        """Cancel ``handle``.

        Raises
        ------
        ValueError
            When it already ran, was removed, or is not a ``kind`` callback.
        """
        if not isinstance(handle, SessionCallback) or handle.kind != kind or not handle.claim():
            raise ValueError(f"Cannot remove {handle!r}: it is not a pending {kind} callback "
                             "(it already ran or was removed).")
        self._doc_pending.discard(handle)
        if self.loop is not None and not self.loop.is_closed():
            loops.call_on(self.loop, handle.cancel)

    def _cancel_pending(self) -> None:
        pending, self._doc_pending = self._doc_pending, set()
        for handle in pending:
            if handle.claim():
                handle.cancel()

    # -- holding patches -----------------------------------------------------------------------
    @property
    def held(self) -> bool:
        """True between :meth:`hold` and :meth:`unhold`: changes wait, then go out together."""
        return self._doc_held

    def hold(self, policy: str = "combine") -> None:
        """Collect every change to what this session shows until :meth:`unhold`.

        Raises
        ------
        ValueError
            For a policy other than Bokeh's ``'combine'`` and ``'collect'``.
        """
        if policy not in HOLD_POLICIES:
            raise ValueError(f"hold policy must be one of {list(HOLD_POLICIES)}, got {policy!r}.")
        self._doc_held = True

    def unhold(self) -> None:
        """Send what was collected since :meth:`hold` as one batch (harmless when not held)."""
        if self._doc_held:
            self._doc_held = False
            self.wake()

    # -- expiration ----------------------------------------------------------------------------
    @property
    def expiration_blocked(self) -> bool:
        """True while :meth:`block_expiration` holds the session alive without a client."""
        return self._doc_blocks > 0

    def block_expiration(self) -> None:
        """Keep this session alive while no client is attached, until unblocked.

        Blocks nest: each needs its own :meth:`unblock_expiration`.
        """
        with _lock:
            self._doc_blocks += 1

    def unblock_expiration(self) -> None:
        """Undo one :meth:`block_expiration`.

        Raises
        ------
        RuntimeError
            When the session's expiration is not blocked.
        """
        with _lock:
            if not self._doc_blocks:
                raise RuntimeError(f"unblock_expiration() without a matching "
                                   f"block_expiration() in session {self.id[:8]}.")
            self._doc_blocks -= 1

    # -- companions ------------------------------------------------------------------------------
    @property
    def notifications(self) -> NotificationArea | None:
        """This session's toasts; None when ``pn.config.notifications`` is off."""
        if self._doc_notifications is None and get_value(config, "notifications"):
            with _lock:
                if self._doc_notifications is None:
                    self._doc_notifications = NotificationArea(post=self.post)
        return self._doc_notifications

    def peek_notifications(self) -> NotificationArea | None:
        """The notification area if something has used it, else None."""
        return self._doc_notifications

    @property
    def browser_info(self) -> BrowserInfo | None:
        """What this session's browser reports; None when ``pn.config.browser_info`` is off."""
        if self._doc_browser is None and get_value(config, "browser_info"):
            with _lock:
                if self._doc_browser is None:
                    self._doc_browser = BrowserInfo()
        return self._doc_browser


_lock = threading.Lock()


@contextmanager
def hold(doc: Document | None = None, comm: Any = None) -> Iterator[None]:
    """Hold ``doc`` (default: the current session) for the ``with`` block: ``pn.io.hold()``.

    Changes made inside go out together when the block ends, as one batch. Nested, or
    with the session already held, only the outermost hold releases it. Outside a
    session it does nothing. ``comm`` is accepted for Panel's signature.

    Examples
    --------
    >>> import panel_state as pn
    >>> from panel_state.testing import session
    >>> with session() as s:
    ...     with pn.io.hold():
    ...         s.held
    ...     s.held
    True
    False
    """
    doc = doc if doc is not None else context.current_session()
    if doc is None or doc.held:
        yield
        return
    doc.hold()
    try:
        yield
    finally:
        doc.unhold()


@contextmanager
def _unblock_after(session: Document | None) -> Iterator[None]:
    try:
        yield
    finally:
        unblock_expiration(session)


def block_expiration(session: Document | None) -> Any:
    """Block ``session``'s expiration (``pn.state.block_expiration()``).

    Returns a context manager that unblocks at the end of its ``with`` block; without
    ``with`` the block lasts until :func:`unblock_expiration`. For this session only
    (Panel's blocks every session of the server). With no session it does nothing.
    """
    if session is not None:
        session.block_expiration()
    return _unblock_after(session)


def unblock_expiration(session: Document | None) -> None:
    """Undo one block of ``session`` (``pn.state.unblock_expiration()``); harmless when
    there is none, or no session."""
    if session is not None and session.expiration_blocked:
        session.unblock_expiration()


@contextmanager
def unlocked() -> Iterator[None]:
    """Panel's ``pn.io.unlocked()``: nothing to unlock here, so it only runs the block.

    Panel holds a document lock that changes from threads must step around;
    panel_state has none: a change made on any thread is handed to the session's loop
    before it goes out.
    """
    yield


def with_lock(func: Callable[..., Any]) -> Callable[..., Any]:
    """Panel's ``pn.io.with_lock``: returns ``func`` unchanged (see :func:`unlocked`)."""
    return func
