"""QuerySync: two-way sync between params of Parameterized objects and query keys.

Each :class:`~panel_state.location.Location` has one. The Location owns the query
state and hands its sync two functions: ``read()`` (the current parsed query) and
``write(updates, mode, source)`` (set query keys). The sync does the per-object
bookkeeping: which param maps to which key, applying URL values to objects (valid
ones in one batch, invalid ones reported) and writing param changes back to the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import param
from param.parameterized import Comparator, batch_call_watchers

from ._params import validate
from .context import current_session
from .errors import describe, handle_exception
from .execution import run
from .query import Query, decode_value, encode_value

log = logging.getLogger(__name__)

Write = Callable[[Mapping[str, "str | None"], str, "Synced | None"], None]

History = Literal["push", "replace"]
_HISTORY = ("push", "replace")
_MISSING = object()


class Synced:
    """One ``sync`` call: an object, its ``{param: query key}`` mapping and options."""

    __slots__ = ("history", "mapping", "obj", "on_error", "params", "watcher")

    def __init__(self, obj: Any, mapping: dict[str, str], on_error: Callable[..., Any] | None,
                 history: History) -> None:
        self.obj = obj
        self.mapping = mapping
        self.on_error = on_error
        self.history = history
        self.params = {p: obj.param[p] for p in mapping}
        self.watcher: Any = None


def _label(obj: Any) -> str:
    if isinstance(obj, type):
        return obj.__name__
    return f"{type(obj).__name__} {obj.name!r}"


class QuerySync:
    """The synced objects of one Location and the rules that keep them in step.

    Parameters
    ----------
    read : callable
        ``read() -> Query``: the query the synced objects reflect.
    write : callable
        ``write(updates, mode, source)``: set query keys (``None`` removes one) as a
        ``'push'`` or ``'replace'``; ``source`` is the synced object that caused it.
    """

    def __init__(self, read: Callable[[], Query], write: Write) -> None:
        self._read = read
        self._write = write
        self._synced: list[Synced] = []
        self._by_key: dict[str, list[tuple[Synced, str]]] = {}
        # (id(obj), param name) -> the value being set from the URL, so the object's
        # watcher does not write it back (and re-encode '007' as '7').
        self._applying: dict[tuple[int, str], Any] = {}
        self.closed = False

    @property
    def synced(self) -> list[Synced]:
        """Every live ``sync`` call, in order."""
        return list(self._synced)

    def parameter_for(self, key: str) -> param.Parameter | None:
        """The Parameter first synced to query ``key``, or None."""
        targets = self._by_key.get(key)
        return targets[0][0].params[targets[0][1]] if targets else None

    def follow(self, keys: Iterable[str], source: Synced | None) -> None:
        """Objects synced to ``keys`` (just written) read them, except ``source``."""
        by_key = self._by_key
        touched: dict[int, tuple[Synced, list[str]]] = {}
        for key in keys:
            for synced, pname in by_key.get(key, ()):
                if synced is not source:
                    touched.setdefault(id(synced), (synced, []))[1].append(pname)
        for synced, names in touched.values():
            self._apply(synced, names)

    def follow_changed(self, changed: set[str]) -> None:
        """The query changed outside the sync: params of the ``changed`` keys follow."""
        for synced in list(self._synced):
            names = [p for p, q in synced.mapping.items() if q in changed]
            if names:
                self._apply(synced, names)

    def close(self) -> None:
        """Unsync everything and drop every reference to synced objects."""
        for synced in self._synced:
            self._unwatch(synced)
        self._synced = []
        self._by_key = {}
        self._applying = {}
        self.closed = True

    # -- URL -> objects -----------------------------------------------------------------
    def _apply(self, synced: Synced, names: Iterable[str] | None = None) -> None:
        """Set the params of ``synced`` from the keys present in the query.

        Valid values are applied in one batch; invalid ones go to ``on_error`` (or a
        warning) as ``{param: text}`` and leave their param unchanged.
        """
        if synced.watcher is None:  # unsynced while a batch was running
            return
        q = self._read()
        obj = synced.obj
        valid: dict[str, Any] = {}
        invalid: dict[str, str] = {}
        reasons: list[str] = []
        for pname in synced.mapping if names is None else names:
            qname = synced.mapping.get(pname)
            text = q.get(qname) if qname is not None else None
            if text is None:
                continue
            parameter = obj.param[pname]
            current = getattr(obj, pname)
            try:
                if encode_value(parameter, current) == text:
                    continue
            except TypeError:
                pass
            value = decode_value(parameter, text)
            try:
                if Comparator.is_equal(value, current):
                    continue
            except Exception:  # comparing exotic values can raise: then just apply
                log.debug("Comparing %s.%s with its URL value raised; applying it",
                          _label(obj), pname, exc_info=True)
            try:
                validate(parameter, value)
            except Exception as exc:
                invalid[pname] = text
                reasons.append(f"{pname}={text!r} ({exc})")
                continue
            valid[pname] = value
        if valid:
            oid = id(obj)
            saved = self._applying
            self._applying = {**saved, **{(oid, p): v for p, v in valid.items()}}
            try:
                # One batch of events, like param.update, at a fraction of its cost.
                with batch_call_watchers(obj):
                    for pname, value in valid.items():
                        setattr(obj, pname, value)
            except Exception as exc:
                handle_exception(exc, f"applying the URL to {_label(obj)}", current_session(),
                                 "watcher")
            finally:
                self._applying = saved
        if invalid:
            if synced.on_error is not None:
                run(synced.on_error, invalid, session=current_session(), kind="callback",
                    what=f"Location.sync on_error {describe(synced.on_error)}")
            else:
                log.warning("Location: ignored URL value(s) for %s: %s. Pass on_error= to "
                            "sync() to handle them.", _label(obj), "; ".join(reasons))

    # -- objects -> URL -----------------------------------------------------------------
    def _on_change(self, synced: Synced, events: tuple[param.parameterized.Event, ...]) -> None:
        applying = self._applying
        updates: dict[str, str | None] = {}
        for event in events:
            pname = event.name
            qname = synced.mapping.get(pname)
            if qname is None:
                continue
            if applying and applying.get((id(synced.obj), pname), _MISSING) is event.new:
                continue
            try:
                updates[qname] = encode_value(synced.params[pname], event.new)
            except TypeError as exc:
                log.warning("Location: cannot write %s.%s to the URL: %s",
                            _label(synced.obj), pname, exc)
        if updates:
            self._write(updates, synced.history, synced)

    def _watch(self, synced: Synced) -> None:
        def on_change(*events: param.parameterized.Event) -> None:
            self._on_change(synced, events)

        synced.watcher = synced.obj.param.watch(on_change, list(synced.mapping))

    def _unwatch(self, synced: Synced) -> None:
        if synced.watcher is not None:
            synced.obj.param.unwatch(synced.watcher)
            synced.watcher = None

    def _reindex(self) -> None:
        by_key: dict[str, list[tuple[Synced, str]]] = {}
        for synced in self._synced:
            for pname, qname in synced.mapping.items():
                by_key.setdefault(qname, []).append((synced, pname))
        self._by_key = by_key

    # -- sync ---------------------------------------------------------------------------
    def sync(
        self,
        parameterized: param.Parameterized | type[param.Parameterized],
        parameters: Iterable[str] | Mapping[str, str] | None = None,
        on_error: Callable[[dict[str, str]], Any] | None = None,
        history: History = "push",
    ) -> None:
        """Start syncing (see :meth:`panel_state.location.Location.sync`)."""
        if self.closed:
            raise RuntimeError("Cannot sync with this Location: its session was destroyed. "
                               "Use pn.state.location of a live session.")
        if not (isinstance(parameterized, param.Parameterized) or (
                isinstance(parameterized, type)
                and issubclass(parameterized, param.Parameterized))):
            raise TypeError(f"Location.sync needs a param.Parameterized instance or class, "
                            f"got {type(parameterized).__name__} {parameterized!r}.")
        if history not in _HISTORY:
            raise ValueError(f"Location.sync history must be 'push' or 'replace', got "
                             f"{history!r}.")
        if on_error is not None and not callable(on_error):
            raise TypeError(f"Location.sync on_error must be callable or None, got "
                            f"{type(on_error).__name__} {on_error!r}.")
        mapping = self._mapping(parameterized, parameters)
        for earlier in self._synced:
            if earlier.obj is not parameterized:
                continue
            for pname, qname in mapping.items():
                clash = [p for p, q in earlier.mapping.items() if q == qname and p != pname]
                if clash:
                    raise ValueError(
                        f"Cannot sync {_label(parameterized)}.{pname} to the query key "
                        f"{qname!r}: {clash[0]!r} of the same object is already synced to "
                        f"it. Give each parameter its own key.")
        for pname in mapping:
            try:
                encode_value(parameterized.param[pname], getattr(parameterized, pname))
            except TypeError as exc:
                raise TypeError(f"Cannot sync {_label(parameterized)}.{pname} with the URL: "
                                f"{exc} Leave it out of `parameters`.") from None
        synced = Synced(parameterized, mapping, on_error, history)
        self._watch(synced)
        self._synced.append(synced)
        self._reindex()
        self._apply(synced)
        q = self._read()
        rest: dict[str, str | None] = {}
        for pname, qname in mapping.items():
            if qname not in q:
                text = encode_value(synced.params[pname], getattr(parameterized, pname))
                if text is not None:
                    rest[qname] = text
        if rest:
            self._write(rest, "replace", synced)

    def _mapping(self, obj: Any, parameters: Iterable[str] | Mapping[str, str] | None
                 ) -> dict[str, str]:
        label = _label(obj)
        if parameters is None:
            return {p: p for p, parameter in obj.param.objects("existing").items()
                    if p != "name" and not parameter.constant and not parameter.readonly}
        if isinstance(parameters, str):
            raise TypeError(f"Location.sync parameters must be a list of names or a "
                            f"{{param: query_key}} dict, got the string {parameters!r}. "
                            f"Use [{parameters!r}].")
        if isinstance(parameters, Mapping):
            mapping = dict(parameters)
        else:
            mapping = {p: p for p in parameters}
        bad_keys = {p: q for p, q in mapping.items() if not isinstance(q, str) or not q}
        if bad_keys:
            raise ValueError(f"Location.sync query keys must be non-empty strings, got "
                             f"{bad_keys} for {label}.")
        unknown = [p for p in mapping if p not in obj.param]
        if unknown:
            raise ValueError(f"Cannot sync parameter(s) {unknown} of {label}: it has no such "
                             f"parameter. Available: {sorted(obj.param)}.")
        fixed = [p for p in mapping if obj.param[p].constant or obj.param[p].readonly]
        if fixed:
            raise ValueError(f"Cannot sync constant or read-only parameter(s) {fixed} of "
                             f"{label} with the URL: the URL could not set them. Leave them "
                             f"out of `parameters`.")
        seen: dict[str, str] = {}
        for p, q in mapping.items():
            if q in seen:
                raise ValueError(f"Cannot sync {label}: parameters {seen[q]!r} and {p!r} both "
                                 f"map to the query key {q!r}. Give each its own key.")
            seen[q] = p
        return mapping

    def unsync(self, parameterized: Any, parameters: Iterable[str] | None = None) -> None:
        """Stop syncing (see :meth:`panel_state.location.Location.unsync`)."""
        mine = [s for s in self._synced if s.obj is parameterized]
        if not mine:
            raise ValueError(f"Cannot unsync {_label(parameterized)}: it was never synced "
                             f"with this Location (or was already unsynced).")
        synced_names = {p for s in mine for p in s.mapping}
        if parameters is None:
            names = synced_names
        else:
            if isinstance(parameters, str):
                parameters = [parameters]
            names = set(parameters)
            missing = sorted(names - synced_names)
            if missing:
                raise ValueError(f"Cannot unsync parameter(s) {missing} of "
                                 f"{_label(parameterized)}: they are not synced. Synced: "
                                 f"{sorted(synced_names)}.")
        removed_keys: dict[str, str] = {}
        for synced in mine:
            gone = {p: q for p, q in synced.mapping.items() if p in names}
            if not gone:
                continue
            for q in gone.values():
                removed_keys[q] = synced.history
            self._unwatch(synced)
            synced.mapping = {p: q for p, q in synced.mapping.items() if p not in names}
            if synced.mapping:
                synced.params = {p: synced.params[p] for p in synced.mapping}
                self._watch(synced)
            else:
                self._synced.remove(synced)
        self._reindex()
        drop = {q: None for q in removed_keys if q not in self._by_key}
        if drop:
            mode = "push" if "push" in (removed_keys[q] for q in drop) else "replace"
            self._write(drop, mode, None)
