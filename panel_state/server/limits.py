"""The arithmetic of the server's limits: event budgets and connections per address.

Pure bookkeeping with explicit ``now`` values, so the rules are tested without a loop
or a socket; :mod:`.websocket` and :mod:`.httpserver` apply them.

:class:`EventBudget` is a token bucket: ``burst`` messages may arrive at once, then
``rate`` per second. :meth:`EventBudget.take` says how long to wait before reading the
next message (0: go on), and :attr:`EventBudget.throttled_since` when the current
run over budget began -- a session that stays over its budget for ``flood_timeout``
seconds is flooding. The run ends only once the bucket has refilled by a second's
worth (or half its size): a flooder that is read a little late now and then stays
over budget.

Examples
--------
>>> budget = EventBudget(rate=10, burst=2, now=0.0)
>>> budget.take(0.0), budget.take(0.0), budget.take(0.0)
(0.0, 0.0, 0.1)
>>> budget.throttled_since
0.0
>>> budget.take(1.0), budget.throttled_since is None
(0.0, True)
"""

from __future__ import annotations

import collections

__all__ = ["AddressCounter", "EventBudget"]


class EventBudget:
    """A token bucket of ``burst`` messages refilled at ``rate`` per second.

    Parameters
    ----------
    rate : float
        Messages per second sustained; 0 means no budget (:meth:`take` is always 0).
    burst : int
        Messages that may arrive at once (the bucket's size; it starts full).
    now : float
        The clock's current reading (seconds).
    """

    __slots__ = ("burst", "rate", "stamp", "throttled_since", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = float(rate)
        self.burst = float(burst)
        self.tokens = self.burst
        self.stamp = now
        #: When the current run of messages over the budget began, or None.
        self.throttled_since: float | None = None

    def take(self, now: float, backlogged: bool = False) -> float:
        """Spend one message at ``now``; returns the seconds to wait before the next.

        ``backlogged`` (the client has much more queued) counts as over budget
        whatever the tokens say.
        """
        if self.rate <= 0:
            return 0.0
        elapsed = max(0.0, now - self.stamp)
        self.stamp = now
        tokens = min(self.burst, self.tokens + elapsed * self.rate)
        if not backlogged and tokens >= min(self.burst / 2, self.rate):
            self.throttled_since = None  # a second's worth under budget: a fresh start
        self.tokens = tokens - 1
        if self.tokens >= 0 and not backlogged:
            return 0.0
        if self.throttled_since is None:
            self.throttled_since = now
        return max(0.0, -self.tokens / self.rate)

    def throttled_for(self, now: float) -> float:
        """Seconds the budget has been exceeded without a break (0 when it is not)."""
        since = self.throttled_since
        return 0.0 if since is None else now - since


class AddressCounter:
    """Open connections per client address, against a cap (0: no cap).

    Examples
    --------
    >>> counter = AddressCounter(cap=2)
    >>> counter.acquire("10.0.0.1"), counter.acquire("10.0.0.1"), counter.acquire("10.0.0.1")
    (True, True, False)
    >>> counter.release("10.0.0.1"); counter.count("10.0.0.1")
    1
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.counts: collections.Counter[str] = collections.Counter()

    def count(self, address: str) -> int:
        """Connections open from ``address``."""
        return self.counts.get(address, 0)

    def allows(self, address: str) -> bool:
        """Whether one more connection from ``address`` stays within the cap."""
        return not self.cap or self.count(address) < self.cap

    def acquire(self, address: str, *, force: bool = False) -> bool:
        """Count one more connection from ``address`` unless over the cap (or ``force``)."""
        if not force and not self.allows(address):
            return False
        self.counts[address] += 1
        return True

    def release(self, address: str) -> None:
        """One connection from ``address`` closed."""
        left = self.counts.get(address, 0) - 1
        if left > 0:
            self.counts[address] = left
        else:
            self.counts.pop(address, None)
