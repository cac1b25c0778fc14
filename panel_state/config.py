"""Process-wide settings: ``pn.config``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import param

from ._params import validate
from .compat import PANEL_CONFIG, warn_unsupported

#: The template names ``pn.config.template`` takes (Panel's; ``pn.template.names`` maps
#: each to its template).
TEMPLATE_NAMES = ("bootstrap", "editable", "fast", "fast-list", "golden", "material",
                  "slides", "vanilla")


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

    notifications = param.Boolean(
        default=True,
        doc="""
        Whether sessions have a notification area, ``pn.state.notifications`` (None when
        off). On by default, unlike Panel's: the page's toasts need nothing loaded.""",
    )

    ready_notification = param.String(
        default=None,
        allow_None=True,
        doc="A success toast shown when a page has loaded, or None for none.",
    )

    disconnect_notification = param.String(
        default=None,
        allow_None=True,
        doc="""
        An error toast the page shows while its connection is lost (instead of the
        'Connection lost' banner), or None for the banner.""",
    )

    browser_info = param.Boolean(
        default=True,
        doc="""
        Whether sessions have ``pn.state.browser_info``, filled by the page (None when
        off).""",
    )

    session_history = param.Integer(
        default=0,
        bounds=(-1, None),
        doc="""
        How many sessions ``pn.state.session_info['sessions']`` keeps a record of: 0
        none, -1 all. The ``total`` and ``live`` counts are kept either way.""",
    )

    template: str | None = param.Selector(  # type: ignore[assignment]
        default=None,
        objects=[None, *TEMPLATE_NAMES],
        doc="""
        The template every session of a served app is drawn in, by name: ``'material'``,
        ``'bootstrap'``, ``'fast'``, ``'vanilla'``... (each is panel_state's one
        template). ``obj.servable(area=...)`` puts components in the session's template
        (``pn.state.template``). None: ``.servable()`` shows components on a plain
        page.""",
    )

    @contextmanager
    def set(self, **options: Any) -> Iterator[None]:
        """Set options for the ``with`` block, then restore the previous values.

        Every value is checked before any is set, so a bad one changes nothing. Panel's
        options that panel_state lacks are accepted with one warning each.

        Raises
        ------
        TypeError
            For a name neither panel_state's nor Panel's ``pn.config`` has.
        ValueError
            For a value the option rejects.

        Examples
        --------
        >>> import panel_state as pn
        >>> with pn.config.set(defer_load=True):
        ...     pn.config.defer_load
        True
        >>> pn.config.defer_load
        False
        """
        ours = {k: v for k, v in options.items() if k in self.param and k != "name"}
        unknown = sorted(k for k in options if k not in ours and k not in PANEL_CONFIG)
        if unknown:
            raise TypeError(f"pn.config.set() got unknown option(s) {unknown}; it takes "
                            f"{sorted(n for n in self.param if n != 'name')}.")
        for name, value in ours.items():
            validate(self.param[name], value)
        for name in sorted(set(options) - set(ours)):
            warn_unsupported("pn.config.set", name)
        options = ours
        previous = {name: getattr(self, name) for name in options}
        self.param.update(options)
        try:
            yield
        finally:
            self.param.update(previous)


config = Config(name="config")
