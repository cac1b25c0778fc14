"""Serving one port from several processes (``panel-state serve --num-procs N``).

The parent binds the listening sockets, then :func:`run_workers` forks N children
that each run the given worker (a server on the inherited sockets) and exit with its
status. The parent only supervises: it forwards SIGINT and SIGTERM to every child,
waits for all of them and returns 0 when every child exited cleanly, else 1.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["run_workers"]

log = logging.getLogger(__name__)


def run_workers(n: int, worker: Callable[[int], int]) -> int:
    """Fork ``n`` processes running ``worker(index)``; returns the parent's exit status.

    In each child, ``worker``'s return value becomes the child's exit status and the
    child never returns from this call. In the parent, the call returns once every
    child has exited.

    Raises
    ------
    ValueError
        When ``n`` is below 1.
    """
    if n < 1:
        raise ValueError(f"run_workers needs at least one process, got {n}.")
    children: list[int] = []

    def forward(sig: int, _frame: Any) -> None:
        for pid in children:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    # Forward before forking, so a signal that arrives between two forks is not lost.
    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    for index in range(n):
        pid = os.fork()
        if pid == 0:  # the child: serve, then exit without returning to the caller
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            code = 1
            try:
                code = worker(index)
            except SystemExit as exc:  # the worker chose its status (a signal handler)
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except BaseException:
                log.exception("Worker %d failed", index)
            finally:
                logging.shutdown()  # flush what the worker logged
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)

    failed = 0
    try:
        for pid in children:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                failed += 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        log.error("%d of %d worker processes exited with an error", failed, n)
    return 1 if failed else 0
