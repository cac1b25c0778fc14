"""Panes: Markdown, Str, HTML, LineChart, the reactive-function pane, and ``panel()``.

``panel(obj)`` turns anything an app returns into a Viewable: strings become
:class:`Markdown`, functions bound with ``pn.bind`` or decorated with ``pn.depends``
become a :class:`ParamFunction` that re-renders when a dependency changes, and other
values become :class:`Str`.

Examples
--------
>>> import panel_state as pn
>>> pn.panel('**bold**')._props()['html']
'<p><strong>bold</strong></p>\\n'
>>> toggle = pn.widgets.Toggle()
>>> pane = pn.panel(pn.bind(lambda on: 'on' if on else 'off', toggle.param.value))
>>> pane.child.object
'off'
>>> toggle.value = True
>>> pane.child.object
'on'
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import numbers
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import param
from param.parameterized import discard_events, eval_function_with_deps, resolve_ref

from ._params import set_readonly
from .config import config
from .execution import blocking_watch, describe, handle_exception, spawn
from .session import Session, current_session
from .viewable import Viewable

__all__ = ["HTML", "LineChart", "Markdown", "PaneBase", "ParamFunction", "Str", "panel"]


class PaneBase(Viewable):
    """Base class of panes: display an ``object``; ``visible`` hides it."""

    object = param.Parameter(default=None, allow_refs=False, doc="The object shown.")
    visible = param.Boolean(default=True, doc="Whether the pane is shown.")

    _rendered: ClassVar[tuple[str, ...]] = ("visible",)

    def __init__(self, object: Any = None, **params: Any) -> None:
        super().__init__(object=object, **params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.object!r})"


@functools.cache
def _markdown() -> Any:
    """The parser, made on first use (importing markdown-it costs ~20 ms).

    One for the process: raw HTML off, so user text can never inject markup or script;
    commonmark plus tables. Rendering keeps no state between calls.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


class Markdown(PaneBase):
    """Markdown text, rendered to HTML on the server with raw HTML disabled.

    Any ``<script>`` or other tag in the text is shown as text, and links with
    ``javascript:`` URLs are not made into links.
    """

    object = param.String(default="", allow_None=True, doc="The Markdown source.")

    _kind: ClassVar[str] = "Markdown"

    def __init__(self, object: str | None = "", **params: Any) -> None:
        self._cache: tuple[str, str] = ("", "")
        super().__init__(object=object, **params)

    @property
    def html(self) -> str:
        """The rendered HTML of ``object``."""
        source = self.object or ""
        if self._cache[0] != source:
            self._cache = (source, _markdown().render(source))
        return self._cache[1]

    def _props(self) -> dict[str, Any]:
        return {"visible": self.visible, "html": self.html}


class Str(PaneBase):
    """Any object shown as plain text (``str(object)``; None shows nothing).

    The props carry the raw text; the client sets it as text content, never as HTML.
    """

    _kind: ClassVar[str] = "Str"

    def _props(self) -> dict[str, Any]:
        return {"visible": self.visible, "text": "" if self.object is None else str(self.object)}


class HTML(PaneBase):
    """Trusted HTML, inserted as is: never pass it text a user wrote."""

    object = param.String(default="", allow_None=True, doc="The HTML markup (trusted).")

    _kind: ClassVar[str] = "HTML"

    def _props(self) -> dict[str, Any]:
        return {"visible": self.visible, "html": self.object or ""}


def _numbers(owner: str, name: str, values: Any) -> list[int | float]:
    if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
        raise TypeError(
            f"{owner}.{name} must be a sequence of numbers, got {type(values).__name__} "
            f"{values!r}."
        )
    out: list[int | float] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(
                f"{owner}.{name} must contain only numbers, got {type(v).__name__} {v!r}."
            )
        number = int(v) if isinstance(v, numbers.Integral) else float(v)
        if isinstance(number, float) and not math.isfinite(number):
            raise ValueError(f"{owner}.{name} must contain finite numbers, got {v!r}.")
        out.append(number)
    return out


class LineChart(PaneBase):
    """A line through the points (``x[i]``, ``y[i]``), drawn as SVG by the client.

    Parameters
    ----------
    data : mapping, optional
        ``{'x': [...], 'y': [...]}`` (a dict, DataFrame...); without ``'x'`` the
        points are numbered 0, 1, 2...

    Examples
    --------
    >>> import panel_state as pn
    >>> chart = pn.pane.LineChart({'x': [0, 1], 'y': [5, 7]}, title='Load')
    >>> chart.stream({'x': [2], 'y': [6]}, rollover=2)
    >>> chart.x, chart.y
    ([1, 2], [7, 6])
    """

    x = param.List(default=[], doc="x coordinates (numbers), as many as y.")
    y = param.List(default=[], doc="y coordinates (numbers).")
    title = param.String(default="", doc="Title drawn above the chart.")
    width = param.Integer(default=600, bounds=(1, None), doc="Width in pixels.")
    height = param.Integer(default=300, bounds=(1, None), doc="Height in pixels.")

    _kind: ClassVar[str] = "LineChart"
    _rendered: ClassVar[tuple[str, ...]] = ("visible", "x", "y", "title", "width", "height")
    _coerced: ClassVar[frozenset[str]] = frozenset({"x", "y"})

    def __init__(self, data: Any = None, **params: Any) -> None:
        if data is not None:
            if "x" in params or "y" in params:
                raise ValueError("LineChart takes either data={'x': ..., 'y': ...} or x=/y=, "
                                 "not both.")
            x, y = self._columns(data)
            params.update(x=x, y=y)
        elif "y" in params and "x" not in params:
            params["x"] = list(range(len(_numbers("LineChart", "y", params["y"]))))
        x = _numbers("LineChart", "x", params.get("x", []))
        y = _numbers("LineChart", "y", params.get("y", []))
        if len(x) != len(y):
            raise ValueError(
                f"LineChart needs as many x as y values, got {len(x)} x and {len(y)} y values."
            )
        super().__init__(**params)

    def _columns(self, data: Any, start: int = 0) -> tuple[list[Any], list[Any]]:
        try:
            keys = set(data.keys())
        except AttributeError:
            raise TypeError(
                f"LineChart data must be a mapping with 'y' (and optionally 'x') columns, "
                f"got {type(data).__name__} {data!r}."
            ) from None
        extra = keys - {"x", "y"}
        if "y" not in keys or extra:
            raise ValueError(
                f"LineChart data must have a 'y' column and optionally an 'x' column, got "
                f"columns {sorted(map(str, keys))}."
            )
        y = _numbers("LineChart", "y", data["y"])
        x = _numbers("LineChart", "x", data["x"]) if "x" in keys else list(
            range(start, start + len(y)))
        if len(x) != len(y):
            raise ValueError(
                f"LineChart data needs as many x as y values, got {len(x)} x and {len(y)} y "
                "values."
            )
        return x, y

    def _coerce(self, name: str, value: Any) -> Any:
        return _numbers(type(self).__name__, name, value)

    def stream(self, data: Any, rollover: int | None = None) -> None:
        """Append points, keeping at most ``rollover`` of them; send only the new ones.

        Watchers of ``x``/``y`` are not called for streamed points: sessions showing
        the chart receive them as one small ``stream`` message instead of the whole
        series.

        Parameters
        ----------
        data : mapping
            ``{'x': [...], 'y': [...]}``; without ``'x'`` the points continue the
            numbering after the last x.
        rollover : int, optional
            Keep only the last ``rollover`` points (at least 1).

        Raises
        ------
        TypeError, ValueError
            For malformed data or rollover; the chart is left unchanged.
        """
        if rollover is not None and (
            isinstance(rollover, bool) or not isinstance(rollover, int) or rollover < 1
        ):
            raise ValueError(f"LineChart.stream rollover must be None or an int >= 1, got "
                             f"{rollover!r}.")
        last = self.x[-1] if self.x else -1
        new_x, new_y = self._columns(data, start=int(last) + 1 if isinstance(last, int) else 0)
        if not new_y:
            return
        x, y = self.x + new_x, self.y + new_y
        if rollover is not None:
            x, y = x[-rollover:], y[-rollover:]
            new_x, new_y = new_x[-rollover:], new_y[-rollover:]
        with discard_events(self):
            # Already checked above: skip _coerce's pass over the whole series.
            super(Viewable, self).__setattr__("x", x)
            super(Viewable, self).__setattr__("y", y)
        self._emit({"op": "stream", "x": new_x, "y": new_y, "rollover": rollover})


# -- the reactive-function pane ---------------------------------------------------------

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


# param's own namespace descriptor: ``pn.state`` redirects ``state.param`` to the current
# session, but a dependency on the process-wide ``state.busy`` must stay process-wide.
_PARAMS = param.Parameterized.__dict__["param"]


def _params_of(owner: Any) -> Any:
    return _PARAMS.__get__(owner, type(owner))


def _unwatch_all(watchers: list[tuple[Any, Any]]) -> None:
    for owner, watcher in watchers:
        with contextlib.suppress(Exception):  # the owner may already be torn down
            _params_of(owner).unwatch(watcher)
    watchers.clear()


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
            _unwatch_all(handles)
        else:
            target._dependency_changed()

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

    An exception while evaluating is logged, passed to ``config.exception_handler``
    and shown as ``error``; the next dependency change tries again.

    Parameters
    ----------
    object : callable
        A function bound with ``pn.bind``, decorated with ``pn.depends``, a method of
        a Parameterized, or a plain function of no arguments. Sync, async or a
        generator (each yielded value replaces the previous one).
    defer_load : bool, optional
        Show a spinner until the session has loaded, then evaluate (on the thread
        pool when ``config.nthreads`` is set). None means ``config.defer_load``.
    """

    object = param.Callable(allow_refs=False, doc="The function whose output is shown.")
    defer_load = param.Boolean(default=None, allow_None=True, doc="""
        Evaluate only once the session has loaded, showing a spinner until then;
        None means config.defer_load.""")
    visible = param.Boolean(default=True, doc="Whether the pane is shown.")
    child = param.ClassSelector(class_=Viewable, default=None, allow_None=True, readonly=True,
                                doc="The current output, as a Viewable (None before any).")
    loading = param.Boolean(default=False, readonly=True,
                            doc="True while a deferred evaluation waits for the page to load.")
    error = param.String(default=None, allow_None=True, readonly=True,
                         doc="One-line description of the last evaluation's error, or None.")

    _kind: ClassVar[str] = "ParamFunction"
    _rendered: ClassVar[tuple[str, ...]] = ("visible", "loading", "error")
    _child_params: ClassVar[tuple[str, ...]] = ("child",)

    def __init__(self, object: Callable[..., Any] | None = None, **params: Any) -> None:
        if not callable(object):
            raise TypeError(
                f"ParamFunction needs a callable, got {type(object).__name__} {object!r}; "
                "use pn.panel(obj) to display other objects."
            )
        super().__init__(object=object, **params)
        session = current_session()
        self._session: weakref.ref[Session] | None = (
            weakref.ref(session) if session is not None else None)
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
        self._watch_dependencies()
        self.param.watch(self._object_changed, "object")
        if self._deferred():
            set_readonly(self, "loading", True)
        else:
            self._evaluate()

    def __repr__(self) -> str:
        return f"ParamFunction({self._name()})"

    # -- rendering contract -------------------------------------------------------------
    def _props(self) -> dict[str, Any]:
        self._ensure()
        return super()._props()

    def _children(self) -> list[Viewable]:
        self._ensure()
        return [] if self.child is None else [self.child]

    def _cleanup(self) -> None:
        _unwatch_all(self._watchers)
        self._detached = True
        self._generation += 1  # a pending async evaluation finishes without effect

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
            handles.append((owner, _params_of(owner).watch(callback, sorted(set(names)))))
        self._watchers.extend(handles)

    def _object_changed(self, event: param.parameterized.Event) -> None:
        _unwatch_all(self._watchers)
        if not self._detached:
            self._watch_dependencies()
        if self._evaluated or not self._deferred():
            self._evaluate()

    def _dependency_changed(self) -> None:
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
            self._cleanup()
            return
        # A pending async evaluation is not cancelled (that could leave user code
        # half-run); its result is dropped because the generation moved on.
        self._generation += 1
        with self._active(session):
            try:
                with blocking_watch(lambda: f"reactive function {self._name()}"):
                    result = eval_function_with_deps(self.object)
                if inspect.isgenerator(result):
                    for value in result:
                        self._apply(value)
                    return
            except Exception as exc:
                self._fail(exc, session)
                return
            if inspect.isawaitable(result) or inspect.isasyncgen(result):
                spawn(self._consume(result, self._generation, session),
                      session=session, what=f"reactive function {self._name()}")
            else:
                self._apply(result)

    @staticmethod
    @contextlib.contextmanager
    def _active(session: Session | None) -> Iterator[None]:
        if session is None or current_session() is session:
            yield
        else:
            with session.activate():
                yield

    async def _consume(self, result: Any, generation: int, session: Session | None) -> None:
        try:
            if inspect.isasyncgen(result):
                async for value in result:
                    if generation != self._generation:
                        return
                    self._apply(value)
                return
            value = await result
        except Exception as exc:
            if generation == self._generation:
                self._fail(exc, session)
            return
        if generation == self._generation:
            self._apply(value)

    def _fail(self, exc: Exception, session: Session | None) -> None:
        handle_exception(exc, f"reactive function {self._name()}", session)
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


def panel(obj: Any, defer_load: bool | None = None) -> Viewable:
    """Turn ``obj`` into something a session can display.

    * a Viewable is returned as is;
    * a string becomes :class:`Markdown`;
    * a function (bound with ``pn.bind``, decorated with ``pn.depends``, a method, or
      a plain function of no arguments) becomes a :class:`ParamFunction`;
    * a param ``Parameter`` (``widget.param.value``) becomes a ParamFunction showing
      its value;
    * anything else becomes :class:`Str`.

    Parameters
    ----------
    obj : object
        What to display.
    defer_load : bool, optional
        For functions: evaluate only once the session has loaded (None means
        ``config.defer_load``). Ignored for other objects.

    Examples
    --------
    >>> import panel_state as pn
    >>> type(pn.panel('# Title')).__name__, type(pn.panel(42)).__name__
    ('Markdown', 'Str')
    """
    if isinstance(obj, Viewable):
        return obj
    if isinstance(obj, str):
        return Markdown(obj)
    if isinstance(obj, param.Parameter):
        return ParamFunction(param.bind(_identity, obj), defer_load=defer_load)
    if callable(obj) and not isinstance(obj, type):
        return ParamFunction(obj, defer_load=defer_load)
    return Str(obj)


def _identity(value: Any) -> Any:
    return value
