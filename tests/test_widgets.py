"""Widgets: params, validation, props and client events."""

from __future__ import annotations

import asyncio

import pytest

import panel_state as pn
from panel_state.testing import session

W = pn.widgets


# -- common ------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [W.Button, W.Toggle, W.Checkbox, W.Select, W.TextInput,
                                 W.IntSlider, W.FloatSlider])
def test_widget_props_carry_name_visible_disabled(cls):
    widget = cls(name="Label", disabled=True, visible=False)
    props = widget.view_props()
    assert props["name"] == "Label"
    assert props["visible"] is False
    assert props["disabled"] is True
    assert widget.view_kind == cls.__name__
    assert widget.view_children() == []


def test_widget_default_name_is_empty():
    assert W.Button().name == ""
    assert W.TextInput().view_props()["name"] == ""


def test_widget_disabled_refuses_client_events():
    toggle = W.Toggle(disabled=True)
    with pytest.raises(ValueError, match="Toggle is disabled and ignores client changes"):
        toggle.apply_client_change("value", True)
    assert toggle.value is False


def test_widget_refuses_client_change_of_other_params():
    text = W.TextInput(value="a")
    with pytest.raises(ValueError, match="does not accept client changes to 'placeholder'"):
        text.apply_client_change("placeholder", "x")
    assert text.placeholder == ""


def test_widget_watcher_exception_is_handled_and_widget_keeps_working(errors, caplog):
    checkbox = W.Checkbox()
    seen = []

    def bad(event):
        raise RuntimeError("watcher broke")

    checkbox.param.watch(bad, "value")
    checkbox.apply_client_change("value", True)
    assert checkbox.value is True
    assert [str(e) for e in errors] == ["watcher broke"]
    assert "watcher of Checkbox.value" in caplog.text
    checkbox.param.watch(lambda e: seen.append(e.new), "value")
    checkbox.apply_client_change("value", False)
    assert checkbox.value is False


def test_widget_client_event_runs_watchers_with_session_active():
    text = W.TextInput()
    seen = []
    text.param.watch(lambda e: seen.append((e.new, pn.state.curdoc)), "value")
    with session() as s:
        text.apply_client_change("value", "hello")
    assert seen == [("hello", s)]


# -- Button -------------------------------------------------------------------------------

def test_button_params_and_props():
    button = W.Button(name="Click me!", button_type="primary")
    assert button.view_props() == {"name": "Click me!", "visible": True, "disabled": False,
                               "clicks": 0, "button_type": "primary"}
    assert button._event_params == ("clicks",)


def test_button_rejects_unknown_button_type():
    with pytest.raises(ValueError, match="button_type"):
        W.Button(button_type="purple")


def test_button_click_event_increments_and_runs_callbacks_in_order():
    button = W.Button()
    calls = []
    button.on_click(lambda event: calls.append(("a", event.name, event.new)))
    button.on_click(lambda event: calls.append(("b", event.name, event.new)))
    button.apply_client_change("clicks", "ignored payload")
    button.apply_client_change("clicks", None)
    assert button.clicks == 2
    assert calls == [("a", "clicks", 1), ("b", "clicks", 1), ("a", "clicks", 2),
                     ("b", "clicks", 2)]


def test_button_value_is_an_event_triggered_by_each_click():
    button = W.Button()
    seen = []
    button.param.watch(lambda e: seen.append((e.name, e.new, button.clicks)), "value")
    calls = []
    pn.bind(lambda clicked: calls.append(clicked), button, watch=True)
    button.apply_client_change("clicks", None)
    button.apply_client_change("clicks", None)
    assert seen == [("value", True, 1), ("value", True, 2)]
    assert calls == [True, True] and button.value is False


def test_button_on_click_exception_does_not_stop_other_callbacks(errors):
    button = W.Button()
    calls = []

    def broken(event):
        raise ValueError("handler failed")

    button.on_click(broken)
    button.on_click(lambda event: calls.append(event.new))
    button.apply_client_change("clicks", None)
    button.apply_client_change("clicks", None)
    assert calls == [1, 2]
    assert [str(e) for e in errors] == ["handler failed", "handler failed"]


def test_button_on_click_returns_watcher_that_unwatches():
    button = W.Button()
    calls = []
    watcher = button.on_click(lambda event: calls.append(event.new))
    button.apply_client_change("clicks", None)
    button.param.unwatch(watcher)
    button.apply_client_change("clicks", None)
    assert calls == [1]


def test_button_on_click_rejects_non_callable():
    with pytest.raises(TypeError, match=r"on_click needs a callable.*got int 3"):
        W.Button().on_click(3)


def test_button_on_click_counts_toward_session_busy():
    button = W.Button()
    seen = []
    button.on_click(lambda event: seen.append(pn.state.busy))
    with session() as s:
        button.apply_client_change("clicks", None)
        assert s.busy is False
    assert seen == [True]


async def test_button_async_on_click_is_awaited_and_busy_until_done():
    button = W.Button()
    release = asyncio.Event()
    done = []

    async def handler(event):
        await release.wait()
        done.append((event.new, pn.state.curdoc))

    button.on_click(handler)
    with session() as s:
        button.apply_client_change("clicks", None)
        await asyncio.sleep(0)
        assert s.busy is True and done == []
        release.set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert done == [(1, s)]
        assert s.busy is False


# -- Toggle / Checkbox / TextInput --------------------------------------------------------

def test_toggle_props_and_event():
    toggle = W.Toggle(name="Toggle callback", value=True, button_type="success")
    assert toggle.view_props() == {"name": "Toggle callback", "visible": True, "disabled": False,
                               "value": True, "button_type": "success"}
    toggle.apply_client_change("value", False)
    assert toggle.value is False


def test_toggle_rejects_non_bool_from_client_unchanged():
    toggle = W.Toggle()
    with pytest.raises(ValueError, match=r"Toggle\.value"):
        toggle.apply_client_change("value", "yes")
    assert toggle.value is False


def test_checkbox_props_and_event():
    box = W.Checkbox(name="Agree")
    assert box.view_props() == {"name": "Agree", "visible": True, "disabled": False, "value": False}
    box.apply_client_change("value", True)
    assert box.value is True
    with pytest.raises(ValueError):
        box.apply_client_change("value", 1)
    assert box.value is True


def test_text_input_props_and_event():
    text = W.TextInput(placeholder="Type here")
    assert text.view_props() == {"name": "", "visible": True, "disabled": False, "value": "",
                                 "placeholder": "Type here", "max_length": 5000}
    text.apply_client_change("value", "<b>raw</b>")
    assert text.value == "<b>raw</b>"
    with pytest.raises(ValueError, match=r"TextInput\.value"):
        text.apply_client_change("value", 5)
    assert text.value == "<b>raw</b>"


# -- Select ---------------------------------------------------------------------------------

def test_select_list_options_default_to_first():
    select = W.Select(options=["A", "B", "C"])
    assert select.value == "A"
    assert select.view_props()["options"] == ["A", "B", "C"]
    assert select.view_props()["value"] == "A"


def test_select_without_options_has_no_value():
    select = W.Select()
    assert select.value is None
    assert select.view_props()["options"] == [] and select.view_props()["value"] is None


def test_select_dict_options_map_labels_to_values():
    select = W.Select(options={"Apple": 1, "Banana": 2}, value=2)
    assert select.labels == ["Apple", "Banana"] and select.values == [1, 2]
    assert select.view_props()["value"] == "Banana"
    select.apply_client_change("value", "Apple")
    assert select.value == 1
    assert select.view_props()["value"] == "Apple"


def test_select_non_string_list_is_labelled_with_str():
    select = W.Select(options=[1, 2.5, None])
    assert select.view_props()["options"] == ["1", "2.5", "None"]
    select.apply_client_change("value", "2.5")
    assert select.value == 2.5


def test_select_value_given_with_options_in_any_order():
    assert W.Select(value="C", options=["A", "B", "C"]).value == "C"


def test_select_unknown_label_from_client_is_refused_unchanged():
    select = W.Select(options=["A", "B"])
    with pytest.raises(ValueError, match=r"no option labelled 'Z'; valid labels are \['A', 'B'\]"):
        select.apply_client_change("value", "Z")
    assert select.value == "A"


def test_select_value_must_be_an_option():
    select = W.Select(options={"Apple": 1})
    with pytest.raises(ValueError, match=r"value must be one of the option values \[1\].*got 3"):
        select.value = 3
    assert select.value == 1


def test_select_options_must_be_list_or_dict():
    with pytest.raises(TypeError, match=r"Select\.options must be a list .* got str 'ABC'"):
        W.Select(options="ABC")
    select = W.Select(options=["A"])
    with pytest.raises(TypeError, match="got int 5"):
        select.options = 5
    assert select.options == ["A"]


def test_select_duplicate_labels_are_refused():
    with pytest.raises(ValueError, match=r"labels must be unique, got \['1'\]"):
        W.Select(options=[1, "1"])


def test_select_new_options_without_current_value_pick_first():
    select = W.Select(options=["A", "B"], value="B")
    select.options = ["B", "C"]
    assert select.value == "B"
    select.options = ["X", "Y"]
    assert select.value == "X"
    select.options = []
    assert select.value is None


def test_select_seed_onload_sets_options_after_render():
    with session() as s:
        widget = W.Select()
        events = []
        widget.param.watch(lambda e: events.append((e.name, e.new)), ["options", "value"])

        def on_load():
            widget.options = ["A", "B", "C"]

        pn.state.onload(on_load)
        assert widget.view_props()["options"] == []
        from panel_state.testing import load
        load(s)
    assert widget.view_props()["options"] == ["A", "B", "C"]
    assert widget.value == "A"
    # The value is fixed before watchers of options run, so they see a consistent widget.
    assert events == [("value", "A"), ("options", ["A", "B", "C"])]


# -- sliders ----------------------------------------------------------------------------------

def test_int_slider_defaults_and_props():
    slider = W.IntSlider(name="N", start=0, end=10, value=3)
    assert slider.view_props() == {"name": "N", "visible": True, "disabled": False, "start": 0,
                               "end": 10, "step": 1, "value": 3, "show_value": True}
    assert W.IntSlider().value == 0 and W.IntSlider(start=5, end=9).value == 5


def test_float_slider_defaults_and_props():
    slider = W.FloatSlider(start=1, end=3)
    assert slider.view_props() == {"name": "", "visible": True, "disabled": False, "start": 1.0,
                               "end": 3.0, "step": 0.1, "value": 1.0, "show_value": True}


def test_slider_client_value_outside_bounds_is_refused_unchanged():
    slider = W.IntSlider(start=0, end=10, value=5)
    with pytest.raises(ValueError, match=r"value must be within \[start, end\] = \[0, 10\], "
                                         r"got 11"):
        slider.apply_client_change("value", 11)
    assert slider.value == 5


def test_int_slider_accepts_integral_float_from_client():
    slider = W.IntSlider(start=0, end=10)
    slider.apply_client_change("value", 4.0)
    assert slider.value == 4 and type(slider.value) is int
    with pytest.raises(ValueError, match=r"must be an integer, got 4\.5"):
        slider.apply_client_change("value", 4.5)
    with pytest.raises(TypeError, match="must be an integer, got str"):
        slider.apply_client_change("value", "4")
    assert slider.value == 4


def test_float_slider_rejects_bool_and_nan():
    slider = W.FloatSlider()
    with pytest.raises(TypeError, match="value must be a number, got bool True"):
        slider.apply_client_change("value", True)
    with pytest.raises(ValueError, match="must be finite"):
        slider.value = float("nan")
    assert slider.value == 0.0


def test_slider_constructor_validates_bounds():
    with pytest.raises(ValueError, match="start must not exceed end, got start=5 and end=1"):
        W.IntSlider(start=5, end=1)
    with pytest.raises(ValueError, match=r"value must be within \[start, end\] = \[0, 1\], got 4"):
        W.IntSlider(start=0, end=1, value=4)
    with pytest.raises(ValueError, match="step must be positive, got 0"):
        W.FloatSlider(step=0)


def test_slider_bounds_changes_are_checked_and_clamp_value():
    slider = W.IntSlider(start=0, end=10, value=8)
    with pytest.raises(ValueError, match=r"start must not exceed end \(10\), got 20"):
        slider.start = 20
    assert slider.start == 0
    slider.end = 5
    assert slider.value == 5
    slider.param.update(end=30, start=20)
    assert (slider.start, slider.end, slider.value) == (20, 30, 20)



def test_widget_bound_directly_passes_its_value():
    toggle = pn.widgets.Toggle()
    pane = pn.panel(pn.bind(lambda on: f"on={on}", toggle))
    assert pane.child.object == "on=False"
    toggle.value = True
    assert pane.child.object == "on=True"


def test_widget_label_can_change():
    button = pn.widgets.Button(name="Start")
    button.name = "Stop"
    assert button.view_props()["name"] == "Stop"


def test_widget_label_is_accepted_as_name():
    # Panel 1.x documents label=; panel_state's widgets took only name=.
    text = pn.widgets.TextInput(label="Text:", value="ABC")
    assert (text.name, text.label, text.view_props()["name"]) == ("Text:", "Text:", "Text:")
    text.label = "New"
    assert text.name == "New"
    text.name = "Newer"
    assert text.label == "Newer"
    assert pn.widgets.Button(name="Go").label == "Go"
    assert pn.widgets.Button(name="Go", label="Go").name == "Go"


def test_widget_name_and_a_different_label_are_refused():
    with pytest.raises(ValueError, match=r"Button got name='a' and label='b'; they are the "
                                         r"same label: pass one of them"):
        pn.widgets.Button(name="a", label="b")


def test_button_on_click_in_the_constructor():
    # Panel: Button(label='Button', on_click=lambda e: events.append(e)).
    events = []
    button = pn.widgets.Button(label="Button", on_click=lambda e: events.append(e))
    button.apply_client_change("clicks", None)
    assert [(e.name, e.new) for e in events] == [("clicks", 1)]


def test_button_on_click_not_callable_is_refused_in_the_constructor():
    with pytest.raises(TypeError, match=r"Button.on_click needs a callable taking the click "
                                        r"event, got str 'print'"):
        pn.widgets.Button(label="x", on_click="print")


@pytest.mark.parametrize(("cls", "names"), [
    (W.Button, {"button_style": "outline", "color": "primary", "description": "Help",
                "description_delay": 100, "icon": "alert", "icon_size": "2em",
                "variant": "outlined"}),
    (W.Toggle, {"button_style": "outline", "icon": "alert", "variant": "outlined"}),
    (W.LoadingSpinner, {"throttle": 100}),
])
def test_widget_panel_looks_are_taken_with_one_warning_each(cls, names, recwarn):
    cls(**names)
    cls(**names)
    warned = sorted(str(w.message) for w in recwarn.list)
    assert warned == sorted(f"pn.widgets.{cls.__name__}: Panel's {name!r} is not supported "
                            "by panel_state yet and is ignored." for name in names)
