"""Caching results across sessions: ``pn.state.as_cached`` and the ``pn.cache`` decorator.

Both key on a content hash of the arguments (:func:`panel_state.hashing.compute_hash`),
so unhashable arguments -- lists, dicts, DataFrames -- are fine. Both take a lock per
key: threads asking for the same key at once compute the value once and the others
wait for it; different keys compute side by side. ``ttl`` is in seconds, measured on
the clock timing code reads (:func:`panel_state.scheduling.clock`), so tests expire
entries on virtual time. A function that raises caches nothing.

``as_cached`` stores its entries in the dict it is given (``pn.state.cache``, so
clearing that dict clears them); ``pn.cache`` keeps one cache per function (shared
by every session, or per session with ``per_session=True``, dropped when the session
ends), cleared by ``fn.clear()`` or :func:`clear_caches`.
"""

from __future__ import annotations

import functools
import inspect
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import param

from . import compat, context, scheduling
from .hashing import HashFuncs, compute_hash

__all__ = ["POLICIES", "as_cached", "cache", "clear_caches", "key_lock"]

T = TypeVar("T")

#: Eviction policies of ``pn.cache(max_items=...)``.
POLICIES = ("FIFO", "LRU", "LFU")

_MISSING = object()

# -- locks per key -----------------------------------------------------------------------

_locks: dict[Any, list[Any]] = {}  # key -> [lock, number of threads using it]
_locks_lock = threading.Lock()


@contextmanager
def key_lock(key: Any) -> Iterator[None]:
    """Hold the lock of ``key`` (made on first use, dropped when nobody holds or waits)."""
    with _locks_lock:
        entry = _locks.setdefault(key, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _locks_lock:
            entry[1] -= 1
            if not entry[1]:
                _locks.pop(key, None)


def lock_count() -> int:
    """How many key locks exist now (held or waited for)."""
    return len(_locks)


def _now() -> float:
    return scheduling.clock().monotonic()


def _check_ttl(where: str, ttl: Any) -> float | None:
    if ttl is None:
        return None
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not (
            math.isfinite(ttl) and ttl > 0):
        raise ValueError(f"{where} ttl must be a positive number of seconds, or None for no "
                         f"expiry, got {ttl!r}.")
    return float(ttl)


# -- as_cached ----------------------------------------------------------------------------


def as_cached(store: dict[Any, Any], key: str, fn: Callable[..., T], ttl: float | None = None,
              **kwargs: Any) -> T:
    """Return ``fn(**kwargs)``, computed once per ``key`` and arguments and kept in ``store``.

    See :meth:`panel_state.state.State.as_cached`.

    Raises
    ------
    TypeError
        When ``fn`` is not callable.
    ValueError
        For a ``ttl`` that is not a positive number of seconds or None.
    """
    if not callable(fn):
        raise TypeError(f"as_cached needs a callable to compute {key!r}, got "
                        f"{type(fn).__name__} {fn!r}.")
    seconds = _check_ttl("as_cached", ttl)
    cache_key = (key, compute_hash(kwargs)) if kwargs else (key,)
    with key_lock(("as_cached", cache_key)):
        entry = store.get(cache_key, _MISSING)
        if entry is not _MISSING:
            value, expires = entry
            if expires is None or _now() < expires:
                return value
        value = fn(**kwargs)
        store[cache_key] = (value, None if seconds is None else _now() + seconds)
        return value


# -- the pn.cache decorator --------------------------------------------------------------


class _FunctionCache:
    """One function's entries: hash -> [value, stored at, hits, last used]."""

    def __init__(self, max_items: int | None, policy: str, ttl: float | None) -> None:
        self.entries: OrderedDict[str, list[Any]] = OrderedDict()
        self.max_items = max_items
        self.policy = policy
        self.ttl = ttl
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return _MISSING
            now = _now()
            if self.ttl is not None and now - entry[1] >= self.ttl:
                del self.entries[key]
                return _MISSING
            entry[2] += 1
            entry[3] = now
            return entry[0]

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            now = _now()
            self.entries[key] = [value, now, 0, now]
            self.entries.move_to_end(key)
            while self.max_items is not None and len(self.entries) > self.max_items:
                self.entries.pop(self._victim(key))

    def _victim(self, newest: str) -> str:
        others = [(k, e) for k, e in self.entries.items() if k != newest]
        if self.policy == "FIFO":
            return others[0][0]
        if self.policy == "LRU":
            return min(others, key=lambda item: item[1][3])[0]
        return min(others, key=lambda item: item[1][2])[0]  # LFU

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


#: Every ``pn.cache`` cache: (function identity, session id or None) -> its cache.
_caches: dict[tuple[str, str | None], _FunctionCache] = {}
_caches_lock = threading.Lock()


def clear_caches() -> None:
    """Clear every ``pn.cache`` cache of the process (``pn.state.clear_caches()``)."""
    with _caches_lock:
        caches = list(_caches.values())
        _caches.clear()
    for found in caches:
        found.clear()


def _function_id(func: Callable[..., Any]) -> str:
    # Served app scripts define their functions anew in every session: key by where the
    # function is written, not by the object, so every session shares one cache.
    code = getattr(func, "__code__", None)
    where = code.co_filename if code is not None else getattr(func, "__module__", "")
    return f"{where}:{getattr(func, '__qualname__', repr(func))}"


def cache(func: Callable[..., Any] | None = None, hash_funcs: HashFuncs | None = None,
          max_items: int | None = None, policy: str = "LRU", ttl: float | None = None,
          to_disk: bool = False, cache_path: str | None = None,
          per_session: bool = False) -> Any:
    """Memoize ``func`` by the content of its arguments: ``@pn.cache``.

    Parameters
    ----------
    func : callable, optional
        The function (sync or async); without it, returns a decorator.
    hash_funcs : dict, optional
        ``{type: fn}`` returning the bytes that stand for a value of that type.
    max_items : int, optional
        Keep at most this many results, evicting by ``policy``.
    policy : {'LRU', 'FIFO', 'LFU'}
        Least recently used, first in first out, or least frequently used.
    ttl : float, optional
        Seconds a result stays valid; None keeps it until cleared.
    to_disk, cache_path
        Panel's disk cache; accepted, not supported (one warning), results stay in
        memory.
    per_session : bool
        One cache per session (dropped when it ends) instead of one per process.

    Returns
    -------
    callable
        The memoized function, with ``.clear()`` to drop its results.

    Raises
    ------
    ValueError
        For an unknown policy, a bad ``ttl`` or ``max_items``.
    """
    if not isinstance(policy, str) or policy.upper() not in POLICIES:
        raise ValueError(f"pn.cache policy must be one of {list(POLICIES)}, got {policy!r}.")
    seconds = _check_ttl("pn.cache", ttl)
    if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int)
                                  or max_items < 1):
        raise ValueError(f"pn.cache max_items must be a whole number >= 1 or None, got "
                         f"{max_items!r}.")
    if to_disk or cache_path is not None:
        compat.warn_unsupported("pn.cache", "to_disk" if to_disk else "cache_path",
                                "Results are cached in memory.")
    if func is None:
        return functools.partial(cache, hash_funcs=hash_funcs, max_items=max_items,
                                 policy=policy, ttl=ttl, per_session=per_session)
    if not callable(func):
        raise TypeError(f"pn.cache decorates a function, got {type(func).__name__} {func!r}.")
    ident = _function_id(func)
    settings = (max_items, policy.upper(), seconds)

    def function_cache() -> _FunctionCache:
        session = context.current_session() if per_session else None
        sid = session.id if session is not None else None
        with _caches_lock:
            found = _caches.get((ident, sid))
            if found is None:
                found = _caches[(ident, sid)] = _FunctionCache(*settings)
                if session is not None:
                    session.on_session_destroyed(lambda: _drop((ident, sid)))
        return found

    def key_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        if args and isinstance(args[0], param.Parameterized) and getattr(
                type(args[0]), func.__name__, None) is wrapped:
            # A method of a Parameterized: its result depends on the arguments and on
            # the params it declares with param.depends, not on every param of ``self``.
            dependencies = getattr(wrapped, "_dinfo", {}).get("dependencies", ())
            args = (type(args[0]).__qualname__,
                    *(getattr(args[0], name) for name in dependencies), *args[1:])
        return compute_hash((args, kwargs), hash_funcs)

    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def async_wrapped(*args: Any, **kwargs: Any) -> Any:
            found, key = function_cache(), key_of(args, kwargs)
            value = found.get(key)
            if value is _MISSING:
                value = await func(*args, **kwargs)
                found.put(key, value)
            return value

        wrapped: Any = async_wrapped
    else:
        @functools.wraps(func)
        def sync_wrapped(*args: Any, **kwargs: Any) -> Any:
            found, key = function_cache(), key_of(args, kwargs)
            value = found.get(key)
            if value is _MISSING:
                with key_lock(("cache", ident, key)):
                    value = found.get(key)  # another thread may have computed it meanwhile
                    if value is _MISSING:
                        value = func(*args, **kwargs)
                        found.put(key, value)
            return value

        wrapped = sync_wrapped

    def clear() -> None:
        """Drop every result of this function (in every session)."""
        with _caches_lock:
            mine = [k for k in _caches if k[0] == ident]
        for k in mine:
            _drop(k)

    wrapped.clear = clear
    return wrapped


def _drop(key: tuple[str, str | None]) -> None:
    with _caches_lock:
        found = _caches.pop(key, None)
    if found is not None:
        found.clear()
