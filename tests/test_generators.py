"""drive(): generators and coroutines a reactive function returns, run as session work."""

from __future__ import annotations

import asyncio
import threading

import pytest

import panel_state as pn
from panel_state.generators import drive, is_driven
from panel_state.session import Session
from panel_state.testing import async_wait_until, virtual_clock


def test_drive_without_any_loop_steps_inline():
    seen = []
    drive((n * n for n in range(4)), seen.append, session=None, what="squares")
    assert seen == [0, 1, 4, 9]


def test_drive_refuses_a_plain_value():
    with pytest.raises(TypeError, match="drive needs a generator, async generator or awaitable, "
                                        "got int 3"):
        drive(3, print, session=None, what="three")
    assert not is_driven(3) and not is_driven(lambda: 1)


async def test_drive_sync_generator_steps_on_its_own_thread_and_applies_on_the_loop():
    loop_thread = threading.current_thread()
    steps, applied = [], []

    def counting():
        for i in range(3):
            steps.append(threading.current_thread())
            yield i

    ended = asyncio.Event()
    drive(counting(), lambda v: applied.append((v, threading.current_thread())),
          session=None, what="counting", done=lambda exc: ended.set())
    await asyncio.wait_for(ended.wait(), 5)
    assert [v for v, _ in applied] == [0, 1, 2]
    assert all(t is loop_thread for _, t in applied)
    assert all(t is not loop_thread and t.name.startswith("panel_state-generator")
               for t in steps)


async def test_drive_sync_generator_steps_on_the_pool_when_nthreads_is_set():
    pn.config.nthreads = 2
    names = []

    def named():
        names.append(threading.current_thread().name)
        yield "one"

    ended = asyncio.Event()
    drive(named(), lambda v: None, session=None, what="named", done=lambda exc: ended.set())
    await asyncio.wait_for(ended.wait(), 5)
    assert names and names[0].startswith("panel_state_")  # the shared pool's threads


async def test_drive_hands_over_each_value_before_the_next_step_starts():
    applied: list[int] = []
    seen_by_step: list[list[int]] = []

    def stepping():
        for i in range(4):
            seen_by_step.append(list(applied))  # what the loop had applied when it stepped
            yield i

    ended = asyncio.Event()
    drive(stepping(), applied.append, session=None, what="stepping",
          done=lambda exc: ended.set())
    await asyncio.wait_for(ended.wait(), 5)
    assert seen_by_step == [[], [0], [0, 1], [0, 1, 2]]


async def test_drive_session_is_current_and_busy_while_it_runs():
    session = Session("http://localhost/app")
    observed = []

    def gen():
        observed.append((pn.state.curdoc is not None, session.busy))
        yield 1

    ended = asyncio.Event()
    with session.activate():
        drive(gen(), lambda v: observed.append(("applied", session.busy)), session=session,
              what="gen", done=lambda exc: ended.set())
    assert session.busy is True
    await asyncio.wait_for(ended.wait(), 5)
    assert observed == [(True, True), ("applied", True)]
    assert session.busy is False
    session.destroy()


async def test_drive_cancel_stops_a_sync_generator_after_its_step_and_closes_it():
    release, stepping = threading.Event(), threading.Event()
    applied, closed = [], threading.Event()

    def slow():
        try:
            yield "first"
            stepping.set()
            release.wait(5)
            yield "second"
            yield "third"
        finally:
            closed.set()

    ended = asyncio.Event()
    run = drive(slow(), applied.append, session=None, what="slow",
                done=lambda exc: ended.set())
    await async_wait_until(stepping.is_set)
    run.cancel()
    release.set()
    await asyncio.wait_for(ended.wait(), 5)
    await async_wait_until(closed.is_set)
    assert applied == ["first"]


async def test_drive_cancel_interrupts_an_async_generator_where_it_awaits():
    applied, cleanup = [], []

    async def ticking():
        try:
            yield "tick"
            await asyncio.sleep(3600)
            yield "never"
        finally:
            cleanup.append("closed")

    ended = asyncio.Event()
    run = drive(ticking(), applied.append, session=None, what="ticking",
                done=lambda exc: ended.set())
    await async_wait_until(lambda: applied == ["tick"])
    run.cancel()
    await asyncio.wait_for(ended.wait(), 5)
    assert applied == ["tick"] and cleanup == ["closed"]


async def test_drive_awaitable_applies_its_result_unless_cancelled():
    applied = []

    async def value(v):
        await asyncio.sleep(0)
        return v

    first = asyncio.Event()
    drive(value("kept"), applied.append, session=None, what="kept",
          done=lambda exc: first.set())
    second = asyncio.Event()
    drive(value("dropped"), applied.append, session=None, what="dropped",
          done=lambda exc: second.set()).cancel()
    await asyncio.wait_for(asyncio.gather(first.wait(), second.wait()), 5)
    assert applied == ["kept"]


async def test_drive_error_is_handled_and_passed_to_done(errors):
    def failing():
        yield "before"
        raise RuntimeError("sensor unplugged")

    applied, outcome = [], []
    ended = asyncio.Event()
    drive(failing(), applied.append, session=None, what="failing generator",
          done=lambda exc: (outcome.append(exc), ended.set()))
    await asyncio.wait_for(ended.wait(), 5)
    assert applied == ["before"]
    assert [str(e) for e in errors] == ["sensor unplugged"] and outcome == errors


async def test_drive_destroying_the_session_stops_the_run():
    session = Session("http://localhost/app")
    applied = []

    async def forever():
        while True:
            yield len(applied)
            await asyncio.sleep(0.001)

    ended = asyncio.Event()
    drive(forever(), applied.append, session=session, what="forever",
          done=lambda exc: ended.set())
    await async_wait_until(lambda: len(applied) >= 2)
    session.destroy()
    await asyncio.wait_for(ended.wait(), 5)
    count = len(applied)
    await asyncio.sleep(0.01)
    assert len(applied) == count and session.busy is False


def test_drive_on_a_virtual_clock_waits_for_thread_steps_and_virtual_sleeps():
    applied = []

    def computed():
        yield "a"
        yield "b"

    async def slideshow():
        for slide in range(3):
            yield f"slide {slide}"
            await asyncio.sleep(60)

    with virtual_clock() as clock:
        drive(computed(), applied.append, session=None, what="computed")
        drive(slideshow(), applied.append, session=None, what="slideshow")
        clock.advance(1)
        assert sorted(applied) == ["a", "b", "slide 0"]
        clock.advance(60)
        assert applied[-1] == "slide 1"
        clock.advance(60)
        assert applied[-1] == "slide 2"
