"""pn.Param, and params as widgets: in layouts, in pn.panel, for pn.state's objects."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import time
import weakref

import param
import pytest

import panel_state as pn
from panel_state import busy as busy_module
from panel_state import testing
from panel_state.server.testclient import ProtocolClient

W = pn.widgets


class Settings(param.Parameterized):
    retries = param.Integer(default=3, bounds=(0, 10), precedence=2)
    verbose = param.Boolean(default=False, precedence=1)
    mode = param.Selector(default="fast", objects=["fast", "safe"])
    note = param.String(default="", precedence=-1)
    version = param.String(default="1.0", constant=True)
    reset = param.Action(lambda self: self.param.update(retries=0))


def kinds(pane: pn.Param) -> list[tuple[str, str]]:
    return [(type(w).__name__, w.name) for w in pane.widget_list]


def test_param_lays_out_a_heading_and_a_widget_per_param_by_precedence():
    pane = pn.Param(Settings(name="Settings"))
    assert pane.name == "Settings" and pane.view_kind == "Param"
    assert pane.view_children() == [pane.layout] and type(pane.layout) is pn.Column
    heading = pane.layout[0]
    assert heading.html == "<h3>Settings</h3>\n"
    # Declared order within equal precedence; 'note' (precedence -1) is below the threshold.
    assert kinds(pane) == [("Select", "Mode"), ("TextInput", "Version"), ("Button", "Reset"),
                           ("Checkbox", "Verbose"), ("IntSlider", "Retries")]
    assert pane.widget("version").disabled is True


def test_param_widgets_drive_the_object_and_follow_it():
    settings = Settings()
    pane = pn.Param(settings)
    pane.widget("retries").apply_client_change("value", 8)
    pane.widget("mode").apply_client_change("value", "safe")
    pane.widget("verbose").apply_client_change("value", True)
    assert (settings.retries, settings.mode, settings.verbose) == (8, "safe", True)
    pane.widget("reset").apply_client_change("clicks", None)
    assert settings.retries == 0 and pane.widget("retries").value == 0
    settings.param.update(mode="fast", verbose=False)
    assert (pane.widget("mode").value, pane.widget("verbose").value) == ("fast", False)


def test_param_name_drops_params_instance_counter_and_heading_is_literal():
    assert pn.Param(Settings()).name == "Settings"
    pane = pn.Param(Settings(name="<img src=x onerror=alert(1)> *bold* # [link](javascript:x)"))
    html = pane.layout[0].html
    assert html == ("<h3>&lt;img src=x onerror=alert(1)&gt; *bold* # [link](javascript:x)"
                    "</h3>\n")


def test_param_parameters_show_name_and_labels():
    pane = pn.Param(Settings(), parameters=["retries", "mode"], show_name=False,
                    show_labels=False)
    assert kinds(pane) == [("Select", ""), ("IntSlider", "")]
    assert len(pane.layout) == 2                            # no heading
    pane.show_name = True
    assert len(pane.layout) == 3 and pane.layout[0].html == "<h3>Settings</h3>\n"
    assert pn.Param(Settings(), parameters=["reset"], show_labels=False).widget(
        "reset").name == "Reset"                             # buttons keep their label
    with pytest.raises(ValueError, match=r"Settings has no param\(s\) \['retry'\]; its "
                                         r"params are \['mode', 'name', 'note'"):
        pn.Param(Settings(), parameters=["retry"])


def test_param_widgets_overrides_by_class_dict_and_instance():
    settings = Settings()
    mine = W.RadioButtonGroup(name="How")
    pane = pn.Param(settings, widgets={
        "retries": W.IntInput,
        "verbose": {"type": W.Switch, "name": "Chatty"},
        "mode": mine,
    })
    assert type(pane.widget("retries")) is W.IntInput
    assert (type(pane.widget("verbose")), pane.widget("verbose").name) == (W.Switch, "Chatty")
    assert pane.widget("mode") is mine and mine.value is None   # no options given: Panel too
    pane.widget("retries").apply_client_change("value", 9)
    assert settings.retries == 9
    mine.options = ["fast", "safe"]
    settings.mode = "safe"
    assert mine.value == "safe"
    with pytest.raises(TypeError, match="must be a widget class, a widget or a"):
        pn.Param(settings, widgets={"mode": str})


def test_param_sort_threshold_and_hide_constant():
    pane = pn.Param(Settings(), sort=True, show_name=False)
    assert [w.name for w in pane.widget_list] == ["Mode", "Reset", "Retries", "Verbose",
                                                  "Version"]
    pane = pn.Param(Settings(), display_threshold=-5, hide_constant=True,
                    sort=lambda item: item[0][::-1])
    # By the reversed name: edom, esobrev, eton, noisrev, seirter, teser.
    assert [w.name for w in pane.widget_list] == ["Mode", "Verbose", "Note", "Version",
                                                  "Retries", "Reset"]
    assert pane.widget("version").visible is False


def test_param_rebuilds_when_its_object_or_parameters_change():
    first, second = Settings(retries=1), Settings(retries=2)
    pane = pn.Param(first, parameters=["retries"])
    layout, old = pane.layout, pane.widget("retries")
    pane.object = second
    assert pane.layout is layout and pane.widget("retries").value == 2
    old.value = 5                                          # the old widget is unlinked
    assert (first.retries, second.retries) == (1, 2)
    pane.parameters = ["mode", "verbose"]
    assert [w.name for w in pane.widget_list] == ["Mode", "Verbose"]


def test_param_follows_precedence_changes_and_is_held_weakly():
    settings = Settings()
    pane = pn.Param(settings, show_name=False)
    retries = pane.widget("retries")
    settings.param.verbose.precedence = -3                  # below the threshold: hidden
    assert [w.name for w in pane.widget_list] == ["Mode", "Version", "Reset", "Retries"]
    settings.param.note.precedence = 0.5                    # above it: shown, in order
    assert [w.name for w in pane.widget_list] == ["Mode", "Version", "Reset", "Note",
                                                  "Retries"]
    assert pane.widget("retries") is not retries
    pane.widget("retries").value = 9                        # the new widgets are linked
    assert settings.retries == 9
    shown = pane.widget_list
    settings.param.retries.precedence = 3                   # same order: nothing rebuilt
    assert pane.widget_list == shown
    ref = weakref.ref(pane)
    del pane, shown, retries
    gc.collect()
    assert ref() is None
    settings.param.verbose.precedence = 1                   # no pane left to rebuild


def test_param_of_one_param_a_params_object_and_a_class():
    settings = Settings()
    single = pn.Param(settings.param.retries)
    assert kinds(single) == [("IntSlider", "Retries")] and single.show_name is False
    assert kinds(pn.Param(settings.param))[0] == ("Select", "Mode")

    class Defaults(param.Parameterized):
        size = param.Integer(default=3, bounds=(0, 9))

    pn.Param(Defaults).widget("size").value = 4
    assert Defaults.size == 4


def test_param_keywords_initializer_and_refusals(recwarn):
    seen = []
    pn.Param(Settings(), initializer=lambda obj: seen.append(type(obj).__name__),
             expand=True, expand_button=False)
    assert seen == ["Settings"]
    assert [str(w.message) for w in recwarn.list] == [
        f"pn.Param: Panel's {name!r} is not supported by panel_state yet and is ignored. "
        "Sub-objects are not expanded." for name in ("expand", "expand_button")]
    with pytest.raises(TypeError, match=r"pn.Param shows a Parameterized"):
        pn.Param(42)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        pn.Param(Settings(), colour="red")


def test_panel_of_a_parameterized_is_param_and_of_a_parameter_its_widget():
    settings = Settings()
    assert type(pn.panel(settings)) is pn.Param
    assert type(pn.panel(Settings)) is pn.Param
    widget = pn.panel(settings.param.verbose)
    assert type(widget) is W.Checkbox and widget.name == "Verbose"
    widget.value = True
    assert settings.verbose is True


def test_layout_of_periodic_callback_params_controls_it():
    with testing.virtual_clock() as clock, testing.session():
        ticks = []
        cb = pn.state.add_periodic_callback(lambda: ticks.append(1), period=100, start=False)
        row = pn.Row(cb.param.period, cb.param.running, cb.param.counter, cb.param.timeout)
        period, running, counter, timeout = row
        assert [type(w).__name__ for w in row] == ["IntInput", "Checkbox", "IntInput",
                                                   "IntInput"]
        assert (period.value, period.start, timeout.value) == (100, 1, None)
        running.apply_client_change("value", True)         # the user ticks "Running"
        clock.advance(seconds=0.35)
        assert cb.running and counter.value == len(ticks) == 3
        period.apply_client_change("value", 50)
        clock.advance(seconds=0.2)
        assert cb.period == 50 and len(ticks) >= 3 + 4     # now four times as often
        with pytest.raises(ValueError, match=r"value must be within \[start, end\] = \[1, None\]"):
            period.apply_client_change("value", 0)
        cb.stop()                                           # the object updates the widget
        assert running.value is False


def test_param_of_a_task_shows_its_run_state_read_only():
    with testing.virtual_clock() as clock:
        task = pn.state.schedule_task("refresh", lambda: None, period="1s")
        pane = pn.Param(task, parameters=["run_count", "running", "last_run", "last_error"],
                        widgets={"last_run": W.StaticText})
        assert all(w.disabled for w in pane.widget_list)
        assert kinds(pane) == [("StaticText", "Last run"), ("IntInput", "Run count"),
                               ("Checkbox", "Running"), ("StaticText", "Last error")]
        clock.advance(seconds=2.5)
        assert pane.widget("run_count").value == task.run_count >= 2
        assert pane.widget("last_run").value == task.last_run
        with pytest.raises(ValueError, match="is disabled"):
            pane.widget("run_count").apply_client_change("value", 0)


def test_location_and_state_params_as_controls():
    with testing.session(url="http://localhost:5006/app?q=1") as s:
        search = pn.panel(pn.state.location.param.search)
        busy = pn.panel(pn.state.param.busy)
        assert (type(search), search.value) == (W.TextInput, "?q=1")
        search.apply_client_change("value", "?q=2")
        assert pn.state.location.search == "?q=2"
        with pytest.raises(ValueError, match=r"Location.search must be '' or start with"):
            search.apply_client_change("value", "q=3")
        assert (type(busy), busy.disabled, busy.value) == (W.Checkbox, True, False)
        busy_module.enter(s)                                # a callback starts
        assert busy.value is True
        busy_module.exit(s)
        assert busy.value is False


async def test_param_served_widgets_are_freed_with_their_session():
    """A long-lived object keeps no widget (and no watcher) of a closed session."""
    cb = pn.PeriodicCallback(callback=lambda: None, period=500)

    def watchers() -> int:
        return sum(len(ws) for kinds in cb.param.watchers.values() for ws in kinds.values())

    before = watchers()
    refs: list[weakref.ref] = []

    def app():
        pane = pn.Param(cb, parameters=["period", "running"])
        row = pn.Row(cb.param.count)
        refs.extend(weakref.ref(o) for o in (pane, row, *pane.widget_list, row[0]))
        return pn.Column(pane, row)

    server = pn.serve(app, start=False, unused_session_lifetime=0, check_unused_sessions=10)
    try:
        client = await ProtocolClient.open(server.url)
        try:
            period = client.find("IntInput", name="Period")
            await client.event(period, "value", 250)
            await client.settle()
            assert cb.period == 250
            assert client.find_all("Param") and client.find("Checkbox", name="Running")
        finally:
            await client.close()
        deadline = time.monotonic() + 5
        while server.sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        gc.collect()
        assert [r() for r in refs] == [None] * len(refs)
        assert watchers() == before
    finally:
        await server.astop()


def test_param_date_and_range_params_round_trip():
    class Booking(param.Parameterized):
        day = param.CalendarDate(default=dt.date(2024, 5, 1),
                                 bounds=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
        hours = param.Range(default=(9.0, 17.0), bounds=(0.0, 24.0))

    booking = Booking()
    pane = pn.Param(booking)
    day, hours = pane.widget("day"), pane.widget("hours")
    assert (day.start, day.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    day.apply_client_change("value", "2024-02-29")
    hours.apply_client_change("value", [8, 12.5])
    assert (booking.day, booking.hours) == (dt.date(2024, 2, 29), (8.0, 12.5))
    with pytest.raises(ValueError, match="value must be within"):
        day.apply_client_change("value", "2025-01-01")
    booking.hours = (1.0, 2.0)
    assert hours.value == (1.0, 2.0)
