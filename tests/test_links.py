"""Component.link(): one- and two-way links, callbacks, errors (Panel's semantics)."""

from __future__ import annotations

import param
import pytest

import panel_state as pn
from panel_state.testing import session, virtual_clock


class Runner(param.Parameterized):
    running = param.Boolean(default=False)
    period = param.Integer(default=500)


def test_link_toggle_to_object_is_one_way_without_initial_sync():
    toggle = pn.widgets.Toggle(value=True)
    runner = Runner()
    link = toggle.link(runner, value="running")
    assert runner.running is False  # no initial sync, as in Panel
    toggle.apply_client_change("value", False)
    toggle.apply_client_change("value", True)
    assert runner.running is True
    runner.running = False
    assert toggle.value is True
    assert link.linked and link.source is toggle and link.target is runner


def test_link_bidirectional_toggle_and_running():
    toggle = pn.widgets.Toggle()
    runner = Runner()
    changes = []
    runner.param.watch(lambda e: changes.append(("runner", e.new)), "running")
    toggle.param.watch(lambda e: changes.append(("toggle", e.new)), "value")
    toggle.link(runner, bidirectional=True, value="running")
    toggle.value = True
    runner.running = False
    assert toggle.value is False
    # Each side changed exactly once per change: the guard stops echoes.
    assert changes == [("toggle", True), ("runner", True), ("runner", False),
                       ("toggle", False)]


def test_link_unlink_stops_both_directions():
    toggle = pn.widgets.Toggle()
    runner = Runner()
    link = toggle.link(runner, bidirectional=True, value="running")
    link.unlink()
    assert not link.linked
    toggle.value = True
    runner.running = True
    runner.running = False
    assert toggle.value is True and runner.running is False


def test_link_toggle_drives_periodic_callback_running():
    ticks = []
    with virtual_clock() as clock, session():
        cb = pn.state.add_periodic_callback(lambda: ticks.append(1), period=100)
        toggle = pn.widgets.Toggle(name="Toggle callback", value=True)
        toggle.link(cb, bidirectional=True, value="running")
        clock.advance(0.25)
        assert len(ticks) == 2
        toggle.apply_client_change("value", False)
        assert cb.running is False
        clock.advance(0.5)
        assert len(ticks) == 2
        toggle.apply_client_change("value", True)
        assert cb.running is True
        clock.advance(0.15)
        assert len(ticks) == 3
        cb.stop()
        assert toggle.value is False


def test_link_periodic_callback_finishing_turns_toggle_off():
    with virtual_clock() as clock, session():
        cb = pn.state.add_periodic_callback(lambda: None, period=100, count=2)
        toggle = pn.widgets.Toggle(value=True)
        toggle.link(cb, bidirectional=True, value="running")
        clock.advance(0.5)
        assert cb.running is False and cb.counter == 2
        assert toggle.value is False


def test_link_slider_drives_periodic_callback_period():
    with virtual_clock() as clock, session():
        ticks = []
        cb = pn.state.add_periodic_callback(lambda: ticks.append(1), period=100)
        slider = pn.widgets.IntSlider(name="Period", start=50, end=1000, value=100)
        slider.link(cb, value="period")
        slider.apply_client_change("value", 400)
        assert cb.period == 400
        clock.advance(1.05)
        assert 2 <= len(ticks) <= 3
        cb.stop()


def test_link_callbacks_receive_target_and_event():
    text = pn.widgets.TextInput()
    md = pn.pane.Markdown("")
    text.link(md, callbacks={"value": lambda target, event: setattr(
        target, "object", f"**{event.new}**")})
    text.apply_client_change("value", "hi")
    assert md.object == "**hi**"


def test_link_callback_exception_is_handled(errors):
    toggle = pn.widgets.Toggle()
    runner = Runner()

    def broken(target, event):
        raise RuntimeError("link failed")

    toggle.link(runner, callbacks={"value": broken})
    toggle.value = True
    assert toggle.value is True
    assert [str(e) for e in errors] == ["link failed"]


def test_link_error_messages():
    toggle = pn.widgets.Toggle()
    runner = Runner()
    with pytest.raises(ValueError, match="Either supply a set of parameters to link as "
                                         "keywords or a set of callbacks, not both"):
        toggle.link(runner, callbacks={"value": print}, value="running")
    with pytest.raises(ValueError, match="Declare parameters to link or a set of callbacks, "
                                         "neither was defined"):
        toggle.link(runner)
    with pytest.raises(ValueError, match="Bidirectional linking not supported for explicit "
                                         "callbacks"):
        toggle.link(runner, callbacks={"value": print}, bidirectional=True)
    with pytest.raises(ValueError, match=r"source parameter\(s\) \['nope'\]: Toggle has no "
                                         "such parameter"):
        toggle.link(runner, nope="running")
    with pytest.raises(ValueError, match=r"target parameter\(s\) \['missing'\]: Runner"):
        toggle.link(runner, value="missing")
    with pytest.raises(ValueError, match=r"source parameter\(s\) \['nope'\]"):
        toggle.link(runner, callbacks={"nope": print})
    assert toggle.param.watchers == {}


def test_link_rejected_value_propagates_error_and_keeps_target():
    toggle = pn.widgets.Toggle()
    slider = pn.widgets.IntSlider(start=0, end=10)
    count = pn.widgets.IntSlider(start=0, end=100)
    count.link(slider, value="value")
    with pytest.raises(ValueError, match=r"value must be within \[start, end\]"):
        count.value = 50
    assert slider.value == 0
    assert toggle.value is False


def test_link_from_pn_link_function():
    a, b = pn.widgets.Checkbox(), pn.widgets.Toggle()
    pn.link(a, b, bidirectional=True, value="value")
    b.apply_client_change("value", True)
    assert a.value is True
