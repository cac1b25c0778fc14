"""Widgets: the inputs a session shows, each a Parameterized with a ``value``-like param.

Every widget has ``name`` (its label), ``disabled`` and ``visible``. The browser sends
changes through ``_handle_event``: the value is checked first (a bad one raises
``ValueError``/``TypeError`` and changes nothing), then applied; an exception raised by
a user's watcher while applying it is logged and handed to ``config.exception_handler``
so the widget keeps working.

Examples
--------
>>> import panel_state as pn
>>> select = pn.widgets.Select(options={'Apple': 1, 'Banana': 2})
>>> select.value
1
>>> select._handle_event('value', 'Banana')
>>> select.value, select._props()['value']
(2, 'Banana')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import param

from .execution import describe, handle_exception, run_isolated
from .session import current_session
from .viewable import Viewable

__all__ = [
    "Button",
    "Checkbox",
    "FloatSlider",
    "IntSlider",
    "Select",
    "TextInput",
    "Toggle",
    "Widget",
]

BUTTON_TYPES = ["default", "primary", "success", "warning", "danger", "light"]


class Widget(Viewable):
    """Base class of widgets: a label, ``disabled``, ``visible`` and client events."""

    name = param.String(default="", constant=False, doc="The label shown with the widget.")
    disabled = param.Boolean(default=False, doc="Whether the user can interact with it.")
    visible = param.Boolean(default=True, doc="Whether the widget is shown.")

    _rendered: ClassVar[tuple[str, ...]] = ("name", "visible", "disabled")

    def __init__(self, **params: Any) -> None:
        params.setdefault("name", "")  # param would otherwise invent one, e.g. 'Button00003'
        super().__init__(**params)

    def _label(self) -> str:
        return f"{type(self).__name__} {self.name!r}" if self.name else type(self).__name__

    def _from_client(self, name: str, value: Any) -> Any:
        """Turn a value as the client sends it into the param's value."""
        return value

    def _handle_event(self, name: str, value: Any) -> None:
        """Apply a change sent by the client.

        Raises
        ------
        ValueError, TypeError
            For a param the client may not set, a disabled widget, or a value the
            param rejects; the widget is left unchanged.
        """
        if name not in self._event_params:
            super()._handle_event(name, value)  # raises the contract's error
        if self.disabled:
            raise ValueError(
                f"{self._label()} is disabled and ignores client changes to {name!r}; "
                "set disabled=False to accept them."
            )
        value = self._from_client(name, value)
        if name in self._coerced:
            value = self._coerce(name, value)
        self.param[name]._validate(value)
        self._apply_client_value(name, value)

    def _apply_client_value(self, name: str, value: Any) -> None:
        try:
            setattr(self, name, value)
        except Exception as exc:
            # The value was validated above, so this came from a user's watcher.
            handle_exception(exc, f"watcher of {self._label()}.{name}", current_session())


class Button(Widget):
    """A button; ``clicks`` counts clicks and ``on_click`` callbacks run on each one.

    Examples
    --------
    >>> import panel_state as pn
    >>> button = pn.widgets.Button(name='Click me!')
    >>> _ = button.on_click(lambda event: print('clicked', event.new))
    >>> button._handle_event('clicks', None)
    clicked 1
    """

    clicks = param.Integer(default=0, bounds=(0, None), doc="Number of clicks so far.")
    button_type: str = param.Selector(  # type: ignore[assignment]
        default="default", objects=list(BUTTON_TYPES), doc="Colour scheme of the button.")

    _kind: ClassVar[str] = "Button"
    _rendered: ClassVar[tuple[str, ...]] = (*Widget._rendered, "clicks", "button_type")
    _event_params: ClassVar[tuple[str, ...]] = ("clicks",)

    def _from_client(self, name: str, value: Any) -> Any:
        # A click carries no value: each event is exactly one more click.
        return self.clicks + 1

    def on_click(self, callback: Callable[[param.parameterized.Event], Any]) -> Any:
        """Run ``callback(event)`` on every click.

        Each callback runs isolated, with the current session active and counted in
        its busy state (until the coroutine finishes, for async callbacks); one that
        raises is logged and never stops the others.

        Parameters
        ----------
        callback : callable
            Sync or async function taking the param ``Event`` of ``clicks``.

        Returns
        -------
        param.parameterized.Watcher
            Pass it to ``button.param.unwatch`` to remove the callback.

        Raises
        ------
        TypeError
            When ``callback`` is not callable.
        """
        if not callable(callback):
            raise TypeError(
                f"Button.on_click needs a callable taking the click event, got "
                f"{type(callback).__name__} {callback!r}."
            )
        what = f"on_click callback {describe(callback)}"

        def run(event: param.parameterized.Event) -> None:
            run_isolated(callback, event, session=current_session(), what=what, busy=True)

        return self.param.watch(run, "clicks", onlychanged=False)


class Toggle(Widget):
    """A button that stays pressed: ``value`` is True while it is down."""

    value = param.Boolean(default=False, doc="True while the toggle is pressed.")
    button_type: str = param.Selector(  # type: ignore[assignment]
        default="default", objects=list(BUTTON_TYPES), doc="Colour scheme of the button.")

    _kind: ClassVar[str] = "Toggle"
    _rendered: ClassVar[tuple[str, ...]] = (*Widget._rendered, "value", "button_type")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)


class Checkbox(Widget):
    """A checkbox with a boolean ``value``."""

    value = param.Boolean(default=False, doc="True while the box is checked.")

    _kind: ClassVar[str] = "Checkbox"
    _rendered: ClassVar[tuple[str, ...]] = (*Widget._rendered, "value")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)


class TextInput(Widget):
    """A single-line text input."""

    value = param.String(default="", doc="The text entered.")
    placeholder = param.String(default="", doc="Text shown while the input is empty.")

    _kind: ClassVar[str] = "TextInput"
    _rendered: ClassVar[tuple[str, ...]] = (*Widget._rendered, "value", "placeholder")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # objects whose == is not a plain bool (arrays) only match by identity
        return False


class Select(Widget):
    """Pick one value from ``options``.

    ``options`` is a list of values (labelled ``str(value)``) or a ``{label: value}``
    dict. ``value`` is the selected value, or None. Setting ``options`` so that the
    current value is no longer among them selects the first option (None when empty).

    Examples
    --------
    >>> import panel_state as pn
    >>> select = pn.widgets.Select(options=['A', 'B', 'C'])
    >>> select.value
    'A'
    >>> select.options = ['X', 'Y']
    >>> select.value
    'X'
    """

    options = param.ClassSelector(
        default=[], class_=(list, dict),
        doc="The choices: a list of values, or a {label: value} dict.")
    value = param.Parameter(default=None, doc="The selected value (one of the options), or None.")

    _kind: ClassVar[str] = "Select"
    _rendered: ClassVar[tuple[str, ...]] = (*Widget._rendered, "options", "value")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)
    _coerced: ClassVar[frozenset[str]] = frozenset({"options", "value"})

    def __init__(self, **params: Any) -> None:
        # Options first, so a value given with them is checked against them.
        ordered = {k: params.pop(k) for k in ("options",) if k in params}
        ordered.update(params)
        super().__init__(**ordered)
        if self.value is None and "value" not in params and self._values():
            self.value = self._values()[0]
        self.param.watch(self._options_changed, "options")

    @property
    def labels(self) -> list[str]:
        """The labels shown for the options, in order."""
        return self._labels(self.options)

    @property
    def values(self) -> list[Any]:
        """The option values, in order."""
        return self._values()

    @staticmethod
    def _labels(options: list[Any] | dict[Any, Any]) -> list[str]:
        if isinstance(options, dict):
            return [str(k) for k in options]
        return [v if isinstance(v, str) else str(v) for v in options]

    def _values(self, options: list[Any] | dict[Any, Any] | None = None) -> list[Any]:
        options = self.options if options is None else options
        return list(options.values()) if isinstance(options, dict) else list(options)

    def _index(self, value: Any) -> int | None:
        for i, v in enumerate(self._values()):
            if _same(v, value):
                return i
        return None

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "options":
            if isinstance(value, tuple):
                value = list(value)
            if not isinstance(value, (list, dict)):
                raise TypeError(
                    f"Select.options must be a list of values or a {{label: value}} dict, "
                    f"got {type(value).__name__} {value!r}."
                )
            labels = self._labels(value)
            dupes = sorted({label for label in labels if labels.count(label) > 1})
            if dupes:
                raise ValueError(
                    f"Select.options labels must be unique, got {dupes} more than once; "
                    "use a {label: value} dict to give equal-looking values distinct labels."
                )
            return value
        if value is not None and self._index(value) is None:
            raise ValueError(
                f"{self._label()}: value must be one of the option values "
                f"{self._values()!r} or None, got {value!r}."
            )
        return value

    def _options_changed(self, event: param.parameterized.Event) -> None:
        if self.value is not None and self._index(self.value) is not None:
            return
        values = self._values()
        self.value = values[0] if values else None

    def _from_client(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        labels = self.labels
        if value not in labels:
            raise ValueError(
                f"{self._label()} has no option labelled {value!r}; valid labels are "
                f"{labels!r}."
            )
        return self._values()[labels.index(value)]

    def _props(self) -> dict[str, Any]:
        props = super()._props()
        index = self._index(self.value) if self.value is not None else None
        props["options"] = self.labels
        props["value"] = None if index is None else props["options"][index]
        return props


def _real(widget: _Slider, name: str, value: Any, integer: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{widget._label()}: {name} must be {'an integer' if integer else 'a number'}, "
            f"got {type(value).__name__} {value!r}."
        )
    if integer:
        if not isinstance(value, numbers.Integral):
            if not float(value).is_integer():
                raise ValueError(
                    f"{widget._label()}: {name} must be an integer, got {value!r}."
                )
        return int(value)  # type: ignore[call-overload]
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{widget._label()}: {name} must be finite, got {value!r}.")
    return number


class _Slider(Widget):
    """Shared logic of the sliders: ``start <= value <= end`` always holds."""

    _integer: ClassVar[bool] = False
    _rendered: ClassVar[tuple[str, ...]] = (*Widget._rendered, "start", "end", "step", "value")
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
        value = _real(self, name, value, self._integer)
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

    _kind: ClassVar[str] = "IntSlider"
    _integer: ClassVar[bool] = True


class FloatSlider(_Slider):
    """A slider over numbers from ``start`` to ``end`` in steps of ``step``."""

    start = param.Number(default=0.0, doc="Lowest value.")
    end = param.Number(default=1.0, doc="Highest value.")
    step = param.Number(default=0.1, doc="Distance between selectable values (positive).")
    value = param.Number(default=0.0, doc="The selected value, within [start, end].")

    _kind: ClassVar[str] = "FloatSlider"


def _widget_value(obj: Any) -> Any:
    # pn.bind(fn, widget) and pn.depends(widget) mean "the widget's value", as in Panel.
    if isinstance(obj, Widget) and "value" in obj.param:
        return obj.param.value
    return obj


param.parameterized.register_reference_transform(_widget_value)
