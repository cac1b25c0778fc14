"""``--warm``: run each app once at startup, with no browser, so caches are filled.

Each app runs in a session of its own, as it would for a first visitor: the
``on_session_created`` hooks, the app, its ``onload`` callbacks; then the session is
destroyed (its destroyed-hooks run). What the app caches (``pn.cache``, module-level
state, imports) is ready when the first real visitor arrives. An app that raises is
reported like any app error; the server still starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from functools import partial

from ..errors import handle_exception
from ..execution import spawn
from ..session import Session
from .loader import App

__all__ = ["warm"]

log = logging.getLogger(__name__)


def _destroy(session: Session, _error: BaseException | None) -> None:
    session.destroy()


def warm(apps: Mapping[str, App], base_url: str, loop: asyncio.AbstractEventLoop
         ) -> list[asyncio.Future[None]]:
    """Run every app once in a client-less session on ``loop`` (its thread).

    Returns the futures of the onload runs still pending; each destroys its session
    when done (the sync part and the sessions of apps with no pending onload work are
    finished on return).
    """
    pending: list[asyncio.Future[None]] = []
    for route, app in apps.items():
        session = Session(base_url.rstrip("/") + route, loop=loop)
        session.run_created_hooks()
        try:
            app.run(session)
        except Exception as exc:
            handle_exception(exc, f"warming app {app!r}", session, "app")
        session.mark_rendered()
        future = spawn(session.load(), session=session, what=f"warming {route}",
                       kind="onload", done=partial(_destroy, session))
        if future is not None and not future.done():
            pending.append(future)
        log.debug("Warmed %s", route)
    return pending
