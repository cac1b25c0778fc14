"""Panes: Markdown, Str, HTML and LineChart."""

from __future__ import annotations

import numpy as np
import pytest

from panel_state.pane import HTML, LineChart, Markdown, Str


class Recorder:
    """A subscriber collecting ``_emit`` messages, as the server's renderer does."""

    def __init__(self) -> None:
        self.messages: list[tuple[object, dict]] = []

    def on_emit(self, viewable, message):
        self.messages.append((viewable, message))


# -- Markdown / Str / HTML ---------------------------------------------------------------------

def test_markdown_renders_on_server():
    md = Markdown("# Title\n\n*em* and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    html = md.view_props()["html"]
    assert "<h1>Title</h1>" in html and "<em>em</em>" in html
    assert "<td>1</td>" in html
    assert md.view_props()["visible"] is True and md.view_kind == "Markdown"


def test_markdown_escapes_script_and_raw_html():
    md = Markdown('hi <script>alert("x")</script> <img src=x onerror=alert(1)>')
    html = md.view_props()["html"]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


def test_markdown_does_not_link_javascript_urls():
    html = Markdown("[click](javascript:alert(1))").view_props()["html"]
    assert "href" not in html


def test_markdown_rerenders_when_object_changes():
    md = Markdown("a")
    md.object = "**b**"
    assert md.view_props()["html"] == "<p><strong>b</strong></p>\n"
    md.object = None
    assert md.view_props()["html"] == ""


def test_markdown_shows_a_number_as_its_text_and_rejects_other_objects():
    assert Markdown(5).view_props()["html"] == "<p>5</p>\n"
    with pytest.raises(ValueError, match=r"Markdown\.object"):
        Markdown([5])


def test_str_props_carry_raw_text_for_the_client_to_escape():
    assert Str("<b>x</b>").view_props() == {"visible": True, "text": "<b>x</b>"}
    assert Str(3.5).view_props()["text"] == "3.5"
    assert Str(None).view_props()["text"] == ""


def test_html_props_carry_trusted_markup():
    assert HTML("<b>x</b>", visible=False).view_props() == {"visible": False, "html": "<b>x</b>"}


# -- LineChart -----------------------------------------------------------------------------

def test_line_chart_props():
    chart = LineChart(x=[0, 1, 2], y=[3, 1, 2], title="Load", width=400, height=200)
    assert chart.view_props() == {"visible": True, "x": [0, 1, 2], "y": [3, 1, 2],
                              "title": "Load", "width": 400, "height": 200}
    assert chart.view_kind == "LineChart"


def test_line_chart_accepts_data_mapping_and_numpy():
    chart = LineChart({"x": np.arange(3), "y": np.array([1.5, 2.5, 3.5])})
    assert chart.x == [0, 1, 2] and chart.y == [1.5, 2.5, 3.5]
    assert all(type(v) is int for v in chart.x)
    assert LineChart(y=[5, 6]).x == [0, 1]
    assert LineChart({"y": [5, 6, 7]}).x == [0, 1, 2]


def test_line_chart_validation_errors():
    with pytest.raises(ValueError, match="as many x as y values, got 2 x and 1 y"):
        LineChart(x=[1, 2], y=[1])
    with pytest.raises(TypeError, match=r"LineChart\.y must contain only numbers, got str 'a'"):
        LineChart(y=["a"])
    with pytest.raises(ValueError, match="columns"):
        LineChart({"x": [1], "z": [2]})
    chart = LineChart(y=[1])
    with pytest.raises(ValueError, match="finite"):
        chart.y = [float("inf")]
    assert chart.y == [1]


def test_line_chart_stream_appends_and_emits_only_new_points():
    chart = LineChart(x=[0, 1], y=[10, 11])
    recorder = Recorder()
    chart.add_view_listener(recorder)
    events = []
    chart.param.watch(lambda e: events.append(e.name), ["x", "y"])
    chart.stream({"x": [2, 3], "y": [12, 13]})
    assert chart.x == [0, 1, 2, 3] and chart.y == [10, 11, 12, 13]
    assert recorder.messages == [
        (chart, {"op": "stream", "x": [2, 3], "y": [12, 13], "rollover": None})]
    assert events == []  # no full props change for streamed points


def test_line_chart_stream_rollover_keeps_last_points():
    chart = LineChart(y=[0, 1, 2])
    recorder = Recorder()
    chart.add_view_listener(recorder)
    chart.stream({"y": np.array([3, 4])}, rollover=4)
    assert chart.x == [1, 2, 3, 4] and chart.y == [1, 2, 3, 4]
    assert recorder.messages[-1][1] == {"op": "stream", "x": [3, 4], "y": [3, 4], "rollover": 4}
    chart.stream({"x": [10, 11, 12], "y": [7, 8, 9]}, rollover=2)
    assert chart.x == [11, 12] and chart.y == [8, 9]
    assert recorder.messages[-1][1] == {"op": "stream", "x": [11, 12], "y": [8, 9],
                                        "rollover": 2}


def test_line_chart_stream_bad_input_changes_nothing():
    chart = LineChart(y=[1, 2])
    recorder = Recorder()
    chart.add_view_listener(recorder)
    with pytest.raises(ValueError, match="rollover must be None or an int >= 1, got 0"):
        chart.stream({"y": [3]}, rollover=0)
    with pytest.raises(ValueError, match="as many x as y values, got 2 x and 1 y"):
        chart.stream({"x": [5, 6], "y": [3]})
    with pytest.raises(TypeError, match="must be a mapping"):
        chart.stream([1, 2])
    assert chart.y == [1, 2] and recorder.messages == []


def test_markdown_dedents_by_default_as_panel_does():
    text = """
        # Title
        one
        two
    """
    assert Markdown(text).html == "<h1>Title</h1>\n<p>one\ntwo</p>\n"
    assert Markdown(text, dedent=False).html.startswith("<pre><code>    # Title")


def test_markdown_hard_line_break_makes_newlines_breaks():
    pane = Markdown("one\ntwo <b>x</b>", hard_line_break=True)
    assert pane.html == "<p>one<br />\ntwo &lt;b&gt;x&lt;/b&gt;</p>\n"
    pane.hard_line_break = False
    assert pane.html == "<p>one\ntwo &lt;b&gt;x&lt;/b&gt;</p>\n"


def test_pane_panel_options_not_applied_warn_once_and_are_kept(recwarn):
    pane = Markdown("x", extensions=["extra"], renderer="markdown", enable_streaming=True,
                    disable_math=True, disable_anchors=True)
    Markdown("y", extensions=["again"])
    assert (pane.extensions, pane.renderer, pane.enable_streaming) == (
        ["extra"], "markdown", True)
    assert sorted(str(w.message).split("'")[2] for w in recwarn.list) == [
        "enable_streaming", "extensions", "renderer"]
    assert pane.html == "<p>x</p>\n"


REL = ' rel="noopener noreferrer"'
# What the browser's own HTML parser would make of each, with only the allowlist kept.
HOSTILE_HTML = [
    ('<img src=x onerror="alert(1)">', '<img src="x">'),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', f"<a{REL}>x</a>"),
    ('<a href=" JavaScript:alert(1)" target="_blank">x</a>', f"<a{REL}>x</a>"),
    ('<a href="https://example.org/" onclick="x()">ok</a>',
     f'<a href="https://example.org/"{REL}>ok</a>'),
    ("<svg onload=alert(1)><a>x</a></svg>after", "after"),
    ("<iframe src=javascript:alert(1)>inner <b>x</b></iframe>", ""),
    ("<script>alert(1)</script><style>p{}</style>text", "text"),
    ('<div style="background:url(x)" id="ps-root" class="note">d</div>',
     '<div class="note">d</div>'),
    ("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>"),
    ("</div></p><b>x</b><!-- c -->", "<p></p><b>x</b>"),
    ("<img src=x onerror=alert(1)//", ""),  # an unfinished tag is no tag
    ('<td colspan=2 onmouseover=x>c</td><input autofocus onfocus="x()">', "c"),  # no table
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
     '<img src="x">"&gt;'),
    ('<table><tr><td colspan=2 onmouseover=x>c</td></tr></table>',
     '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'),
    ('<img src="data:image/svg+xml;base64,AA" alt="a&quot;b">', '<img alt="a&quot;b">'),
    ('<img src="mailto:a@b.c">', "<img>"),
]


@pytest.mark.parametrize(("markup", "clean"), HOSTILE_HTML)
def test_html_sanitize_html_keeps_formatting_only(markup, clean):
    assert HTML(markup, sanitize_html=True).view_props()["html"] == clean
    assert HTML(markup).view_props()["html"] == markup  # trusted by default, as in Panel


def test_html_sanitize_hook_replaces_the_cleaner():
    pane = HTML("<b>x</b>", sanitize_html=True, sanitize_hook=str.upper)
    assert pane.view_props()["html"] == "<B>X</B>"
    pane.sanitize_html = False
    assert pane.view_props()["html"] == "<b>x</b>"


def test_markup_and_sanitize_doctests():
    import doctest

    import panel_state.pane.markup
    import panel_state.pane.sanitize

    for module in (panel_state.pane.markup, panel_state.pane.sanitize):
        assert doctest.testmod(module).failed == 0
