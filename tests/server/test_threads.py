"""Changes made on any thread reach the browser, marshalled onto the server loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import panel_state as pn
from panel_state.server.testclient import ProtocolClient


async def test_change_from_a_user_thread_reaches_the_client(serve, open_client):
    shown = {}

    def app():
        shown["text"] = pn.pane.Str("start")
        return shown["text"]

    server = serve(app)
    client = await open_client(server.url)
    worker = threading.Thread(target=lambda: setattr(shown["text"], "object", "from a thread"),
                              name="panel_state-test-writer")
    worker.start()
    worker.join()
    await client.wait_for(lambda c: c.props(c.find("Str"))["text"] == "from a thread")


async def test_periodic_callback_on_the_pool_updates_the_client(serve, open_client):
    pn.config.nthreads = 2
    threads: set[str] = set()

    def app():
        text = pn.pane.Str("0")

        def tick():
            threads.add(threading.current_thread().name)
            text.object = str(int(text.object) + 1)

        pn.state.add_periodic_callback(tick, period=10, count=5)
        return text

    server = serve(app)
    client = await open_client(server.url)
    await client.wait_for(lambda c: c.props(c.find("Str"))["text"] == "5")
    assert threads and all(name.startswith("panel_state") for name in threads)
    assert threading.main_thread().name not in threads


async def test_threaded_task_updates_every_session(serve, open_client):
    pn.config.nthreads = 2
    status = pn.pane.Str("never")  # one object shown by every session
    runs: list[str] = []

    def refresh():
        runs.append(threading.current_thread().name)
        status.object = f"run {len(runs)}"

    server = serve(status, setup=lambda: pn.state.schedule_task(
        "refresh", refresh, period=dt.timedelta(milliseconds=20), threaded=True))
    one = await open_client(server.url)
    two = await open_client(server.url)
    await one.wait_for(lambda c: c.props(c.find("Str"))["text"] not in ("never", "run 1"))
    await two.wait_for(lambda c: c.props(c.find("Str"))["text"] not in ("never", "run 1"))
    pn.state.cancel_task("refresh")
    assert all(name.startswith("panel_state") for name in runs)


async def test_threaded_server_and_state_execute_from_the_main_thread():
    """The seed's "Server callbacks": serve on a thread, change a plot from the main one."""
    plots = []

    def app():
        plot = pn.pane.LineChart(x=[1, 2, 3], y=[1, 2, 3])
        plots.append(plot)
        return plot

    server = pn.serve(app, threaded=True)
    try:
        assert server.thread is not None and server.thread.is_alive()
        client = await ProtocolClient.open(server.url)
        (p,) = plots
        pn.state.execute(lambda: p.param.update(title="y from 0 to 4", y=[0, 2, 4]))
        await client.wait_for(lambda c: c.props(c.find("LineChart"))["y"] == [0, 2, 4])
        assert client.props(client.find("LineChart"))["title"] == "y from 0 to 4"
        # A user thread streaming points while the server runs.
        worker = threading.Thread(target=lambda: p.stream({"x": [4], "y": [8]}),
                                  name="panel_state-test-streamer")
        worker.start()
        worker.join()
        await client.wait_for(lambda c: c.emits.get(c.find("LineChart")))
        assert client.emits[client.find("LineChart")] == [
            {"op": "stream", "x": [4], "y": [8], "rollover": None}]
        await client.close()
    finally:
        server.stop()
    assert not server.thread.is_alive()
    assert pn.state.sessions == []


async def test_kill_all_servers_stops_threaded_servers_and_their_sessions():
    destroyed = []

    def app():
        pn.state.on_session_destroyed(lambda s: destroyed.append(s.id))
        return pn.pane.Str("x")

    servers = [pn.serve(app, threaded=True) for _ in range(2)]
    clients = [await ProtocolClient.open(s.url) for s in servers]
    pn.state.kill_all_servers()
    assert all(s.state == "stopped" and not s.thread.is_alive() for s in servers)
    assert sorted(destroyed) == sorted(c.session for c in clients)
    for client in clients:
        assert await client.wait_closed() == 1001
    await asyncio.sleep(0)
