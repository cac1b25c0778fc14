"""Panes, the reactive-function pane and panel()."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import numpy as np
import param
import pytest

import panel_state as pn
from panel_state import busy
from panel_state.context import activate
from panel_state.pane import HTML, LineChart, Markdown, Str
from panel_state.reactive import ParamFunction
from panel_state.testing import load, session, virtual_clock


class Recorder:
    """A subscriber collecting ``_emit`` messages, as the server's renderer does."""

    def __init__(self) -> None:
        self.messages: list[tuple[object, dict]] = []

    def on_emit(self, viewable, message):
        self.messages.append((viewable, message))


def watcher_count(obj):
    return sum(len(ws) for per_name in obj.param.watchers.values() for ws in per_name.values())


def child_events(pane):
    events = []
    pane.param.watch(lambda e: events.append(e.new), "child")
    return events


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


def test_markdown_rejects_non_string():
    with pytest.raises(ValueError, match=r"Markdown\.object"):
        Markdown(5)


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


# -- panel() ---------------------------------------------------------------------------------

def test_panel_conversions():
    button = pn.widgets.Button()
    assert pn.panel(button) is button
    assert isinstance(pn.panel("# hi"), Markdown)
    assert isinstance(pn.panel(42), Str) and pn.panel(42).view_props()["text"] == "42"
    assert isinstance(pn.panel(None), Str)
    assert isinstance(pn.panel(lambda: "x"), ParamFunction)
    assert isinstance(pn.panel(dict), Str)


def test_panel_of_parameter_shows_its_value():
    slider = pn.widgets.IntSlider(end=10)
    pane = pn.panel(slider.param.value)
    assert pane.child.view_props()["text"] == "0"
    slider.value = 7
    assert pane.child.view_props()["text"] == "7"


# -- ParamFunction ----------------------------------------------------------------------------

def test_param_function_requires_callable():
    with pytest.raises(TypeError, match="ParamFunction needs a callable, got int 3"):
        ParamFunction(3)


def test_param_function_rerenders_on_widget_change():
    toggle = pn.widgets.Toggle()
    pane = pn.panel(pn.bind(lambda on: "on" if on else "off", toggle.param.value))
    assert pane.view_kind == "ParamFunction"
    assert pane.view_props() == {"visible": True, "loading": False, "error": None}
    md = pane.view_children()[0]
    assert isinstance(md, Markdown) and md.object == "off"
    toggle.apply_client_change("value", True)
    assert pane.child is md and md.object == "on"  # updated in place, no new child


def test_param_function_with_depends_function_and_method():
    text = pn.widgets.TextInput(value="a")

    @pn.depends(text.param.value)
    def shout(value):
        return value.upper()

    pane = pn.panel(shout)
    text.value = "b"
    assert pane.child.object == "B"

    class Model(param.Parameterized):
        n = param.Integer(1)
        other = param.Integer(0)

        @param.depends("n")
        def view(self):
            return self.n * 2

    model = Model()
    pane = pn.panel(model.view)
    assert pane.child.view_props()["text"] == "2"
    model.n = 5
    assert pane.child.view_props()["text"] == "10"


def test_param_function_undecorated_method_depends_on_all_params():
    class Model(param.Parameterized):
        a = param.Integer(1)
        b = param.Integer(2)

        def total(self):
            return self.a + self.b

    model = Model()
    pane = pn.panel(model.total)
    model.b = 10
    assert pane.child.view_props()["text"] == "11"


def test_param_function_output_kinds():
    choice = pn.widgets.Select(options=["text", "number", "widget", "layout", "none"])
    button = pn.widgets.Button()

    def render(kind):
        return {"text": "**t**", "number": 3, "widget": button,
                "layout": pn.Column("a", "b"), "none": None}[kind]

    pane = pn.panel(pn.bind(render, choice.param.value))
    assert isinstance(pane.child, Markdown)
    choice.value = "number"
    assert isinstance(pane.child, Str) and pane.child.object == 3
    choice.value = "widget"
    assert pane.child is button
    choice.value = "layout"
    assert isinstance(pane.child, pn.Column) and len(pane.child) == 2
    choice.value = "none"
    assert pane.child is None and pane.view_children() == []


def test_param_function_equal_output_sends_no_child_change():
    slider = pn.widgets.IntSlider(start=0, end=10)
    pane = pn.panel(pn.bind(lambda v: "small" if v < 5 else "big", slider.param.value))
    md = pane.child
    events = child_events(pane)
    md_events = []
    md.param.watch(lambda e: md_events.append(e.new), "object")
    slider.value = 1
    slider.value = 2
    assert events == [] and md_events == []
    slider.value = 7
    assert events == [] and md_events == ["big"]


def test_param_function_same_object_output_keeps_child():
    button = pn.widgets.Button()
    toggle = pn.widgets.Toggle()
    pane = pn.panel(pn.bind(lambda _: button, toggle.param.value))
    events = child_events(pane)
    toggle.value = True
    assert pane.child is button and events == []


def test_param_function_does_not_mutate_a_returned_markdown():
    toggle = pn.widgets.Toggle()
    mine = Markdown("mine")
    pane = pn.panel(pn.bind(lambda on: "text" if on else mine, toggle.param.value))
    assert pane.child is mine
    toggle.value = True
    assert mine.object == "mine" and pane.child is not mine and pane.child.object == "text"


def test_param_function_only_affected_pane_rerenders():
    a, b = pn.widgets.TextInput(), pn.widgets.TextInput()
    calls = []

    def view(name):
        def render(value):
            calls.append(name)
            return value
        return render

    pane_a = pn.panel(pn.bind(view("a"), a.param.value))
    pn.panel(pn.bind(view("b"), b.param.value))
    calls.clear()
    a.value = "x"
    assert calls == ["a"] and pane_a.child.object == "x"


def test_param_function_error_is_shown_logged_and_retried(errors, caplog):
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)

    def render(v):
        if v == 3:
            raise ZeroDivisionError("cannot show 3\nsecond line")
        return f"value {v}"

    pane = pn.panel(pn.bind(render, slider.param.value))
    slider.value = 3
    assert pane.view_props()["error"] == "ZeroDivisionError: cannot show 3"
    assert pane.child.object == "value 1"  # the last good output stays
    assert [type(e) for e in errors] == [ZeroDivisionError]
    assert "reactive function" in caplog.text and "render" in caplog.text
    slider.value = 4
    assert pane.view_props()["error"] is None and pane.child.object == "value 4"


def test_param_function_rerenders_on_session_busy():
    button = pn.widgets.Button(name="Click me!")
    seen = []
    button.on_click(lambda event: seen.append(indicator_pane.child.object))

    def indicator(busy):
        return "I'm busy" if busy else "I'm idle"

    with session():
        indicator_pane = pn.panel(pn.bind(indicator, pn.state.param.busy))
        row = pn.Row(button, indicator_pane)
        assert row[1].child.object == "I'm idle"
        button.apply_client_change("clicks", None)
        assert seen == ["I'm busy"]
        assert indicator_pane.child.object == "I'm idle"


def test_param_function_busy_of_another_session_is_ignored():
    with session() as s1:
        pane = pn.panel(pn.bind(lambda busy: str(busy), pn.state.param.busy))
    with session() as s2:
        busy.enter(s2)
        assert pane.child.object == "False"
        busy.exit(s2)
    assert s1.destroyed


def test_param_function_on_process_busy_stays_process_wide():
    pane = pn.panel(pn.bind(lambda busy: f"process busy: {busy}", pn.state.param.busy))
    pane.release()
    with session() as s:
        pane.view_children()  # shown again inside a session: still watches the process flag
        busy.enter(s)
        assert pane.child.object == "process busy: False"
        busy.exit(s)
    busy.enter(None)
    assert pane.child.object == "process busy: True"
    busy.exit(None)
    assert pane.child.object == "process busy: False"


def test_param_function_rerenders_on_periodic_callback_counter():
    with virtual_clock() as clock, session():
        cb = pn.state.add_periodic_callback(lambda: None, period=100, count=3)
        pane = pn.panel(pn.bind(lambda n: f"runs: {n}", cb.param.counter))
        assert pane.child.object == "runs: 0"
        clock.advance(0.25)
        assert pane.child.object == "runs: 2"
        clock.advance(1)
        assert pane.child.object == "runs: 3"


def test_param_function_rerenders_on_location_param():
    def page(search):
        return f"query: {search or 'none'}"

    with session("http://localhost:5006/app?page=2"):
        pane = pn.panel(pn.bind(page, pn.state.location.param.search))
        assert pane.child.object == "query: ?page=2"
        pn.state.location.search = "?page=3"
        assert pane.child.object == "query: ?page=3"
        pn.state.location.update_query(page=4)
        assert pane.child.object == "query: ?page=4"


def test_param_function_evaluates_in_owner_session_for_outside_changes():
    toggle = pn.widgets.Toggle()
    seen = []

    def render(on):
        seen.append(pn.state.curdoc)
        return str(on)

    with session() as s:
        pane = pn.panel(pn.bind(render, toggle.param.value))
        seen.clear()
        with activate(None):  # as if changed from outside the session
            toggle.value = True
        assert seen == [s] and pane.child.object == "True"


def test_param_function_stops_after_its_session_is_destroyed():
    toggle = pn.widgets.Toggle()
    calls = []
    with session():
        pn.panel(pn.bind(lambda on: calls.append(on), toggle.param.value))
    toggle.value = True
    assert calls == [False]


def test_param_function_cleanup_unwatches_dependencies():
    toggle = pn.widgets.Toggle()
    calls = []
    pane = pn.panel(pn.bind(lambda on: calls.append(on) or "x", toggle.param.value))
    pane.release()
    toggle.value = True
    assert calls == [False]
    assert watcher_count(toggle) == 0


def test_param_function_shown_again_after_cleanup_watches_again():
    toggle = pn.widgets.Toggle()
    pane = pn.panel(pn.bind(lambda on: str(on), toggle.param.value))
    pane.release()
    toggle.value = True
    assert pane.child.object == "False"
    assert pane.view_children()[0].object == "True"  # rendered again: catches up and watches
    toggle.value = False
    assert pane.child.object == "False"


def test_param_function_is_not_kept_alive_by_its_dependencies():
    toggle = pn.widgets.Toggle()
    pane = pn.panel(pn.bind(lambda on: str(on), toggle.param.value))
    ref = weakref.ref(pane)
    del pane
    gc.collect()
    assert ref() is None
    assert watcher_count(toggle) == 1
    toggle.value = True  # the next change finds the pane gone and removes the watcher
    assert watcher_count(toggle) == 0


def test_param_function_object_can_be_replaced():
    toggle = pn.widgets.Toggle()
    text = pn.widgets.TextInput(value="t")
    pane = pn.panel(pn.bind(lambda on: str(on), toggle.param.value))
    pane.object = pn.bind(lambda v: v * 2, text.param.value)
    assert pane.child.object == "tt"
    toggle.value = True
    assert pane.child.object == "tt"
    text.value = "u"
    assert pane.child.object == "uu"


def test_param_function_generator_shows_last_value():
    toggle = pn.widgets.Toggle()

    def steps(on):
        yield "first"
        yield f"done {on}"

    pane = pn.panel(pn.bind(steps, toggle.param.value))
    assert pane.child.object == "done False"


async def test_param_function_async_function_is_awaited():
    toggle = pn.widgets.Toggle()
    gate = asyncio.Event()

    async def render(on):
        await gate.wait()
        return f"async {on}"

    pane = pn.panel(pn.bind(render, toggle.param.value))
    assert pane.child is None
    gate.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert pane.child.object == "async False"
    toggle.value = True
    for _ in range(5):
        await asyncio.sleep(0)
    assert pane.child.object == "async True"


async def test_param_function_stale_async_result_is_dropped():
    slider = pn.widgets.IntSlider(end=10)
    gates = {0: asyncio.Event(), 1: asyncio.Event()}

    async def render(v):
        await gates[v].wait()
        return f"v{v}"

    pane = pn.panel(pn.bind(render, slider.param.value))
    slider.value = 1
    gates[1].set()
    for _ in range(5):
        await asyncio.sleep(0)
    gates[0].set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert pane.child.object == "v1"


def test_param_function_change_during_evaluation_reruns_once():
    slider = pn.widgets.IntSlider(start=0, end=10)
    calls = []

    def render(v):
        calls.append(v)
        if v % 2:
            slider.value = v + 1  # snap odd values to even ones
        return f"v{v}"

    pane = pn.panel(pn.bind(render, slider.param.value))
    calls.clear()
    slider.value = 3
    assert calls == [3, 4] and pane.child.object == "v4"


def test_param_function_that_keeps_changing_its_dependency_is_stopped(errors):
    slider = pn.widgets.IntSlider(start=0, end=1000)

    def render(v):
        slider.value = v + 1
        return str(v)

    pane = pn.panel(pn.bind(render, slider.param.value))
    assert "keeps changing its own dependencies" in pane.error
    assert slider.value == 100  # the first run and 99 reruns, each adding one
    assert [type(e) for e in errors] == [RuntimeError]


# -- defer_load ------------------------------------------------------------------------------

def test_defer_load_shows_spinner_until_session_loaded():
    calls = []

    def render_on_load():
        calls.append(pn.state.loaded)
        return pn.widgets.Select(options=["A", "B", "C"])

    with session() as s:
        row = pn.Row(pn.panel(render_on_load, defer_load=True))
        pane = row[0]
        assert pane.view_props()["loading"] is True
        assert pane.view_children() == [] and calls == []
        load(s)
        assert calls == [False]  # runs as an onload callback, before loaded turns True
        assert pane.view_props()["loading"] is False
        assert isinstance(pane.child, pn.widgets.Select)
        assert pane.child.options == ["A", "B", "C"]


async def test_defer_load_evaluates_on_await_load():
    with session() as s:
        pane = pn.panel(lambda: "ready", defer_load=True)
        pane.view_children()
        assert pane.child is None and pane.loading is True
        await s.load()
        assert pane.loading is False and pane.child.object == "ready"


def test_defer_load_uses_config_default():
    pn.config.defer_load = True
    with session() as s:
        pane = pn.panel(lambda: "x")
        assert pane.view_props()["loading"] is True
        load(s)
        assert pane.child.object == "x"
    assert pn.panel(lambda: "y", defer_load=False).child.object == "y"


def test_defer_load_outside_session_or_after_load_evaluates_at_once():
    pane = pn.panel(lambda: "now", defer_load=True)
    assert pane.view_props()["loading"] is False and pane.child.object == "now"
    with session(loaded=True):
        pane = pn.panel(lambda: "loaded", defer_load=True)
        assert pane.view_children()[0].object == "loaded"


def test_defer_load_error_is_shown_and_page_keeps_working(errors):
    def broken():
        raise RuntimeError("database down")

    with session() as s:
        bad = pn.panel(broken, defer_load=True)
        good = pn.panel(lambda: "fine", defer_load=True)
        row = pn.Row(bad, good)
        for pane in row:
            pane.view_props()
        load(s)
        assert s.loaded is True
        assert bad.view_props() == {"visible": True, "loading": False,
                                "error": "RuntimeError: database down"}
        assert good.child.object == "fine"
    assert [str(e) for e in errors] == ["database down"]


def test_defer_load_runs_on_thread_pool_when_nthreads_set():
    pn.config.nthreads = 2
    threads = []

    def render():
        threads.append(threading.current_thread().name)
        return "threaded"

    with session() as s:
        pane = pn.panel(render, defer_load=True)
        pane.view_props()
        load(s)
        assert pane.child.object == "threaded"
    assert threads and threads[0].startswith("panel_state")


def test_defer_load_ignores_dependency_changes_before_load():
    toggle = pn.widgets.Toggle()
    calls = []
    with session() as s:
        pane = pn.panel(pn.bind(lambda on: calls.append(on) or str(on), toggle.param.value),
                        defer_load=True)
        pane.view_props()
        toggle.value = True
        assert calls == []
        load(s)
        assert calls == [True] and pane.child.object == "True"
        toggle.value = False
        assert pane.child.object == "False"


async def test_defer_load_change_during_threaded_evaluation_is_not_lost():
    pn.config.nthreads = 1
    slider = pn.widgets.IntSlider(start=0, end=10)
    started, release = threading.Event(), threading.Event()
    calls = []

    def render(v):
        calls.append(v)
        if len(calls) == 1:
            started.set()
            release.wait(5)
        return f"v{v}"

    with session() as s:
        pane = pn.panel(pn.bind(render, slider.param.value), defer_load=True)
        pane.view_props()
        loading = asyncio.ensure_future(s.load())
        while not started.is_set():
            await asyncio.sleep(0.001)
        slider.value = 5
        release.set()
        await loading
        assert calls == [0, 5]
        assert pane.child.object == "v5" and pane.loading is False
