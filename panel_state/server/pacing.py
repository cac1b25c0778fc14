"""Pacing one socket's incoming messages: budget, backlog, batches.

After each message the websocket asks :meth:`Pacer.after` what to do next; the answer
is a :class:`Pace`: read on at once, yield one loop turn to the other sockets (every
``message_batch`` messages), or wait before reading more -- the backpressure that
stops reading the socket, so the client's own sends block.

Only **queued** messages are charged to the session's
:class:`~panel_state.server.limits.EventBudget`: those that were already waiting when
the socket's previous message was done. A client that waits for each answer before it
sends again (a browser, a test driving it) costs itself a round trip per message and
is never charged; one that sends without waiting is. A socket waits when its session
is over that budget, or when it is **backlogged**: more
than :data:`BACKLOG_BYTES` of its data wait unread in the kernel (which holds about
64-128 KiB per socket by default on Linux). A browser never queues that much (a human
sends tens of events a second, each answered at once; 32 KiB is some 400 events), a
flooder always does, even on a server too busy to let it exceed its budget. A
backlogged socket is paced to :data:`BACKLOG_SHARE` of the loop's time (its handling
time, times nine, between messages), and counts as over budget: after
``flood_timeout`` seconds of that the session is flooding.

Everything here is arithmetic on explicit values except :func:`pending_bytes`.
"""

from __future__ import annotations

import dataclasses
import socket
import sys
from typing import TYPE_CHECKING

from .limits import EventBudget

try:  # POSIX: how many received bytes the kernel holds for a socket
    import fcntl
    import termios

    _FIONREAD: int | None = termios.FIONREAD
except ImportError:  # pragma: no cover - not on Windows
    _FIONREAD = None

if TYPE_CHECKING:
    from .config import ServerConfig

__all__ = ["BACKLOG_BYTES", "BACKLOG_SHARE", "Pace", "Pacer", "pending_bytes"]

#: Unread bytes in the kernel beyond which a socket is backlogged (a flood).
BACKLOG_BYTES = 32 * 1024
#: The share of the loop's time a backlogged socket may take.
BACKLOG_SHARE = 0.1


def pending_bytes(sock: socket.socket | None) -> int:
    """Bytes received for ``sock`` that nobody has read yet (0 when unknown)."""
    if sock is None or _FIONREAD is None:
        return 0
    try:
        raw = fcntl.ioctl(sock.fileno(), _FIONREAD, b"\0\0\0\0")
    except (OSError, ValueError):
        return 0
    return int.from_bytes(raw, sys.byteorder)


@dataclasses.dataclass(frozen=True)
class Pace:
    """What to do after one message.

    ``wait``: seconds before the next read (0: yield one loop turn; None: read on).
    ``throttled``: a run over budget began with this message (log it once).
    ``flooding``: seconds over budget, once past ``flood_timeout`` (close it).
    """

    wait: float | None = None
    throttled: bool = False
    flooding: float | None = None


GO = Pace()
YIELD = Pace(wait=0.0)


class Pacer:
    """The pacing rules of one socket for ``config``; ``budget`` may be swapped in
    (the session's, kept across reconnects).

    Examples
    --------
    >>> from panel_state.server.config import ServerConfig
    >>> from panel_state.server.loader import make_app
    >>> cfg = ServerConfig(apps={"/": make_app(lambda: "hi")}, event_rate=10, event_burst=1)
    >>> pacer = Pacer(cfg, now=0.0)
    >>> pacer.after("event", cost=0.001, queued=True, backlog=0, now=0.0)
    Pace(wait=0.0, throttled=False, flooding=None)
    >>> pacer.after("event", cost=0.001, queued=True, backlog=0, now=0.0)
    Pace(wait=0.1, throttled=True, flooding=None)
    >>> pacer.after("event", cost=0.001, queued=False, backlog=0, now=0.0).wait  # answered
    0.0
    """

    def __init__(self, config: ServerConfig, now: float) -> None:
        self.config = config
        self.budget = EventBudget(config.event_rate, config.event_burst, now)
        self.batch = 0

    def after(self, kind: str | None, cost: float, queued: bool, backlog: int,
              now: float) -> Pace:
        """The pace after a message of ``kind`` that took ``cost`` seconds to handle,
        was ``queued`` behind the previous one, and has ``backlog`` unread bytes behind
        it, at ``now``."""
        config = self.config
        flooded = backlog > BACKLOG_BYTES
        # Pings run no user code; an answered client paces itself.
        if kind != "ping" and config.event_rate and (queued or flooded):
            wait = self.budget.take(now, backlogged=flooded)
            if flooded:
                wait = max(wait, cost * (1 / BACKLOG_SHARE - 1))
            since = self.budget.throttled_since
            if since is not None:
                self.batch = 0
                over = now - since
                if config.flood_timeout and over >= config.flood_timeout:
                    return Pace(flooding=over)
                return Pace(wait=wait, throttled=since == now)
        self.batch += 1
        if config.message_batch and self.batch >= config.message_batch:
            self.batch = 0
            return YIELD
        return GO
