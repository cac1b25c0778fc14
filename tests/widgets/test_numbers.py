"""IntInput and FloatInput: optional bounds, None for an empty input, bad values refused."""

from __future__ import annotations

import pytest

import panel_state as pn

W = pn.widgets


def test_int_input_defaults_and_props():
    count = W.IntInput(name="Count", placeholder="how many")
    assert (count.value, count.start, count.end, count.step, count.mode) == (
        0, None, None, 1, "int")
    assert count.view_props() == {"name": "Count", "visible": True, "disabled": False,
                                  "start": None, "end": None, "step": 1, "value": 0,
                                  "placeholder": "how many"}


def test_number_input_value_starts_at_start_or_within_the_bounds():
    assert W.IntInput(start=5).value == 5
    assert W.IntInput(end=-3).value == -3
    assert W.FloatInput(start=0.5, end=2).value == 0.5


def test_int_input_client_round_trip_and_refusals_leave_it_unchanged():
    retries = W.IntInput(name="Retries", start=0, end=10, value=3)
    retries.apply_client_change("value", 5)
    assert (retries.value, retries.value_throttled) == (5, 5)
    retries.apply_client_change("value", 4.0)       # JSON numbers may arrive as floats
    assert retries.value == 4 and type(retries.value) is int
    for bad, error, match in [
        (11, ValueError, r"IntInput 'Retries': value must be within \[start, end\] = "
                         r"\[0, 10\] \(None: no limit\), got 11"),
        (-1, ValueError, "got -1"),
        (1.5, ValueError, "value must be an integer, got 1.5"),
        ("7", TypeError, "value must be an integer, got str '7'"),
        (True, TypeError, "got bool True"),
    ]:
        with pytest.raises(error, match=match):
            retries.apply_client_change("value", bad)
        assert retries.value == 4


def test_number_input_empty_from_the_client_is_none():
    ratio = W.FloatInput(value=0.5)
    ratio.apply_client_change("value", None)
    assert ratio.value is None and ratio.value_throttled is None


def test_float_input_refuses_non_finite_numbers():
    ratio = W.FloatInput(start=0.0)
    with pytest.raises(ValueError, match="value must be finite, got inf"):
        ratio.value = float("inf")
    assert ratio.value == 0.0


def test_number_input_bounds_are_checked_and_moving_them_clamps_the_value():
    with pytest.raises(ValueError, match="start must not exceed end, got start=5 and end=1"):
        W.IntInput(start=5, end=1)
    with pytest.raises(ValueError, match="step must be positive, got 0"):
        W.FloatInput(step=0)
    number = W.FloatInput(start=0, end=10, value=8)
    with pytest.raises(ValueError, match=r"start must not exceed end \(10.0\), got 20"):
        number.start = 20
    number.end = 5
    assert number.value == 5
    number.end = None                                 # no upper limit any more
    number.value = 1e9
    assert number.value == 1e9


def test_number_input_value_throttled_follows_value_and_is_constant():
    count = W.IntInput()
    count.value = 9
    assert count.value_throttled == 9
    with pytest.raises(TypeError, match="Constant parameter 'value_throttled'"):
        count.value_throttled = 1


def test_number_input_panel_only_keywords_warn(recwarn):
    W.FloatInput(format="0.00", page_step_multiplier=5)
    assert sorted(str(w.message) for w in recwarn.list) == [
        f"pn.widgets.FloatInput: Panel's {name!r} is not supported by panel_state yet and is "
        "ignored." for name in ("format", "page_step_multiplier")]


def test_number_input_and_spinner_pick_the_int_or_float_input_from_their_numbers():
    assert type(pn.widgets.NumberInput()).__name__ == "IntInput"
    assert type(pn.widgets.NumberInput(value=2, start=0, end=10)).__name__ == "IntInput"
    floats = pn.widgets.Spinner(name="Ratio", value=1, step=0.25)
    assert type(floats).__name__ == "FloatInput" and floats.step == 0.25
    assert pn.widgets.Spinner is pn.widgets.NumberInput
    with pytest.raises(ValueError, match=r"IntInput"):
        pn.widgets.NumberInput(value=20, start=0, end=10)
