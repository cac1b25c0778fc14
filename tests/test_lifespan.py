"""Lifespans: what a setup started is stopped once, newest first, each isolated."""

from __future__ import annotations

import gc

import pytest

from panel_state.lifespan import Lifespan, adopt, adopt_object, current_lifespan, recording


class Thing:
    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name

    def stop(self) -> None:
        self.log.append(f"stop {self.name}")


def test_lifespan_records_only_while_recording():
    log: list[str] = []
    span = Lifespan("setup")
    adopt(lambda: log.append("outside"))
    with recording(span):
        assert current_lifespan() is span
        adopt(lambda: log.append("first"))
        adopt(lambda: log.append("second"))
    assert current_lifespan() is None
    span.close()
    span.close()
    assert log == ["second", "first"]


def test_lifespan_objects_are_held_weakly_and_stopped_once():
    log: list[str] = []
    span = Lifespan("setup")
    kept = Thing(log, "kept")
    with recording(span):
        adopt_object(kept, "stop")
        adopt_object(kept, "stop")  # adopted twice: stopped once
        adopt_object(Thing(log, "dropped"), "stop")
    gc.collect()
    assert len(span) == 1
    span.close()
    assert log == ["stop kept"]


def test_lifespan_one_failing_undo_does_not_stop_the_rest(errors):
    log: list[str] = []
    span = Lifespan("setup")
    span.adopt(lambda: log.append("ran"))
    span.adopt(lambda: 1 / 0)
    span.close()
    assert log == ["ran"] and [type(e) for e in errors] == [ZeroDivisionError]


def test_lifespan_closed_refuses_new_work():
    span = Lifespan("setup")
    span.close()
    with pytest.raises(RuntimeError, match="is closed"):
        span.adopt(lambda: None)
