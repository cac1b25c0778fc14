"""Internal helpers for writing read-only params from inside the library."""

from __future__ import annotations

from typing import Any

import param


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
    watchers = private.watchers.get(name)
    if not watchers and not type(obj).param[name].watchers:
        values[name] = value
        return
    p = obj.param[name]  # the per-instance Parameter, so other instances keep the guard
    p.readonly = p.constant = False
    try:
        setattr(obj, name, value)
    finally:
        p.readonly = p.constant = True
