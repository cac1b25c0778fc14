"""pn.serve: what is served where, scripts and setup, shutdown."""

from __future__ import annotations

import asyncio
import sys
import textwrap

import pytest
from tornado.httpclient import AsyncHTTPClient

import panel_state as pn
from panel_state.server.loader import APP_MODULE_PREFIX
from panel_state.server.serving import Server
from panel_state.session import live_sessions


async def get(url: str, **kwargs):
    return await AsyncHTTPClient().fetch(url, raise_error=False, **kwargs)


async def test_serve_page_is_a_small_shell_with_token_and_local_assets(serve):
    server = serve(lambda: pn.pane.Str("x"), title="My <app>")
    response = await get(server.url)
    page = response.body.decode()
    assert response.code == 200
    assert "<title>My &lt;app&gt;</title>" in page
    assert '<link rel="stylesheet" href="/_ps/static/client.css?v=' in page
    assert '<script type="module" src="/_ps/static/client.js?v=' in page
    assert 'data-token="' in page and 'data-ws="/_ps/ws"' in page
    assert "http" not in page.split("<body>")[1]  # no CDN, nothing off the server
    assert len(response.body) < 2000
    assert response.headers["Cache-Control"] == "no-store"
    assert live_sessions() == []


async def test_serve_dict_of_apps_gets_an_index_and_titles(serve, open_client):
    server = serve({"one": lambda: pn.pane.Str("1"), "/two": pn.pane.Str("2")},
                   title={"one": "First"})
    index = (await get(server.url)).body.decode()
    assert '<a href="/one">First</a>' in index and '<a href="/two">two</a>' in index
    one = await open_client(server.url + "one")
    two = await open_client(server.url + "two")
    assert one.title == "First"
    assert one.props(one.find("Str"))["text"] == "1"
    assert two.props(two.find("Str"))["text"] == "2"
    assert (await get(server.url + "three")).code == 404


async def test_serve_single_app_not_at_root_redirects(serve):
    server = serve({"/only": lambda: pn.pane.Str("1")})
    response = await get(server.url, follow_redirects=False)
    assert response.code == 302 and response.headers["Location"] == "/only"


async def test_serve_shared_viewable_shows_one_object_in_every_tab(serve, open_client):
    slider = pn.widgets.IntSlider(start=0, end=10)
    server = serve(slider)
    one = await open_client(server.url)
    two = await open_client(server.url)
    await one.event(one.find("IntSlider"), "value", 4)
    await two.wait_for(lambda c: c.props(c.find("IntSlider"))["value"] == 4)


def write(tmp_path, name: str, source: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


async def test_serve_script_runs_afresh_in_its_own_module_per_session(serve, open_client,
                                                                     tmp_path):
    script = write(tmp_path, "app.py", """
        import panel_state as pn
        counter = pn.widgets.IntSlider(name=__name__, start=0, end=10)
        pn.pane.Str("not shown")
        counter.servable(title="Counter")
    """)
    server = serve(str(script))
    one = await open_client(server.url)
    two = await open_client(server.url)
    names = [c.props(c.find("IntSlider"))["name"] for c in (one, two)]
    assert names[0] != names[1] and all(n.startswith(APP_MODULE_PREFIX) for n in names)
    assert one.find("IntSlider") != two.find("IntSlider")
    assert one.find_all("Str") == [] and one.title == "Counter"
    assert all(name in sys.modules for name in names)  # for pickling, while alive
    seen = len(two.messages)
    await one.event(one.find("IntSlider"), "value", 3)
    await one.settle()
    await two.settle()
    # Every message the second tab received since: only its pongs, no patch.
    assert [m["type"] for m in two.messages[seen:]] == ["pong", "pong"]
    assert two.props(two.find("IntSlider"))["value"] == 0
    await server.astop()
    assert not any(name in sys.modules for name in names)


async def test_serve_task_defined_in_an_app_script_is_refused(serve, open_client, tmp_path,
                                                              errors):
    script = write(tmp_path, "app.py", """
        import panel_state as pn
        def refresh():
            pass
        pn.state.schedule_task("refresh", refresh, period="1s")
        pn.pane.Str("x").servable()
    """)
    server = serve(str(script))
    client = await open_client(server.url)
    assert "RuntimeError" in client.render_error and "--setup" in client.render_error
    assert pn.state.tasks == {}
    assert "--setup" in str(errors[0])


async def test_serve_setup_runs_once_before_serving_on_the_server_loop(serve, open_client,
                                                                       tmp_path):
    marker = tmp_path / "calls.txt"
    setup = write(tmp_path, "setup.py", f"""
        import asyncio
        import panel_state as pn
        CALLS = {str(marker)!r}
        def note(text):
            with open(CALLS, "a") as f:
                f.write(text + "\\n")
        note("setup " + __name__)
        def created(session):
            note("created " + session.session_args["who"][0].decode())
        pn.state.on_session_created(created)
        pn.state.on_session_destroyed(lambda session: note("destroyed"))
        def task():
            note("task loop=" + str(asyncio.get_running_loop() is not None))
        pn.state.schedule_task("setup-task", task, period="10s")
    """)
    server = serve(lambda: pn.pane.Str("x"), setup=str(setup))
    assert marker.read_text().splitlines()[0] == "setup panel_state_setup"
    await open_client(server.url + "?who=ann")
    await open_client(server.url + "?who=bob")
    for _ in range(100):
        if "task loop=True" in marker.read_text():
            break
        await asyncio.sleep(0.01)
    lines = marker.read_text().splitlines()
    assert lines.count("setup panel_state_setup") == 1
    assert "created ann" in lines and "created bob" in lines and "task loop=True" in lines
    pn.state.cancel_task("setup-task")
    await server.astop()
    assert marker.read_text().splitlines().count("destroyed") == 2


async def test_serve_shutdown_destroys_every_session_and_closes_sockets(serve, open_client):
    destroyed = []
    callbacks = []

    def app():
        pn.state.on_session_destroyed(lambda s: destroyed.append(s.id))
        callbacks.append(pn.state.add_periodic_callback(lambda: None, period=50))
        return pn.pane.Str("x")

    server = serve(app)
    clients = [await open_client(server.url) for _ in range(3)]
    await server.astop()
    assert sorted(destroyed) == sorted(c.session for c in clients)
    assert not any(cb.running for cb in callbacks)
    for client in clients:
        assert await client.wait_closed() == 1001
    assert server.state == "stopped" and live_sessions() == []
    with pytest.raises(ConnectionRefusedError):  # nothing listens on the port any more
        await AsyncHTTPClient().fetch(server.url)
    server.stop()  # idempotent


async def test_serve_threaded_returns_a_handle_with_port_and_stop():
    server = pn.serve(lambda: pn.pane.Str("x"), threaded=True, port=0)
    try:
        assert isinstance(server, Server) and server.port > 0
        assert (await get(server.url)).code == 200
    finally:
        server.stop()
    with pytest.raises(RuntimeError, match="already started"):
        server.start_thread()


def test_serve_refuses_unknown_settings_and_unservable_objects():
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['colour'\]"):
        pn.serve(lambda: None, start=False, colour="red")
    with pytest.raises(TypeError, match="Cannot serve int 3"):
        pn.serve(3, start=False)
    with pytest.raises(ValueError, match="routes must be non-empty strings"):
        pn.serve({"": lambda: None}, start=False)
    with pytest.raises(ValueError, match=r"port must be an integer in 0\.\.65535, got -1"):
        pn.serve(lambda: None, port=-1, start=False)
    with pytest.raises(ValueError, match="unused_session_lifetime must be an integer of at"):
        pn.serve(lambda: None, start=False, unused_session_lifetime=-5)


async def test_serve_blocking_inside_a_running_loop_is_refused():
    with pytest.raises(RuntimeError, match="use threaded=True, or start=False"):
        pn.serve(lambda: pn.pane.Str("x"))


def test_serve_without_a_loop_and_start_false_only_binds():
    server = pn.serve(lambda: pn.pane.Str("x"), start=False)
    assert server.state == "new" and server.port > 0
    server.stop()
    assert server.state == "stopped"
