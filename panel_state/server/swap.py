"""The in-place swap of one tab to a fresh session, server side (``--autoreload``).

One token, one session (:mod:`panel_state.server.sessions`) holds here too: to move a
tab to a fresh run of its app, the server mints a *new* token from what it knows of the
tab -- its current URL (the Location's path and query, so URL-synced state comes back),
its headers -- and sends it in a ``reload`` message. The page opens a second websocket
with that token, and the new session is created and rendered as any other. Then:

* the new render succeeded: the old session is destroyed, once (its destroyed-hooks
  run, its periodic callbacks stop), and its socket is closed with ``reloaded``;
* the app raised: the new session is destroyed instead (after its ``exception``
  message went out) and the tab keeps the old one, its last good UI.

A tab with a swap under way gets no second ``reload``: the session its token opens
runs whatever code is current when it opens. A swap whose token expires unused is
forgotten.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import handle_exception
from ..wire import protocol

if TYPE_CHECKING:
    from .application import ServerContext
    from .sessions import Lease

__all__ = ["Swaps"]

log = logging.getLogger(__name__)


def current_uri(lease: Lease) -> str:
    """The path and query the tab shows now: the Location's, else the page request's."""
    session = lease.session
    location = session.peek_location()
    if location is None:
        return session.uri.split("#", 1)[0]
    return location.pathname + location.search


class Swaps:
    """The swaps under way on one server: new session id -> the session it replaces.

    Parameters
    ----------
    context : ServerContext
        The server's sessions and token minting.
    clock : callable
        Wall-clock seconds (token expiry is wall-clock).
    """

    def __init__(self, context: ServerContext, clock: Callable[[], float] = time.time) -> None:
        self.context = context
        self.clock = clock
        self._replacing: dict[str, tuple[str, float]] = {}  # new id -> (old id, expiry)
        self._underway: dict[str, str] = {}  # old id -> new id
        #: How many swaps completed with the new render shown, and how many kept the old.
        self.completed = 0
        self.failed = 0

    def pending(self, lease: Lease) -> bool:
        """Whether ``lease``'s tab was sent a token it has not opened yet."""
        self._expire()
        return lease.session.id in self._underway

    def begin(self, lease: Lease) -> bool:
        """Send ``lease``'s tab a fresh token to swap to; False if one is under way."""
        if self.pending(lease):
            return False
        session = lease.session
        now = self.clock()
        nonce = secrets.token_urlsafe(16)
        token = self.context.issue_token(
            app=lease.route, protocol=session.protocol, host=session.host,
            uri=current_uri(lease), headers=dict(session.headers), now=now, nonce=nonce)
        expires = now + self.context.config.token_lifetime
        self._replacing[nonce] = (session.id, expires)
        self._underway[session.id] = nonce
        lease.connection.send(protocol.reload_message(token))
        return True

    def opened(self, lease: Lease) -> bool:
        """A new session opened and rendered: finish the swap it is part of, if any.

        Returns whether it was a swap's new session.
        """
        entry = self._replacing.pop(lease.session.id, None)
        if entry is None:
            return False
        old_id = entry[0]
        self._underway.pop(old_id, None)
        old = self.context.manager.leases.get(old_id)
        if lease.connection.error is not None:
            self.failed += 1
            # The page keeps the old session; the exception message goes out first.
            lease.connection.renderer.flush()
            self._end(lease, "the failed replacement")
        elif old is not None:
            self.completed += 1
            self._end(old, "the replaced")
        return True

    def _end(self, lease: Lease, role: str) -> None:
        lease.connection.end_reason = "reloaded"
        try:
            lease.session.destroy()
        except Exception as exc:
            handle_exception(exc, f"destroying {role} session", lease.session)

    def _expire(self) -> None:
        now = self.clock()
        for new_id, (old_id, expires) in list(self._replacing.items()):
            if expires < now:
                del self._replacing[new_id]
                self._underway.pop(old_id, None)
                log.debug("Swap of session %s expired unused", old_id[:8])

    def clear(self) -> None:
        """Forget every swap under way (the server stops)."""
        self._replacing.clear()
        self._underway.clear()
