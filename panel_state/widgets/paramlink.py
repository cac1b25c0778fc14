"""ParamLink: the two-way link of a widget and a param of an object.

Widget -> object: a change of the widget's ``value`` (or ``value_throttled``) sets the
param, unless it is read-only or constant. Object -> widget: the param's value and its
``constant``, ``label``, ``objects``, ``bounds`` and ``step`` slots update the widget.

The object holds the widget only weakly: a long-lived object (a ``PeriodicCallback``,
``pn.state``) never keeps the widgets of closed sessions alive, and its watchers go away
with the widget.
"""

from __future__ import annotations

import datetime as dt
import numbers
import threading
import weakref
from typing import Any

import param

from .._params import validate
from ..context import current_session
from ..errors import handle_exception
from .base import Widget
from .buttons import Button
from .dates import DatePicker
from .inputs import StaticText

__all__ = ["ParamLink", "equal", "to_param", "to_widget"]


def to_widget(cls: type[Widget] | Widget, value: Any) -> Any:
    """The object's value as the widget holds it."""
    spec = cls.param["value"] if "value" in cls.param else None
    if isinstance(spec, param.CalendarDate) and isinstance(value, dt.datetime):
        return value.date()
    if isinstance(spec, param.Tuple) and isinstance(value, list):
        return tuple(value)
    if isinstance(spec, param.List) and isinstance(value, tuple):
        return list(value)
    return value


def to_param(parameter: param.Parameter, current: Any, value: Any) -> Any:
    """The widget's value as the object's param takes it."""
    if isinstance(parameter, param.Integer) and isinstance(value, float) and value.is_integer():
        return int(value)  # a FloatSlider or FloatInput chosen for an Integer param
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
            and isinstance(current, dt.datetime):
        # A picked day keeps its time of day, unless that time is past a bound on that
        # day: the picker offers the bounds' days, so the day gets the bound's time.
        return _within(parameter, value, dt.datetime.combine(value, current.timetz()))
    return value


def _within(parameter: param.Parameter, day: dt.date, moment: dt.datetime) -> dt.datetime:
    low, high = getattr(parameter, "bounds", None) or (None, None)
    for bound, past in ((low, lambda b: moment < b), (high, lambda b: moment > b)):
        if isinstance(bound, dt.datetime) and bound.date() == day \
                and (bound.tzinfo is None) == (moment.tzinfo is None) and past(bound):
            return bound
    return moment


class ParamLink:
    """The two-way link of one widget and one param of an object.

    Widget -> object: each change of the widget's ``value`` (or ``value_throttled``)
    sets the param, unless it is read-only or constant; a value the param refuses is
    refused by the widget first (for the browser) or undone (for Python code, which
    gets the error). Object -> widget: value, ``constant``, ``label``, ``objects``,
    ``bounds`` and ``step`` changes of the param update the widget.

    The object's watchers hold the widget weakly and are removed when the widget is
    garbage-collected or :meth:`unlink` is called.
    """

    def __init__(self, widget: Widget, parameter: Any, *, watch: str = "value",
                 show_label: bool = True, hide_constant: bool = False) -> None:
        self.owner: Any = parameter.owner
        self.name: str = parameter.name
        self.watch = watch
        self._updating: set[int] = set()
        self._widget_watcher: Any = None
        self._show_label = show_label
        self._hide_constant = hide_constant
        self.widget_ref = weakref.ref(widget)
        if isinstance(parameter, (param.Action, param.Event)) and isinstance(widget, Button):
            # on_click: the action runs like any click callback (busy, errors reported).
            self._widget_watcher = widget.on_click(self._clicked)
        elif watch in widget.param and not isinstance(widget, StaticText):
            self._widget_watcher = widget.param.watch(self._push, watch)
        # Refuses what the param would refuse; and the widget keeps the link alive
        # through it, for as long as the widget lives and no longer.
        widget.add_client_check(self._check)
        self._owner_watchers = self._watch_owner(parameter)
        self._finalizer = weakref.finalize(widget, _unwatch, self.owner, self._owner_watchers)

    def parameter(self) -> Any:
        """The linked param (the object's own copy, with its current slots)."""
        return self.owner.param[self.name]

    def _fixed(self) -> bool:
        p = self.parameter()
        return bool(p.constant or p.readonly)

    def _watch_owner(self, parameter: param.Parameter) -> list[Any]:
        ref = weakref.ref(self)
        # The watchers hold this link (and through it the widget) weakly.

        def on_change(*events: param.parameterized.Event) -> None:
            link = ref()
            if link is not None:
                link.pull(*events)

        slots = ["value", "constant", "label"]
        if hasattr(parameter, "get_range"):
            slots.append("objects")
        if hasattr(parameter, "get_soft_bounds"):
            slots += ["bounds", "softbounds"]
        if hasattr(parameter, "step"):
            slots.append("step")
        owner = self.owner
        return [owner.param.watch(on_change, [self.name], what=what) for what in slots]

    def unlink(self) -> None:
        """Remove both directions of the link."""
        self._finalizer()
        widget = self.widget_ref()
        if widget is not None and self._widget_watcher is not None:
            widget.param.unwatch(self._widget_watcher)
        self._widget_watcher = None

    # -- widget -> object ----------------------------------------------------------------
    def _check(self, name: str, value: Any) -> None:
        if name != self.watch:
            return
        if self._fixed():
            raise ValueError(f"{type(self.owner).__name__}.{self.name} is read-only or "
                             "constant; the widget showing it cannot change it.")
        validate(self.parameter(), to_param(self.parameter(), getattr(self.owner, self.name),
                                           value))

    def _push(self, event: param.parameterized.Event) -> None:
        me = threading.get_ident()
        if me in self._updating or self._fixed():
            return
        widget = event.obj
        new = to_param(self.parameter(), getattr(self.owner, self.name), event.new)
        self._updating.add(me)
        try:
            try:
                self.owner.param.update({self.name: new})
            except (ValueError, TypeError):
                self._show(widget, getattr(self.owner, self.name))  # undo, then report
                raise
            current = getattr(self.owner, self.name)
            if not equal(current, new):  # a watcher of the object changed it again
                self._show(widget, current)
        finally:
            self._updating.discard(me)

    def _clicked(self, event: param.parameterized.Event) -> Any:
        if isinstance(self.parameter(), param.Event):
            self.owner.param.trigger(self.name)
            return None
        action = getattr(self.owner, self.name)
        return action(self.owner) if callable(action) else None

    def sync(self) -> None:
        """Show the object's current value in the widget."""
        widget = self.widget_ref()
        if widget is None or "value" not in widget.param or isinstance(widget, Button):
            return
        me = threading.get_ident()
        self._updating.add(me)
        try:
            self._show(widget, getattr(self.owner, self.name))
        finally:
            self._updating.discard(me)

    # -- object -> widget ----------------------------------------------------------------
    def pull(self, *events: param.parameterized.Event) -> None:
        """Show a change of the param (its value or one of its slots) in the widget."""
        widget = self.widget_ref()
        if widget is None:
            return
        for event in events:
            try:
                self._pull(widget, event)
            except Exception as exc:
                handle_exception(exc, f"showing {type(self.owner).__name__}.{self.name} in "
                                 f"{type(widget).__name__}", current_session(), "watcher")

    def _pull(self, widget: Widget, event: param.parameterized.Event) -> None:
        what, new = event.what, event.new
        if what == "value":
            if threading.get_ident() not in self._updating:
                self.sync()
        elif what == "constant" or what == "readonly":
            widget.disabled = self._fixed()
            if self._hide_constant:
                widget.visible = not self._fixed()
        elif what == "label" and self._show_label:
            widget.name = new or ""
        elif what == "objects" and "options" in widget.param:
            widget.param.update(options=dict(self.parameter().get_range()))
        elif what == "step" and "step" in widget.param and new:
            widget.step = new
        elif what in ("bounds", "softbounds") and "start" in widget.param:
            start, end = self.parameter().get_soft_bounds()
            _set_bounds(widget, start, end)

    def _show(self, widget: Widget, value: Any) -> None:
        """Set the widget's value to the object's, widening its bounds if it must."""
        value = to_widget(widget, value)
        spec = widget.param["value"]
        if value is None and not spec.allow_None:
            return  # the widget cannot show "no value": it keeps its last one
        try:
            widget.value = value
        except (ValueError, TypeError):
            if not _widen(widget, value):
                raise
            widget.value = value


def equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # values whose == is not a plain bool (arrays)
        return a is b


def _set_bounds(widget: Any, start: Any, end: Any) -> None:
    # Move the side that does not cross the other first, so start <= end throughout.
    if start is not None and widget.end is not None and start > widget.end:
        widget.param.update(end=end)
        widget.param.update(start=start)
    else:
        widget.param.update(start=start)
        widget.param.update(end=end)


def _widen(widget: Any, value: Any) -> bool:
    """Stretch a numeric widget's bounds to include ``value``; False if it cannot."""
    if "start" not in widget.param or isinstance(widget, DatePicker):
        return False
    points = list(value) if isinstance(value, (tuple, list)) else [value]
    if not points or not all(isinstance(v, numbers.Real) for v in points):
        return False
    low, high = min(points), max(points)
    if widget.start is not None and low < widget.start:
        widget.start = low
    if widget.end is not None and high > widget.end:
        widget.end = high
    return True


def _unwatch(owner: Any, watchers: list[Any]) -> None:
    for watcher in watchers:
        try:
            owner.param.unwatch(watcher)
        except Exception:  # the watcher is gone already (param removed it)
            continue
    watchers.clear()
