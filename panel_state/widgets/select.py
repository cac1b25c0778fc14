"""Select: pick one value from a list or a ``{label: value}`` dict of options."""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .base import Widget

__all__ = ["Select"]



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

    view_kind: ClassVar[str] = "Select"
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "options", "value")
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

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        index = self._index(self.value) if self.value is not None else None
        props["options"] = self.labels
        props["value"] = None if index is None else props["options"][index]
        return props
