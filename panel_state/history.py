"""Session statistics: ``pn.state.session_info``.

Every session counts: ``total`` sessions created in this process, ``live`` ones that
have loaded (their client rendered) and not ended. ``sessions`` keeps a record per
session -- ``launched``, ``rendered`` and ``ended`` as epoch seconds, and the
``user_agent`` -- for the last ``pn.config.session_history`` sessions (0, the default,
keeps none; -1 keeps all). :data:`history`'s ``session_info`` param is what
``pn.state.param.session_info`` watches.

Thread-safety: the counters move under a lock; watchers run in the thread that made
the change (the session's loop).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import param

from . import scheduling
from ._params import get_value, set_readonly
from .config import config

if TYPE_CHECKING:
    from .session import Session

__all__ = ["SessionHistory", "closed", "history", "loaded", "opened", "reset", "snapshot"]


def _empty() -> dict[str, Any]:
    return {"total": 0, "live": 0, "sessions": {}}


class SessionHistory(param.Parameterized):
    """The process's session statistics."""

    session_info = param.Dict(default=_empty(), readonly=True, doc="""
        ``{'total': int, 'live': int, 'sessions': {id: {'launched', 'rendered', 'ended',
        'user_agent'}}}``; see :mod:`panel_state.history`.""")


history = SessionHistory(name="session_history")
_lock = threading.Lock()
_live: set[str] = set()
_total = 0
_sessions: dict[str, dict[str, Any]] = {}


def _now() -> float:
    return scheduling.clock().now().timestamp()


def _publish(info: dict[str, Any]) -> None:
    # A new outer dict per change, so watchers see an event; the records are shared.
    # Called outside the lock: a watcher may open a session itself.
    set_readonly(history, "session_info", info)


def _info() -> dict[str, Any]:
    return {"total": _total, "live": len(_live), "sessions": _sessions}


def opened(session: Session) -> None:
    """Count a new session (its constructor calls this)."""
    global _total
    keep = get_value(config, "session_history")
    with _lock:
        _total += 1
        if keep:
            agent = next((v for k, v in session.headers.items() if k.lower() == "user-agent"),
                         None)
            _sessions[session.id] = {"launched": _now(), "rendered": None, "ended": None,
                                     "user_agent": agent}
            while keep > 0 and len(_sessions) > keep:
                del _sessions[next(iter(_sessions))]
        info = _info()
    _publish(info)


def loaded(session: Session) -> None:
    """Count ``session`` as live: its client has rendered it."""
    with _lock:
        if session.id in _live:
            return
        _live.add(session.id)
        record = _sessions.get(session.id)
        if record is not None:
            record["rendered"] = _now()
        info = _info()
    _publish(info)


def closed(session: Session) -> None:
    """Record that ``session`` ended."""
    with _lock:
        _live.discard(session.id)
        record = _sessions.get(session.id)
        if record is not None and record["ended"] is None:
            record["ended"] = _now()
        info = _info()
    _publish(info)


def snapshot() -> dict[str, Any]:
    """A copy of the statistics, safe to read while sessions come and go."""
    with _lock:
        return {"total": _total, "live": len(_live),
                "sessions": {sid: dict(record) for sid, record in _sessions.items()}}


def reset() -> None:
    """Forget every count and record (``state.reset`` calls this)."""
    global _total
    with _lock:
        _live.clear()
        _sessions.clear()
        _total = 0
        info = _info()
    _publish(info)
