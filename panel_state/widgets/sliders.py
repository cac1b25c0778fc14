"""Sliders: IntSlider and FloatSlider; ``start <= value <= end`` always holds."""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import param

from .base import Widget

__all__ = ["FloatSlider", "IntSlider"]


def _real(label: str, name: str, value: Any, integer: bool) -> Any:
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


class _Slider(Widget):
    """Shared logic of the sliders: ``start <= value <= end`` always holds."""

    _integer: ClassVar[bool] = False
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "start", "end", "step", "value")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)
    _coerced: ClassVar[frozenset[str]] = frozenset({"start", "end", "step", "value"})

    start = param.Number(default=0.0, doc="Lowest value.")
    end = param.Number(default=1.0, doc="Highest value.")
    step = param.Number(default=0.1, doc="Distance between selectable values (positive).")
    value = param.Number(default=0.0, doc="The selected value, within [start, end].")

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
        self._ready = True
        self.param.watch(self._bounds_changed, ["start", "end"])

    def _coerce(self, name: str, value: Any) -> Any:
        value = _real(self._label(), name, value, self._integer)
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
