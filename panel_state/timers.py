"""The per-loop timer heap that fires many periodic callbacks cheaply.

All periodic callbacks of one event loop share one armed asyncio timer: a heap of
deadlines on the loop's monotonic clock. When it fires, every callback due (within a
small slack) runs in deadline order, each reschedules on its own fixed grid, and the
timer is re-armed once. Callbacks that share a period keep a stable order, so the gap
between two runs of the same callback stays close to its period even with thousands.

An entry is ``(when, seq, callback, generation)``; the callback needs a
``generation`` int (entries of an older one are dropped) and ``fire(when)``.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import weakref
from typing import Any

__all__ = ["SLACK", "Timers", "timers_for"]

#: Callbacks due within this many seconds of the earliest one fire together.
SLACK = 0.001


class Timers:
    """One loop's heap of periodic deadlines behind a single asyncio timer.

    Only the loop's own thread touches it (or any thread while the loop is not
    running). It holds the loop weakly, so a closed loop and its heap can be freed.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = weakref.ref(loop)
        self.heap: list[tuple[float, int, Any, int]] = []
        self.seq = itertools.count()
        self.handle: asyncio.TimerHandle | None = None
        self.armed_at = float("inf")
        self.firing = False

    def add(self, when: float, cb: Any, generation: int) -> None:
        """Fire ``cb.fire(when)`` at loop time ``when`` unless its generation moved on."""
        heapq.heappush(self.heap, (when, next(self.seq), cb, generation))
        if when < self.armed_at and not self.firing:  # _fire arms once when done
            self._arm(when)

    def discard(self, cb: Any) -> None:
        """Drop ``cb``'s deadlines, so a stopped callback is not kept alive by the heap."""
        kept = [entry for entry in self.heap if entry[2] is not cb]
        if len(kept) == len(self.heap):
            return
        heapq.heapify(kept)
        self.heap = kept
        if not kept and self.handle is not None:
            self.handle.cancel()
            self.handle = None
            self.armed_at = float("inf")

    def _arm(self, when: float) -> None:
        loop = self._loop()
        if loop is None or loop.is_closed():
            return
        if self.handle is not None:
            self.handle.cancel()
        self.armed_at = when
        # An empty context: the timer must not keep whichever session armed it alive.
        self.handle = loop.call_at(when, self._fire, context=contextvars.Context())

    def _fire(self) -> None:
        loop = self._loop()
        self.handle = None
        self.armed_at = float("inf")
        if loop is None:
            return
        heap = self.heap
        limit = loop.time() + SLACK
        due = []
        while heap and heap[0][0] <= limit:
            due.append(heapq.heappop(heap))
        self.firing = True
        try:
            for when, _seq, cb, generation in due:
                if cb.generation == generation:
                    cb.fire(when)
        finally:
            self.firing = False
        heap = self.heap
        while heap and heap[0][2].generation != heap[0][3]:
            heapq.heappop(heap)  # drop entries of stopped or rescheduled callbacks
        if heap and self.handle is None:
            self._arm(heap[0][0])


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Timers] = (
    weakref.WeakKeyDictionary()
)


def timers_for(loop: asyncio.AbstractEventLoop) -> Timers:
    """The timer heap of ``loop``, made on first use."""
    timers = _by_loop.get(loop)
    if timers is None:
        timers = _by_loop[loop] = Timers(loop)
    return timers
