"""References: component params that follow a widget, a Parameter, pn.bind, pn.rx or a generator."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import weakref
from typing import ClassVar

import param
import pytest

import panel_state as pn
from panel_state.context import activate
from panel_state.references import is_reference
from panel_state.testing import async_wait_until, session
from panel_state.viewable import Viewable


def watcher_count(obj):
    return sum(len(ws) for per_name in obj.param.watchers.values() for ws in per_name.values())


# -- each kind of reference ------------------------------------------------------------------

def test_reference_widget_stands_for_its_value():
    slider = pn.widgets.IntSlider(start=0, end=10, value=3)
    text = pn.pane.Str(slider)
    assert text.view_props()["text"] == "3"
    slider.value = 8
    assert text.view_props()["text"] == "8"


def test_reference_parameter_is_followed():
    slider = pn.widgets.IntSlider(start=0, end=10, value=2)
    md = pn.pane.Markdown(slider.param.value)
    assert md.object == 2 and md.html == "<p>2</p>\n"
    slider.value = 9
    assert md.html == "<p>9</p>\n"


def test_reference_parameter_bounds_another_widget():
    limit = pn.widgets.IntSlider(start=0, end=100, value=10)
    count = pn.widgets.IntSlider(start=0, end=limit.param.value, value=8)
    assert count.end == 10
    limit.value = 5
    assert count.end == 5 and count.value == 5  # the value follows the new bound
    limit.value = 50
    assert count.end == 50 and count.value == 5


def test_reference_bound_function_into_a_pane_positionally():
    slider = pn.widgets.IntSlider(start=1, end=10, value=3)
    md = pn.pane.Markdown(pn.bind(lambda n: "*" * n, slider))
    assert md.object == "***"
    slider.value = 5
    assert md.object == "*****"


def test_reference_bound_function_into_a_widget_value():
    slider = pn.widgets.IntSlider(start=1, end=10, value=2)
    text = pn.widgets.TextInput(value=pn.bind(lambda n: f"{n} stars", slider))
    assert text.value == "2 stars"
    slider.value = 4
    assert text.view_props()["value"] == "4 stars"


def test_reference_str_shows_the_value_not_the_function():
    toggle = pn.widgets.Toggle()
    text = pn.pane.Str(pn.bind(lambda on: "on" if on else "off", toggle))
    assert text.view_props()["text"] == "off"
    toggle.value = True
    assert text.view_props()["text"] == "on"


def test_reference_depends_function():
    name = pn.widgets.TextInput(value="ann")

    @pn.depends(name.param.value)
    def greeting(value):
        return f"Hello {value}"

    md = pn.pane.Markdown(greeting)
    name.value = "bob"
    assert md.object == "Hello bob"


def test_reference_rx_expression_is_followed_and_exported():
    assert pn.rx is param.rx and "rx" in pn.__all__
    count = pn.rx(2)
    text = pn.pane.Str(count * 10)
    assert text.object == 20
    count.rx.value = 7
    assert text.object == 70


def test_reference_rx_of_a_widget_value():
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    label = pn.pane.Markdown(slider.param.value.rx().rx.pipe(lambda n: f"**{n}**"))
    slider.value = 6
    assert label.object == "**6**"


def test_reference_widget_label_follows_and_name_stays_in_step():
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    button = pn.widgets.Button(label=pn.bind(lambda n: f"Add {n}", slider))
    assert button.label == button.name == "Add 1"
    slider.value = 3
    assert button.label == button.name == "Add 3"


def test_reference_is_recognised_as_param_declares():
    slider = pn.widgets.IntSlider()
    assert is_reference(slider) and is_reference(slider.param.value)
    assert is_reference(pn.bind(lambda v: v, slider)) and is_reference(pn.rx(1) + 1)
    assert not is_reference("text") and not is_reference(3) and not is_reference([slider])
    assert not is_reference(lambda: 1)  # a plain function with no dependencies is a value
    assert pn.pane.Markdown.param.object.allow_refs is True


# -- assignment, refs= -----------------------------------------------------------------------

def test_reference_assigned_later_is_followed_and_a_plain_value_stops_it():
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    own = watcher_count(slider)
    md = pn.pane.Markdown("static")
    md.object = pn.bind(lambda n: f"n={n}", slider)
    assert md.object == "n=1"
    slider.value = 2
    assert md.object == "n=2"
    md.object = "mine now"
    slider.value = 3
    assert md.object == "mine now" and watcher_count(slider) == own


def test_reference_client_edit_of_a_followed_value_stops_following():
    source = pn.widgets.TextInput(value="a")
    echo = pn.widgets.TextInput(value=source)
    echo.apply_client_change("value", "typed")
    source.value = "b"
    assert echo.value == "typed"


def test_reference_refs_dict_names_the_params():
    slider = pn.widgets.IntSlider(start=0, end=10, value=2)
    md = pn.pane.Markdown(refs={"object": pn.bind(lambda n: "#" * n, slider),
                                "visible": True})
    assert md.object == "##" and md.visible is True
    slider.value = 4
    assert md.object == "####"


def test_reference_refs_reference_sets_several_params_in_one_change():
    slider = pn.widgets.IntSlider(start=0, end=10, value=3)
    md = pn.pane.Markdown(refs=pn.bind(lambda n: {"object": "x" * n, "visible": n > 2},
                                       slider))
    batches = []
    md.param.watch(lambda *events: batches.append(sorted(e.name for e in events)),
                   ["object", "visible"])
    assert (md.object, md.visible) == ("xxx", True)
    slider.value = 1
    assert (md.object, md.visible) == ("x", False)
    assert batches == [["object", "visible"]]


def test_reference_refs_errors_name_the_fix():
    slider = pn.widgets.IntSlider()
    with pytest.raises(ValueError, match=r"Markdown has no param 'colour' to follow a "
                                         r"reference into; its params are \["):
        pn.pane.Markdown(refs={"colour": slider})
    with pytest.raises(TypeError, match=r"Markdown\(refs=\.\.\.\) takes a dict \{param name: "
                                        r"reference\} or a reference that yields such a dict, "
                                        r"got int 3"):
        pn.pane.Markdown(refs=3)
    with pytest.raises(TypeError, match=r"must yield a dict of param values, got int 0"):
        pn.pane.Markdown(refs=slider.param.value)
    with pytest.raises(ValueError, match=r"ParamFunction.child is read-only"):
        pn.panel(lambda: "x").__class__(lambda: "y", refs={"child": slider})


# -- bad values ------------------------------------------------------------------------------

def test_reference_bad_value_later_is_logged_and_leaves_the_object(errors, caplog):
    text = pn.widgets.TextInput(value="5")
    count = pn.widgets.IntSlider(start=0, end=pn.bind(lambda s: int(s), text), value=1)
    assert count.end == 5
    text.value = "not a number"  # the setter is not the one to blame: no exception here
    assert count.end == 5
    text.value = "-3"  # below start: the slider refuses it
    assert count.end == 5 and count.value == 1
    text.value = "7"
    assert count.end == 7
    assert [type(e) for e in errors] == [ValueError, ValueError]
    assert "<lambda> for IntSlider.end: invalid literal" in caplog.text


def test_reference_bad_value_at_construction_raises():
    text = pn.widgets.TextInput(value="x")
    with pytest.raises(ValueError, match="invalid literal for int"):
        pn.widgets.IntSlider(end=pn.bind(lambda s: int(s), text))
    toggle = pn.widgets.Toggle()
    with pytest.raises(ValueError, match=r"Markdown\.object"):
        pn.pane.Markdown(toggle.param.name.rx().rx.pipe(lambda _: ["a list"]))


def test_reference_skip_leaves_the_value():
    slider = pn.widgets.IntSlider(start=0, end=10, value=4)

    def even_only(n):
        if n % 2:
            raise param.Skip()
        return f"even {n}"

    md = pn.pane.Markdown(pn.bind(even_only, slider))
    slider.value = 5
    assert md.object == "even 4"
    slider.value = 6
    assert md.object == "even 6"


# -- which params take references --------------------------------------------------------------

class Card(Viewable):
    """A component with a param holding a component and one refusing references."""

    header = param.ClassSelector(class_=Viewable, default=None, doc="A component shown on top.")
    raw = param.Parameter(default=None, allow_refs=False, doc="Kept as given.")
    title = param.String(default="", doc="Follows references.")

    view_kind: ClassVar[str] = "Card"


def test_reference_params_holding_components_or_refusing_refs_keep_the_object():
    slider = pn.widgets.IntSlider()
    card = Card(header=slider, raw=slider.param.value, title=pn.bind(str, slider))
    assert card.header is slider and card.raw is slider.param.value and card.title == "0"
    assert Card.param.header.allow_refs is False and Card.param.title.allow_refs is True
    assert pn.panel(lambda: "x").param.object.allow_refs is False  # the function is the object


def test_reference_subclass_init_sees_plain_values():
    class Percent(pn.widgets.IntSlider):
        def __init__(self, **params):
            assert isinstance(params.get("value", 0), int)  # resolved before any __init__
            super().__init__(start=0, end=100, **params)

    source = pn.widgets.IntSlider(start=0, end=100, value=30)
    assert Percent(value=source).value == 30


# -- lifetime ----------------------------------------------------------------------------------

def test_reference_is_not_kept_alive_by_its_dependency():
    slider = pn.widgets.IntSlider(end=10)
    own = watcher_count(slider)
    md = pn.pane.Markdown(pn.bind(str, slider))
    ref = weakref.ref(md)
    del md
    gc.collect()
    assert ref() is None
    slider.value = 1  # the next change finds it gone and removes the watcher
    assert watcher_count(slider) == own


def test_reference_release_unwatches_and_showing_again_catches_up():
    slider = pn.widgets.IntSlider(end=10)
    own = watcher_count(slider)
    md = pn.pane.Markdown(pn.bind(lambda n: f"v{n}", slider))
    md.release()
    assert watcher_count(slider) == own
    slider.value = 4
    assert md.object == "v0"

    class View:
        def on_emit(self, obj, message):
            pass

    view = View()
    md.add_view_listener(view)
    assert md.object == "v4"
    slider.value = 5
    assert md.object == "v5"


def test_reference_stops_once_its_session_is_destroyed():
    slider = pn.widgets.IntSlider(end=10)  # outlives the session, as a --setup object would
    own = watcher_count(slider)
    with session():
        md = pn.pane.Markdown(pn.bind(lambda n: f"v{n}", slider))
    slider.value = 3
    assert md.object == "v0" and watcher_count(slider) == own


def test_reference_evaluates_in_its_owner_session():
    slider = pn.widgets.IntSlider(end=10)
    seen = []
    with session() as owner:
        text = pn.pane.Str(pn.bind(lambda n: seen.append(pn.state.curdoc) or n, slider))
        with activate(None):
            slider.value = 1  # changed outside any session, evaluated in the owner's
    slider.value = 2
    assert seen == [owner, owner] and text.object == 1


# -- generators and coroutines -----------------------------------------------------------------

async def test_reference_async_generator_streams_into_a_param():
    async def countdown():
        for n in (3, 2, 1):
            yield f"T-{n}"
            await asyncio.sleep(0)
        yield "liftoff"

    text = pn.pane.Str(countdown)
    seen = []
    text.param.watch(lambda e: seen.append(e.new), "object")
    await async_wait_until(lambda: text.object == "liftoff")
    assert seen == ["T-3", "T-2", "T-1", "liftoff"]


async def test_reference_sync_generator_steps_on_a_thread_and_a_newer_run_replaces_it():
    slider = pn.widgets.IntSlider(start=0, end=10, value=0)
    gates = {0: threading.Event(), 1: threading.Event()}
    threads = set()

    def progress(n):
        threads.add(threading.current_thread().name)
        yield f"start {n}"
        gates[n].wait(5)
        yield f"end {n}"

    text = pn.widgets.TextInput(value=pn.bind(progress, slider))
    await async_wait_until(lambda: text.value == "start 0")
    slider.value = 1
    await async_wait_until(lambda: text.value == "start 1")
    gates[0].set()  # the older run steps once more, but its value is dropped
    gates[1].set()
    await async_wait_until(lambda: text.value == "end 1")
    await asyncio.sleep(0.01)
    assert text.value == "end 1"
    assert all(name.startswith("panel_state") for name in threads)


async def test_reference_coroutine_function_sets_the_param_when_done():
    slider = pn.widgets.IntSlider(start=0, end=10, value=2)

    async def square(n):
        await asyncio.sleep(0)
        return n * n

    text = pn.pane.Str(pn.bind(square, slider))
    assert text.object is None  # the default until the coroutine returns
    await async_wait_until(lambda: text.object == 4)
    slider.value = 3
    await async_wait_until(lambda: text.object == 9)


async def test_reference_generator_yielding_a_bad_value_is_logged_and_continues(errors):
    async def readings():
        yield 1
        yield "broken"
        yield 3

    count = pn.widgets.IntSlider(start=0, end=10, value=readings)
    seen = []
    count.param.watch(lambda e: seen.append(e.new), "value")
    await async_wait_until(lambda: count.value == 3)
    assert seen == [1, 3] and [type(e) for e in errors] == [TypeError]


async def test_reference_generator_busy_is_true_while_it_runs():
    gate = asyncio.Event()

    async def slow():
        yield "working"
        await gate.wait()
        yield "done"

    with session() as s:
        text = pn.pane.Str(slow)
        await async_wait_until(lambda: text.object == "working")
        assert s.busy is True
        gate.set()
        await async_wait_until(lambda: text.object == "done")
        await async_wait_until(lambda: s.busy is False)


def test_reference_errors_are_logged_on_a_named_logger(errors, caplog):
    caplog.set_level(logging.ERROR)
    toggle = pn.widgets.Toggle()

    def fragile(on):
        if on:
            raise KeyError("missing")
        return "fine"

    md = pn.pane.Markdown(pn.bind(fragile, toggle))
    toggle.value = True
    assert md.object == "fine"
    assert any(r.name.startswith("panel_state") for r in caplog.records)
