"""Number: a value shown large, formatted, colored by thresholds."""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import param

from ..styling import check_css_value
from .base import Indicator

__all__ = ["Number"]


class Number(Indicator):
    """A number shown large under its title (``name``), colored by ``colors``.

    ``colors`` is a list of ``(threshold, color)``: the value takes the color of the
    first threshold it does not exceed (thresholds ascending), else ``default_color``.
    A value the ``format`` cannot take is shown with ``str()``; None and NaN show
    ``nan_format``.

    Examples
    --------
    >>> import panel_state as pn
    >>> n = pn.indicators.Number(name='Rate', value=85, format='{value}%',
    ...                          colors=[(80, 'green'), (100, 'red')])
    >>> n.text, n.color
    ('85%', 'red')
    """

    value = param.Number(default=None, allow_None=True, doc="The number shown.")
    format = param.String(default="{value}", doc="""
        How the value is written: a str.format template with a {value} field,
        e.g. '{value:.1f} ms'.""")
    colors = param.List(default=None, allow_None=True, doc="""
        Color thresholds [(threshold, color), ...], ascending.""")
    default_color = param.String(default="currentcolor", doc="""
        The color when no threshold applies.""")
    font_size = param.String(default="54pt", doc="Font size of the number (a CSS size).")
    title_size = param.String(default="18pt", doc="Font size of the title (a CSS size).")
    nan_format = param.String(default="-", doc="What None and NaN values show.")

    view_kind: ClassVar[str] = "Number"
    view_params: ClassVar[tuple[str, ...]] = ("name", "font_size", "title_size")
    _coerced: ClassVar[frozenset[str]] = frozenset({
        "format", "colors", "default_color", "font_size", "title_size"})

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "format":
            if not any(_formats(value, sample) for sample in (0, 0.5)):
                raise ValueError(
                    f"Number.format must be a str.format template using only {{value}}, "
                    f"e.g. '{{value:.2f}}%', got {value!r}.")
        elif name == "colors":
            for item in value or ():  # None (the default): no thresholds
                if (not isinstance(item, (tuple, list)) or len(item) != 2
                        or not isinstance(item[0], numbers.Real)):
                    raise ValueError(
                        f"Number.colors must be a list of (threshold, color) pairs, got "
                        f"{item!r} in {value!r}.")
                check_css_value("Number.colors color", item[1])
        else:
            check_css_value(f"Number.{name}", value)
        return value

    @property
    def text(self) -> str:
        """The value as shown."""
        value = self.value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.nan_format
        return _formats(self.format, value) or str(value)

    @property
    def color(self) -> str:
        """The color the value is shown in."""
        value = self.value
        for threshold, color in self.colors or ():
            if value is not None and value <= threshold:
                return str(color)
        return self.default_color

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "text": self.text, "color": self.color}


def _formats(template: Any, value: Any) -> str | None:
    try:
        return str(template.format(value=value))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
