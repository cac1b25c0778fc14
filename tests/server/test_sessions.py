"""Sessions over a real server: request data, lifecycle, expiry, reconnect, leaks."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref

import panel_state as pn
from panel_state.session import live_sessions
from panel_state.wire.protocol import CLOSE_CODES


def request_view() -> tuple:
    return (dict(pn.state.session_args), dict(pn.state.cookies),
            pn.state.headers.get("X-Team"), pn.state.curdoc.id)


async def test_session_request_data_reaches_hooks_app_and_callbacks(serve, open_client, until):
    seen: list[tuple] = []
    pn.state.on_session_created(lambda session: seen.append(("hook", *request_view())))

    def app():
        seen.append(("app", *request_view()))
        button = pn.widgets.Button(name="go")
        button.on_click(lambda event: seen.append(("click", *request_view())))
        return button

    server = serve(app)
    client = await open_client(server.url + "?a=1&a=2&empty=&u=%C3%A9",
                               cookies={"theme": "dark"}, headers={"X-Team": "blue"})
    await client.event(client.find("Button"), "clicks", 1)
    await until(lambda: len(seen) == 3)
    assert [s[0] for s in seen] == ["hook", "app", "click"]
    expected = ({"a": [b"1", b"2"], "empty": [b""], "u": ["é".encode()]}, {"theme": "dark"},
                "blue", client.session)
    assert all(s[1:] == expected for s in seen)


async def test_session_request_data_is_per_tab(serve, open_client):
    server = serve(lambda: pn.pane.Str(pn.state.session_args["tab"][0].decode()))
    one = await open_client(server.url + "?tab=one")
    two = await open_client(server.url + "?tab=two")
    assert one.props(one.find("Str"))["text"] == "one"
    assert two.props(two.find("Str"))["text"] == "two"
    assert one.session != two.session


async def test_session_get_creates_nothing_until_the_socket_opens(serve, open_client):
    server = serve(lambda: pn.pane.Str("x"))
    from panel_state.server.testclient import ProtocolClient

    client = ProtocolClient(server.url)
    await client.fetch()
    assert live_sessions() == []
    await client.connect()
    await client.hello()
    assert [s.id for s in live_sessions()] == [client.session]
    await client.close()


async def test_session_lifecycle_created_rendered_loaded(serve, open_client, until):
    log: list = []

    def app():
        session = pn.state.curdoc
        log.append(("app", session.phase, pn.state.loaded))
        pn.state.onload(lambda: log.append(("onload", session.phase, pn.state.loaded)))
        return pn.pane.Str("x")

    server = serve(app)
    client = await open_client(server.url, load=False)
    (session,) = server.sessions
    assert session.phase == "rendered"
    assert log == [("app", "created", False)]
    await client.ack_load()
    await until(lambda: session.loaded)
    assert log[1] == ("onload", "rendered", False)
    assert session.phase == "loaded"


async def test_session_unused_is_destroyed_once_after_its_lifetime(serve, open_client, until):
    destroyed: list[str] = []
    ticks: list[int] = []
    callbacks = []

    pending: list[asyncio.Task] = []

    def app():
        pn.state.on_session_destroyed(
            lambda session: destroyed.append((session.id, time.monotonic())))
        callbacks.append(pn.state.add_periodic_callback(lambda: ticks.append(1), period=10))
        button = pn.widgets.Button(name="slow")

        async def slow(event):
            pending.append(asyncio.current_task())
            await asyncio.sleep(60)

        button.on_click(slow)
        return button

    server = serve(app, unused_session_lifetime=150, check_unused_sessions=10)
    client = await open_client(server.url)
    (session,) = server.sessions
    await client.event(client.find("Button"), "clicks", 1)
    await until(lambda: pending)
    dropped = time.monotonic()
    await client.drop()
    await until(lambda: destroyed, timeout=3)
    [(session_id, when)] = destroyed
    assert session_id == client.session
    assert when - dropped >= 0.15  # kept for its whole unused lifetime first
    assert session.phase == "destroyed"
    assert not callbacks[0].running
    await asyncio.sleep(0)
    assert pending[0].cancelled()  # its pending work was cancelled
    assert session.busy is False
    assert server.sessions == []
    # A barrier instead of a sleep: a probe on the same loop and period ticks twice;
    # the stopped callback, had it survived, would have ticked with it.
    count = len(ticks)
    probe: list[int] = []
    watcher = pn.PeriodicCallback(callback=lambda: probe.append(1), period=10, count=2)
    watcher.start()
    await until(lambda: len(probe) == 2)
    assert len(destroyed) == 1 and len(ticks) == count


async def test_session_is_collectable_after_destroy(serve, open_client, until):
    shared = pn.widgets.TextInput(name="shared across sessions")
    own = [w for kinds in shared.param.watchers.values() for ws in kinds.values() for w in ws]
    refs: dict[str, weakref.ref] = {}

    def app():
        widget = pn.widgets.IntSlider(start=0, end=10)
        refs.update(session=weakref.ref(pn.state.curdoc), widget=weakref.ref(widget),
                    location=weakref.ref(pn.state.location))
        pane = pn.panel(pn.bind(lambda v: f"v={v}", widget.param.value))
        refs["pane"] = weakref.ref(pane)
        return pn.Column(widget, shared, pane)

    server = serve(app, unused_session_lifetime=0, check_unused_sessions=10)
    client = await open_client(server.url)
    await client.event(client.find("IntSlider"), "value", 3)
    await client.wait_for(lambda c: c.props(c.find("Markdown"))["html"].startswith("<p>v=3"))
    await client.drop()
    await until(lambda: not server.sessions)
    gc.collect()
    alive = [name for name, ref in refs.items() if ref() is not None]
    assert alive == []
    # The shared widget holds no watcher of the gone session any more, only its own.
    assert [w for kinds in shared.param.watchers.values() for ws in kinds.values()
            for w in ws] == own


async def test_session_reconnect_within_lifetime_resumes_state(serve, open_client):
    objects = {}

    def app():
        slider = pn.widgets.IntSlider(name="n", start=0, end=10)
        text = pn.pane.Str("0")
        slider.param.watch(lambda e: setattr(text, "object", str(e.new)), "value")
        objects["text"] = text
        return pn.Column(slider, text)

    server = serve(app, unused_session_lifetime=5000)
    client = await open_client(server.url)
    first = client.session
    await client.event(client.find("IntSlider"), "value", 7)
    await client.wait_for(lambda c: c.props(c.find("Str"))["text"] == "7")
    await client.drop()
    objects["text"].object = "changed while away"
    render = await client.reconnect()
    assert render["resumed"] is True and client.session == first
    assert client.props(client.find("IntSlider"))["value"] == 7
    assert client.props(client.find("Str"))["text"] == "changed while away"
    assert len(server.sessions) == 1


async def test_session_reconnect_after_lifetime_is_told_it_expired(serve, open_client, until):
    server = serve(lambda: pn.pane.Str("x"), unused_session_lifetime=0,
                   check_unused_sessions=10)
    client = await open_client(server.url)
    await client.drop()
    await until(lambda: not server.sessions)
    await client.connect()
    await client.send({"type": "hello", "v": 1, "token": client.token})
    error = await client.expect("error")
    assert error["code"] == "session_expired"
    assert "reload the page" in error["message"]
    assert await client.wait_closed() == CLOSE_CODES["expired"]
    assert live_sessions() == []


async def test_session_second_connection_supersedes_the_first(serve, open_client):
    server = serve(lambda: pn.widgets.Checkbox(name="c"))
    first = await open_client(server.url)
    from panel_state.server.testclient import ProtocolClient

    second = ProtocolClient(server.url)
    second.token = first.token
    await second.connect()
    render = await second.hello()
    assert render["resumed"] is True and second.session == first.session
    assert await first.wait_closed() == CLOSE_CODES["superseded"]
    await second.event(second.find("Checkbox"), "value", True)
    assert await second.ping() < 5
    (session,) = server.sessions
    assert session.roots[0].value is True
    await second.close()
