"""``pn.state.param``: param's namespace of ``pn.state``, each name routed to its owner.

``pn.state`` is one object, but some of its params belong elsewhere: ``busy`` and
``loaded`` to the current session (``busy`` to the process scope outside one),
``process_busy`` to the process scope and ``session_info`` to the session
statistics. :class:`StateParams` sends every param method -- ``state.param.busy``,
``watch``, ``watch_values``, ``trigger``, ``values``... -- to the object that owns the
name in the calling context, so ``pn.bind(fn, pn.state.param.busy)`` in one tab
follows that tab.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import param

from . import busy as _busy
from .context import current_session
from .history import history

__all__ = ["PROCESS_PARAMS", "SESSION_PARAMS", "StateParamDescriptor", "StateParams"]

#: Names whose param lives on the current session when there is one.
SESSION_PARAMS = frozenset({"busy", "loaded"})
#: Names whose param lives on a process-wide object, and that object.
PROCESS_PARAMS: dict[str, param.Parameterized] = {"process_busy": _busy.process,
                                                  "session_info": history}

_PARAM_DESCRIPTOR = param.Parameterized.__dict__["param"]


class StateParams:
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
            return PROCESS_PARAMS[name].param
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
        return sorted(SESSION_PARAMS | set(PROCESS_PARAMS))

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
        if owner is None or owner is self._inner.self or owner is self._inner.cls:
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


class StateParamDescriptor:
    """Class access gives param's namespace; instance access the routing one."""

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        inner = _PARAM_DESCRIPTOR.__get__(obj, objtype)
        return inner if obj is None else StateParams(inner)
