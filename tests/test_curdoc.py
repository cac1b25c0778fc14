"""pn.state.curdoc as Panel apps use it: session_context, callbacks, hold, expiration."""

from __future__ import annotations

import threading

import pytest

import panel_state as pn
from panel_state.curdoc import SessionCallback
from panel_state.testing import session, virtual_clock


def test_curdoc_session_context_has_the_id_and_the_request():
    with session("http://localhost:5006/app?who=ann", cookies={"c": "1"},
                 headers={"X-Team": "blue"}) as s:
        ctx = pn.state.curdoc.session_context
        assert ctx.id == s.id
        assert ctx.request.arguments == {"who": [b"ann"]}
        assert ctx.request.cookies == {"c": "1"}
        assert ctx.request.headers == {"X-Team": "blue"}


def test_curdoc_timeout_callback_runs_once_after_its_delay_in_the_session():
    seen = []
    with virtual_clock() as clock, session() as s:
        handle = s.add_timeout_callback(lambda: seen.append((clock.monotonic(),
                                                             pn.state.curdoc)), 1500)
        assert isinstance(handle, SessionCallback) and handle.done is False
        clock.advance(1.4)
        assert seen == []
        clock.advance(0.2)
        assert seen == [(1.5, s)] and handle.done is True
        clock.advance(10)
        assert len(seen) == 1


def test_curdoc_remove_timeout_callback_cancels_it():
    seen = []
    with virtual_clock() as clock, session() as s:
        handle = s.add_timeout_callback(lambda: seen.append(1), 100)
        s.remove_timeout_callback(handle)
        clock.advance(1)
        assert seen == []
        with pytest.raises(ValueError, match="it is not a pending timeout callback"):
            s.remove_timeout_callback(handle)


def test_curdoc_next_tick_callback_runs_in_the_next_iteration_and_can_be_removed():
    seen = []
    with virtual_clock() as clock, session() as s:
        first = s.add_next_tick_callback(lambda: seen.append("first"))
        second = s.add_next_tick_callback(lambda: seen.append("second"))
        assert seen == []
        s.remove_next_tick_callback(second)
        clock.advance(0)
        assert seen == ["first"] and first.done
        with pytest.raises(ValueError, match="not a pending next tick callback"):
            s.remove_next_tick_callback(first)
        third = s.add_next_tick_callback(lambda: seen.append("third"))
        with pytest.raises(ValueError, match="not a pending timeout callback"):
            s.remove_timeout_callback(third)  # the wrong kind: refused, and left alone
        clock.advance(0)
        assert seen == ["first", "third"]


def test_curdoc_callbacks_pending_at_destroy_never_run():
    seen = []
    with virtual_clock() as clock:
        with session() as s:
            s.add_timeout_callback(lambda: seen.append(1), 100)
        clock.advance(1)
    assert seen == []


def test_curdoc_add_timeout_callback_from_a_thread_is_handed_to_the_loop():
    seen = []
    with virtual_clock() as clock, session() as s:
        worker = threading.Thread(target=lambda: s.add_timeout_callback(
            lambda: seen.append(threading.current_thread().name), 10), name="panel_state-t")
        worker.start()
        worker.join(5)
        clock.advance(0.05)
        assert seen == [threading.main_thread().name]


@pytest.mark.parametrize("timeout", [-1, "10", None, True])
def test_curdoc_add_timeout_callback_refuses_a_bad_timeout(timeout):
    with virtual_clock(), session() as s:
        with pytest.raises(ValueError, match=r"add_timeout_callback needs "
                                             r"timeout_milliseconds >= 0, got "):
            s.add_timeout_callback(lambda: None, timeout)


def test_curdoc_add_timeout_callback_refuses_a_non_callable():
    with virtual_clock(), session() as s:
        with pytest.raises(TypeError, match="add_timeout_callback needs a callable, got int 3"):
            s.add_timeout_callback(3, 10)  # type: ignore[arg-type]


def test_curdoc_periodic_callback_belongs_to_the_session_and_can_be_removed():
    runs = []
    with virtual_clock() as clock, session() as s:
        cb = s.add_periodic_callback(lambda: runs.append(pn.state.curdoc), 100)
        assert cb in s.periodic_callbacks and cb.running
        clock.advance(0.35)
        assert runs == [s, s, s]
        s.remove_periodic_callback(cb)
        assert cb.running is False
        with pytest.raises(ValueError, match="is not a periodic callback of this session"):
            s.remove_periodic_callback(cb)


def test_curdoc_hold_and_unhold_wake_the_connection_once():
    woken = []
    with session() as s:
        s.set_waker(lambda: woken.append(1))
        s.hold()
        assert s.held is True
        s.hold("collect")
        s.unhold()
        assert s.held is False and woken == [1]
        s.unhold()  # not held: nothing to send
        assert woken == [1]
        with pytest.raises(ValueError, match=r"hold policy must be one of \['combine', "
                                             r"'collect'\], got 'later'"):
            s.hold("later")
        assert s.held is False


def test_io_hold_holds_the_current_session_for_the_block_and_nests():
    with session() as s:
        with pn.io.hold():
            assert s.held
            with pn.io.hold():
                assert s.held
            assert s.held  # only the outermost hold releases it
        assert not s.held
        s.hold()
        with pn.io.hold():
            pass
        assert s.held  # held before the block: still held after it
        s.unhold()
    with pn.io.hold():  # outside a session: nothing to hold
        pass


def test_io_hold_releases_when_the_block_raises():
    with session() as s:
        with pytest.raises(KeyError), pn.io.hold():
            raise KeyError("x")
        assert not s.held


def test_curdoc_block_expiration_counts_blocks():
    with session() as s:
        assert s.expiration_blocked is False
        s.block_expiration()
        s.block_expiration()
        s.unblock_expiration()
        assert s.expiration_blocked is True
        s.unblock_expiration()
        assert s.expiration_blocked is False
        with pytest.raises(RuntimeError, match=r"unblock_expiration\(\) without a matching "
                                               r"block_expiration\(\)"):
            s.unblock_expiration()


def test_state_block_expiration_is_for_this_session_only_and_a_context_manager():
    with session() as other, session() as s:
        with pn.state.block_expiration():
            assert s.expiration_blocked and not other.expiration_blocked
        assert not s.expiration_blocked
        pn.state.block_expiration()
        assert s.expiration_blocked
        pn.state.unblock_expiration()
        assert not s.expiration_blocked
    with pn.state.block_expiration():  # outside a session: nothing to block
        pn.state.unblock_expiration()


def test_io_unlocked_and_with_lock_are_accepted():
    @pn.io.with_lock
    def handler():
        return "ran"

    with pn.io.unlocked():
        assert handler() == "ran"
