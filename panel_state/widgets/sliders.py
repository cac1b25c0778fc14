"""Sliders: IntSlider and FloatSlider (``start <= value <= end`` always holds), and the
range sliders RangeSlider and IntRangeSlider (``start <= low <= high <= end``)."""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import param

from .._params import set_readonly
from .base import Widget

__all__ = ["FloatSlider", "IntRangeSlider", "IntSlider", "RangeSlider", "as_number"]


def as_number(label: str, name: str, value: Any, integer: bool) -> Any:
    """``value`` as an int (``integer``) or a finite float; raise naming ``label.name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{label}: {name} must be {'an integer' if integer else 'a number'}, "
            f"got {type(value).__name__} {value!r}."
        )
    if integer:
        if not isinstance(value, numbers.Integral):
            if not float(value).is_integer():
                raise ValueError(f"{label}: {name} must be an integer, got {value!r}.")
        return int(value)  # type: ignore[call-overload]
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{label}: {name} must be finite, got {value!r}.")
    return number


#: Panel's slider looks, taken and ignored (with a warning) by every slider.
_SLIDER_LOOKS = frozenset({"bar_color", "direction", "format", "orientation", "tooltips"})


class _Throttled(Widget):
    """``value_throttled`` of the sliders: the browser's ``value`` while a handle is
    dragged leaves it alone; the release (a ``value_throttled`` event) and every change
    of ``value`` from Python set it."""

    _dragging: bool = False

    def _apply_client_value(self, name: str, value: Any) -> None:
        if name == "value":
            self._dragging = True  # value_throttled waits for the release
            try:
                super()._apply_client_value(name, value)
            finally:
                self._dragging = False
            return
        with param.edit_constant(self):
            self.param.update(value=value, value_throttled=value)

    def _throttle(self) -> None:
        if not self._dragging:
            with param.edit_constant(self):
                self.value_throttled = self.value


class _Slider(_Throttled):
    """Shared logic of the sliders: ``start <= value <= end`` always holds."""

    _integer: ClassVar[bool] = False
    view_params: ClassVar[tuple[str, ...]] = (
        *Widget.view_params, "start", "end", "step", "value", "show_value")
    _event_params: ClassVar[tuple[str, ...]] = ("value", "value_throttled")
    _coerced: ClassVar[frozenset[str]] = frozenset({"start", "end", "step", "value"})
    _panel_ignored: ClassVar[frozenset[str]] = _SLIDER_LOOKS

    start = param.Number(default=0.0, doc="Lowest value.")
    end = param.Number(default=1.0, doc="Highest value.")
    step = param.Number(default=0.1, doc="Distance between selectable values (positive).")
    value = param.Number(default=0.0, doc="The selected value, within [start, end].")
    value_throttled = param.Number(default=None, allow_None=True, constant=True, doc="""
        The selected value, updated only when the handle is released (and whenever
        ``value`` is set from Python).""")
    show_value = param.Boolean(default=True, doc="Whether the value is shown beside the label.")

    _ready: bool = False

    def __init__(self, **params: Any) -> None:
        cls = type(self)
        given: dict[str, Any] = {k: self._coerce(k, params[k])
                                 for k in ("start", "end", "step", "value") if k in params}
        start = given.get("start", cls.param["start"].default)
        end = given.get("end", cls.param["end"].default)
        if start > end:
            raise ValueError(
                f"{cls.__name__}: start must not exceed end, got start={start!r} and "
                f"end={end!r}."
            )
        value = given.get("value", min(max(cls.param["value"].default, start), end))
        if not start <= value <= end:
            raise ValueError(
                f"{cls.__name__}: value must be within [start, end] = [{start!r}, {end!r}], "
                f"got {value!r}."
            )
        params.update(given, value=value)
        super().__init__(**params)
        self._value_changed()
        self._ready = True
        self.param.watch(self._bounds_changed, ["start", "end"])
        self.param.watch(self._value_changed, "value")

    def _from_client(self, name: str, value: Any) -> Any:
        return self._coerce("value", value)


    def _value_changed(self, *events: param.parameterized.Event) -> None:
        self._throttle()

    def _coerce(self, name: str, value: Any) -> Any:
        value = as_number(self._label(), name, value, self._integer)
        if name == "step":
            if value <= 0:
                raise ValueError(f"{self._label()}: step must be positive, got {value!r}.")
            return value
        if not self._ready:  # the constructor checks the bounds together
            return value
        if name == "start":
            if value > self.end:
                raise ValueError(
                    f"{self._label()}: start must not exceed end ({self.end!r}), got "
                    f"{value!r}; set end first when moving the range up."
                )
        elif name == "end":
            if value < self.start:
                raise ValueError(
                    f"{self._label()}: end must not be below start ({self.start!r}), got "
                    f"{value!r}; set start first when moving the range down."
                )
        elif not self.start <= value <= self.end:
            raise ValueError(
                f"{self._label()}: value must be within [start, end] = "
                f"[{self.start!r}, {self.end!r}], got {value!r}."
            )
        return value

    def _bounds_changed(self, *events: param.parameterized.Event) -> None:
        clamped = min(max(self.value, self.start), self.end)
        if clamped != self.value:
            self.value = clamped


class IntSlider(_Slider):
    """A slider over integers from ``start`` to ``end`` in steps of ``step``."""

    start = param.Integer(default=0, doc="Lowest value.")
    end = param.Integer(default=1, doc="Highest value.")
    step = param.Integer(default=1, doc="Distance between selectable values (positive).")
    value = param.Integer(default=0, doc="The selected value, within [start, end].")

    view_kind: ClassVar[str] = "IntSlider"
    _integer: ClassVar[bool] = True


class FloatSlider(_Slider):
    """A slider over numbers from ``start`` to ``end`` in steps of ``step``."""

    start = param.Number(default=0.0, doc="Lowest value.")
    end = param.Number(default=1.0, doc="Highest value.")
    step = param.Number(default=0.1, doc="Distance between selectable values (positive).")
    value = param.Number(default=0.0, doc="The selected value, within [start, end].")

    view_kind: ClassVar[str] = "FloatSlider"


def _bounds_error(label: str, start: Any, end: Any) -> ValueError:
    return ValueError(f"{label}: start must not exceed end, got start={start!r} and "
                      f"end={end!r}.")


class _RangeSlider(_Throttled):
    """Shared logic of the range sliders: ``start <= low <= high <= end`` always holds."""

    _integer: ClassVar[bool] = False
    view_params: ClassVar[tuple[str, ...]] = (
        *Widget.view_params, "start", "end", "step", "value", "show_value")
    _event_params: ClassVar[tuple[str, ...]] = ("value", "value_throttled")
    _coerced: ClassVar[frozenset[str]] = frozenset({"start", "end", "step", "value"})
    _panel_ignored: ClassVar[frozenset[str]] = _SLIDER_LOOKS

    start = param.Number(default=0.0, doc="Lowest value.")
    end = param.Number(default=1.0, doc="Highest value.")
    step = param.Number(default=0.1, doc="Distance between selectable values (positive).")
    value = param.Range(default=(0.0, 1.0), doc="""
        The selected range ``(low, high)``, with start <= low <= high <= end; updated
        while a handle is dragged.""")
    value_start = param.Number(default=0.0, readonly=True, doc="The low end of ``value``.")
    value_end = param.Number(default=1.0, readonly=True, doc="The high end of ``value``.")
    value_throttled = param.Range(default=None, allow_None=True, constant=True, doc="""
        The selected range, updated only when a handle is released (and whenever
        ``value`` is set from Python).""")
    show_value = param.Boolean(default=True, doc="Whether the range is shown beside the label.")

    _ready: bool = False

    def __init__(self, **params: Any) -> None:
        cls = type(self)
        if not self._integer and "step" not in params and all(
                isinstance(params.get(k), int) and not isinstance(params.get(k), bool)
                for k in ("start", "end")):
            params["step"] = 1  # a range over whole numbers steps by one, as in Panel
        given: dict[str, Any] = {k: self._coerce(k, params[k])
                                 for k in ("start", "end", "step", "value") if k in params}
        start = given.get("start", cls.param["start"].default)
        end = given.get("end", cls.param["end"].default)
        if start > end:
            raise _bounds_error(cls.__name__, start, end)
        value = given.get("value", (start, end))
        self._check_within(cls.__name__, value, start, end)
        params.update(given, value=value)
        super().__init__(**params)
        self._mirror()
        self._ready = True
        self.param.watch(self._bounds_changed, ["start", "end"])
        self.param.watch(self._value_changed, "value")

    def _check_within(self, label: str, value: tuple[Any, Any], start: Any, end: Any) -> None:
        low, high = value
        if not start <= low <= high <= end:
            raise ValueError(
                f"{label}: value must be a range (low, high) with low <= high within "
                f"[start, end] = [{start!r}, {end!r}], got {value!r}.")

    def _coerce(self, name: str, value: Any) -> Any:
        label = self._label()
        if name == "value":
            if isinstance(value, list):
                value = tuple(value)
            if not isinstance(value, tuple) or len(value) != 2:
                raise TypeError(f"{label}: value must be a (low, high) tuple, got "
                                f"{type(value).__name__} {value!r}.")
            value = tuple(as_number(label, "value", v, self._integer) for v in value)
            if self._ready:
                self._check_within(label, value, self.start, self.end)
            return value
        value = as_number(label, name, value, self._integer)
        if name == "step":
            if value <= 0:
                raise ValueError(f"{label}: step must be positive, got {value!r}.")
        elif self._ready and name == "start" and value > self.end:
            raise ValueError(f"{label}: start must not exceed end ({self.end!r}), got "
                             f"{value!r}; set end first when moving the range up.")
        elif self._ready and name == "end" and value < self.start:
            raise ValueError(f"{label}: end must not be below start ({self.start!r}), got "
                             f"{value!r}; set start first when moving the range down.")
        return value

    def _from_client(self, name: str, value: Any) -> Any:
        return self._coerce("value", value)


    def _mirror(self) -> None:
        low, high = self.value
        set_readonly(self, "value_start", low)
        set_readonly(self, "value_end", high)
        self._throttle()

    def _value_changed(self, event: param.parameterized.Event) -> None:
        self._mirror()

    def _bounds_changed(self, *events: param.parameterized.Event) -> None:
        low, high = (min(max(v, self.start), self.end) for v in self.value)
        if (low, high) != self.value:
            self.value = (low, high)


class RangeSlider(_RangeSlider):
    """A slider with two handles selecting a range of numbers ``(low, high)``.

    Examples
    --------
    >>> import panel_state as pn
    >>> hours = pn.widgets.RangeSlider(name='Hours', start=0.0, end=24.0, value=(8.0, 17.5))
    >>> hours.value, hours.value_start, hours.value_end
    ((8.0, 17.5), 8.0, 17.5)
    """

    view_kind: ClassVar[str] = "RangeSlider"


class IntRangeSlider(_RangeSlider):
    """A slider with two handles selecting a range of integers ``(low, high)``."""

    start = param.Integer(default=0, doc="Lowest value.")
    end = param.Integer(default=1, doc="Highest value.")
    step = param.Integer(default=1, doc="Distance between selectable values (positive).")
    value = param.Range(default=(0, 1), doc="""
        The selected range ``(low, high)`` of integers, with start <= low <= high <= end;
        updated while a handle is dragged.""")
    value_start = param.Integer(default=0, readonly=True, doc="The low end of ``value``.")
    value_end = param.Integer(default=1, readonly=True, doc="The high end of ``value``.")

    view_kind: ClassVar[str] = "IntRangeSlider"
    _integer: ClassVar[bool] = True
