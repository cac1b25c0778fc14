"""Selection widgets: pick from a list or a ``{label: value}`` dict of options.

One value: Select (a drop-down) and RadioButtonGroup (a row of buttons). Several
values: MultiSelect (a list box) and CheckBoxGroup (checkboxes). The client sees and
sends option *labels* only; values stay on the server.
"""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .base import BUTTON_TYPES, Widget

__all__ = ["CheckBoxGroup", "MultiSelect", "RadioButtonGroup", "Select"]

Options = list[Any] | dict[Any, Any]


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # objects whose == is not a plain bool (arrays) only match by identity
        return False


class _SelectBase(Widget):
    """Options as a list or a ``{label: value}`` dict, with unique labels."""

    options = param.ClassSelector(
        default=[], class_=(list, dict),
        doc="The choices: a list of values, or a {label: value} dict.")

    _event_params: ClassVar[tuple[str, ...]] = ("value",)
    _coerced: ClassVar[frozenset[str]] = frozenset({"options", "value"})

    def __init__(self, **params: Any) -> None:
        # Options first, so a value given with them is checked against them.
        ordered = {k: params.pop(k) for k in ("options",) if k in params}
        ordered.update(params)
        super().__init__(**ordered)
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
    def _labels(options: Options) -> list[str]:
        if isinstance(options, dict):
            return [str(k) for k in options]
        return [v if isinstance(v, str) else str(v) for v in options]

    def _values(self, options: Options | None = None) -> list[Any]:
        options = self.options if options is None else options
        return list(options.values()) if isinstance(options, dict) else list(options)

    def _index(self, value: Any) -> int | None:
        for i, v in enumerate(self._values()):
            if _same(v, value):
                return i
        return None

    def _coerce_options(self, value: Any) -> Options:
        name = type(self).__name__
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, (list, dict)):
            raise TypeError(
                f"{name}.options must be a list of values or a {{label: value}} dict, "
                f"got {type(value).__name__} {value!r}.")
        labels = self._labels(value)
        dupes = sorted({label for label in labels if labels.count(label) > 1})
        if dupes:
            raise ValueError(
                f"{name}.options labels must be unique, got {dupes} more than once; "
                "use a {label: value} dict to give equal-looking values distinct labels.")
        return value

    def _value_of(self, label: Any) -> Any:
        """The option value of a label the client sent."""
        labels = self.labels
        if not isinstance(label, str) or label not in labels:
            raise ValueError(
                f"{self._label()} has no option labelled {label!r}; valid labels are "
                f"{labels!r}.")
        return self._values()[labels.index(label)]

    def _options_changed(self, event: param.parameterized.Event) -> None:
        raise NotImplementedError


class _SingleSelect(_SelectBase):
    """One value among the options, or None; the first option by default."""

    value = param.Parameter(default=None, doc="The selected value (one of the options), or None.")

    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "options", "value")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if self.value is None and "value" not in params and self._values():
            self.value = self._values()[0]

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "options":
            return self._coerce_options(value)
        if value is not None and self._index(value) is None:
            raise ValueError(
                f"{self._label()}: value must be one of the option values "
                f"{self._values()!r} or None, got {value!r}.")
        return value

    def _options_changed(self, event: param.parameterized.Event) -> None:
        if self.value is not None and self._index(self.value) is not None:
            return
        values = self._values()
        self.value = values[0] if values else None

    def _from_client(self, name: str, value: Any) -> Any:
        return None if value is None else self._value_of(value)

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        index = self._index(self.value) if self.value is not None else None
        props["options"] = self.labels
        props["value"] = None if index is None else props["options"][index]
        return props


class Select(_SingleSelect):
    """Pick one value from ``options`` in a drop-down.

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

    view_kind: ClassVar[str] = "Select"
    _panel_ignored: ClassVar[frozenset[str]] = frozenset(
        {"description", "disabled_options", "groups", "size"})


class RadioButtonGroup(_SingleSelect):
    """Pick one value from ``options`` with a group of buttons, one per option.

    Examples
    --------
    >>> import panel_state as pn
    >>> plot = pn.widgets.RadioButtonGroup(name='Library', options=['Bokeh', 'Plotly'],
    ...                                    button_type='success')
    >>> plot.value
    'Bokeh'
    >>> plot.apply_client_change('value', 'Plotly'); plot.value
    'Plotly'
    """

    button_type: str = param.Selector(  # type: ignore[assignment]
        default="default", objects=list(BUTTON_TYPES), doc="Colour scheme of the buttons.")
    button_style: str = param.Selector(  # type: ignore[assignment]
        default="solid", objects=["solid", "outline"], doc="Filled or outlined buttons.")
    orientation: str = param.Selector(  # type: ignore[assignment]
        default="horizontal", objects=["horizontal", "vertical"],
        doc="Buttons side by side ('horizontal') or stacked ('vertical').")

    view_kind: ClassVar[str] = "RadioButtonGroup"
    view_params: ClassVar[tuple[str, ...]] = (
        *_SingleSelect.view_params, "button_type", "button_style", "orientation")
    _panel_ignored: ClassVar[frozenset[str]] = frozenset(
        {"color", "description", "description_delay", "variant"})


class _MultiSelect(_SelectBase):
    """A list of values among the options; options removed drop out of it."""

    value = param.List(default=[], doc="The selected values (each one of the options), in "
                                       "the order of the options.")

    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "options", "value")

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "options":
            return self._coerce_options(value)
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, list):
            raise TypeError(f"{self._label()}: value must be a list of option values, got "
                            f"{type(value).__name__} {value!r}.")
        missing = [v for v in value if self._index(v) is None]
        if missing:
            raise ValueError(
                f"{self._label()}: every value must be one of the option values "
                f"{self._values()!r}, got {missing!r} which are not.")
        return value

    def _options_changed(self, event: param.parameterized.Event) -> None:
        kept = [v for v in self.value if self._index(v) is not None]
        if len(kept) != len(self.value):
            self.value = kept

    def _from_client(self, name: str, value: Any) -> Any:
        if not isinstance(value, list):
            raise TypeError(f"{self._label()} takes a list of option labels from the client, "
                            f"got {type(value).__name__} {value!r}.")
        for label in value:
            self._value_of(label)  # raises for an unknown label
        labels, values = self.labels, self._values()
        return [values[i] for i in sorted({labels.index(label) for label in value})]

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        labels = self.labels
        props["options"] = labels
        props["value"] = [labels[i] for i in (self._index(v) for v in self.value)
                          if i is not None]
        return props


class MultiSelect(_MultiSelect):
    """Pick any number of values from ``options`` in a list box.

    Examples
    --------
    >>> import panel_state as pn
    >>> fruit = pn.widgets.MultiSelect(options={'Apple': 1, 'Pear': 2, 'Plum': 3})
    >>> fruit.apply_client_change('value', ['Plum', 'Apple']); fruit.value
    [1, 3]
    """

    size = param.Integer(default=4, bounds=(1, None), doc="Number of options visible at once.")

    view_kind: ClassVar[str] = "MultiSelect"
    view_params: ClassVar[tuple[str, ...]] = (*_MultiSelect.view_params, "size")
    _panel_ignored: ClassVar[frozenset[str]] = frozenset({"description"})


class CheckBoxGroup(_MultiSelect):
    """Pick any number of values from ``options`` with one checkbox per option."""

    inline = param.Boolean(default=False, doc="Checkboxes side by side instead of stacked.")

    view_kind: ClassVar[str] = "CheckBoxGroup"
    view_params: ClassVar[tuple[str, ...]] = (*_MultiSelect.view_params, "inline")
