"""Session: request snapshot, lifecycle phases, ownership of callbacks and hooks."""

from __future__ import annotations

import pytest

import panel_state as pn
from panel_state.session import Session, live_sessions
from panel_state.testing import load, virtual_clock


def test_session_parses_repeated_and_blank_query_args():
    s = Session("http://localhost:5006/app?a=1&a=2&empty=&b=x%20y")
    assert s.session_args == {"a": [b"1", b"2"], "empty": [b""], "b": [b"x y"]}
    s.destroy()


def test_session_explicit_request_data_wins_over_url():
    s = Session("http://localhost/app?a=1", session_args={"z": [b"9"]},
                cookies={"c": "v"}, headers={"Host": "localhost"})
    assert s.session_args == {"z": [b"9"]}
    assert s.request.cookies == {"c": "v"}
    assert s.request.headers == {"Host": "localhost"}
    s.destroy()


def test_session_phases_run_in_order():
    with virtual_clock():
        s = Session("http://localhost/app")
        phases = [s.phase]
        s.mark_rendered()
        phases.append(s.phase)
        load(s)
        phases.append(s.phase)
        s.destroy()
        phases.append(s.phase)
    assert phases == ["created", "rendered", "loaded", "destroyed"]


def test_session_phase_is_read_only():
    s = Session("http://localhost/app")
    with pytest.raises(TypeError, match="Read-only parameter 'phase'"):
        s.phase = "loaded"
    with pytest.raises(TypeError, match="Read-only parameter 'busy'"):
        s.busy = True
    s.destroy()


def test_session_destroy_runs_hooks_once_and_forgets_the_session():
    s = Session("http://localhost/app")
    calls = []
    s.on_session_destroyed(lambda ctx: calls.append(ctx))
    assert s in live_sessions()
    s.destroy()
    s.destroy()
    assert calls == [s]
    assert s not in live_sessions()


def test_session_on_session_destroyed_needs_a_callable():
    s = Session("http://localhost/app")
    with pytest.raises(TypeError, match="on_session_destroyed needs a callable, got int"):
        s.on_session_destroyed(3)
    s.destroy()


def test_session_zero_argument_hooks_are_accepted():
    calls = []
    s = Session("http://localhost/app")
    s.on_session_destroyed(lambda: calls.append("bye"))
    s.destroy()
    assert calls == ["bye"]


def test_session_add_next_tick_callback_runs_with_session_active():
    with virtual_clock() as clock:
        s = Session("http://localhost/app")
        seen = []
        s.add_next_tick_callback(lambda: seen.append(pn.state.curdoc))
        assert seen == []
        clock.advance(0)
        assert seen == [s]
        s.destroy()


def test_session_destroy_cancels_pending_next_tick_callbacks():
    with virtual_clock() as clock:
        s = Session("http://localhost/app")
        seen = []
        s.add_next_tick_callback(lambda: seen.append(1))
        s.destroy()
        clock.advance(0)
        assert seen == []


def test_session_set_cookie_queues_a_browser_command():
    s = Session("http://localhost/app")
    s.set_cookie("visits", "3", max_age=60)
    assert s.take_commands() == [{"type": "cookie", "name": "visits", "value": "3",
                                  "max_age": 60, "path": "/"}]
    s.destroy()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"name": "bad name", "value": "1"}, "Cookie name must be a non-empty token"),
    ({"name": "a", "value": "x;y"}, "Cookie value must be printable ASCII"),
    ({"name": "a", "value": "1", "path": "app"}, "Cookie path must start with '/'"),
    ({"name": "a", "value": "1", "max_age": 1.5}, "Cookie max_age must be whole seconds"),
])
def test_session_set_cookie_rejects_what_a_browser_would_misread(kwargs, match):
    s = Session("http://localhost/app")
    with pytest.raises(ValueError, match=match):
        s.set_cookie(**kwargs)
    assert s.take_commands() == []
    s.destroy()
