"""The library-side param setters: fast when nothing watches, normal events otherwise."""

from __future__ import annotations

import param
import pytest

import panel_state as pn
from panel_state._params import get_value, set_readonly, set_value
from panel_state.testing import virtual_clock


class Thing(param.Parameterized):
    flag = param.Boolean(default=False, readonly=True)
    n = param.Integer(default=3)


def test_set_value_without_watchers_stores_the_value():
    t = Thing()
    set_value(t, "n", 7)
    assert t.n == 7 and get_value(t, "n") == 7


def test_get_value_reads_the_default_of_an_unset_param():
    assert get_value(Thing(), "n") == 3


def test_set_value_with_a_watcher_sends_a_normal_event():
    t = Thing()
    seen = []
    t.param.watch(lambda e: seen.append((e.old, e.new)), "n")
    set_value(t, "n", 4)
    assert seen == [(3, 4)]


def test_set_readonly_after_unwatch_stores_quietly_and_keeps_the_guard():
    t = Thing()
    seen = []
    w = t.param.watch(lambda e: seen.append(e.new), "flag")
    set_readonly(t, "flag", True)
    t.param.unwatch(w)
    set_readonly(t, "flag", False)
    assert seen == [True] and t.flag is False
    with pytest.raises(TypeError, match="Read-only parameter 'flag'"):
        t.flag = True


def test_periodic_callback_counter_watcher_sees_every_run():
    with virtual_clock() as clock:
        cb = pn.PeriodicCallback(callback=lambda: None, period=100)
        seen = []
        cb.param.watch(lambda e: seen.append(e.new), "counter")
        cb.start()
        clock.advance(0.35)
        cb.stop()
    assert seen == [1, 2, 3]


def test_periodic_callback_reads_settings_changed_while_running():
    with virtual_clock() as clock:
        runs = []
        cb = pn.PeriodicCallback(callback=lambda: runs.append(clock.monotonic()), period=100)
        cb.start()
        clock.advance(0.25)
        cb.count = 4
        clock.advance(1.0)
        assert len(runs) == 4 and not cb.running
