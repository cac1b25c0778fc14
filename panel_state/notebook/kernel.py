"""The Jupyter kernel panel_state runs in, if any: its loop, its cells, its shutdown.

A notebook's cells run on the kernel's event loop (ipykernel's main thread). When
panel_state is imported in a kernel, or first displays something there, that loop
becomes the default loop (:func:`panel_state.loops.set_default_loop`): periodic
callbacks, tasks and ``pn.state.execute`` started from a plain thread find it, and
param changes made anywhere reach the outputs through it.

Every output remembers the cell that displayed it (the ``cellId`` JupyterLab,
Notebook 7 and VS Code send with each execution); re-running that cell closes the
outputs of its previous run. Kernel shutdown closes every output, so destroyed-hooks
run once there too.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import sys
from collections.abc import Callable
from typing import Any

from .. import loops

__all__ = ["current_cell", "install", "kernel_loop", "shell"]

log = logging.getLogger(__name__)

_cell: str | None = None
_installed: Any = None
_cell_hooks: list[Callable[[str], Any]] = []


def shell() -> Any:
    """The IPython shell of the Jupyter kernel this process is, or None elsewhere.

    A terminal IPython has a shell but no kernel (nothing could show a live output).
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    ip = ipython.get_ipython()
    if ip is None or getattr(ip, "kernel", None) is None:
        return None
    return ip


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop (where cells and comm messages run), or None outside one."""
    ip = shell()
    if ip is None:
        return None
    io_loop = getattr(ip.kernel, "io_loop", None)
    loop = getattr(io_loop, "asyncio_loop", None)
    if isinstance(loop, asyncio.AbstractEventLoop) and not loop.is_closed():
        return loop
    return loops.running_loop()


def adopt_loop() -> asyncio.AbstractEventLoop | None:
    """Make the kernel's loop the default loop (once); return it."""
    loop = kernel_loop()
    if loop is not None and loops.default_loop() is not loop:
        loops.set_default_loop(loop)
        log.debug("The kernel's event loop is now panel_state's default loop")
    return loop


def current_cell() -> str | None:
    """The id of the cell running now (or that ran last), when the front end sends it."""
    return _cell


def on_cell_run(hook: Callable[[str], Any]) -> None:
    """Call ``hook(cell_id)`` before a cell with an id runs (a re-run closes old outputs)."""
    if hook not in _cell_hooks:
        _cell_hooks.append(hook)


def _pre_run_cell(info: Any) -> None:
    global _cell
    cell = getattr(info, "cell_id", None)
    _cell = cell if isinstance(cell, str) and cell else None
    if _cell is not None:
        for hook in list(_cell_hooks):
            hook(_cell)


def install(shutdown: Callable[[], Any]) -> bool:
    """Hook into the kernel (once): its loop, its cell runs, ``shutdown`` at exit.

    Returns whether this process is a kernel.
    """
    global _installed
    ip = shell()
    if ip is None:
        return False
    adopt_loop()
    if _installed is not ip:
        _installed = ip
        ip.events.register("pre_run_cell", _pre_run_cell)
        atexit.register(shutdown)
    return True
