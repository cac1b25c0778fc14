"""LineChart: a line through points, drawn as SVG by the client; ``stream`` appends."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, ClassVar

import param
from param.parameterized import discard_events

from ..viewable import Viewable
from .markup import PaneBase

__all__ = ["LineChart"]


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

    view_kind: ClassVar[str] = "LineChart"
    view_params: ClassVar[tuple[str, ...]] = ("visible", "x", "y", "title", "width", "height")
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
