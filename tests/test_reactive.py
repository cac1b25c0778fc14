"""ParamFunction (the reactive-function pane), generators it drives, and panel()."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import param
import pytest

import panel_state as pn
from panel_state import busy
from panel_state.context import activate
from panel_state.pane import Markdown, Str
from panel_state.reactive import ParamFunction
from panel_state.testing import async_wait_until, load, session, virtual_clock


def watcher_count(obj):
    return sum(len(ws) for per_name in obj.param.watchers.values() for ws in per_name.values())


def child_events(pane):
    events = []
    pane.param.watch(lambda e: events.append(e.new), "child")
    return events


# -- panel() ---------------------------------------------------------------------------------

def test_panel_conversions():
    button = pn.widgets.Button()
    assert pn.panel(button) is button
    assert isinstance(pn.panel("# hi"), Markdown)
    assert isinstance(pn.panel(42), Str) and pn.panel(42).view_props()["text"] == "42"
    assert isinstance(pn.panel(None), Str)
    assert isinstance(pn.panel(lambda: "x"), ParamFunction)
    assert isinstance(pn.panel(dict), Str)


def test_panel_of_parameter_is_its_widget_linked_both_ways():
    slider = pn.widgets.IntSlider(end=10)
    shown = pn.panel(slider.param.value)
    assert type(shown) is pn.widgets.IntInput  # the param itself has no bounds
    slider.value = 7
    assert shown.value == 7
    shown.value = 3
    assert slider.value == 3


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


def test_param_function_generator_without_a_loop_steps_inline_to_its_last_value():
    toggle = pn.widgets.Toggle()

    def steps(on):
        yield "first"
        yield f"done {on}"

    pane = pn.panel(pn.bind(steps, toggle.param.value))
    assert pane.child.object == "done False"


def texts(pane):
    """Every text the pane showed, in order (its Markdown child is updated in place)."""
    seen: list[str] = []

    def child_changed(event):
        if event.new is not None:
            seen.append(event.new.object)
            event.new.param.watch(lambda e: seen.append(e.new), "object")

    pane.param.watch(child_changed, "child")
    return seen


async def test_param_function_sync_generator_shows_every_yield_in_order_off_the_loop():
    loop_thread = threading.current_thread()
    steps_on = set()

    def progress():
        for i in range(3):
            steps_on.add(threading.current_thread())
            yield f"step {i}"
        yield "done"

    pane = ParamFunction(progress)
    seen = texts(pane)
    await async_wait_until(lambda: pane.child is not None and pane.child.object == "done")
    assert seen == ["step 0", "step 1", "step 2", "done"]
    assert loop_thread not in steps_on


async def test_param_function_generator_bound_to_a_button_runs_on_each_click():
    run = pn.widgets.Button(label="Run")

    def runner(clicked):
        if not clicked:
            yield "Did not run yet"
            return
        for i in range(2):
            yield f"Running {i}"
        yield f"Finished run {run.clicks}"

    pane = pn.panel(pn.bind(runner, run))
    await async_wait_until(lambda: pane.child is not None)
    assert pane.child.object == "Did not run yet"
    seen = texts(pane)
    pane.child.param.watch(lambda e: seen.append(e.new), "object")
    run.apply_client_change("clicks", None)
    await async_wait_until(lambda: pane.child.object == "Finished run 1")
    assert seen == ["Running 0", "Running 1", "Finished run 1"]


async def test_param_function_newer_evaluation_stops_the_running_generator():
    slider = pn.widgets.IntSlider(start=0, end=10)
    gate, closed = threading.Event(), []

    def slow(n):
        try:
            yield f"start {n}"
            gate.wait(5)
            yield f"end {n}"
        finally:
            closed.append(n)

    pane = pn.panel(pn.bind(slow, slider))
    await async_wait_until(lambda: pane.child is not None and pane.child.object == "start 0")
    slider.value = 1
    await async_wait_until(lambda: pane.child.object == "start 1")
    gate.set()
    await async_wait_until(lambda: pane.child.object == "end 1" and sorted(closed) == [0, 1])
    assert pane.child.object == "end 1"  # "end 0" never replaced the newer output


async def test_param_function_async_generator_newer_run_cancels_older_one():
    slider = pn.widgets.IntSlider(start=0, end=10)
    cancelled = []

    async def slideshow(n):
        try:
            yield f"slide {n}.0"
            await asyncio.sleep(3600)
            yield f"slide {n}.1"
        except asyncio.CancelledError:
            cancelled.append(n)
            raise

    pane = pn.panel(pn.bind(slideshow, slider))
    await async_wait_until(lambda: pane.child is not None)
    slider.value = 1
    await async_wait_until(lambda: pane.child.object == "slide 1.0" and cancelled == [0])
    pane.release()
    await async_wait_until(lambda: cancelled == [0, 1])


async def test_param_function_generator_keeps_its_session_busy_until_it_ends():
    gate = threading.Event()

    def work():
        yield "working"
        gate.wait(5)
        yield "done"

    with session() as s:
        pane = pn.panel(work)
        await async_wait_until(lambda: pane.child is not None)
        assert s.busy is True
        gate.set()
        await async_wait_until(lambda: pane.child.object == "done" and not s.busy)


async def test_param_function_generator_error_is_shown_after_the_last_good_yield(errors):
    def flaky():
        yield "partial"
        raise RuntimeError("lost connection")

    pane = pn.panel(flaky)
    await async_wait_until(lambda: pane.error is not None)
    assert pane.child.object == "partial"
    assert pane.error == "RuntimeError: lost connection"
    assert [str(e) for e in errors] == ["lost connection"]


def test_param_function_renders_an_rx_expression_and_rerenders_on_change():
    count = pn.rx(1)
    pane = pn.panel(count * 2)
    row = pn.Row(count + 100)
    assert isinstance(pane, ParamFunction) and pane.child.object == 2
    count.rx.value = 5
    assert pane.child.object == 10 and row[0].child.object == 105


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
