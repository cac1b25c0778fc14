"""Viewable: the layout and style params every component has, and how they reach a view."""

from __future__ import annotations

import asyncio
import warnings

import pandas as pd
import pytest

import panel_state as pn
from panel_state.compat import UnsupportedWarning
from panel_state.session import Session
from panel_state.viewable import Viewable
from panel_state.wire.render import Renderer

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8cfc0f01f0005000201a5b1b1e60000000049454e44ae426082")


def every_component() -> list[Viewable]:
    return [
        pn.widgets.Button(name="b"), pn.widgets.Toggle(), pn.widgets.Checkbox(),
        pn.widgets.Select(options=["a"]), pn.widgets.TextInput(), pn.widgets.IntSlider(),
        pn.widgets.FloatSlider(), pn.pane.Markdown("m"), pn.pane.Str("s"), pn.pane.HTML("h"),
        pn.pane.LineChart(x=[0], y=[1]), pn.pane.Alert("a"), pn.pane.JSON({"a": 1}),
        pn.pane.DataFrame(pd.DataFrame({"a": [1]})), pn.pane.PNG(PNG),
        pn.indicators.LoadingSpinner(), pn.indicators.Number(value=1),
        pn.indicators.Progress(), pn.Row(), pn.Column(), pn.panel(lambda: "x"),
    ]


@pytest.mark.parametrize("component", every_component(), ids=lambda c: type(c).__name__)
def test_viewable_every_component_takes_the_layout_and_style_params(component):
    component.param.update(min_width=20, max_height=500, margin=(2, 4), align="center",
                           styles={"outline": "1px solid red"}, css_classes=["mine"],
                           sizing_mode="stretch_width", visible=False)
    props = component.view_props()
    assert props["visible"] is False
    assert props["css"]["style"]["outline"] == "1px solid red"
    assert props["css"]["style"]["margin"] == "2px 4px"
    assert props["css"]["classes"][0] == "ps-stretch-width"
    assert props["css"]["classes"][-1] == "mine"


def test_viewable_panel_passes_layout_params_to_what_it_makes():
    pane = pn.panel(lambda: "x", defer_load=True, min_height=50)
    assert pane.defer_load is True and pane.min_height == 50
    assert pane.view_props()["css"] == {"style": {"min-height": "50px"}, "classes": []}
    assert pn.panel("*md*", width=200).width == 200
    assert pn.panel(3, styles={"color": "red"}).styles == {"color": "red"}
    button = pn.widgets.Button()
    assert pn.panel(button, width=10) is button and button.width is None  # as in Panel


def test_viewable_unstyled_props_have_no_css_until_styled_then_keep_it():
    md = pn.pane.Markdown("x")
    assert "css" not in md.view_props()
    md.width = 120
    assert md.view_props()["css"] == {"style": {"width": "120px"}, "classes": []}
    md.width = None  # back to the default: css stays, empty, so the page drops the width
    assert md.view_props()["css"] == {"style": {}, "classes": []}


def test_viewable_a_renderers_own_width_is_not_css():
    chart = pn.pane.LineChart(x=[0], y=[1], width=400, margin=5)
    props = chart.view_props()
    assert props["width"] == 400 and props["css"] == {"style": {"margin": "5px"}, "classes": []}


@pytest.mark.parametrize(("name", "value", "match"), [
    ("styles", {"background": "url(https://evil.test/x.png)"}, "may not contain 'url\\('"),
    ("styles", {"color": "red</style><script>x()</script>"}, "may not contain '<'"),
    ("styles", {"width": "expression(alert(1))"}, "may not contain 'expression\\('"),
    ("css_classes", ["ok", "a b"], "must be CSS class names"),
    ("margin", "5px", "must be an int, a \\(vertical, horizontal\\)"),
    ("margin", (1, 2, 3), "must be an int, a \\(vertical, horizontal\\)"),
    ("align", "middle", "must be one of \\['auto', 'start', 'center', 'end'\\]"),
    ("aspect_ratio", -1, "must be a positive number"),
    ("sizing_mode", "stretch", "does not accept .stretch.; valid options include"),
    ("width", -5, "must be at least 0"),
])
def test_viewable_bad_layout_values_are_refused_and_change_nothing(name, value, match):
    with pytest.raises(ValueError, match=match):
        pn.pane.Str("x", **{name: value})
    pane = pn.pane.Str("x")
    before = getattr(pane, name)
    with pytest.raises(ValueError, match=match):
        setattr(pane, name, value)
    assert getattr(pane, name) == before


def test_viewable_errors_after_construction_name_the_component():
    pane = pn.pane.Str("x")
    with pytest.raises(ValueError, match=r"^Str\.styles\['background'\] may not contain"):
        pane.styles = {"background": "url(x)"}


def test_viewable_panel_layout_names_we_do_not_apply_warn_once_and_are_kept():
    with pytest.warns(UnsupportedWarning, match="'stylesheets' is not supported"):
        pane = pn.pane.Str("x", stylesheets=[":host { color: red }"])
    assert pane.stylesheets == [":host { color: red }"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pn.pane.Str("y", stylesheets=["again"], tags=["kept", 1])  # warned once already


def test_viewable_tags_are_kept_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pn.widgets.Button(tags=["a"]).tags == ["a"]


async def test_viewable_layout_changes_patch_the_view():
    button = pn.widgets.Button(name="go")
    session = Session("http://localhost/app")
    sent: list[dict] = []
    renderer = Renderer(session, sent.append)
    (node,) = renderer.render([button])
    assert "css" not in node["props"]
    button.param.update(width=150, css_classes=["big"])
    for _ in range(3):
        await asyncio.sleep(0)
    assert sent[-1]["ops"] == [{"ref": button.view_ref, "props": {
        "css": {"style": {"width": "150px"}, "classes": ["big"]}}}]
    button.visible = False
    for _ in range(3):
        await asyncio.sleep(0)
    assert sent[-1]["ops"] == [{"ref": button.view_ref, "props": {"visible": False}}]
    session.destroy()
