"""State: the ``pn.state`` facade.

``state`` is one object, and the top of the package: no other module imports it.
Outside a session it answers with process-wide values; inside one, its session-scoped
reads (``busy``, ``loaded``, ``curdoc``, ``location``, ``session_args``, ``cookies``,
``headers``, ``notifications``, ``browser_info``...) refer to *that* session. Each
name is routed to the module that owns it; ``state.param`` routes every param method
the same way (:mod:`panel_state.routing`).
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import param
from param import Parameterized

from . import busy as _busy
from . import caching as _cache
from . import compat, curdoc, execution, history, hooks, loops, periodic, pool, registry, tasks
from . import session as _session
from .browser import BrowserInfo
from .config import config
from .context import current_session
from .location import Location
from .notifications import OUTSIDE, NotificationArea
from .pages import template_of
from .periodic import PeriodicCallback
from .routing import SESSION_PARAMS, StateParamDescriptor
from .session import Session
from .tasks import APP_MODULE_PREFIX, Task
from .template import Template
from .template.names import make_template

__all__ = ["State", "state"]


T = TypeVar("T")

class State(param.Parameterized):
    """The process's session state: ``pn.state``.

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.state.curdoc is None, pn.state.session_args, pn.state.loaded
    (True, {}, True)
    """

    cache = param.Dict(default={}, doc="A cache shared by every session of the process.")
    loaded = param.Boolean(default=True, readonly=True, doc="""
        Inside a session: whether it has loaded (the session's own param). Outside: True.""")

    # ``param`` is routed so that session-scoped params resolve per session.
    param = StateParamDescriptor()

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._global_location: Location | None = None
        self._global_template: Template | None = None
        self._base_url = "/"
        self._rel_path = ""

    def __getattribute__(self, name: str) -> Any:
        if name in SESSION_PARAMS:
            session = current_session()
            if session is not None:
                return getattr(session, name)
        return super().__getattribute__(name)

    # -- session-scoped reads ---------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a callback of the current session (outside: of no session) runs."""
        return bool(_busy.process.busy)

    @property
    def process_busy(self) -> bool:
        """True while any callback in any session (or outside one) is being processed."""
        return bool(_busy.process.process_busy)

    @property
    def curdoc(self) -> Session | None:
        """The current session (its document), or None outside a session."""
        return current_session()

    @property
    def session_args(self) -> dict[str, list[bytes]]:
        """The page request's query arguments, ``{key: [bytes, ...]}``; ``{}`` outside."""
        session = current_session()
        return session.session_args if session is not None else {}

    @property
    def cookies(self) -> dict[str, str]:
        """The page request's cookies; ``{}`` outside a session."""
        session = current_session()
        return session.cookies if session is not None else {}

    @property
    def headers(self) -> dict[str, str]:
        """The page request's headers; ``{}`` outside a session."""
        session = current_session()
        return session.headers if session is not None else {}

    @property
    def location(self) -> Location:
        """The session's Location; outside a session, one process-wide Location."""
        session = current_session()
        if session is not None:
            return session.location
        if self._global_location is None:
            self._global_location = Location()
        return self._global_location

    @property
    def template(self) -> Template:
        """The session's template, made (of the kind ``pn.config.template`` names) and
        shown as its page on first use; outside a session, one process-wide template."""
        session = current_session()
        if session is not None:
            return template_of(session)
        if self._global_template is None:
            self._global_template = make_template()
        return self._global_template

    # -- Panel's session surface -----------------------------------------------------------
    @property
    def served(self) -> bool:
        """Whether the calling code is a script served by ``panel-state serve``."""
        frame = inspect.currentframe()
        while frame is not None and frame.f_globals.get("__name__") == __name__:
            frame = frame.f_back  # this property, and State.__getattribute__
        return str(frame.f_globals.get("__name__", "") if frame else "").startswith(
            APP_MODULE_PREFIX)

    @property
    def app_url(self) -> str | None:
        """The route of the current session's app (``'/app'``); None outside a session."""
        session = current_session()
        if session is None:
            return None
        return session.app_path or session.uri.split("?", 1)[0].split("#", 1)[0]

    @property
    def base_url(self) -> str:
        """The server's root URL path: ``'/'``."""
        return self._base_url

    @property
    def rel_path(self) -> str:
        """The relative path from the app's page to the server root (``''``, ``'..'``)."""
        url = self.app_url
        return "/".join([".."] * url.strip("/").count("/")) if url else self._rel_path

    @property
    def session_info(self) -> dict[str, Any]:
        """``{'total', 'live', 'sessions'}``: see :mod:`panel_state.history` (a copy)."""
        return history.snapshot()

    @property
    def notifications(self) -> NotificationArea | None:
        """The current session's toasts (None if ``config.notifications`` is off).

        Outside a session it is an area whose every method raises, saying why.
        """
        session = current_session()
        return session.notifications if session is not None else OUTSIDE

    @property
    def browser_info(self) -> BrowserInfo | None:
        """What the session's browser reports; None outside a session or when off."""
        session = current_session()
        return session.browser_info if session is not None else None

    def block_expiration(self) -> Any:
        """Keep the current session alive without a client; see
        :func:`panel_state.curdoc.block_expiration`."""
        return curdoc.block_expiration(current_session())

    def unblock_expiration(self) -> None:
        """Undo one :meth:`block_expiration` of the current session (no-op outside)."""
        curdoc.unblock_expiration(current_session())

    #: Not supported yet (authentication, image export): no user, tokens or driver.
    user = user_info = access_token = refresh_token = encryption = webdriver = None

    @property
    def route_params(self) -> dict[str, str]:
        """Parameters of a wildcard route: ``{}`` (panel_state's routes are exact)."""
        return {}

    # -- caching ------------------------------------------------------------------------
    def as_cached(self, key: str, fn: Callable[..., T], ttl: float | None = None,
                  **kwargs: Any) -> T:
        """Return ``fn(**kwargs)``, computed once per ``key`` and keyword arguments.

        The result is shared by every session of the process and kept in
        :attr:`cache`. Threads asking for the same key at once compute it once.

        Parameters
        ----------
        key : str
            The name to cache it under.
        fn : callable
            Computes the value from ``**kwargs``.
        ttl : float, optional
            Seconds the value stays valid; None keeps it until the cache is cleared.
        **kwargs
            Passed to ``fn``; part of the key (by content, so lists and DataFrames work).

        Raises
        ------
        TypeError, ValueError
            For a non-callable ``fn`` or a ``ttl`` that is not a positive number.

        Examples
        --------
        >>> import panel_state as pn
        >>> pn.state.as_cached('squares', lambda n: [i * i for i in range(n)], n=4)
        [0, 1, 4, 9]
        """
        return _cache.as_cached(self.cache, key, fn, ttl, **kwargs)

    def clear_caches(self) -> None:
        """Clear every ``pn.cache`` function cache."""
        _cache.clear_caches()

    # -- callbacks ----------------------------------------------------------------------
    def add_periodic_callback(self, callback: Callable[[], Any], period: int = 500,
                              count: int | None = None, timeout: int | None = None,
                              start: bool = True) -> PeriodicCallback:
        """Run ``callback`` every ``period`` milliseconds.

        Parameters
        ----------
        callback : callable
            Sync or async function of no arguments.
        period : int
            Milliseconds between runs; the first run is one period after start.
        count : int, optional
            Stop after this many runs.
        timeout : int, optional
            Milliseconds after start after which no run starts.
        start : bool
            Start now (default) or leave it to ``.start()``.

        Returns
        -------
        PeriodicCallback
            Inside a session it belongs to the session and stops when it is destroyed.
        """
        cb = PeriodicCallback(callback=callback, period=period, count=count, timeout=timeout)
        session = current_session()
        if session is not None:
            session.add_periodic(cb)
        if start:
            cb.start()
        return cb

    def schedule_task(self, name: str, callback: Callable[[], Any], at: Any = None,
                      period: str | dt.timedelta | float | None = None,
                      cron: str | None = None, threaded: bool = False) -> Task:
        """Schedule a process-wide task; see :func:`panel_state.tasks.schedule_task`."""
        return tasks.schedule_task(name, callback, at=at, period=period, cron=cron,
                                   threaded=threaded)

    def cancel_task(self, name: str, wait: bool = False) -> None:
        """Cancel the task ``name``; see :func:`panel_state.tasks.cancel_task`."""
        tasks.cancel_task(name, wait=wait)

    @property
    def tasks(self) -> dict[str, Task]:
        """The scheduled tasks of this process, by name."""
        return tasks.scheduled_tasks()

    def execute(self, callback: Callable[[], Any], schedule: execution.Schedule = "auto") -> Any:
        """Run ``callback`` with the current session active, in the right place.

        Safe from any thread.

        Parameters
        ----------
        callback : callable
            Sync or async function of no arguments.
        schedule : {'auto', True, False, 'thread'}
            ``'auto'`` runs now when already on the session's loop thread, otherwise
            on that loop; ``True`` always waits for the next loop iteration; ``False``
            runs now in this thread; ``'thread'`` runs on the thread pool.

        Raises
        ------
        RuntimeError
            ``schedule='thread'`` without a thread pool (set ``config.nthreads``).
        """
        return execution.execute(callback, schedule)

    def onload(self, callback: Callable[[], Any], threaded: bool = False) -> None:
        """Run ``callback`` once the session has loaded (at once outside a session).

        Callbacks run in order, each isolated; ``loaded`` is False inside them and
        True after them. ``threaded=True`` runs it on the thread pool.
        """
        session = current_session()
        if session is None:
            execution.run_onload(None, [(callback, threaded)])
            return
        session.onload(callback, threaded)

    def on_session_created(self, callback: Callable[..., Any]) -> None:
        """Register ``callback(session)`` to run for every new session, before its app.

        Raises
        ------
        RuntimeError
            Inside a session: register it in a ``--setup`` script (or before ``pn.serve``).
        """
        if current_session() is not None:
            raise RuntimeError(
                "Cannot register session creation callback from within a session. If "
                "running an app with panel-state serve, set up the callback in a --setup "
                "script; if starting a server with pn.serve, set it up before starting it.")
        if not callable(callback):
            raise TypeError(f"on_session_created needs a callable, got {callback!r}.")
        hooks.add_created_hook(callback)

    def on_session_destroyed(self, callback: Callable[..., Any]) -> None:
        """Register ``callback(session)`` to run once when a session is destroyed.

        Inside a session it applies to that session; outside, to every session,
        including those already open.
        """
        session = current_session()
        if session is not None:
            session.on_session_destroyed(callback)
            return
        if not callable(callback):
            raise TypeError(f"on_session_destroyed needs a callable, got {callback!r}.")
        hooks.add_destroyed_hook(callback)

    def log(self, msg: str, level: str = "info") -> None:
        """Log ``msg`` on the ``panel_state`` logger, prefixed with the session id."""
        session = current_session()
        prefix = f"Session {session.id[:8]} " if session is not None else ""
        getattr(logging.getLogger("panel_state"), level.lower())(f"{prefix}{msg}")

    def sync_busy(self, indicator: Parameterized) -> Any:
        """Keep ``indicator.value`` equal to the current session's busy state.

        Raises
        ------
        ValueError
            When ``indicator`` has no Boolean ``value`` parameter.
        """
        return _busy.sync_indicator(indicator, current_session())

    @property
    def sessions(self) -> list[Session]:
        """The live sessions of this process."""
        return _session.live_sessions()

    def kill_all_servers(self) -> None:
        """Stop every server started with ``pn.serve`` in this process."""
        registry.stop_all()

    def reset(self) -> None:
        """Return the process to a clean state (tests call this between cases).

        Stops servers, destroys every live session, cancels every task, clears hooks,
        the cache and the global Location, and shuts the thread pool down.
        """
        self.kill_all_servers()
        for session in _session.live_sessions():
            session.destroy()
        tasks.clear_tasks()
        periodic.stop_all()
        loops.clear_pending()
        hooks.clear_hooks()
        self.cache = {}
        _cache.clear_caches()
        history.reset()
        if self._global_location is not None:
            self._global_location.close()
        self._global_location = None
        self._global_template = None
        _busy.reset_all()
        pool.shutdown_pool(wait=True)
        compat.forget_warnings()
        config.param.update({name: p.default for name, p in config.param.objects().items()
                             if name != "name"})

    def __repr__(self) -> str:
        session = current_session()
        return f"<State {'of ' + repr(session) if session is not None else '(process)'}>"


state = State(name="state")
