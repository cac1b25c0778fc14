"""With pn.config.nthreads, browser events and onload queues run on the thread pool.

As in Panel: two blocking handlers in two sessions run at once, the loop answers
meanwhile, the session is active in the thread, busy is right, patches reach the
client, and the events of one component are still handled one at a time, in order.
Overlap is proven with barriers (a serial run would break them), never with sleeps.
"""

from __future__ import annotations

import threading

import pytest

import panel_state as pn
from panel_state import pool

BARRIER_TIMEOUT = 5


def blocking_app(barrier: threading.Barrier, release: threading.Event, seen: list):
    def app():
        button = pn.widgets.Button(name="work")
        out = pn.pane.Str("idle")
        busy = pn.widgets.Checkbox(name="busy")
        pn.state.sync_busy(busy)

        def work(event):
            me = pn.state.curdoc
            seen.append((threading.current_thread().name, me, pn.state.busy))
            barrier.wait(BARRIER_TIMEOUT)   # both tabs' handlers are running at once
            release.wait(BARRIER_TIMEOUT)   # ...and stay blocked until the test lets go
            out.object = f"done in {me.id[:8]}"

        button.on_click(work)
        return pn.Column(button, out, busy)

    return app


async def test_threads_two_sessions_blocking_clicks_overlap_and_the_loop_answers(
        serve, open_client, until):
    pn.config.nthreads = 2
    barrier, release, seen = threading.Barrier(3), threading.Event(), []
    server = serve(blocking_app(barrier, release, seen))
    tabs = [await open_client(server.url) for _ in range(2)]
    for tab in tabs:
        await tab.event(tab.find("Button"), "clicks", 1)
    await until(lambda: barrier.n_waiting == 2)  # both handlers entered, neither finished
    barrier.wait(BARRIER_TIMEOUT)
    # The handlers hold both pool threads; the loop still answers at once.
    assert await tabs[0].ping() < 1.0 and await tabs[1].ping() < 1.0
    for tab in tabs:
        await tab.wait_for(lambda c: c.props(c.find("Checkbox"))["value"] is True)
    release.set()
    for tab in tabs:
        await tab.wait_for(lambda c: c.props(c.find("Str"))["text"].startswith("done in ")
                           and c.props(c.find("Checkbox"))["value"] is False)
    sessions = {s.id: s for s in server.sessions}
    assert sorted(t.props(t.find("Str"))["text"] for t in tabs) == sorted(
        f"done in {sid[:8]}" for sid in sessions)
    assert all(name.startswith("panel_state") and name != threading.main_thread().name
               and busy is True for name, _, busy in seen)
    assert {s.id for _, s, _ in seen} == set(sessions)


async def test_threads_events_of_one_component_run_one_at_a_time_in_order(
        serve, open_client, until):
    pn.config.nthreads = 4
    order: list[int] = []
    running = []
    gate = threading.Event()

    def app():
        slider = pn.widgets.IntSlider(start=0, end=10)

        def changed(event):
            running.append(event.new)
            if event.new == 1:
                gate.wait(BARRIER_TIMEOUT)  # later events must queue behind this one
            assert len(running) - len(order) == 1, "two events of one slider overlapped"
            order.append(event.new)

        slider.param.watch(changed, "value")
        return slider

    server = serve(app)
    client = await open_client(server.url)
    ref = client.find("IntSlider")
    for value in (1, 2, 3, 4):
        await client.event(ref, "value", value)
    await until(lambda: running == [1])
    await client.ping()  # every event has arrived: the three later ones are queued
    assert running == [1] and order == []
    gate.set()
    await until(lambda: order == [1, 2, 3, 4])
    session = server.sessions[0]
    await until(lambda: not session.busy)


async def test_threads_events_of_two_components_of_one_session_overlap(
        serve, open_client, until):
    pn.config.nthreads = 2
    barrier = threading.Barrier(2)
    met = []

    def app():
        a, b = pn.widgets.Button(name="a"), pn.widgets.Button(name="b")
        for button in (a, b):
            button.on_click(lambda e: met.append(barrier.wait(BARRIER_TIMEOUT)))
        return pn.Row(a, b)

    server = serve(app)
    client = await open_client(server.url)
    for name in ("a", "b"):
        await client.event(client.find("Button", name=name), "clicks", 1)
    await until(lambda: len(met) == 2)
    assert sorted(met) == [0, 1]


async def test_threads_a_click_waits_for_a_value_typed_before_it(serve, open_client, until):
    # Panel's test_server_text_input_update_before_click_event, with a slow watcher.
    pn.config.nthreads = 4
    gate = threading.Event()
    seen = []

    def app():
        text = pn.widgets.TextInput()
        button = pn.widgets.Button(name="submit")
        text.param.watch(lambda e: gate.wait(BARRIER_TIMEOUT), "value")
        button.on_click(lambda e: seen.append(text.value))
        return pn.Row(text, button)

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("TextInput"), "value", "foo")
    await client.event(client.find("Button"), "clicks", 1)
    await client.ping()
    assert seen == []  # the click is held back while the change's watcher runs
    gate.set()
    await until(lambda: seen == ["foo"])


async def test_threads_a_value_change_does_not_wait_for_a_slow_click(
        serve, open_client, until):
    pn.config.nthreads = 2
    gate = threading.Event()
    values = []

    def app():
        button = pn.widgets.Button(name="slow", on_click=lambda e: gate.wait(BARRIER_TIMEOUT))
        slider = pn.widgets.IntSlider(start=0, end=10)
        slider.param.watch(lambda e: values.append(e.new), "value")
        return pn.Row(button, slider)

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("Button"), "clicks", 1)
    await client.event(client.find("IntSlider"), "value", 3)
    await until(lambda: values == [3])  # while the click handler still waits
    assert not gate.is_set()
    gate.set()
    await until(lambda: not server.sessions[0].busy)


async def test_threads_a_refused_value_is_answered_from_the_loop(serve, open_client, until):
    pn.config.nthreads = 2
    server = serve(lambda: pn.widgets.IntSlider(start=0, end=10))
    client = await open_client(server.url)
    ref = client.find("IntSlider")
    await client.event(ref, "value", 99)
    await client.wait_for(lambda c: bool(c.errors))
    assert client.errors[0]["code"] == "invalid_value" and client.errors[0]["ref"] == ref
    await client.wait_for(lambda c: c.props(ref)["value"] == 0)
    await until(lambda: not server.sessions[0].busy)


async def test_threads_onload_queues_of_two_sessions_run_at_once(serve, open_client, until):
    pn.config.nthreads = 2
    barrier = threading.Barrier(2)
    seen = []

    def app():
        def onload():
            seen.append((threading.current_thread().name, pn.state.curdoc, pn.state.loaded))
            barrier.wait(BARRIER_TIMEOUT)  # the other tab's onload runs at the same time

        pn.state.onload(onload)
        pn.state.onload(lambda: seen.append(("second", pn.state.curdoc, pn.state.loaded)))
        return pn.pane.Str("app")

    server = serve(app)
    clients = [await open_client(server.url, load=False) for _ in range(2)]
    for client in clients:
        await client.ack_load()
    await until(lambda: len(server.sessions) == 2 and all(s.loaded for s in server.sessions))
    firsts = [entry for entry in seen if entry[0] != "second"]
    assert len(firsts) == 2 and {s for _, s, _ in firsts} == set(server.sessions)
    assert all(name.startswith("panel_state") and loaded is False
               for name, _, loaded in firsts)
    # Within each session the order holds: the second onload ran after the first.
    for session in server.sessions:
        mine = [name for name, s, _ in seen if s is session]
        assert mine[1] == "second"


async def test_threads_without_a_pool_events_stay_on_the_loop(serve, open_client, until):
    seen = []

    def app():
        button = pn.widgets.Button(name="go")
        button.on_click(lambda e: seen.append(threading.current_thread().name))
        return button

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("Button"), "clicks", 1)
    await until(lambda: bool(seen))
    assert seen == [threading.current_thread().name] and pool.thread_pool() is None


@pytest.mark.parametrize("nthreads", [None, 2])
async def test_threads_busy_goes_out_before_a_slow_handler(serve, open_client, until,
                                                           nthreads):
    pn.config.nthreads = nthreads
    release = threading.Event()

    def app():
        button = pn.widgets.Button(name="slow")
        busy = pn.widgets.Checkbox(name="busy")
        pn.state.sync_busy(busy)
        button.on_click(lambda e: release.wait(0.3 if nthreads is None else BARRIER_TIMEOUT))
        return pn.Column(button, busy)

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("Button"), "clicks", 1)
    await client.wait_for(lambda c: c.props(c.find("Checkbox"))["value"] is True)
    release.set()
    await client.wait_for(lambda c: c.props(c.find("Checkbox"))["value"] is False)
    await until(lambda: not server.sessions[0].busy)


async def test_threads_a_url_synced_widget_changed_on_the_pool_writes_on_the_loop(
        serve, open_client, until):
    pn.config.nthreads = 2
    writers: list[str] = []
    handlers: list[str] = []

    def app():
        slider = pn.widgets.IntSlider(name="n", start=0, end=10, value=0)
        location = pn.state.location
        location.sync(slider, {"value": "n"})
        slider.param.watch(lambda e: handlers.append(threading.current_thread().name),
                           "value")
        location.param.watch(lambda e: writers.append(threading.current_thread().name),
                             "search")
        return slider

    server = serve(app)
    client = await open_client(server.url)
    loop_thread = threading.current_thread().name
    writers.clear()
    ref = client.find("IntSlider")
    for value in (3, 5, 7):
        await client.event(ref, "value", value)
    await until(lambda: len(writers) == 3)
    await client.settle()
    assert all(name.startswith("panel_state") for name in handlers)  # ran on the pool
    assert writers == [loop_thread] * 3  # ...but the URL was written on the loop
    assert [u["url"] for u in client.urls][-1].endswith("?n=7")
    assert server.sessions[0].location.search == "?n=7"
