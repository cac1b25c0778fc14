"""pn.state.session_info: total and live counts, per-session records, watchable."""

from __future__ import annotations

import datetime as dt

import panel_state as pn
from panel_state.testing import load, session, virtual_clock


def test_session_info_counts_sessions_and_live_ones():
    assert pn.state.session_info == {"total": 0, "live": 0, "sessions": {}}
    with virtual_clock():
        with session() as s:
            assert pn.state.session_info["total"] == 1 and pn.state.session_info["live"] == 0
            load(s)
            assert pn.state.session_info["live"] == 1
        assert pn.state.session_info == {"total": 1, "live": 0, "sessions": {}}


def test_session_info_keeps_records_of_the_last_session_history_sessions():
    pn.config.session_history = 2
    start = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    with virtual_clock(start=start) as clock:
        ids = []
        for _ in range(3):
            with session(headers={"User-Agent": "Firefox"}) as s:
                load(s)
                clock.advance(5)
                ids.append(s.id)
    info = pn.state.session_info
    assert info["total"] == 3 and list(info["sessions"]) == ids[1:]
    record = info["sessions"][ids[2]]
    assert record["user_agent"] == "Firefox"
    assert record["launched"] == record["rendered"] == start.timestamp() + 10
    assert record["ended"] == start.timestamp() + 15


def test_session_info_unlimited_with_minus_one():
    pn.config.session_history = -1
    for _ in range(5):
        with session():
            pass
    assert len(pn.state.session_info["sessions"]) == 5


def test_session_info_is_watchable_through_state_param():
    seen = []
    watcher = pn.state.param.watch(lambda e: seen.append(e.new["total"]), "session_info")
    try:
        with session():
            pass
    finally:
        pn.state.param.unwatch(watcher)
    assert seen[0] == 1 and pn.state.param["session_info"].readonly


def test_session_info_is_a_copy_readers_cannot_corrupt():
    pn.config.session_history = -1
    with session():
        info = pn.state.session_info
        info["sessions"].clear()
        info["total"] = 99
        assert pn.state.session_info["total"] == 1 and len(
            pn.state.session_info["sessions"]) == 1
