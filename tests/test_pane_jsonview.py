"""JSON pane: JSON-able objects and JSON strings as a tree the client builds from data."""

from __future__ import annotations

import datetime as dt
import doctest
import json

import pytest

import panel_state as pn
import panel_state.pane.jsonview


def test_json_doctests():
    assert doctest.testmod(panel_state.pane.jsonview).failed == 0


def test_json_takes_objects_and_json_strings():
    assert pn.pane.JSON({"a": [1, None, True]}).view_props()["data"] == {"a": [1, None, True]}
    assert pn.pane.JSON('{"b": {"c": "d"}}').view_props()["data"] == {"b": {"c": "d"}}
    assert pn.pane.JSON("not json").view_props()["data"] == "not json"
    assert pn.pane.JSON().view_props()["data"] == {}


def test_json_depth_and_theme_reach_the_client():
    props = pn.pane.JSON({"a": 1}, depth=-1, theme="dark", hover_preview=True).view_props()
    assert (props["depth"], props["theme"], props["hover_preview"]) == (-1, "dark", True)
    with pytest.raises(ValueError, match="must be at least -1"):
        pn.pane.JSON({}, depth=-2)


def test_json_non_finite_numbers_become_text():
    assert pn.pane.JSON([float("nan"), float("inf")]).view_props()["data"] == ["NaN", "Infinity"]


def test_json_refuses_what_json_cannot_encode_unless_given_an_encoder():
    with pytest.raises(TypeError, match=r"JSON.object must be JSON-serializable .* got set"):
        pn.pane.JSON({1, 2})
    pane = pn.pane.JSON({"a": 1})
    with pytest.raises(TypeError, match=r"encoder=<a json.JSONEncoder subclass>"):
        pane.object = {"when": dt.date(2024, 1, 2)}
    assert pane.object == {"a": 1}

    class Dates(json.JSONEncoder):
        def default(self, o):
            return o.isoformat()

    dated = pn.pane.JSON({"when": dt.date(2024, 1, 2)}, encoder=Dates)
    assert dated.view_props()["data"] == {"when": "2024-01-02"}


def test_json_markup_in_keys_and_values_is_plain_data():
    data = {"<script>x()</script>": "<img src=x onerror=alert(1)>"}
    assert pn.pane.JSON(data).view_props()["data"] == data  # the client sets it as text
