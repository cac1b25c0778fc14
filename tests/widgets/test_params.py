"""Widget.from_param: the widget for each param type, linked both ways, weakly held."""

from __future__ import annotations

import datetime as dt
import gc
import weakref

import param
import pytest

import panel_state as pn
from panel_state._params import set_readonly
from panel_state.testing import session
from panel_state.widgets.params import widget_type

W = pn.widgets


class Example(param.Parameterized):
    bounded_int = param.Integer(default=3, bounds=(0, 10))
    bounded_num = param.Number(default=0.5, bounds=(0, 1), step=0.25)
    open_int = param.Integer(default=7, bounds=(1, None))
    open_num = param.Number(default=1.5)
    flag = param.Boolean(default=False)
    mode = param.Selector(default="fast", objects=["fast", "safe"])
    legacy = param.ObjectSelector(default=2, objects={"one": 1, "two": 2})
    tags = param.ListSelector(default=["a"], objects=["a", "b", "c"])
    title = param.String(default="hello")
    window = param.Range(default=(2.0, 4.0), bounds=(0.0, 10.0))
    pages = param.Range(default=(1, 3), bounds=(0, 9))
    day = param.CalendarDate(default=dt.date(2024, 5, 1))
    stamp = param.Date(default=dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC))
    colour = param.Color(default="#ff0000")
    settings = param.Dict(default={"a": 1})
    fixed = param.Integer(default=5, constant=True)
    computed = param.Integer(default=1, readonly=True)
    clicks = param.Integer(default=0)
    bump = param.Action(lambda self: self.param.update(clicks=self.clicks + 1))
    ping = param.Event()


#: param -> (widget type, a value the browser sends, the object's value after it,
#:           a value set on the object, the widget's value after it)
CASES = {
    "bounded_int": (W.IntSlider, 8, 8, 2, 2),
    "bounded_num": (W.FloatSlider, 0.75, 0.75, 0.25, 0.25),
    "open_int": (W.IntInput, 900, 900, 3, 3),
    "open_num": (W.FloatInput, -2.5, -2.5, 1e6, 1e6),
    "flag": (W.Checkbox, True, True, False, False),
    "mode": (W.Select, "safe", "safe", "fast", "fast"),
    "legacy": (W.Select, "one", 1, 2, 2),
    "tags": (W.MultiSelect, ["b", "c"], ["b", "c"], ["a"], ["a"]),
    "title": (W.TextInput, "typed", "typed", "set", "set"),
    "window": (W.RangeSlider, [1.0, 9.0], (1.0, 9.0), (3.0, 5.0), (3.0, 5.0)),
    "pages": (W.IntRangeSlider, [0, 9], (0, 9), (4, 5), (4, 5)),
    "day": (W.DatePicker, "2024-06-02", dt.date(2024, 6, 2), dt.date(2025, 1, 1),
            dt.date(2025, 1, 1)),
    "colour": (W.TextInput, "#00ff00", "#00ff00", "#0000ff", "#0000ff"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_from_param_makes_the_widget_and_links_it_both_ways(name):
    obj = Example()
    cls, sent, stored, set_value, shown = CASES[name]
    widget = W.Widget.from_param(obj.param[name])
    assert type(widget) is cls
    assert widget.name == obj.param[name].label and widget.disabled is False
    widget.apply_client_change("value", sent)            # browser -> widget -> object
    assert getattr(obj, name) == stored
    setattr(obj, name, set_value)                        # object -> widget
    assert widget.value == shown


def test_from_param_fills_in_bounds_step_and_options():
    obj = Example()
    assert widget_type(obj.param.bounded_int) is W.IntSlider
    slider = W.Widget.from_param(obj.param.bounded_num)
    assert (slider.start, slider.end, slider.step) == (0, 1, 0.25)
    period = W.Widget.from_param(obj.param.open_int)
    assert (period.start, period.end) == (1, None)
    select = W.Widget.from_param(obj.param.legacy)
    assert select.labels == ["one", "two"] and select.value == 2


def test_from_param_on_a_widget_class_uses_that_class_and_keywords():
    obj = Example()
    slider = W.IntSlider.from_param(obj.param.open_int, end=2000, name="Period (ms)")
    assert (type(slider), slider.start, slider.end, slider.name) == (
        W.IntSlider, 1, 2000, "Period (ms)")
    slider.value = 250
    assert obj.open_int == 250
    text = W.TextAreaInput.from_param(obj.param.title, rows=5)
    assert (text.rows, text.value) == (5, "hello")


def test_from_param_refuses_what_the_param_refuses_before_the_widget_takes_it():
    obj = Example()
    slider = W.FloatSlider.from_param(obj.param.open_int, start=0, end=5000)
    with pytest.raises(ValueError, match="must be at least 1"):
        slider.apply_client_change("value", 0)
    with pytest.raises(ValueError, match="must be an integer"):
        slider.apply_client_change("value", 2.5)
    assert (slider.value, obj.open_int) == (7, 7)
    slider.apply_client_change("value", 30.0)             # a whole float fits an Integer
    assert obj.open_int == 30 and type(obj.open_int) is int


def test_from_param_python_change_the_param_refuses_is_undone_and_raised():
    obj = Example()
    slider = W.IntSlider.from_param(obj.param.open_int, start=0, end=10)
    with pytest.raises(ValueError, match="must be at least 1"):
        slider.value = 0
    assert (slider.value, obj.open_int) == (7, 7)


def test_from_param_of_read_only_and_constant_params_is_disabled_and_never_writes():
    obj = Example()
    fixed = W.Widget.from_param(obj.param.fixed)
    computed = W.Widget.from_param(obj.param.computed)
    assert fixed.disabled and computed.disabled
    with pytest.raises(ValueError, match="is disabled and ignores client changes"):
        computed.apply_client_change("value", 9)
    computed.value = 9                                    # Python on the widget: no write
    assert obj.computed == 1
    set_readonly(obj, "computed", 4)                      # the object still updates it
    assert computed.value == 4
    with param.edit_constant(obj):
        obj.fixed = 6
    assert fixed.value == 6


def test_from_param_follows_the_params_slots():
    obj = Example()
    widget = W.Widget.from_param(obj.param.title)
    select = W.Widget.from_param(obj.param.mode)
    slider = W.Widget.from_param(obj.param.bounded_int)
    obj.param.title.constant = True
    assert widget.disabled is True
    obj.param.title.constant = False
    assert widget.disabled is False
    obj.param.title.label = "Heading"
    assert widget.name == "Heading"
    obj.param.mode.objects = ["safe", "slow"]
    assert select.labels == ["safe", "slow"]
    obj.param.bounded_int.bounds = (5, 50)
    assert (slider.start, slider.end) == (5, 50) and slider.value == 5
    number = W.Widget.from_param(obj.param.bounded_num)
    obj.param.bounded_num.step = 0.05
    assert number.step == 0.05


def test_from_param_widens_the_widget_for_a_value_outside_its_range():
    obj = Example()
    slider = W.IntSlider.from_param(obj.param.clicks, start=0, end=10)
    obj.clicks = 25
    assert (slider.value, slider.end) == (25, 25)


def test_from_param_date_param_holding_a_datetime_keeps_its_time_of_day():
    obj = Example()
    picker = W.Widget.from_param(obj.param.stamp)
    assert type(picker) is W.DatePicker and picker.value == dt.date(2024, 5, 1)
    picker.apply_client_change("value", "2024-07-04")
    assert obj.stamp == dt.datetime(2024, 7, 4, 12, 30, tzinfo=dt.UTC)


def test_from_param_date_picker_can_pick_the_days_of_datetime_bounds():
    class Booking(param.Parameterized):
        start = param.Date(default=dt.datetime(2024, 5, 1, 9, 30),
                           bounds=(dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 12, 31)))

    booking = Booking()
    picker = W.Widget.from_param(booking.param.start)
    assert (picker.start, picker.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    # The picker offers the bound's days; 09:30 on them is out of bounds, so the day
    # gets the bound's time instead of being refused.
    picker.apply_client_change("value", "2024-12-31")
    assert booking.start == dt.datetime(2024, 12, 31)
    booking.start = dt.datetime(2024, 6, 1, 9, 30)
    picker.apply_client_change("value", "2024-01-01")
    assert booking.start == dt.datetime(2024, 1, 1, 12)
    picker.apply_client_change("value", "2024-01-02")      # other days keep their time
    assert booking.start == dt.datetime(2024, 1, 2, 12)
    with pytest.raises(ValueError, match=r"= \[2024-01-01, 2024-12-31\] .*got 2025-01-01"):
        picker.apply_client_change("value", "2025-01-01")
    assert booking.start == dt.datetime(2024, 1, 2, 12)


def test_from_param_of_a_type_without_an_editor_is_read_only_text():
    obj = Example()
    static = W.Widget.from_param(obj.param.settings)
    assert type(static) is W.StaticText and static.view_props()["text"] == "{'a': 1}"
    obj.settings = {"b": 2}
    assert static.view_props()["text"] == "{'b': 2}"


def test_from_param_action_is_a_button_running_the_action_as_a_click_callback(errors):
    obj = Example()
    button = W.Widget.from_param(obj.param.bump)
    assert type(button) is W.Button and button.name == "Bump"
    seen = []
    with session() as s:
        obj.param.watch(lambda e: seen.append(pn.state.busy), "clicks")
        button.apply_client_change("clicks", None)
        assert s.busy is False
    assert obj.clicks == 1 and seen == [True]
    obj.bump = lambda self: 1 / 0                         # a new action, a failing one
    button.apply_client_change("clicks", None)
    assert [type(e) for e in errors] == [ZeroDivisionError]


def test_from_param_event_is_a_button_that_triggers_it():
    obj = Example()
    fired = []
    obj.param.watch(lambda e: fired.append(e.name), "ping")
    button = W.Widget.from_param(obj.param.ping)
    button.apply_client_change("clicks", None)
    button.apply_client_change("clicks", None)
    assert fired == ["ping", "ping"]


def test_from_param_throttled_links_value_throttled():
    obj = Example()
    slider = W.Widget.from_param(obj.param.window, throttled=True)
    slider.apply_client_change("value", [1.0, 2.0])      # still dragging
    assert obj.window == (2.0, 4.0)
    slider.apply_client_change("value_throttled", [1.0, 3.0])
    assert obj.window == (1.0, 3.0)


def test_from_param_refuses_what_is_not_a_param_of_an_object():
    with pytest.raises(TypeError, match="from_param needs a param of a Parameterized"):
        W.Widget.from_param("period")
    with pytest.raises(TypeError, match="from_param needs a param of a Parameterized"):
        W.Widget.from_param(param.Integer())


def test_from_param_links_a_class_param():
    class Defaults(param.Parameterized):
        size = param.Integer(default=3, bounds=(0, 9))

    slider = W.Widget.from_param(Defaults.param.size)
    slider.value = 4
    assert Defaults.size == 4


def test_from_param_object_holds_the_widget_only_weakly():
    obj = Example()

    def watchers() -> int:
        return sum(len(ws) for kinds in obj.param.watchers.values() for ws in kinds.values())

    before = watchers()
    widget = W.Widget.from_param(obj.param.title)
    assert watchers() > before
    ref = weakref.ref(widget)
    del widget
    gc.collect()
    assert ref() is None
    assert watchers() == before
    obj.title = "no widget to update"                      # nothing breaks either
