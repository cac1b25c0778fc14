"""DataFrame pane: pandas' table with every cell, label and name escaped."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

import panel_state as pn
import panel_state.pane.dataframe
from panel_state.compat import UnsupportedWarning

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def test_dataframe_doctests():
    assert doctest.testmod(panel_state.pane.dataframe).failed == 0


def test_dataframe_script_in_a_cell_is_shown_as_text():
    df = pd.DataFrame({EVIL: [EVIL, 1]}, index=pd.Index([EVIL, "b"], name=EVIL))
    html = pn.pane.DataFrame(df).view_props()["html"]
    assert "<script" not in html and "<img" not in html
    # the column label, the index name, a row label and a cell
    assert html.count("&lt;script&gt;window.__pwned=1&lt;/script&gt;") == 4


def test_dataframe_formatter_output_and_odd_objects_are_escaped_too():
    class Sneaky:
        def __str__(self) -> str:
            return "<b>bold</b>"

    df = pd.DataFrame({"a": [Sneaky()], "b": [1.5], "c": [{"k": "<i>"}]})
    html = pn.pane.DataFrame(df, formatters={"b": lambda v: f"<u>{v}</u>"}).html
    assert "<b>" not in html and "<u>" not in html and "<i>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;u&gt;1.5&lt;/u&gt;" in html


def test_dataframe_panel_options_reach_to_html():
    df = pd.DataFrame({"x": [1.25, None, 3.0]}, index=["r1", "r2", "r3"])
    html = pn.pane.DataFrame(df, index=False, na_rep="missing",
                             float_format="{:.1f}".format, text_align="center").html
    assert "r1" not in html and "missing" in html and "<td>1.2</td>" in html
    assert 'class="dataframe panel-df ps-df-align-center"' in html
    assert "<td>...</td>" in pn.pane.DataFrame(df, max_rows=2).html


def test_dataframe_series_and_none():
    assert "<th>s</th>" in pn.pane.DataFrame(pd.Series([1, 2], name="s")).html
    assert pn.pane.DataFrame().view_props()["html"] == ""


def test_dataframe_panel_picks_it_for_frames():
    pane = pn.panel(pd.DataFrame({"a": [1]}), width=300)
    assert isinstance(pane, pn.pane.DataFrame) and pane.width == 300


def test_dataframe_updates_follow_the_object():
    pane = pn.pane.DataFrame(pd.DataFrame({"a": [1]}))
    pane.object = pd.DataFrame({"zz": [2]})
    assert "zz" in pane.view_props()["html"]


def test_dataframe_refuses_non_frames_and_markup_in_its_options():
    with pytest.raises(TypeError, match=r"DataFrame.object must be a pandas DataFrame or "
                                        r"Series .*panel_state\[pandas\].*got dict"):
        pn.pane.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match=r"DataFrame.classes items must be CSS class names"):
        pn.pane.DataFrame(classes=['x" onclick="alert(1)'])
    with pytest.raises(ValueError, match=r"DataFrame.col_space must be pixels"):
        pn.pane.DataFrame(col_space="1px;background:url(x)")
    assert pn.pane.DataFrame(col_space={"a": "5em", "b": 40}).col_space == {"a": "5em", "b": 40}


def test_dataframe_escape_false_and_render_links_warn_and_stay_safe():
    df = pd.DataFrame({"u": ['http://x.test/" onmouseover="alert(1)']})
    with pytest.warns(UnsupportedWarning, match="escape=False"):
        pane = pn.pane.DataFrame(df, escape=False)
    with pytest.warns(UnsupportedWarning, match="render_links=True"):
        pane.render_links = True
    assert pane.escape is True and pane.render_links is False
    assert "<a " not in pane.html


def test_dataframe_styler_shows_its_data():
    df = pd.DataFrame({"a": ["<b>"]})
    styler = type("Styler", (), {"__module__": "pandas.io.formats.style", "data": df})()
    with pytest.warns(UnsupportedWarning, match="Styler"):
        html = pn.pane.DataFrame(styler).html
    assert "&lt;b&gt;" in html


def test_dataframe_panel_sanitize_options_keep_cells_escaped(recwarn):
    frame = pd.DataFrame({"a": ["<b>x</b>"]})
    pane = pn.pane.DataFrame(frame, sanitize_html=True, disable_math=False)
    assert "&lt;b&gt;x&lt;/b&gt;" in pane.html and "<b>" not in pane.html
    assert recwarn.list == []
    with pytest.warns(UnsupportedWarning, match="'sanitize_hook' is not supported"):
        pn.pane.DataFrame(frame, sanitize_hook=str)
