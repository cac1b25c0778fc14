"""The one module that touches param's private fields (``_param__private``, ``_validate``).

Everything else in the package goes through these helpers, so a change in param's
internals is fixed here once. The hot paths (busy accounting, periodic ticks,
Location sync) use them to skip the descriptor protocol when nothing watches.
"""

from __future__ import annotations

from typing import Any

import param

_class_params: dict[tuple[type, str], param.Parameter] = {}


def _class_param(cls: type[param.Parameterized], name: str) -> param.Parameter:
    """The class-level Parameter ``name`` of ``cls``, looked up once.

    ``cls.param[name]`` costs about 0.5 µs; the Parameter object (and its live
    ``watchers`` dict) does not change, so hot paths look it up here.
    """
    key = (cls, name)
    p = _class_params.get(key)
    if p is None:
        p = _class_params[key] = cls.param[name]
    return p


def _watched(private: Any, cls: type[param.Parameterized], name: str) -> bool:
    """Whether setting ``name`` on the instance would call any value watcher.

    Mirrors ``Parameter.__set__``: instance watchers, and class-level ones only when
    the instance has a watcher entry for ``name`` at all.
    """
    instance = private.watchers.get(name)
    if instance is None:
        return False
    return bool(instance.get("value") or _class_param(cls, name).watchers.get("value"))


def set_readonly(obj: param.Parameterized, name: str, value: Any) -> None:
    """Set the read-only param ``name`` of ``obj`` to ``value`` from library code.

    Users get param's ``TypeError`` when they assign a read-only param; the library
    changes it here. When nothing watches the param the value is stored directly,
    which keeps hot paths (busy accounting on every periodic tick) cheap; otherwise
    the change goes through param so every watcher sees a normal event.
    """
    private = obj._param__private
    values = private.values
    if name in values and values[name] is value:
        return
    if not _watched(private, type(obj), name):
        values[name] = value
        return
    p = obj.param[name]  # the per-instance Parameter, so other instances keep the guard
    p.readonly = p.constant = False
    try:
        setattr(obj, name, value)
    finally:
        p.readonly = p.constant = True


def get_value(obj: param.Parameterized, name: str) -> Any:
    """The value of param ``name`` of ``obj``, read without the descriptor protocol.

    For hot paths: equivalent to ``getattr(obj, name)`` for plain (non-dynamic)
    values, at a fraction of the cost of ``Number.__get__``.
    """
    values = obj._param__private.values
    return values[name] if name in values else _class_param(type(obj), name).default


def set_value(obj: param.Parameterized, name: str, value: Any) -> None:
    """Set param ``name`` of ``obj`` from library code, cheaply when nobody watches it.

    With no watcher the value (already valid: the library computed it) is stored
    directly; otherwise it is set normally, so watchers see a normal event.
    """
    private = obj._param__private
    if not _watched(private, type(obj), name):
        private.values[name] = value
    else:
        setattr(obj, name, value)


def store(obj: param.Parameterized, name: str, value: Any) -> None:
    """Store ``value`` as param ``name`` of ``obj`` without validation or events.

    Only for values the library has already validated, on paths where it has checked
    that nothing but itself watches ``name`` (see :func:`only_watcher`).
    """
    obj._param__private.values[name] = value


def only_watcher(obj: param.Parameterized, name: str, watcher: Any) -> bool:
    """Whether ``watcher`` is the one and only watcher of param ``name`` of ``obj``."""
    watchers = obj._param__private.watchers.get(name)
    if not watchers or len(watchers) != 1:
        return False
    own = watchers.get("value")
    return (own is not None and len(own) == 1 and own[0] is watcher
            and not _class_param(type(obj), name).watchers)


def validate(parameter: param.Parameter, value: Any) -> None:
    """Check ``value`` against ``parameter`` as an assignment would; raise if invalid."""
    parameter._validate(value)



def explicit_no_refs(cls: type[param.Parameterized]) -> frozenset[str]:
    """The params of ``cls`` (or a base) declared with ``allow_refs=False`` explicitly."""
    return frozenset(cls._param__private.explicit_no_refs)


def refuse_refs(cls: type[param.Parameterized], name: str) -> None:
    """Declare param ``name`` of ``cls`` ``allow_refs=False`` explicitly, as if written so.

    param warns when a value that looks like a reference reaches a param that refuses
    references only by default; subclasses made later inherit the declaration.
    """
    cls.param[name].allow_refs = False
    refused = cls._param__private.explicit_no_refs
    if name not in refused:
        refused.append(name)
