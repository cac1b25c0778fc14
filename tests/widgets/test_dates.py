"""DatePicker: dates in Python, ISO strings on the wire, the rules checked on both."""

from __future__ import annotations

import datetime as dt

import pytest

import panel_state as pn

W = pn.widgets
D = dt.date


def test_date_picker_props_are_iso_strings():
    day = W.DatePicker(name="Day", value=D(2024, 5, 1), start=D(2024, 1, 1),
                       end=D(2024, 12, 31), disabled_dates=[D(2024, 12, 25)])
    assert day.view_props() == {"name": "Day", "visible": True, "disabled": False,
                                "value": "2024-05-01", "start": "2024-01-01",
                                "end": "2024-12-31", "disabled_dates": ["2024-12-25"],
                                "enabled_dates": None}
    assert W.DatePicker().view_props()["value"] is None


def test_date_picker_client_round_trip_and_clearing():
    day = W.DatePicker()
    day.apply_client_change("value", "2024-05-01")
    assert day.value == D(2024, 5, 1)
    day.apply_client_change("value", None)
    assert day.value is None
    day.apply_client_change("value", "2024-06-02")
    day.apply_client_change("value", "")
    assert day.value is None


def test_date_picker_refuses_dates_against_the_rules_unchanged():
    day = W.DatePicker(name="Day", value=D(2024, 5, 1), start=D(2024, 1, 1),
                       end=D(2024, 12, 31), disabled_dates=["2024-12-25"])
    for bad, error, match in [
        ("2025-01-01", ValueError, r"value must be within \[start, end\] = "
                                   r"\[2024-01-01, 2024-12-31\] \(None: no limit\), "
                                   r"got 2025-01-01"),
        ("2024-12-25", ValueError, "2024-12-25 is one of the disabled_dates"),
        ("05/01/2024", ValueError, "value must be an ISO date 'YYYY-MM-DD', got '05/01/2024'"),
        ("2024-13-01", ValueError, "ISO date"),
        (20240501, TypeError, "takes an ISO date string or null from the client, got int"),
    ]:
        with pytest.raises(error, match=match):
            day.apply_client_change("value", bad)
        assert day.value == D(2024, 5, 1)


def test_date_picker_enabled_dates_and_panel_options():
    day = W.DatePicker(options=[D(2024, 1, 5), "2024-01-06"])
    assert day.enabled_dates == [D(2024, 1, 5), D(2024, 1, 6)]
    day.apply_client_change("value", "2024-01-06")
    with pytest.raises(ValueError, match=r"one of the enabled_dates \['2024-01-05', "
                                         r"'2024-01-06'\], got 2024-01-07"):
        day.apply_client_change("value", "2024-01-07")
    assert day.value == D(2024, 1, 6)


def test_date_picker_takes_datetimes_as_their_date_and_refuses_other_types():
    assert W.DatePicker(value=dt.datetime(2024, 1, 2, 3, 4)).value == D(2024, 1, 2)
    with pytest.raises(TypeError, match=r"value must be a datetime.date"):
        W.DatePicker(value=20240102)


def test_date_picker_bounds_are_checked_and_moving_them_clamps_the_value():
    with pytest.raises(ValueError, match="start must not be after end"):
        W.DatePicker(start=D(2024, 2, 1), end=D(2024, 1, 1))
    day = W.DatePicker(value=D(2024, 5, 1))
    day.start = D(2024, 6, 1)
    assert day.value == D(2024, 6, 1)
    with pytest.raises(ValueError, match="end must not be before start"):
        day.end = D(2024, 1, 1)
