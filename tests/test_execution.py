"""The scope runner: session scope, busy, errors, threads and completion, in one place."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import param
import pytest

import panel_state as pn
from panel_state import context, execution, loops
from panel_state.session import Session


@pytest.fixture
def tab():
    s = Session("http://localhost/app")
    yield s
    s.destroy()


def test_execution_run_makes_the_session_current_only_for_the_call(tab):
    seen = []
    result = execution.run(lambda: seen.append(context.current_session()) or 7, session=tab)
    assert result == 7 and seen == [tab] and context.current_session() is None


def test_execution_run_counts_busy_and_reports_done(tab):
    during, done = [], []
    execution.run(lambda: during.append(tab.busy), session=tab, busy=True, done=done.append)
    assert during == [True] and not tab.busy and done == [None]


def test_execution_run_handles_an_exception_with_the_session_still_current(tab, errors):
    in_handler, done = [], []
    pn.config.exception_handler = lambda exc: in_handler.append(context.current_session())

    def fail() -> None:
        raise ValueError("user code")

    assert execution.run(fail, session=tab, busy=True, done=done.append) is None
    assert in_handler == [tab]
    assert not tab.busy and isinstance(done[0], ValueError)


async def test_execution_run_holds_busy_until_a_returned_coroutine_ends(tab):
    release = asyncio.Event()
    done = []

    async def slow() -> str:
        await release.wait()
        return "finished"

    task = execution.run(slow, session=tab, busy=True, done=done.append)
    assert isinstance(task, asyncio.Task)
    await asyncio.sleep(0)
    assert tab.busy and done == []
    release.set()
    assert await task == "finished"
    assert not tab.busy and done == [None]


async def test_execution_spawn_from_a_thread_runs_on_the_session_loop():
    tab = Session("http://localhost/app")  # lives on this test's loop
    loop = asyncio.get_running_loop()
    seen = []

    async def where() -> None:
        seen.append((loops.running_loop() is loop, context.current_session() is tab))

    thread = threading.Thread(target=execution.spawn, args=(where(),), kwargs={"session": tab})
    thread.start()
    thread.join()
    for _ in range(5):
        await asyncio.sleep(0)
    assert seen == [(True, True)]
    tab.destroy()


def test_execution_submit_without_a_pool_says_how_to_make_one(tab):
    with pytest.raises(RuntimeError, match=r"no thread pool\. Set pn\.config\.nthreads"):
        execution.submit(lambda: None, session=tab, what="a report")
    assert not tab.busy


async def test_execution_submit_runs_in_a_thread_and_finishes_on_the_loop():
    pn.config.nthreads = 2
    tab = Session("http://localhost/app")
    loop = asyncio.get_running_loop()
    started, release = threading.Event(), threading.Event()
    seen, done = [], []

    def work() -> str:
        started.set()
        seen.append((threading.current_thread() is not threading.main_thread(),
                     context.current_session() is tab))
        release.wait(5)
        return "ok"

    def finished(exc: BaseException | None) -> None:
        done.append((exc, loops.running_loop() is loop))

    future = execution.submit(work, session=tab, busy=True, done=finished)
    await asyncio.to_thread(started.wait, 5)
    assert tab.busy  # the thread holds it
    release.set()
    assert await future == "ok"
    for _ in range(5):
        await asyncio.sleep(0)
    assert seen == [(True, True)] and done == [(None, True)] and not tab.busy
    tab.destroy()


@pytest.mark.parametrize("schedule", ["later", "threaded", None])
def test_execution_execute_refuses_unknown_schedules(schedule):
    with pytest.raises(ValueError, match="execute schedule must be 'auto', 'thread', True"):
        execution.execute(lambda: None, schedule)  # type: ignore[arg-type]


def test_execution_execute_refuses_what_cannot_be_called():
    with pytest.raises(TypeError, match="execute needs a callable, got int"):
        execution.execute(3)  # type: ignore[arg-type]


async def test_execution_slow_callback_on_the_loop_is_named(tab, caplog):
    pn.config.block_warning_threshold = 0.01

    def blocking() -> None:
        time.sleep(0.03)  # holds the loop on purpose

    execution.run(blocking, session=tab, what="the slow report")
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.getMessage().startswith("the slow report blocked the event loop for 0.0")


async def test_execution_async_watcher_counts_toward_a_busy_session(tab):
    class Model(param.Parameterized):
        value = param.Integer(0)

    model = Model()
    release = asyncio.Event()
    seen = []

    async def on_change(event) -> None:
        seen.append(tab.busy)
        await release.wait()

    model.param.watch(on_change, "value")
    with tab.activate():
        execution.run(lambda: setattr(model, "value", 1), session=tab, busy=True)
    await asyncio.sleep(0)
    assert seen == [True] and tab.busy
    release.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert not tab.busy
