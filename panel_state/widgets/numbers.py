"""Number inputs: IntInput and FloatInput, a typed number with optional bounds.

Unlike a slider, either bound may be None (no limit) and the value may be None (an
empty input). Whenever a bound is set, ``start <= value <= end`` holds.
"""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .base import Widget
from .sliders import as_number

__all__ = ["FloatInput", "IntInput", "NumberInput", "Spinner"]


class _NumberInput(Widget):
    """Shared logic of the number inputs."""

    _integer: ClassVar[bool] = False
    view_params: ClassVar[tuple[str, ...]] = (
        *Widget.view_params, "start", "end", "step", "value", "placeholder")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)
    _coerced: ClassVar[frozenset[str]] = frozenset({"start", "end", "step", "value"})
    _panel_ignored: ClassVar[frozenset[str]] = frozenset(
        {"description", "format", "page_step_multiplier", "wheel_wait"})

    start = param.Number(default=None, allow_None=True, doc="Lowest value, or None for no limit.")
    end = param.Number(default=None, allow_None=True, doc="Highest value, or None for no limit.")
    step = param.Number(default=0.1, doc="How much the arrows (and arrow keys) change the value.")
    value = param.Number(default=0.0, allow_None=True, doc="""
        The number entered, within [start, end] where they are set; None when empty.""")
    value_throttled = param.Number(default=None, allow_None=True, constant=True, doc="""
        The number entered, updated when the entry is committed (Enter, leaving the
        field or an arrow click); the same as ``value`` here, which the browser sends
        only then.""")
    placeholder = param.String(default="", doc="Text shown while the input is empty.")

    _ready: bool = False

    def __init__(self, **params: Any) -> None:
        cls = type(self)
        given: dict[str, Any] = {k: self._coerce(k, params[k])
                                 for k in ("start", "end", "step", "value") if k in params}
        start, end = given.get("start"), given.get("end")
        if start is not None and end is not None and start > end:
            raise ValueError(f"{cls.__name__}: start must not exceed end, got start={start!r} "
                             f"and end={end!r}.")
        if "value" not in given:  # the default, moved into the bounds (Panel starts at start)
            value = cls.param["value"].default if start is None else start
            given["value"] = value if end is None or value <= end else end
        self._check_within(cls.__name__, given["value"], start, end)
        params.update(given)
        super().__init__(**params)
        with param.edit_constant(self):
            self.value_throttled = self.value
        self._ready = True
        self.param.watch(self._value_changed, "value")
        self.param.watch(self._bounds_changed, ["start", "end"])

    @staticmethod
    def _check_within(label: str, value: Any, start: Any, end: Any) -> None:
        if value is None:
            return
        if (start is not None and value < start) or (end is not None and value > end):
            raise ValueError(
                f"{label}: value must be within [start, end] = [{start!r}, {end!r}] "
                f"(None: no limit), got {value!r}.")

    def _coerce(self, name: str, value: Any) -> Any:
        label = self._label()
        if value is None:
            if name == "step":
                raise TypeError(f"{label}: step must be a positive number, got None.")
            return None
        value = as_number(label, name, value, self._integer)
        if name == "step" and value <= 0:
            raise ValueError(f"{label}: step must be positive, got {value!r}.")
        if not self._ready or name == "step":
            return value
        if name == "value":
            self._check_within(label, value, self.start, self.end)
        elif name == "start" and self.end is not None and value > self.end:
            raise ValueError(f"{label}: start must not exceed end ({self.end!r}), got "
                             f"{value!r}; set end first when moving the range up.")
        elif name == "end" and self.start is not None and value < self.start:
            raise ValueError(f"{label}: end must not be below start ({self.start!r}), got "
                             f"{value!r}; set start first when moving the range down.")
        return value

    def _value_changed(self, event: param.parameterized.Event) -> None:
        with param.edit_constant(self):
            self.value_throttled = event.new

    def _bounds_changed(self, *events: param.parameterized.Event) -> None:
        value = self.value
        if value is None:
            return
        if self.start is not None and value < self.start:
            self.value = self.start
        elif self.end is not None and value > self.end:
            self.value = self.end


class IntInput(_NumberInput):
    """An input for a whole number, with optional ``start``/``end`` bounds.

    Examples
    --------
    >>> import panel_state as pn
    >>> retries = pn.widgets.IntInput(name='Retries', start=0, end=10, value=3)
    >>> retries.apply_client_change('value', 5); retries.value
    5
    >>> try:
    ...     retries.apply_client_change('value', 11)
    ... except ValueError as exc:
    ...     print(exc)
    IntInput 'Retries': value must be within [start, end] = [0, 10] (None: no limit), got 11.
    """

    start = param.Integer(default=None, allow_None=True, doc="Lowest value, or None for no limit.")
    end = param.Integer(default=None, allow_None=True, doc="Highest value, or None for no limit.")
    step = param.Integer(default=1, doc="How much the arrows (and arrow keys) change the value.")
    value = param.Integer(default=0, allow_None=True, doc="""
        The whole number entered, within [start, end] where they are set; None when empty.""")
    value_throttled = param.Integer(default=None, allow_None=True, constant=True, doc="""
        The number entered, updated when the entry is committed (Enter, leaving the
        field or an arrow click); the same as ``value`` here, which the browser sends
        only then.""")
    mode = param.String(default="int", constant=True, doc="The kind of number: 'int'.")

    view_kind: ClassVar[str] = "IntInput"
    _integer: ClassVar[bool] = True


class FloatInput(_NumberInput):
    """An input for a number, with optional ``start``/``end`` bounds."""

    mode = param.String(default="float", constant=True, doc="The kind of number: 'float'.")

    view_kind: ClassVar[str] = "FloatInput"



class NumberInput(_NumberInput):
    """Makes an ``IntInput`` when ``value``, ``start``, ``end`` and ``step`` are all whole
    numbers (or not given), else a ``FloatInput``. ``Spinner`` is the same.

    Examples
    --------
    >>> import panel_state as pn
    >>> type(pn.widgets.NumberInput(value=3)).__name__
    'IntInput'
    >>> type(pn.widgets.Spinner(value=3, step=0.5)).__name__
    'FloatInput'
    """

    def __new__(cls, **params: Any) -> Any:
        numbers = [params.get(name) for name in ("value", "start", "end", "step")]
        whole = all(isinstance(n, int) and not isinstance(n, bool)
                    for n in numbers if n is not None)
        return IntInput(**params) if whole else FloatInput(**params)


Spinner = NumberInput
