"""Process-wide settings: ``pn.config``."""

from __future__ import annotations

import param


class Config(param.Parameterized):
    """Settings shared by every session of the process.

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.config.nthreads = 4          # a pool of 4 threads for threaded work
    >>> pn.config.exception_handler = print
    """

    nthreads = param.Integer(
        default=None,
        allow_None=True,
        bounds=(0, None),
        doc="""
        Size of the thread pool used by threaded callbacks, ``execute(..., 'thread')``,
        threaded onload callbacks and tasks, and sync periodic callbacks. ``None`` means
        no pool; ``0`` means Python's default pool size.""",
    )

    exception_handler = param.Callable(
        default=None,
        doc="""
        Called with the exception whenever a user callback raises (widget handlers,
        watchers, periodic ticks, tasks, onload and lifecycle hooks). The exception is
        always logged as well; the handler never decides whether work continues.""",
    )

    defer_load = param.Boolean(
        default=False,
        doc="""
        Default for ``pn.panel(fn, defer_load=None)``: render a spinner and run the
        function once the session has loaded.""",
    )

    unused_session_lifetime = param.Integer(
        default=5000,
        bounds=(0, None),
        doc="""
        Milliseconds a session is kept after its last client disconnected before it is
        destroyed (its destroyed-hooks run then).""",
    )

    check_unused_sessions = param.Integer(
        default=1000,
        bounds=(10, None),
        doc="Milliseconds between checks for sessions whose lifetime has run out.",
    )

    autoreload = param.Boolean(
        default=False,
        doc="""
        Development mode (``panel-state serve --dev``): ``pn.serve`` watches the apps'
        files and the local modules they import, and every open tab swaps to a fresh run
        of the changed app in place; exceptions are shown in the page. The default of
        ``pn.serve(autoreload=...)``; ``panel-state serve --dev`` sets it.""",
    )

    block_warning_threshold = param.Number(
        default=1.0,
        bounds=(0, None),
        doc="""
        Seconds a single user callback may hold the event loop before a warning naming
        it is logged.""",
    )


config = Config(name="config")
