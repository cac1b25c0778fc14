"""Noticing saves: a watchfiles thread over the watched files' folders, and a debouncer.

:class:`FileWatcher` runs `watchfiles <https://watchfiles.helpmanual.io>`_ (the Rust
``notify`` watcher) on a thread of its own over the *folders* of the watched files,
not recursively: editors often save by writing a temporary file and renaming it over
the original, which replaces the file a per-file watch would follow. Events for any
other file in those folders are dropped by its filter. Batches go to ``deliver`` on the
watcher thread; the reloader hands them to its loop.

:class:`Debouncer` is the pure timing: an editor's save is a burst of events (temporary
file, rename, metadata), and a developer may save many times in a row. A burst is one
batch, and batches are at least ``interval`` apart -- so a single save reloads at
once, and twenty saves within a second reload at most twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["Debouncer", "FileWatcher"]

log = logging.getLogger(__name__)


class Debouncer:
    """Collects changed paths into batches; a pure function of the ``now`` values given.

    A batch is due once no event came for ``quiet`` seconds (an editor's save is a
    burst of events), or ``max_wait`` seconds after its first event (a stream of
    events), but never sooner than ``interval`` seconds after the previous batch was
    taken: a first save reloads at once, a flurry of saves right after it reloads once
    more when the interval is over, with all of them.

    Parameters
    ----------
    quiet, max_wait, interval : float
        Seconds, with ``0 < quiet <= max_wait``.

    Examples
    --------
    >>> d = Debouncer(quiet=0.05, max_wait=1.0, interval=1.0)
    >>> d.add(["app.py"], now=10.0)
    10.05
    >>> d.take(now=10.02) is None, sorted(d.take(now=10.05))
    (True, ['app.py'])
    >>> d.add(["app.py"], now=10.3)   # the next batch waits out the interval
    11.05
    """

    def __init__(self, quiet: float = 0.03, max_wait: float = 1.0,
                 interval: float = 1.0) -> None:
        if not 0 < quiet <= max_wait or interval < 0:
            raise ValueError(f"Debouncer needs 0 < quiet <= max_wait and interval >= 0, got "
                             f"quiet={quiet!r}, max_wait={max_wait!r}, interval={interval!r}.")
        self.quiet = quiet
        self.max_wait = max_wait
        self.interval = interval
        self._pending: set[Any] = set()
        self._first: float | None = None
        self._last: float | None = None
        self._previous: float | None = None

    @property
    def deadline(self) -> float | None:
        """When the pending batch is due, or None when nothing is pending."""
        if self._first is None or self._last is None:
            return None
        due = min(self._last + self.quiet, self._first + self.max_wait)
        if self._previous is not None:
            due = max(due, self._previous + self.interval)
        return due

    def add(self, items: Iterable[Any], now: float) -> float | None:
        """Add the items of one event batch seen at ``now``; returns the new deadline."""
        items = set(items)
        if items:
            self._pending |= items
            if self._first is None:
                self._first = now
            self._last = now
        return self.deadline

    def take(self, now: float) -> set[Any] | None:
        """The pending batch if it is due at ``now`` (and start a new one), else None."""
        deadline = self.deadline
        if deadline is None or now < deadline:
            return None
        batch, self._pending = self._pending, set()
        self._first = self._last = None
        self._previous = now
        return batch


class FileWatcher:
    """A daemon thread watching the folders of ``files`` and delivering their changes.

    Parameters
    ----------
    deliver : callable
        ``deliver(changes)`` with watchfiles' ``{(Change, path), ...}`` for watched
        files only, called on the watcher thread.
    name : str
        The thread's name.
    step_ms : int
        watchfiles' grouping step: events this close together arrive as one batch.
    """

    def __init__(self, deliver: Callable[[set[tuple[Any, str]]], Any], *,
                 name: str = "panel_state-watcher", step_ms: int = 20) -> None:
        self.deliver = deliver
        self.name = name
        self.step_ms = step_ms
        self._files: frozenset[str] = frozenset()
        self._folders: frozenset[str] = frozenset()
        self._cycle = threading.Event()
        self._stopped = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def files(self) -> frozenset[str]:
        """The watched files (resolved paths)."""
        return self._files

    def watch(self, files: Iterable[str | Path]) -> None:
        """Watch exactly ``files`` from now on (safe from any thread)."""
        self._files = frozenset(str(Path(f).resolve()) for f in files)
        folders = frozenset(str(Path(f).parent) for f in self._files)
        if folders != self._folders:
            self._folders = folders
            self._ready.clear()
            self._cycle.set()  # the thread starts watching the new folders

    def wants(self, _change: Any, path: str) -> bool:
        """watchfiles' filter: only events for watched files."""
        return path in self._files

    def start(self) -> None:
        """Start the watcher thread (:meth:`wait_ready` waits until it watches)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Wait until the current folders are watched; True if they are."""
        return self._ready.wait(timeout)

    def stop(self) -> None:
        """Stop the thread and wait for it (within a few steps)."""
        self._stopped.set()
        self._cycle.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        # Deferred: watchfiles is the optional [dev] extra, needed only with --dev.
        import watchfiles

        quiet = logging.getLogger("watchfiles.main")
        if quiet.level == logging.NOTSET:  # its "1 change detected" per save: ours says more
            quiet.setLevel(logging.WARNING)
        while not self._stopped.is_set():
            self._cycle.clear()
            folders = sorted(f for f in self._folders if Path(f).is_dir())
            if not folders:
                self._ready.set()
                self._cycle.wait()
                continue
            try:
                # The folders are watched once the first (empty, timed-out) batch comes.
                for changes in watchfiles.watch(
                        *folders, watch_filter=self.wants, stop_event=self._cycle,
                        debounce=400, step=self.step_ms, rust_timeout=50,
                        yield_on_timeout=True, raise_interrupt=False, recursive=False):
                    if not self._ready.is_set():
                        self._ready.set()
                        log.info("Autoreload: watching %d file(s) in %s", len(self._files),
                                 ", ".join(folders))
                    if changes:
                        self.deliver(changes)
            except (OSError, RuntimeError) as exc:  # a folder vanished: look again soon
                log.warning("Watching %s failed (%s); retrying.", folders, exc)
                self._stopped.wait(0.5)
