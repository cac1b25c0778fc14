"""ParamFunction: the reactive-function engine, and ``panel()``.

``panel(obj)`` turns anything an app returns into a Viewable (see :func:`panel`);
functions and ``pn.rx`` expressions become a :class:`ParamFunction` that re-renders
when a dependency changes.

A function may return a generator (sync or async) or a coroutine:
:func:`panel_state.generators.drive` runs it, each yield replacing the output as it
comes (a sync generator steps on the thread pool, or a thread of its own, so the page
sees every yield), busy True until it ends; a newer evaluation stops the older one.

Examples
--------
>>> import panel_state as pn
>>> toggle = pn.widgets.Toggle()
>>> pane = pn.panel(pn.bind(lambda on: 'on' if on else 'off', toggle.param.value))
>>> pane.child.object
'off'
>>> toggle.value = True
>>> pane.child.object
'on'
"""

from __future__ import annotations

import logging
import numbers
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import param
from param.parameterized import eval_function_with_deps, resolve_ref

from ._params import set_readonly
from .config import config
from .context import current_session
from .errors import describe, handle_exception
from .execution import run
from .generators import Run, drive, is_driven
from .pane.dataframe import DataFrame, is_dataframe
from .pane.markup import Markdown, Str
from .references import unwatch_all
from .viewable import Viewable
from .widgets.params import from_param

if TYPE_CHECKING:
    from .session import Session

__all__ = ["ParamFunction", "dependencies", "panel"]

log = logging.getLogger(__name__)

_NOTHING = object()
_MAX_RERUNS = 100


def dependencies(fn: Callable[..., Any]) -> list[param.Parameter]:
    """The params a function's output depends on.

    Functions bound with ``pn.bind`` or decorated with ``pn.depends`` (plain functions
    and methods) declare them; an undecorated method of a Parameterized depends on
    every param of its object, as in Panel.
    """
    if hasattr(fn, "_dinfo"):
        return resolve_ref(fn)
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, param.Parameterized):
        return [owner.param[n] for n in owner.param if n != "name"]
    return []


def _weak_callback(pane: ParamFunction, handles: list[tuple[Any, Any]]) -> Callable[..., None]:
    """A watcher callback that keeps ``pane`` weakly.

    Dependencies keep only this closure alive, not the pane (nor, through it, a
    session). Once the pane is gone the next change removes the watchers in
    ``handles``, which reference nothing but the dependencies themselves.
    """
    ref = weakref.ref(pane)

    def on_change(*events: param.parameterized.Event) -> None:
        target = ref()
        if target is None:
            unwatch_all(handles)
        else:
            target.refresh()

    return on_change


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    message = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return message if len(message) <= 300 else message[:297] + "..."


class ParamFunction(Viewable):
    """Shows the output of a function and re-renders it when a dependency changes.

    The output (a string, number, widget, pane or layout) goes through :func:`panel`
    into ``child``. An output equal to the previous one (same type and ``==`` for
    strings and numbers, or the same object) leaves ``child`` untouched; a new string
    updates the Markdown made for the previous one in place.

    An exception while evaluating is logged, passed to ``config.exception_handler`` and
    shown as ``error``; the next dependency change tries again.

    Parameters
    ----------
    object : callable
        A function bound with ``pn.bind``, decorated with ``pn.depends``, a method of
        a Parameterized, or a plain function of no arguments. Sync, async, or a sync
        or async generator (each yielded value replaces the previous one as it comes).
    defer_load : bool, optional
        Show a spinner until the session has loaded, then evaluate (on the thread
        pool when ``config.nthreads`` is set). None means ``config.defer_load``.
    """

    object = param.Callable(allow_refs=False, doc="The function whose output is shown.")
    defer_load = param.Boolean(default=None, allow_None=True, doc="""
        Evaluate only once the session has loaded, showing a spinner until then;
        None means config.defer_load.""")
    child = param.ClassSelector(class_=Viewable, default=None, allow_None=True, readonly=True,
                                doc="The current output, as a Viewable (None before any).")
    loading = param.Boolean(default=False, readonly=True,
                            doc="True while a deferred evaluation waits for the page to load.")
    error = param.String(default=None, allow_None=True, readonly=True,
                         doc="One-line description of the last evaluation's error, or None.")

    view_kind: ClassVar[str] = "ParamFunction"
    view_params: ClassVar[tuple[str, ...]] = ("loading", "error")
    view_child_params: ClassVar[tuple[str, ...]] = ("child",)

    def __init__(self, object: Callable[..., Any] | None = None, **params: Any) -> None:
        if not callable(object):
            raise TypeError(
                f"ParamFunction needs a callable, got {type(object).__name__} {object!r}; "
                "use pn.panel(obj) to display other objects."
            )
        super().__init__(object=object, **params)
        owner = current_session()
        self._session: weakref.ref[Session] | None = owner if owner is None else weakref.ref(owner)
        self._watchers: list[tuple[Any, Any]] = []
        self._evaluated = False
        self._detached = False
        self._scheduled = False
        self._last: Any = _NOTHING
        self._owned = False  # whether child was made here from a raw output
        self._generation = 0
        self._lock = threading.Lock()
        self._running = False
        self._again = False
        self._run: Run | None = None  # the generator or coroutine being driven
        self._watch_dependencies()
        self.param.watch(self._object_changed, "object")
        if self._deferred():
            set_readonly(self, "loading", True)
        else:
            self._evaluate()

    def __repr__(self) -> str:
        return f"ParamFunction({self._name()})"

    # -- rendering contract -------------------------------------------------------------
    def view_props(self) -> dict[str, Any]:
        self._ensure()
        return super().view_props()

    def view_children(self) -> list[Viewable]:
        self._ensure()
        return [] if self.child is None else [self.child]

    def release(self) -> None:
        super().release()
        unwatch_all(self._watchers)
        self._detached = True
        self._generation += 1  # a pending async evaluation finishes without effect
        self._stop_run()

    # -- evaluation ----------------------------------------------------------------------
    def _name(self) -> str:
        fn = self.object
        return describe(getattr(fn, "__bound_function__", fn))

    def _deferred(self) -> bool:
        return bool(config.defer_load if self.defer_load is None else self.defer_load)

    def _owner(self) -> tuple[bool, Session | None]:
        """``(alive, session)``: the session to evaluate in, and whether it still is."""
        if self._session is not None:
            session = self._session()
            return session is not None and not session.destroyed, session
        return True, current_session()

    def _ensure(self) -> None:
        """First access: evaluate now, or once the current session has loaded.

        A pane cleaned up when its last session closed watches again when shown anew.
        """
        if self._detached and self._owner()[0]:
            self._detached = False
            self._watch_dependencies()
            if self._evaluated:
                self._evaluate()
        if self._evaluated or self._scheduled:
            return
        session = current_session()
        if session is not None and not session.loaded and not session.destroyed:
            self._scheduled = True
            session.onload(self._evaluate, threaded=config.nthreads is not None)
        else:
            self._evaluate()

    def _watch_dependencies(self) -> None:
        grouped: dict[int, tuple[Any, list[str]]] = {}
        for p in dependencies(self.object):
            if p.owner is None or p.name is None:
                continue
            grouped.setdefault(id(p.owner), (p.owner, []))[1].append(p.name)
        handles: list[tuple[Any, Any]] = []
        callback = _weak_callback(self, handles)
        for owner, names in grouped.values():
            handles.append((owner, owner.param.watch(callback, sorted(set(names)))))
        self._watchers.extend(handles)

    def _object_changed(self, event: param.parameterized.Event) -> None:
        unwatch_all(self._watchers)
        if not self._detached:
            self._watch_dependencies()
        if self._evaluated or not self._deferred():
            self._evaluate()

    def refresh(self) -> None:
        """A dependency changed: evaluate again (once loaded, for a deferred pane)."""
        if not self._evaluated and not self._running and self._deferred():
            return  # a deferred pane evaluates for the first time only once loaded
        self._evaluate()

    def _evaluate(self) -> None:
        """Evaluate now; a change arriving meanwhile (any thread) runs it once more after.

        So evaluations of one pane never overlap and the last one sees the latest
        values, even when a deferred evaluation runs on the thread pool.
        """
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        try:
            for _ in range(_MAX_RERUNS):
                self._evaluate_once()
                with self._lock:
                    if not self._again:
                        return
                    self._again = False
            self._fail(RuntimeError(
                f"{self._name()} keeps changing its own dependencies while it is evaluated; "
                f"stopped after {_MAX_RERUNS} runs in a row. Change them outside the "
                "function."),
                self._owner()[1])
        finally:
            with self._lock:
                self._running = False
                self._again = False

    def _evaluate_once(self) -> None:
        alive, session = self._owner()
        if not alive:
            self.release()
            return
        # A pending coroutine is not cancelled (that could leave user code half-run);
        # its result is dropped because the generation moved on. A generator is
        # stopped (see _drive): it expects to be closed at a yield.
        self._generation += 1
        generation = self._generation
        run(self._compute, generation, session=session, kind="reactive", what=self._what,
            done=lambda exc: self._failed(exc, generation))

    def _what(self) -> str:
        return f"reactive function {self._name()}"

    def _compute(self, generation: int) -> Any:
        """Call the function; apply its output, or start driving what it returned."""
        result = eval_function_with_deps(self.object)
        if is_driven(result):
            self._drive(result, generation)
        else:
            self._apply(result)
        return None

    def _drive(self, result: Any, generation: int) -> None:
        self._stop_run()  # a newer evaluation replaces the older one

        def apply(value: Any) -> None:
            if generation == self._generation:
                self._apply(value)

        self._run = drive(result, apply, session=self._owner()[1], what=self._what(),
                          done=lambda exc: self._failed(exc, generation))

    def _stop_run(self) -> None:
        running, self._run = self._run, None
        if running is not None:
            running.cancel()

    def _failed(self, exc: BaseException | None, generation: int) -> None:
        if exc is not None and generation == self._generation:
            self._show_error(exc)

    def _fail(self, exc: Exception, session: Session | None) -> None:
        handle_exception(exc, self._what(), session, "reactive")
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self._evaluated = True
        set_readonly(self, "error", _one_line(exc))
        set_readonly(self, "loading", False)

    def _apply(self, output: Any) -> None:
        self._evaluated = True
        previous, self._last = self._last, output
        child = self.child
        unchanged = output is previous or (
            type(output) is type(previous)
            and isinstance(output, (str, numbers.Number))
            and output == previous
        )
        if not unchanged:
            if self._owned and isinstance(output, str) and isinstance(child, Markdown):
                child.object = output
            elif self._owned and isinstance(output, numbers.Number) and type(child) is Str:
                child.object = output
            elif output is None:
                self._owned = False
                set_readonly(self, "child", None)
            else:
                new = panel(output)
                self._owned = new is not output
                set_readonly(self, "child", new)
        set_readonly(self, "error", None)
        set_readonly(self, "loading", False)


def panel(obj: Any, defer_load: bool | None = None, **params: Any) -> Viewable:
    """Turn ``obj`` into something a session can display.

    * a Viewable is returned as is;
    * a string becomes :class:`Markdown`;
    * a function (bound with ``pn.bind``, decorated with ``pn.depends``, a method, or
      a plain function of no arguments) becomes a :class:`ParamFunction`;
    * a param ``Parameter`` (``cb.param.period``) becomes its widget, linked both ways;
    * another Parameterized (instance or class) becomes :class:`panel_state.Param`;
    * a ``pn.rx`` expression becomes a ParamFunction showing its current value;
    * a pandas DataFrame or Series becomes :class:`~panel_state.pane.DataFrame`;
    * anything else becomes :class:`Str`.

    Parameters
    ----------
    obj : object
        What to display.
    defer_load : bool, optional
        For functions: evaluate only once the session has loaded (None means
        ``config.defer_load``). Ignored for other objects.
    **params
        Params of the component made for ``obj`` (``width=``, ``styles=``,
        ``min_height=``...); ignored when ``obj`` already is a Viewable, as in Panel.

    Examples
    --------
    >>> import panel_state as pn
    >>> type(pn.panel('# Title')).__name__, type(pn.panel(42)).__name__
    ('Markdown', 'Str')
    """
    if isinstance(obj, Viewable):
        return obj
    if isinstance(obj, str):
        return Markdown(obj, **params)
    if isinstance(obj, param.Parameter):
        return from_param(obj, **params)
    if isinstance(obj, param.Parameterized) or (
            isinstance(obj, type) and issubclass(obj, param.Parameterized)):
        # Deferred import: param_pane imports layout, which imports this module.
        from .param_pane import Param

        return Param(obj, **params)
    if isinstance(obj, param.rx):
        # Checked before callable(): an rx expression is callable (it calls its value).
        return ParamFunction(param.bind(_identity, obj), defer_load=defer_load, **params)
    if callable(obj) and not isinstance(obj, type):
        return ParamFunction(obj, defer_load=defer_load, **params)
    if is_dataframe(obj):
        return DataFrame(obj, **params)
    return Str(obj, **params)


def _identity(value: Any) -> Any:
    return value
