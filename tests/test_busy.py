"""Busy accounting: per-session counters, the process scope and the aggregate."""

from __future__ import annotations

import threading

import panel_state as pn
from panel_state import busy
from panel_state.session import Session


def test_busy_counts_nest_per_session_and_flip_at_the_edges():
    a, b = Session("http://localhost/a"), Session("http://localhost/b")
    flips: list[bool] = []
    a.param.watch(lambda e: flips.append(e.new), "busy")
    busy.enter(a)
    busy.enter(a)
    assert a.busy and not b.busy and busy.process.process_busy
    busy.exit(a)
    assert a.busy
    busy.exit(a)
    assert flips == [True, False]
    assert not busy.process.process_busy
    a.destroy(), b.destroy()


def test_busy_outside_a_session_counts_on_the_process_scope():
    busy.enter(None)
    assert pn.state.busy and busy.process.busy and pn.state.process_busy
    busy.exit(None)
    assert not pn.state.busy and not pn.state.process_busy


def test_busy_aggregate_stays_true_while_any_scope_is_busy():
    s = Session("http://localhost/a")
    busy.enter(s)
    busy.enter(None)
    busy.exit(s)
    assert pn.state.process_busy and not s.busy
    busy.exit(None)
    assert not pn.state.process_busy
    s.destroy()


def test_busy_extra_exit_changes_nothing():
    s = Session("http://localhost/a")
    busy.exit(s)
    assert s.busy_counter.count == 0 and not s.busy and not pn.state.process_busy
    s.destroy()


def test_busy_destroyed_session_gives_its_counts_back():
    s = Session("http://localhost/a")
    busy.enter(s)
    busy.enter(s)
    s.destroy()
    assert s.busy_counter.count == 0 and not pn.state.process_busy


def test_busy_counts_from_many_threads_are_not_lost():
    s = Session("http://localhost/a")
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        for _ in range(2000):
            busy.enter(s)
            busy.exit(s)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert s.busy_counter.count == 0 and not s.busy and not pn.state.process_busy
    s.destroy()
