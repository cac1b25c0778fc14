"""Indicators: LoadingSpinner, Number and Progress -- widgets only Python sets."""

from __future__ import annotations

import doctest

import pytest

import panel_state as pn
import panel_state.indicators
import panel_state.indicators.number
import panel_state.indicators.progress
import panel_state.indicators.spinner
from panel_state import busy
from panel_state.testing import session


@pytest.mark.parametrize("module", [panel_state.indicators, panel_state.indicators.number,
                                    panel_state.indicators.progress,
                                    panel_state.indicators.spinner])
def test_indicators_doctests(module):
    assert doctest.testmod(module).failed == 0


def test_indicators_are_widgets_in_both_namespaces():
    for name in ("LoadingSpinner", "Number", "Progress"):
        cls = getattr(pn.indicators, name)
        assert getattr(pn.widgets, name) is cls and issubclass(cls, pn.widgets.Widget)


def test_indicators_take_no_client_changes():
    spinner = pn.indicators.LoadingSpinner()
    with pytest.raises(ValueError, match="does not accept client changes to 'value'"):
        spinner.apply_client_change("value", True)
    assert spinner.value is False


def test_loading_spinner_props_and_a_bind_to_busy():
    spinner = pn.indicators.LoadingSpinner(value=True, color="primary", bgcolor="dark",
                                           size=40, name="Working")
    assert spinner.view_props() == {"visible": True, "name": "Working", "value": True,
                                    "color": "primary", "bgcolor": "dark", "size": 40}
    with pytest.raises(ValueError, match="does not accept 'red'"):
        spinner.color = "red"
    follower = pn.indicators.LoadingSpinner()
    with session() as s:
        pn.state.sync_busy(follower)
        busy.enter(s)
        assert follower.value is True
        busy.exit(s)
        assert follower.value is False


def test_number_formats_and_colors_by_thresholds():
    n = pn.indicators.Number(name="Load", value=42.123, format="{value:.1f} %",
                             colors=[(33, "green"), (66, "gold"), (100, "red")])
    assert n.view_props() == {"visible": True, "name": "Load", "font_size": "54pt",
                              "title_size": "18pt", "text": "42.1 %", "color": "gold"}
    n.value = 10
    assert n.color == "green"
    n.value = 150
    assert n.color == "currentcolor"


def test_number_none_and_nan_show_nan_format_and_odd_values_fall_back_to_str():
    n = pn.indicators.Number(format="{value:d}", nan_format="n/a")
    assert n.text == "n/a"
    n.value = float("nan")
    assert n.text == "n/a"
    n.value = 2.5  # '{value:d}' cannot take a float
    assert n.text == "2.5"


def test_number_refuses_bad_formats_and_css_injection():
    with pytest.raises(ValueError, match=r"Number.format must be a str.format template"):
        pn.indicators.Number(format="{missing}")
    with pytest.raises(ValueError, match=r"Number.font_size may not contain ';'"):
        pn.indicators.Number(font_size="10pt; background: red")
    with pytest.raises(ValueError, match=r"Number.colors color may not contain 'url\('"):
        pn.indicators.Number(colors=[(1, "url(https://evil.test)")])
    with pytest.raises(ValueError, match="list of \\(threshold, color\\) pairs"):
        pn.indicators.Number(colors=[("a", "red")])


def test_progress_value_max_and_indeterminate():
    bar = pn.indicators.Progress(value=20, max=50, bar_color="primary")
    props = bar.view_props()
    assert (props["value"], props["max"], props["bar_color"]) == (20, 50, "primary")
    assert props["css"] == {"style": {"width": "300px"}, "classes": []}  # Panel's 300 px
    bar.value = None
    assert bar.view_props()["value"] is None
    with pytest.raises(ValueError, match=r"Progress.value must be at most max=50, got 60"):
        bar.value = 60
    with pytest.raises(ValueError, match="must be at least -1"):
        bar.value = -2
    assert bar.value is None


def test_number_colors_none_is_its_default_and_accepted():
    number = pn.indicators.Number(value=5, colors=None, default_color="blue")
    assert number.color == "blue"
    number.colors = [(10, "red")]
    number.colors = None
    assert number.color == "blue"
