"""RangeSlider and IntRangeSlider: ``start <= low <= high <= end`` always holds."""

from __future__ import annotations

import pytest

import panel_state as pn

W = pn.widgets


def test_range_slider_defaults_to_the_whole_range():
    hours = W.RangeSlider(name="Hours", start=0.0, end=24.0)
    assert (hours.value, hours.value_start, hours.value_end) == ((0.0, 24.0), 0.0, 24.0)
    assert hours.view_props() == {"name": "Hours", "visible": True, "disabled": False,
                                  "start": 0.0, "end": 24.0, "step": 0.1,
                                  "value": (0.0, 24.0), "show_value": True}


def test_range_slider_over_whole_numbers_steps_by_one():
    assert W.RangeSlider(start=0, end=10).step == 1
    assert W.RangeSlider().step == 0.1


def test_range_slider_client_drag_and_release():
    hours = W.RangeSlider(start=0, end=24, value=(8, 17))
    hours.apply_client_change("value", [9, 17])         # dragging: value follows
    assert hours.value == (9.0, 17.0) and hours.value_throttled == (8.0, 17.0)
    hours.apply_client_change("value_throttled", [9, 18])  # released
    assert hours.value == (9.0, 18.0) == hours.value_throttled
    assert (hours.value_start, hours.value_end) == (9.0, 18.0)


def test_range_slider_refuses_bad_ranges_unchanged():
    hours = W.RangeSlider(name="Hours", start=0, end=24, value=(8, 17))
    for bad, error, match in [
        ([17, 8], ValueError, r"RangeSlider 'Hours': value must be a range \(low, high\) with "
                              r"low <= high within \[start, end\] = \[0.0, 24.0\], got "
                              r"\(17.0, 8.0\)"),
        ([-1, 5], ValueError, r"got \(-1.0, 5.0\)"),
        ([1, 25], ValueError, r"got \(1.0, 25.0\)"),
        ([1, 2, 3], TypeError, r"value must be a \(low, high\) tuple"),
        ("8-17", TypeError, "got str '8-17'"),
        ([1, None], TypeError, "value must be a number, got NoneType"),
    ]:
        with pytest.raises(error, match=match):
            hours.apply_client_change("value", bad)
        assert hours.value == (8.0, 17.0)


def test_int_range_slider_holds_integers():
    pages = W.IntRangeSlider(start=0, end=100, step=5, value=(10, 20))
    assert pages.value == (10, 20) and pages.view_kind == "IntRangeSlider"
    pages.apply_client_change("value", [15.0, 30.0])
    assert pages.value == (15, 30) and all(type(v) is int for v in pages.value)
    with pytest.raises(ValueError, match=r"value must be an integer, got 15.5"):
        pages.apply_client_change("value", [15.5, 30])


def test_range_slider_bounds_are_checked_and_moving_them_clamps_the_range():
    with pytest.raises(ValueError, match="start must not exceed end, got start=5 and end=1"):
        W.IntRangeSlider(start=5, end=1)
    hours = W.RangeSlider(start=0, end=24, value=(8, 17))
    with pytest.raises(ValueError, match=r"end must not be below start \(0.0\), got -1"):
        hours.end = -1
    hours.end = 12
    assert hours.value == (8.0, 12.0)
    hours.start = 10
    assert hours.value == (10.0, 12.0)


def test_range_slider_panel_only_keywords_warn(recwarn):
    W.RangeSlider(bar_color="red", tooltips=False)
    assert len(recwarn.list) == 2


@pytest.mark.parametrize("cls", [W.IntSlider, W.FloatSlider])
def test_slider_value_throttled_waits_for_the_release(cls):
    slider = cls(start=0, end=10, value=3)
    assert slider.value_throttled == 3
    slider.apply_client_change("value", 5)              # dragging: value follows
    assert slider.value == 5 and slider.value_throttled == 3
    slider.apply_client_change("value_throttled", 6)    # released
    assert slider.value == 6 == slider.value_throttled
    slider.value = 2                                    # from Python: both at once
    assert slider.value_throttled == 2
    with pytest.raises(ValueError, match=r"value must be within \[start, end\]"):
        slider.apply_client_change("value_throttled", 60)
    assert slider.value == 2 == slider.value_throttled
    slider.start = 4                                    # clamped: both follow
    assert slider.value == 4 == slider.value_throttled


def test_slider_show_value_is_a_prop_and_panel_looks_warn(recwarn):
    slider = W.IntSlider(name="Level", show_value=False, bar_color="red", tooltips=False,
                         orientation="vertical")
    assert slider.view_props()["show_value"] is False
    assert sorted(str(w.message).split("'")[2] for w in recwarn.list) == [
        "bar_color", "orientation", "tooltips"]
