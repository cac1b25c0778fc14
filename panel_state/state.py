"""State: the ``pn.state`` facade.

``state`` is one object, and the top of the package: no other module imports it.
Outside a session it answers with process-wide values; inside one, its session-scoped
reads (``busy``, ``loaded``, ``curdoc``, ``location``, ``session_args``, ``cookies``,
``headers``) refer to *that* session. ``state.param`` routes every param method --
``state.param.busy``, ``watch``, ``watch_values``, ``trigger``, ``values``... -- to the
object that owns the name: the current session for ``busy`` and ``loaded``, the
process scope (:data:`panel_state.busy.process`) for ``busy`` outside a session and
for ``process_busy``, and ``state`` itself for the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import Any

import param
from param import Parameterized

from . import busy as _busy
from . import compat, execution, periodic, pool, registry, tasks
from . import session as _session
from .config import config
from .context import current_session
from .location import Location
from .periodic import PeriodicCallback
from .session import Session
from .tasks import Task

__all__ = ["State", "state"]


#: Names whose param lives on the current session when there is one.
SESSION_PARAMS = frozenset({"busy", "loaded"})
#: Names whose param lives on the process scope, :data:`panel_state.busy.process`.
PROCESS_PARAMS = frozenset({"process_busy"})

_PARAM_DESCRIPTOR = param.Parameterized.__dict__["param"]


class _StateParams:
    """``state.param``: param's namespace, each name routed to the object owning it."""

    def __init__(self, inner: Any) -> None:
        object.__setattr__(self, "_inner", inner)

    def _owner(self, name: str) -> Any:
        """The ``.param`` namespace that owns ``name`` in this context."""
        if name in SESSION_PARAMS:
            session = current_session()
            if session is not None:
                return session.param
            if name == "busy":
                return _busy.process.param
        elif name in PROCESS_PARAMS:
            return _busy.process.param
        return self._inner

    def _group(self, names: list[str], method: str) -> tuple[Any, list[str]]:
        owners: dict[int, tuple[Any, list[str]]] = {}
        for name in names:
            owner = self._owner(name)
            owners.setdefault(id(owner), (owner, []))[1].append(name)
        if len(owners) > 1:
            groups = [sorted(group) for _, group in owners.values()]
            raise ValueError(
                f"state.param.{method} cannot mix {' and '.join(map(str, groups))}: they "
                "belong to different objects (the session, the process scope, the state). "
                "Call it once per group.")
        return next(iter(owners.values())) if owners else (self._inner, [])

    def _routed(self) -> list[str]:
        return sorted(SESSION_PARAMS | PROCESS_PARAMS)

    # -- lookups --------------------------------------------------------------------------
    def __getitem__(self, name: str) -> param.Parameter:
        return self._owner(name)[name]

    def __getattr__(self, name: str) -> Any:
        if name in SESSION_PARAMS or name in PROCESS_PARAMS:
            return self._owner(name)[name]
        return getattr(self._inner, name)

    def __contains__(self, name: str) -> bool:
        return name in self._inner or name in SESSION_PARAMS or name in PROCESS_PARAMS

    def __iter__(self) -> Iterator[str]:
        return iter([*self._inner, *self._routed()])

    def objects(self, instance: Any = True) -> dict[str, param.Parameter]:
        """Every Parameter of ``pn.state``, the routed ones from their owners."""
        found = dict(self._inner.objects(instance))
        for name in self._routed():
            found[name] = self[name]
        return found

    def values(self, onlychanged: bool = False) -> dict[str, Any]:
        """Every param value of ``pn.state``, the routed ones from their owners."""
        found = dict(self._inner.values(onlychanged))
        for name in self._routed():
            found[name] = self._owner(name).values().get(name)
        return found

    # -- methods that take names -------------------------------------------------------
    def watch(self, fn: Callable[..., Any], parameter_names: str | list[str],
              *args: Any, **kwargs: Any) -> Any:
        names = [parameter_names] if isinstance(parameter_names, str) else list(parameter_names)
        owner, names = self._group(names, "watch")
        return owner.watch(fn, names, *args, **kwargs)

    def watch_values(self, fn: Callable[..., Any], parameter_names: str | list[str],
                     *args: Any, **kwargs: Any) -> Any:
        names = [parameter_names] if isinstance(parameter_names, str) else list(parameter_names)
        owner, names = self._group(names, "watch_values")
        return owner.watch_values(fn, names, *args, **kwargs)

    def unwatch(self, watcher: Any) -> None:
        owner = watcher.inst if watcher.inst is not None else watcher.cls
        if owner is None or isinstance(owner, State):
            self._inner.unwatch(watcher)
        else:
            owner.param.unwatch(watcher)

    def trigger(self, *names: str) -> None:
        owner, names_ = self._group(list(names), "trigger")
        owner.trigger(*names_)

    def update(self, arg: Any = None, /, **kwargs: Any) -> Any:
        changes = {**(dict(arg) if arg is not None else {}), **kwargs}
        owner, _ = self._group(list(changes), "update")
        return owner.update(changes)


class _StateParamDescriptor:
    """Class access gives param's namespace; instance access the routing one."""

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        inner = _PARAM_DESCRIPTOR.__get__(obj, objtype)
        return inner if obj is None else _StateParams(inner)


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
    param = _StateParamDescriptor()

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._global_location: Location | None = None

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
        _session.add_created_hook(callback)

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
        _session.add_destroyed_hook(callback)

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
                f"{type(indicator).__name__} with value parameter {type(value).__name__}.")
        owner: Any = _busy.counter_of(current_session()).owner
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
        _session.clear_hooks()
        self.cache = {}
        if self._global_location is not None:
            self._global_location.close()
        self._global_location = None
        _busy.reset_all()
        pool.shutdown_pool(wait=True)
        compat.forget_warnings()
        config.param.update({name: p.default for name, p in config.param.objects().items()
                             if name != "name"})

    def __repr__(self) -> str:
        session = current_session()
        return f"<State {'of ' + repr(session) if session is not None else '(process)'}>"


state = State(name="state")
