"""The process's thread pool, sized by ``pn.config.nthreads``.

``None`` means no pool (threaded work raises a clear error), ``0`` Python's default
size. The pool is made on first use and remade when ``nthreads`` changes.
"""

from __future__ import annotations

import concurrent.futures
import threading

from ._params import get_value
from .config import config

__all__ = ["in_flight", "require_pool", "shutdown_pool", "thread_pool", "track"]

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_size: int | None = None
_lock = threading.Lock()
_in_flight = 0


def thread_pool() -> concurrent.futures.ThreadPoolExecutor | None:
    """Return the shared thread pool, creating it when ``config.nthreads`` is set."""
    global _pool, _size
    n = get_value(config, "nthreads")  # every periodic tick asks; skip the descriptor
    if n is None:
        return None
    with _lock:
        if _pool is None or _size != n:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=n or None, thread_name_prefix="panel_state")
            _size = n
        return _pool


def require_pool(what: str) -> concurrent.futures.ThreadPoolExecutor:
    """The pool, or a RuntimeError saying how to make one.

    Raises
    ------
    RuntimeError
        When ``config.nthreads`` is None.
    """
    pool = thread_pool()
    if pool is None:
        raise RuntimeError(
            f"Cannot run {what} on a thread: there is no thread pool. Set "
            "pn.config.nthreads (or pass --num-threads to panel-state serve) first.")
    return pool


def shutdown_pool(wait: bool = True) -> None:
    """Shut the shared thread pool down; a new one is made on next use."""
    global _pool, _size
    with _lock:
        pool, _pool, _size = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


def in_flight() -> int:
    """How many submitted callbacks are queued or running on the thread pool."""
    return _in_flight


def track(delta: int) -> None:
    """Count ``delta`` more (or fewer) callbacks in flight on the pool."""
    global _in_flight
    with _lock:
        _in_flight += delta
