"""Busy accounting: how many callbacks of a session (or of the process) are running.

Each Session owns a :class:`BusyCounter` (``session.busy_counter``) whose first
:func:`enter` turns the session's ``busy`` param True and whose last :func:`exit`
turns it False. Callbacks outside any session count on one process-wide counter
instead, whose owner is :data:`process` (``pn.state.busy`` outside a session). Every
count also moves the process aggregate, :data:`process`'s ``process_busy``, which is
True while any callback anywhere runs.

Thread-safety: :func:`enter` and :func:`exit` may be called from any thread; the
counts move under one lock and the params are set outside it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import param

from ._params import set_readonly

if TYPE_CHECKING:
    from .session import Session

__all__ = ["BusyCounter", "ProcessBusy", "counter_of", "enter", "exit", "process", "reset",
           "reset_all", "sync_indicator"]


class ProcessBusy(param.Parameterized):
    """The process's busy state: ``pn.state.busy`` outside a session, and the aggregate."""

    busy = param.Boolean(default=False, readonly=True, doc="""
        True while a callback that runs outside any session is being processed.""")
    process_busy = param.Boolean(default=False, readonly=True, doc="""
        True while any callback in any session (or outside one) is being processed.""")


class BusyCounter:
    """The number of running callbacks of one owner, whose ``busy`` param it drives."""

    __slots__ = ("count", "owner")

    def __init__(self, owner: param.Parameterized) -> None:
        self.owner = owner
        self.count = 0

    def __repr__(self) -> str:
        return f"<BusyCounter {self.count} of {self.owner.name}>"


#: The process scope and aggregate (``pn.state.busy`` outside a session,
#: ``pn.state.process_busy`` everywhere).
process = ProcessBusy(name="process")

_process_counter = BusyCounter(process)
_lock = threading.Lock()
_total = 0


def counter_of(session: Session | None) -> BusyCounter:
    """The counter busy work of ``session`` (or outside any session) counts on."""
    return session.busy_counter if session is not None else _process_counter


def enter(session: Session | None) -> None:
    """Count one more running callback for ``session`` (None: outside any session)."""
    global _total
    counter = session.busy_counter if session is not None else _process_counter
    with _lock:
        first_process = _total == 0
        _total += 1
        first_owner = counter.count == 0
        counter.count += 1
    if first_owner:
        set_readonly(counter.owner, "busy", True)
    if first_process:
        set_readonly(process, "process_busy", True)


def exit(session: Session | None) -> None:
    """Count one running callback of ``session`` (or outside any) as finished."""
    global _total
    counter = session.busy_counter if session is not None else _process_counter
    with _lock:
        if not counter.count:
            return
        counter.count -= 1
        last_owner = counter.count == 0
        _total = max(0, _total - 1)
        last_process = _total == 0
    if last_owner:
        set_readonly(counter.owner, "busy", False)
    if last_process:
        set_readonly(process, "process_busy", False)


def reset(session: Session) -> None:
    """Drop whatever busy count a destroyed session still holds."""
    for _ in range(session.busy_counter.count):
        exit(session)


def reset_all() -> None:
    """Reset the process-wide counts (``state.reset`` calls this)."""
    global _total
    with _lock:
        _total = 0
        _process_counter.count = 0
    set_readonly(process, "busy", False)
    set_readonly(process, "process_busy", False)


def owner_param(session: Session | None) -> Any:
    """The ``busy`` Parameter of ``session`` (or of the process scope), to watch."""
    return (session if session is not None else process).param["busy"]


def sync_indicator(indicator: param.Parameterized, session: Session | None) -> Any:
    """Keep ``indicator.value`` equal to the busy state of ``session`` (or of no session).

    Returns the watcher (``owner.param.unwatch`` it to stop).

    Raises
    ------
    ValueError
        When ``indicator`` has no Boolean ``value`` parameter.
    """
    value = indicator.param["value"] if "value" in indicator.param else None
    if not isinstance(value, param.Boolean):
        raise ValueError(
            f"Busy indicator must have a Boolean value parameter, got "
            f"{type(indicator).__name__} with value parameter {type(value).__name__}.")
    owner: Any = counter_of(session).owner
    indicator.param.update(value=owner.busy)

    def update(event: param.parameterized.Event) -> None:
        indicator.param.update(value=event.new)

    return owner.param.watch(update, "busy")
