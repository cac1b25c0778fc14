"""State: the ``pn.state`` facade.

``state`` is one object. Outside a session it answers with process-wide values; inside
one, its session-scoped reads (``busy``, ``loaded``, ``curdoc``, ``location``,
``session_args``, ``cookies``, ``headers``) refer to *that* session, and so do
``state.param.busy`` and ``state.param.watch(fn, 'busy')``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import param
from param import Parameterized

from . import execution
from . import session as _session
from .config import config
from .session import Session, current_session

if TYPE_CHECKING:
    from .callbacks import PeriodicCallback
    from .location import Location
    from .tasks import Task

log = logging.getLogger("panel_state.state")

#: Names whose param lives on the current session when there is one.
SESSION_PARAMS = ("busy", "loaded")

_PARAM_DESCRIPTOR = param.Parameterized.__dict__["param"]


class _StateParams:
    """``state.param``: param's namespace, with session-scoped names redirected."""

    def __init__(self, state: State, inner: Any) -> None:
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_inner", inner)

    def _scoped(self, name: str) -> Any:
        session = current_session() if name in SESSION_PARAMS else None
        return session.param if session is not None else self._inner

    def __getitem__(self, name: str) -> param.Parameter:
        return self._scoped(name)[name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scoped(name), name)

    def __contains__(self, name: str) -> bool:
        return name in self._inner

    def __iter__(self) -> Iterator[str]:
        return iter(self._inner)

    def watch(self, fn: Callable[..., Any], parameter_names: str | list[str],
              *args: Any, **kwargs: Any) -> Any:
        names = [parameter_names] if isinstance(parameter_names, str) else list(parameter_names)
        scoped = [n for n in names if n in SESSION_PARAMS]
        session = current_session()
        if scoped and session is not None:
            rest = [n for n in names if n not in SESSION_PARAMS]
            if rest:
                raise ValueError(
                    f"state.param.watch inside a session cannot mix session parameters "
                    f"{scoped} with process parameters {rest}; watch them separately."
                )
            return session.param.watch(fn, names, *args, **kwargs)
        return self._inner.watch(fn, names, *args, **kwargs)

    def unwatch(self, watcher: Any) -> None:
        session = current_session()
        if session is not None and watcher.inst is session:
            session.param.unwatch(watcher)
        else:
            self._inner.unwatch(watcher)


class _StateParamDescriptor:
    """Class access gives param's namespace; instance access the redirecting one."""

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        inner = _PARAM_DESCRIPTOR.__get__(obj, objtype)
        return inner if obj is None else _StateParams(obj, inner)


class State(param.Parameterized):
    """The process's session state: ``pn.state``.

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.state.curdoc is None, pn.state.session_args, pn.state.loaded
    (True, {}, True)
    """

    busy = param.Boolean(
        default=False,
        readonly=True,
        doc="""
        Whether a callback is being processed. Inside a session this reads (and
        ``state.param.busy`` refers to) that session's busy state; outside, it covers
        callbacks that run outside any session. ``process_busy`` aggregates both.""",
    )
    loaded = param.Boolean(
        default=True,
        readonly=True,
        doc="Inside a session: whether it has loaded. Outside: always True.",
    )
    process_busy = param.Boolean(
        default=False,
        readonly=True,
        doc="True while any callback in any session (or outside one) is being processed.",
    )
    cache = param.Dict(default={}, doc="A cache shared by every session of the process.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._busy_count = 0
        self._global_location: Location | None = None

    # ``param`` is redirected so that session-scoped params resolve per session.
    param = _StateParamDescriptor()

    def __getattribute__(self, name: str) -> Any:
        if name in SESSION_PARAMS:
            session = current_session()
            if session is not None:
                return getattr(session, name)
        return super().__getattribute__(name)

    # -- session-scoped reads ---------------------------------------------------------
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
            from .location import Location

            self._global_location = Location()
        return self._global_location

    # -- callbacks ----------------------------------------------------------------------
    def add_periodic_callback(
        self,
        callback: Callable[[], Any],
        period: int = 500,
        count: int | None = None,
        timeout: int | None = None,
        start: bool = True,
    ) -> PeriodicCallback:
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
        from .callbacks import PeriodicCallback

        cb = PeriodicCallback(callback=callback, period=period, count=count, timeout=timeout)
        session = current_session()
        if session is not None:
            session._periodic.append(cb)
        if start:
            cb.start()
        return cb

    def schedule_task(
        self,
        name: str,
        callback: Callable[[], Any],
        at: Any = None,
        period: str | dt.timedelta | float | None = None,
        cron: str | None = None,
        threaded: bool = False,
    ) -> Task:
        """Schedule a process-wide task; see :func:`panel_state.tasks.schedule_task`."""
        from .tasks import schedule_task

        return schedule_task(name, callback, at=at, period=period, cron=cron, threaded=threaded)

    def cancel_task(self, name: str, wait: bool = False) -> None:
        """Cancel the task ``name``; see :func:`panel_state.tasks.cancel_task`."""
        from .tasks import cancel_task

        cancel_task(name, wait=wait)

    @property
    def tasks(self) -> dict[str, Task]:
        """The scheduled tasks of this process, by name."""
        from .tasks import scheduled_tasks

        return scheduled_tasks()

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
            if threaded:
                execution.submit(callback, session=None,
                                 what=f"onload callback {execution.describe(callback)}")
            else:
                execution.run_isolated(callback, what=f"onload callback "
                                                      f"{execution.describe(callback)}")
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
                "script; if starting a server with pn.serve, set it up before starting it."
            )
        if not callable(callback):
            raise TypeError(f"on_session_created needs a callable, got {callback!r}.")
        if callback not in _session.created_hooks:
            _session.created_hooks.append(callback)

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
        if callback not in _session.destroyed_hooks:
            _session.destroyed_hooks.append(callback)

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
        value = indicator.param["value"] if "value" in indicator.param else None
        if not isinstance(value, param.Boolean):
            raise ValueError(
                f"Busy indicator must have a Boolean value parameter, got "
                f"{type(indicator).__name__} with value parameter {type(value).__name__}."
            )
        owner = current_session() or self
        indicator.param.update(value=owner.busy)

        def update(event: param.parameterized.Event) -> None:
            indicator.param.update(value=event.new)

        return owner.param.watch(update, "busy")

    @property
    def sessions(self) -> list[Session]:
        """The live sessions of this process."""
        return _session.live_sessions()

    def kill_all_servers(self) -> None:
        """Stop every server started with ``pn.serve`` in this process."""
        from .server import registry  # type: ignore[attr-defined,unused-ignore]

        registry.stop_all()

    def reset(self) -> None:
        """Return the process to a clean state (tests call this between cases).

        Stops servers, destroys every live session, cancels every task, clears hooks,
        the cache and the global Location, and shuts the thread pool down.
        """
        try:
            self.kill_all_servers()
        except ImportError:
            pass
        for session in _session.live_sessions():
            session.destroy()
        from .callbacks import stop_all as stop_periodic
        from .tasks import clear_tasks

        clear_tasks()
        stop_periodic()
        _session.created_hooks.clear()
        _session.destroyed_hooks.clear()
        self.cache = {}
        if self._global_location is not None:
            self._global_location._teardown()
        self._global_location = None
        execution.busy_reset_all()
        execution.shutdown_pool(wait=True)
        config.param.update({name: p.default for name, p in config.param.objects().items()
                             if name != "name"})


state = State(name="state")
