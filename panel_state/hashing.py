"""Content hashes of arguments: what ``pn.cache`` and ``pn.state.as_cached`` key on.

:func:`compute_hash` turns any value into a hex digest that depends on its content,
not its identity: equal numbers, strings, containers, dates, paths, numpy arrays and
pandas objects hash alike even when they are different objects, and unhashable
values (lists, dicts, DataFrames) are fine. Values of other types hash by their
pickle, or by identity when they cannot be pickled. Pure: no state, no loop.

Examples
--------
>>> compute_hash({'b': [1, 2], 'a': 'x'}) == compute_hash({'a': 'x', 'b': [1, 2]})
True
>>> compute_hash([1, 2]) == compute_hash((1, 2))
False
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pathlib
import pickle
from collections.abc import Callable
from typing import Any

__all__ = ["HashFuncs", "compute_hash", "is_equal"]

#: Type -> function returning the bytes that stand for a value of that type.
HashFuncs = dict[type, Callable[[Any], bytes]]

_CYCLE = b"<cycle>"


def _fqn(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _numpy(obj: Any) -> bytes:
    return b"".join([str(obj.dtype).encode(), repr(obj.shape).encode(), obj.tobytes()])


def _pandas(obj: Any) -> bytes:
    import pandas as pd  # only reached for a pandas object, so pandas is imported already

    parts = [_fqn(obj).encode(), pd.util.hash_pandas_object(obj, index=True).values.tobytes()]
    if hasattr(obj, "columns"):
        parts.append(repr(list(obj.columns)).encode())
        parts.append(repr([str(t) for t in obj.dtypes]).encode())
    else:
        parts.append(repr((obj.name, str(obj.dtype))).encode())
    return b"|".join(parts)


class _Hasher:
    def __init__(self, funcs: HashFuncs) -> None:
        self.funcs = funcs
        self.stack: set[int] = set()

    def __call__(self, obj: Any) -> bytes:
        if id(obj) in self.stack:
            return _CYCLE
        self.stack.add(id(obj))
        try:
            return self.inner(obj)
        finally:
            self.stack.discard(id(obj))

    def inner(self, obj: Any) -> bytes:
        for cls in type(obj).__mro__:
            if cls in self.funcs:
                return b"custom:" + self.funcs[cls](obj)
        if obj is None or isinstance(obj, bool | int | float | complex | str):
            return f"{type(obj).__name__}:{obj!r}".encode()
        if isinstance(obj, bytes | bytearray):
            return b"bytes:" + bytes(obj)
        if isinstance(obj, list | tuple):
            return f"{type(obj).__name__}[".encode() + b",".join(map(self, obj)) + b"]"
        if isinstance(obj, dict):
            items = sorted((self(k), self(v)) for k, v in obj.items())
            return b"dict{" + b",".join(k + b":" + v for k, v in items) + b"}"
        if isinstance(obj, set | frozenset):
            return b"set{" + b",".join(sorted(map(self, obj))) + b"}"
        if isinstance(obj, dt.date | dt.time | dt.timedelta):
            return f"{type(obj).__name__}:{obj!r}".encode()
        if isinstance(obj, pathlib.PurePath):
            return f"path:{obj}".encode()
        if isinstance(obj, io.StringIO | io.BytesIO):
            value = obj.getvalue()
            return b"io:" + (value.encode() if isinstance(value, str) else value)
        if isinstance(obj, slice):
            return b"slice:" + self((obj.start, obj.stop, obj.step))
        name = _fqn(obj)
        if name == "numpy.ndarray":
            return b"ndarray:" + _numpy(obj)
        if name.startswith("pandas.") and hasattr(obj, "index"):
            return b"pandas:" + _pandas(obj)
        if callable(obj) and hasattr(obj, "__qualname__"):
            code = getattr(obj, "__code__", None)
            where = f"{code.co_filename}:{code.co_firstlineno}" if code is not None else ""
            return f"callable:{getattr(obj, '__module__', '')}.{obj.__qualname__}@{where}".encode()
        try:
            return b"pickle:" + pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # not picklable: the same object is the only equal one
            return f"id:{name}:{id(obj)}".encode()


def compute_hash(obj: Any, hash_funcs: HashFuncs | None = None) -> str:
    """A hex digest of ``obj``'s content.

    Parameters
    ----------
    obj : any
        The value to hash; containers are hashed through their items.
    hash_funcs : dict, optional
        ``{type: fn}``: values of these types (or subclasses) hash by ``fn(value)``,
        which returns bytes.
    """
    return hashlib.sha256(_Hasher(dict(hash_funcs or {}))(obj)).hexdigest()


def is_equal(value: Any, other: Any) -> bool:
    """Whether two values have the same content (by :func:`compute_hash`)."""
    return value is other or compute_hash(value) == compute_hash(other)
