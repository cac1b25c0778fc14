"""DatePicker: pick a calendar date (``datetime.date``); ISO strings on the wire."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import param

from .base import Widget

__all__ = ["DatePicker"]


def _date(label: str, name: str, value: Any) -> dt.date | None:
    """``value`` as a date: a date, a datetime (its date) or an ISO ``YYYY-MM-DD`` string."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{label}: {name} must be an ISO date 'YYYY-MM-DD', got "
                             f"{value!r}.") from None
    raise TypeError(f"{label}: {name} must be a datetime.date (or an ISO 'YYYY-MM-DD' "
                    f"string), got {type(value).__name__} {value!r}.")


def _dates(label: str, name: str, value: Any) -> list[dt.date] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise TypeError(f"{label}: {name} must be a list of dates or None, got "
                        f"{type(value).__name__} {value!r}.")
    dates = [_date(label, name, v) for v in value]
    if None in dates:
        raise ValueError(f"{label}: {name} must hold dates, got an empty value in {value!r}.")
    return sorted(d for d in dates if d is not None)


class DatePicker(Widget):
    """Pick a date between ``start`` and ``end``; ``value`` is a ``datetime.date`` or None.

    ``enabled_dates`` (or Panel's ``options``) limits the choice to those dates,
    ``disabled_dates`` rules some out. The browser sends ISO strings (``'2024-05-01'``);
    a date outside the rules is refused and the picker shows the server's value again.

    Examples
    --------
    >>> import datetime as dt
    >>> import panel_state as pn
    >>> day = pn.widgets.DatePicker(name='Day', start=dt.date(2024, 1, 1),
    ...                             end=dt.date(2024, 12, 31))
    >>> day.apply_client_change('value', '2024-05-01'); day.value
    datetime.date(2024, 5, 1)
    >>> day.view_props()['value']
    '2024-05-01'
    """

    value = param.CalendarDate(default=None, allow_None=True, doc="The picked date, or None.")
    start = param.CalendarDate(default=None, allow_None=True,
                               doc="Earliest date that can be picked (None: no limit).")
    end = param.CalendarDate(default=None, allow_None=True,
                             doc="Latest date that can be picked (None: no limit).")
    disabled_dates = param.List(default=None, allow_None=True, doc="""
        Dates that cannot be picked (dates or ISO strings), or None.""")
    enabled_dates = param.List(default=None, allow_None=True, doc="""
        The only dates that can be picked (dates or ISO strings), or None for any.""")

    view_kind: ClassVar[str] = "DatePicker"
    view_params: ClassVar[tuple[str, ...]] = (
        *Widget.view_params, "value", "start", "end", "disabled_dates", "enabled_dates")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)
    _coerced: ClassVar[frozenset[str]] = frozenset(
        {"value", "start", "end", "disabled_dates", "enabled_dates"})
    _panel_ignored: ClassVar[frozenset[str]] = frozenset({"description"})

    _ready: bool = False

    def __init__(self, **params: Any) -> None:
        if "options" in params:  # Panel's name for the dates that can be picked
            params["enabled_dates"] = list(params.pop("options"))
        label = type(self).__name__
        for name in ("value", "start", "end"):
            if name in params:
                params[name] = _date(label, name, params[name])
        for name in ("disabled_dates", "enabled_dates"):
            if name in params:
                params[name] = _dates(label, name, params[name])
        start, end = params.get("start"), params.get("end")
        if start is not None and end is not None and start > end:
            raise ValueError(f"{label}: start must not be after end, got start={start} and "
                             f"end={end}.")
        super().__init__(**params)
        self._ready = True
        self._check(self.value, self.start, self.end)
        self.param.watch(self._bounds_changed, ["start", "end"])

    def _bounds_changed(self, *events: param.parameterized.Event) -> None:
        value = self.value
        if value is not None and self.start is not None and value < self.start:
            self.value = self.start
        elif value is not None and self.end is not None and value > self.end:
            self.value = self.end

    def _check(self, value: dt.date | None, start: dt.date | None, end: dt.date | None) -> None:
        if value is None:
            return
        label = self._label()
        if (start is not None and value < start) or (end is not None and value > end):
            raise ValueError(f"{label}: value must be within [start, end] = "
                             f"[{start}, {end}] (None: no limit), got {value}.")
        if self.disabled_dates and value in self.disabled_dates:
            raise ValueError(f"{label}: {value} is one of the disabled_dates and cannot be "
                             "picked.")
        if self.enabled_dates is not None and value not in self.enabled_dates:
            raise ValueError(f"{label}: value must be one of the enabled_dates "
                             f"{[str(d) for d in self.enabled_dates]}, got {value}.")

    def _coerce(self, name: str, value: Any) -> Any:
        label = self._label()
        if name in ("disabled_dates", "enabled_dates"):
            return _dates(label, name, value)
        date = _date(label, name, value)
        if not self._ready:
            return date
        if name == "value":
            self._check(date, self.start, self.end)
        elif name == "start" and date is not None and self.end is not None and date > self.end:
            raise ValueError(f"{label}: start must not be after end ({self.end}), got {date}.")
        elif name == "end" and date is not None and self.start is not None and date < self.start:
            raise ValueError(f"{label}: end must not be before start ({self.start}), got "
                             f"{date}.")
        return date

    def _from_client(self, name: str, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{self._label()} takes an ISO date string or null from the "
                            f"client, got {type(value).__name__} {value!r}.")
        return self._coerce(name, value)

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        for name in ("value", "start", "end"):
            props[name] = None if props[name] is None else props[name].isoformat()
        for name in ("disabled_dates", "enabled_dates"):
            dates = props[name]
            props[name] = None if dates is None else [d.isoformat() for d in dates]
        return props
