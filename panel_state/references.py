"""References: component params that follow a value as it changes.

A *reference* is anything param can resolve to a current value and watch: a widget
(its ``value``), a Parameter (``obj.param.x``), a ``pn.bind`` result, a ``pn.depends``
function, a ``pn.rx`` expression, or a (sync or async) generator or coroutine function,
bound or not. Given to a component param -- in the constructor, by assignment, or
through ``refs={...}`` -- the param takes the reference's current value and follows it:

* which params accept references is param's own declaration, ``allow_refs``:
  :func:`enable_references` turns it on for every param a Viewable class declares,
  except read-only ones, params holding components (a ``ClassSelector`` of Viewables:
  a widget there is the object to show, not its value) and params declared
  ``allow_refs=False``;
* what counts as a reference, its dependencies and its current value are param's
  ``resolve_ref`` / ``resolve_value`` (and the widget transform registered in
  :mod:`panel_state.widgets.base`);
* generators and coroutine functions run through :func:`panel_state.generators.drive`
  (a sync generator on a thread, each yield delivered on the loop; a newer run
  cancels the older one).

:class:`References` follows the references of one component. It holds the component
and its session weakly -- the watchers it puts on dependencies keep neither alive --
and ``release()`` removes those watchers. A later change that makes the reference
fail, or yield a value the param rejects, is logged and passed to
``config.exception_handler``; the component keeps its value.
"""

from __future__ import annotations

import functools
import inspect
import logging
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import param
from param.parameterized import eval_function_with_deps, resolve_ref, resolve_value

from ._params import explicit_no_refs, refuse_refs
from .context import current_session
from .errors import describe, handle_exception
from .execution import run
from .generators import Run, drive

if TYPE_CHECKING:
    from .session import Session

__all__ = ["NOTHING", "References", "enable_references", "is_reference", "split_arguments",
           "unwatch_all"]

log = logging.getLogger(__name__)

#: Stands for "no value now" (an async reference not yet produced, or ``param.Skip``).
NOTHING: Any = object()

_PLAIN = frozenset({str, bytes, int, float, bool, type(None), list, tuple, dict, set})

#: ``apply(values)``: set params of the component to the reference's values, or raise.
Apply = Callable[[dict[str, Any]], None]


def _function(value: Any) -> Any:
    while isinstance(value, functools.partial):
        value = value.func
    return value


def is_driven(value: Any) -> bool:
    """Whether ``value`` is a generator or coroutine function (bound or not)."""
    fn = _function(value)
    return (inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)
            or inspect.iscoroutinefunction(fn))


def is_reference(value: Any) -> bool:
    """Whether ``value`` is a reference a component param follows (see the module doc)."""
    if type(value) in _PLAIN:
        return False
    if is_driven(value):
        return True
    try:
        return bool(resolve_ref(value))
    except Exception:  # e.g. a method whose string dependencies cannot be found
        log.debug("%r does not resolve as a reference", value, exc_info=True)
        return False


def current_value(ref: Any) -> Any:
    """The value of a (non-driven) reference now, or :data:`NOTHING` for ``param.Skip``."""
    try:
        value = resolve_value(ref, recursive=False)
    except param.Skip:
        return NOTHING
    return NOTHING if value is param.Skip else value


def _holds_components(p: param.Parameter, meta: type) -> bool:
    if not isinstance(p, param.ClassSelector):
        return False
    classes = p.class_ if isinstance(p.class_, tuple) else (p.class_,)
    return any(isinstance(c, meta) for c in classes)


def enable_references(cls: type[param.Parameterized], meta: type) -> frozenset[str]:
    """Turn on ``allow_refs`` for the params ``cls`` accepts references for; return their names.

    ``meta`` is the components' metaclass: only params declared on its classes change
    (never one ``cls`` inherits from plain ``Parameterized``, such as ``name``); see the
    module doc for the params left alone.
    """
    refused = explicit_no_refs(cls)
    names = []
    for name, p in cls.param.objects(instance=False).items():
        if name in refused or p.readonly or not isinstance(p.owner, meta):
            continue
        if _holds_components(p, meta):
            refuse_refs(cls, name)  # a widget given here is the object to hold
            continue
        p.allow_refs = True
        names.append(name)
    return frozenset(names)


@functools.cache
def _positional(cls: type) -> tuple[str, ...]:
    names = []
    init = cls.__init__  # type: ignore[misc]  # the class's own, not the metaclass's __call__
    for p in list(inspect.signature(init).parameters.values())[1:]:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        names.append(p.name)
    return tuple(names)


def _check_name(cls: type[param.Parameterized], name: Any) -> None:
    if not isinstance(name, str) or name not in cls.param:
        raise ValueError(
            f"{cls.__name__} has no param {name!r} to follow a reference into; its params "
            f"are {sorted(cls.param)}.")
    if cls.param[name].readonly:
        raise ValueError(f"{cls.__name__}.{name} is read-only; it cannot follow a reference.")


def _initial(ref: Any) -> Any:
    return NOTHING if is_driven(ref) else current_value(ref)


def split_arguments(cls: type[param.Parameterized], names: frozenset[str],
                    args: tuple[Any, ...], params: dict[str, Any], refs: Any) -> tuple[
                        tuple[Any, ...], dict[str, Any], dict[str | None, Any]]:
    """Take the references out of a constructor call; put their current values in.

    ``names`` are the params of ``cls`` that accept references. Returns
    ``(args, params, found)``: the call's arguments with each reference
    replaced by its value (left out while an async one has none), and ``found``,
    ``{param name: reference}`` plus ``{None: reference}`` for a ``refs=`` reference
    that yields a dict of param values.

    Raises
    ------
    ValueError, TypeError
        For a ``refs=`` naming a param ``cls`` lacks, or that is neither a dict nor a
        reference; whatever a reference raises while it is first resolved.
    """
    found: dict[str | None, Any] = {}
    if args:
        out = list(args)
        for i, name in enumerate(_positional(cls)[:len(args)]):
            if name in names and is_reference(out[i]):
                found[name] = out[i]
                value = _initial(out[i])
                out[i] = cls.param[name].default if value is NOTHING else value
        args = tuple(out)
    for name, value in list(params.items()):
        if name in names and is_reference(value):
            found[name] = value
            params[name] = _initial(value)
    if refs is not None:
        if isinstance(refs, Mapping) and not is_reference(refs):
            for name, value in refs.items():
                _check_name(cls, name)
                if is_reference(value):
                    found[name] = value
                    value = _initial(value)
                params[name] = value
        elif is_reference(refs):
            found[None] = refs
            values = _initial(refs)
            if values is not NOTHING:
                params.update(_as_values(cls, refs, values))
        else:
            raise TypeError(
                f"{cls.__name__}(refs=...) takes a dict {{param name: reference}} or a "
                f"reference that yields such a dict, got {type(refs).__name__} {refs!r}.")
    for name in [n for n, v in params.items() if v is NOTHING]:
        del params[name]
    return args, params, found


def _as_values(cls: type[param.Parameterized], ref: Any, values: Any) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise TypeError(
            f"{cls.__name__}(refs={describe(ref)}) must yield a dict of param values, got "
            f"{type(values).__name__} {values!r}.")
    for name in values:
        _check_name(cls, name)
    return dict(values)


def unwatch_all(handles: list[tuple[Any, Any]]) -> None:
    """Remove every ``(owner, watcher)`` in ``handles`` and empty it; an owner torn down
    already is skipped with a debug line."""
    for owner, watcher in handles:
        try:
            owner.param.unwatch(watcher)
        except Exception:  # the owner may already be torn down
            log.debug("Unwatching %r raised; it is gone already", owner, exc_info=True)
    handles.clear()


class References:
    """The references one component follows, by param name (None: a ``refs=`` dict).

    Parameters
    ----------
    target : Viewable
        The component (held weakly).
    apply : weakref.WeakMethod
        The component's method that sets param values from references, or raises.
    """

    def __init__(self, target: param.Parameterized, apply: weakref.WeakMethod[Apply]) -> None:
        self._label = type(target).__name__
        self._cls = type(target)
        self._apply = apply
        session = current_session()
        self._session: weakref.ref[Session] | None = (
            weakref.ref(session) if session is not None else None)
        self._refs: dict[str | None, Any] = {}
        self._handles: dict[str | None, list[tuple[Any, Any]]] = {}
        self._runs: dict[str | None, Run] = {}
        #: Param names being set by a reference right now (an assignment keeps it).
        self.syncing: set[str] = set()
        self.released = False

    def __contains__(self, name: object) -> bool:
        return name in self._refs

    def __len__(self) -> int:
        return len(self._refs)

    def _what(self, key: str | None) -> str:
        ref = self._refs.get(key)
        into = f"{self._label}.{key}" if key is not None else f"{self._label}(refs=...)"
        return f"reference {describe(getattr(ref, '__bound_function__', ref))} for {into}"

    def _owner(self) -> tuple[bool, Session | None]:
        if self._session is not None:
            session = self._session()
            return session is not None and not session.destroyed, session
        return True, current_session()

    # -- following ----------------------------------------------------------------------
    def follow(self, key: str | None, ref: Any, initial: bool) -> None:
        """Follow ``ref`` into param ``key``; with ``initial``, take its value now (raises)."""
        self.drop(key)
        self._refs[key] = ref
        if initial and not is_driven(ref):
            try:
                value = current_value(ref)
                if value is not NOTHING:
                    self._set(key, value)
            except Exception:
                del self._refs[key]
                raise
        if not self.released:
            self._watch(key)
            if is_driven(ref):
                self._start(key)

    def drop(self, key: str | None) -> None:
        """Stop following the reference of ``key`` (an assignment replaced it)."""
        if key not in self._refs:
            return
        del self._refs[key]
        unwatch_all(self._handles.pop(key, []))
        run_ = self._runs.pop(key, None)
        if run_ is not None:
            run_.cancel()

    def release(self) -> None:
        """Remove every watcher and stop every run; :meth:`reattach` undoes it."""
        self.released = True
        for handles in self._handles.values():
            unwatch_all(handles)
        self._handles.clear()
        for run_ in self._runs.values():
            run_.cancel()
        self._runs.clear()

    def reattach(self) -> None:
        """Shown again after :meth:`release`: watch again and catch up with each value."""
        if not self.released or not self._owner()[0]:
            return
        self.released = False
        for key in list(self._refs):
            self._watch(key)
            self.changed(key)

    def _watch(self, key: str | None) -> None:
        grouped: dict[int, tuple[Any, set[str]]] = {}
        for p in resolve_ref(self._refs[key]):
            if p.owner is not None and p.name is not None:
                grouped.setdefault(id(p.owner), (p.owner, set()))[1].add(p.name)
        handles = self._handles.setdefault(key, [])
        me = weakref.ref(self)

        def on_change(*events: param.parameterized.Event) -> None:
            refs = me()
            if refs is None:
                unwatch_all(handles)
            else:
                refs.changed(key)

        for owner, names in grouped.values():
            handles.append((owner, owner.param.watch(on_change, sorted(names))))

    def changed(self, key: str | None) -> None:
        """A dependency of ``key``'s reference changed: take its new value (errors handled)."""
        alive, session = self._owner()
        if not alive or self._apply() is None:
            self.release()
            return
        if key not in self._refs:
            return
        ref = self._refs[key]
        if is_driven(ref):
            self._start(key)
            return
        box: list[Any] = []
        run(lambda: box.append(current_value(ref)), session=session, kind="reactive",
            what=lambda: self._what(key))
        if box and box[0] is not NOTHING:
            self._deliver(key, session, box[0])

    def _start(self, key: str | None) -> None:
        old = self._runs.pop(key, None)
        if old is not None:
            old.cancel()  # a newer run replaces the older one
        session = self._owner()[1]
        what = self._what(key)
        try:
            source = eval_function_with_deps(self._refs[key])
        except Exception as exc:
            handle_exception(exc, what, session, "reactive")
            return
        deliver = functools.partial(self._deliver, key, session)
        if inspect.isgenerator(source) or inspect.isasyncgen(source) or inspect.isawaitable(
                source):
            self._runs[key] = drive(source, deliver, session=session, what=what)
        else:
            deliver(source)

    def _deliver(self, key: str | None, session: Session | None, value: Any) -> None:
        if value is NOTHING or value is param.Skip:
            return
        try:
            self._set(key, value)
        except Exception as exc:
            handle_exception(exc, self._what(key), session, "reactive")

    def _set(self, key: str | None, value: Any) -> None:
        apply = self._apply()
        if apply is None:
            return
        values = _as_values(self._cls, self._refs.get(key), value) if key is None else {
            key: value}
        apply(values)
