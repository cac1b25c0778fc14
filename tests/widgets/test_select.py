"""RadioButtonGroup, MultiSelect and CheckBoxGroup: options, labels on the wire, refusals."""

from __future__ import annotations

import pytest

import panel_state as pn

W = pn.widgets


def test_radio_button_group_selects_the_first_option_and_sends_labels():
    plot = W.RadioButtonGroup(name="Library", options={"Bokeh": "bk", "Plotly": "pl"},
                              button_type="success", orientation="vertical")
    assert plot.value == "bk"
    assert plot.view_props() == {"name": "Library", "visible": True, "disabled": False,
                                 "options": ["Bokeh", "Plotly"], "value": "Bokeh",
                                 "button_type": "success", "button_style": "solid",
                                 "orientation": "vertical"}
    plot.apply_client_change("value", "Plotly")
    assert plot.value == "pl"


def test_radio_button_group_refuses_unknown_labels_unchanged():
    plot = W.RadioButtonGroup(options=["a", "b"])
    with pytest.raises(ValueError, match=r"RadioButtonGroup has no option labelled 'c'; "
                                         r"valid labels are \['a', 'b'\]"):
        plot.apply_client_change("value", "c")
    with pytest.raises(ValueError, match="no option labelled 3"):
        plot.apply_client_change("value", 3)
    assert plot.value == "a"


def test_radio_button_group_checks_python_values_and_button_keywords():
    plot = W.RadioButtonGroup(options=["a", "b"])
    with pytest.raises(ValueError, match=r"value must be one of the option values \['a', 'b'\]"):
        plot.value = "z"
    with pytest.raises(ValueError, match="button_type"):
        W.RadioButtonGroup(options=["a"], button_type="purple")
    plot.options = ["x"]
    assert plot.value == "x"


def test_multi_select_value_is_a_list_in_option_order():
    fruit = W.MultiSelect(name="Fruit", options={"Apple": 1, "Pear": 2, "Plum": 3}, size=3)
    assert fruit.value == []
    fruit.apply_client_change("value", ["Plum", "Apple", "Plum"])
    assert fruit.value == [1, 3]
    assert fruit.view_props() == {"name": "Fruit", "visible": True, "disabled": False,
                                  "options": ["Apple", "Pear", "Plum"],
                                  "value": ["Apple", "Plum"], "size": 3}
    fruit.apply_client_change("value", [])
    assert fruit.value == []


def test_multi_select_refuses_bad_client_values_unchanged():
    fruit = W.MultiSelect(options=["Apple", "Pear"], value=["Pear"])
    for bad, error, match in [
        (["Kiwi"], ValueError, "no option labelled 'Kiwi'"),
        ("Pear", TypeError, "takes a list of option labels from the client, got str 'Pear'"),
        ([["Pear"]], ValueError, r"no option labelled \['Pear'\]"),
    ]:
        with pytest.raises(error, match=match):
            fruit.apply_client_change("value", bad)
    assert fruit.value == ["Pear"]


def test_multi_select_python_values_must_be_options_and_removed_options_drop_out():
    fruit = W.MultiSelect(options=["Apple", "Pear", "Plum"], value=["Pear", "Plum"])
    with pytest.raises(ValueError, match=r"got \['Kiwi'\] which are not"):
        fruit.value = ["Apple", "Kiwi"]
    with pytest.raises(TypeError, match="value must be a list of option values, got str"):
        fruit.value = "Apple"
    fruit.options = ["Plum", "Fig"]
    assert fruit.value == ["Plum"]


def test_check_box_group_round_trip_and_inline():
    toppings = W.CheckBoxGroup(name="Toppings", options=["Ham", "Egg", "Cheese"],
                               value=["Egg"], inline=True)
    assert toppings.view_props()["inline"] is True
    toppings.apply_client_change("value", ["Cheese", "Ham"])
    assert toppings.value == ["Ham", "Cheese"]
    with pytest.raises(ValueError, match="no option labelled 'Bacon'"):
        toppings.apply_client_change("value", ["Bacon"])
    assert toppings.value == ["Ham", "Cheese"]


def test_selection_labels_must_be_unique():
    with pytest.raises(ValueError, match=r"MultiSelect.options labels must be unique"):
        W.MultiSelect(options=[1, "1"])
