"""Tokens over the wire, websocket origins, validation of every message, static files."""

from __future__ import annotations

import asyncio
import logging

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

import panel_state as pn
from panel_state.server.testclient import ProtocolClient
from panel_state.session import live_sessions
from panel_state.wire.protocol import CLOSE_CODES


def slider_app():
    slider = pn.widgets.IntSlider(name="n", start=0, end=10, value=2)
    text = pn.pane.Str("2")
    slider.param.watch(lambda e: setattr(text, "object", str(e.new)), "value")
    return pn.Column(slider, text)


async def refused(client: ProtocolClient, token: str) -> dict:
    await client.connect()
    await client.send({"type": "hello", "v": 1, "token": token})
    error = await client.expect("error")
    await client.wait_closed()
    return error


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-3] + ("xyz" if not t.endswith("xyz") else "abc"),
    lambda t: t.split(".")[0] + ".",
    lambda t: "forged.token",
])
async def test_token_forged_or_tampered_is_refused_and_creates_nothing(serve, mangle, caplog):
    server = serve(slider_app)
    client = ProtocolClient(server.url)
    await client.fetch()
    error = await refused(client, mangle(client.token))
    assert error["code"] == "bad_token"
    assert "reload" in error["message"]
    assert client.close_code == CLOSE_CODES["refused"]
    assert live_sessions() == [] and server.sessions == []
    assert "refused message (bad_token)" in caplog.text


async def test_token_expired_unused_is_refused(serve):
    server = serve(slider_app, token_lifetime=0.05)
    client = ProtocolClient(server.url)
    await client.fetch()
    await asyncio.sleep(0.1)
    error = await refused(client, client.token)
    assert error["code"] == "session_expired"
    assert "expired" in error["message"] and "before a session was opened" in error["message"]
    assert client.close_code == CLOSE_CODES["expired"]
    assert live_sessions() == []


async def test_token_of_another_server_needs_the_same_secret(serve, open_client):
    args_seen = []

    def app():
        args_seen.append(dict(pn.state.session_args))
        return pn.pane.Str("x")

    page_server = serve(app, secret="shared-secret-0123456789")
    same_secret = serve(app, secret="shared-secret-0123456789")
    other_secret = serve(app, secret="another-secret-0123456789")
    client = ProtocolClient(page_server.url + "?from=page")
    await client.fetch()
    # The page came from one server; its websocket reaches another process or host.
    client.url = same_secret.url
    await client.connect()
    await client.hello()
    assert args_seen == [{"from": [b"page"]}]
    assert len(same_secret.sessions) == 1 and page_server.sessions == []
    await client.close()
    stranger = ProtocolClient(other_secret.url)
    stranger.token = client.token
    error = await refused(stranger, client.token)
    assert error["code"] == "bad_token" and other_secret.sessions == []


async def test_websocket_origin_is_same_origin_by_default(serve, open_client):
    server = serve(slider_app)
    own = f"http://127.0.0.1:{server.port}"
    assert (await open_client(server.url, origin=own)).find("IntSlider")
    with pytest.raises(HTTPClientError, match="403"):
        await ProtocolClient.open(server.url, origin="http://evil.example")
    with pytest.raises(HTTPClientError, match="403"):
        await ProtocolClient.open(server.url, origin=f"http://127.0.0.1:{server.port + 1}")
    assert len(server.sessions) == 1


@pytest.mark.parametrize(("allowed", "origin", "ok"), [
    ("app.example", "https://app.example", True),
    ("app.example", "http://app.example", True),
    ("app.example", "http://app.example:8080", False),
    ("app.example:8080", "http://app.example:8080", True),
    ("app.example:*", "http://app.example:9999", True),
    ("*", "http://anything.example", True),
    ("app.example", "http://evil.example", False),
])
async def test_websocket_origin_allow_list_widens_it(serve, allowed, origin, ok):
    server = serve(slider_app, websocket_origin=allowed)
    if ok:
        client = await ProtocolClient.open(server.url, origin=origin)
        await client.close()
    else:
        with pytest.raises(HTTPClientError, match="403"):
            await ProtocolClient.open(server.url, origin=origin)


async def assert_still_works(client: ProtocolClient, value: int) -> None:
    await client.event(client.find("IntSlider"), "value", value)
    await client.wait_for(lambda c: c.props(c.find("Str"))["text"] == str(value))


@pytest.mark.parametrize(("message", "code"), [
    ("{oops", "bad_json"),
    ('"just a string"', "bad_json"),
    ('{"type": "explode"}', "unknown_type"),
    ('{"type": "event", "ref": "v1"}', "bad_message"),
    ('{"type": "event", "ref": "nope", "name": "value", "value": 1}', "unknown_ref"),
    ('{"type": "url", "pathname": "no-slash", "search": "", "hash": ""}', "bad_message"),
    ('{"type": "hello", "v": 1, "token": "again"}', "bad_message"),
])
async def test_bad_message_gets_an_error_and_changes_nothing(serve, open_client, message, code,
                                                             caplog):
    server = serve(slider_app)
    client = await open_client(server.url)
    await client.send_raw(message)
    error = await client.expect("error")
    assert error["code"] == code
    assert f"refused message ({code})" in caplog.text
    (session,) = server.sessions
    assert session.roots[0].objects[0].value == 2
    await assert_still_works(client, 5)


@pytest.mark.parametrize(("value", "match"), [
    (50, "must be within [start, end] = [0, 10], got 50"),
    ("five", "must be an integer"),
    (None, "must be an integer"),
])
async def test_invalid_value_is_refused_and_the_widget_resynced(serve, open_client, value, match):
    server = serve(slider_app)
    client = await open_client(server.url)
    slider = client.find("IntSlider")
    await client.event(slider, "value", value)
    error = await client.expect("error")
    assert error["code"] == "invalid_value" and error["ref"] == slider
    assert match in error["message"]
    patch = await client.expect("patch")
    assert patch["ops"] == [{"ref": slider, "props": client.props(slider)}]
    assert client.props(slider)["value"] == 2  # the client shows the server's value again
    assert server.sessions[0].roots[0].objects[0].value == 2
    await assert_still_works(client, 9)


async def test_message_before_hello_is_refused(serve):
    server = serve(slider_app)
    client = ProtocolClient(server.url)
    await client.fetch()
    await client.connect()
    await client.send({"type": "event", "ref": "v1", "name": "value", "value": 1})
    assert (await client.expect("error"))["code"] == "not_open"
    await client.hello()
    await client.close()


async def test_oversized_message_is_refused_and_the_session_continues(serve, open_client):
    server = serve(slider_app, max_message_size=1000)
    client = await open_client(server.url)
    await client.send({"type": "event", "ref": client.find("IntSlider"), "name": "value",
                       "value": "x" * 5000})
    error = await client.expect("error")
    assert error["code"] == "too_large" and "limit of 1000 bytes" in error["message"]
    await assert_still_works(client, 4)


async def test_user_watcher_error_is_handled_and_the_session_continues(serve, open_client, errors):
    def app():
        slider = pn.widgets.IntSlider(name="n", start=0, end=10)

        def boom(event):
            if event.new == 3:
                raise RuntimeError("watcher failed")

        slider.param.watch(boom, "value")
        text = pn.pane.Str("0")
        slider.param.watch(lambda e: setattr(text, "object", str(e.new)), "value")
        return pn.Column(slider, text)

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("IntSlider"), "value", 3)
    await client.settle()
    assert [str(e) for e in errors] == ["watcher failed"]
    assert server.sessions[0].busy is False
    await assert_still_works(client, 6)


async def test_app_error_is_shown_and_the_server_keeps_serving(serve, open_client, errors):
    calls = []

    def app():
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("database unreachable")
        return pn.pane.Str("fine")

    server = serve(app)
    broken = await open_client(server.url)
    assert broken.render_error == "The app raised ValueError: database unreachable"
    assert broken.roots == []
    working = await open_client(server.url)
    assert working.props(working.find("Str"))["text"] == "fine"
    assert [str(e) for e in errors] == ["database unreachable"]


@pytest.mark.parametrize("path", [
    "/_ps/static/../server/tokens.py",
    "/_ps/static/%2e%2e/server/tokens.py",
    "/_ps/static/..%2fserver%2ftokens.py",
    "/_ps/static/%2fetc%2fpasswd",
    "/_ps/static//etc/passwd",
    "/_ps/static/nonexistent.js",
])
async def test_static_files_come_from_the_package_only(serve, path):
    server = serve(slider_app)
    base = f"http://127.0.0.1:{server.port}"
    with pytest.raises(HTTPClientError) as info:
        await AsyncHTTPClient().fetch(base + path, follow_redirects=False)
    assert info.value.code in (403, 404)
    ok = await AsyncHTTPClient().fetch(base + "/_ps/static/client.js")
    assert b"export class PageClient" in ok.body
    assert "javascript" in ok.headers["Content-Type"]


async def test_slow_client_over_its_buffer_is_disconnected_and_logged(serve, open_client,
                                                                      caplog):
    def app():
        button = pn.widgets.Button(name="flood")
        text = pn.pane.Str("")

        async def flood(event):
            for i in range(2000):  # one 20 KB patch per loop iteration: ~40 MB in all
                text.object = f"{i:05d}" + "x" * 20_000
                await asyncio.sleep(0)

        button.on_click(flood)
        return pn.Column(button, text)

    server = serve(app, max_write_buffer=256 * 1024)
    caplog.set_level(logging.WARNING, logger="panel_state.server")
    slow = await open_client(server.url)
    other = await open_client(server.url)
    await slow.event(slow.find("Button"), "clicks", 1)  # ... and never reads again
    for _ in range(400):
        if "behind" in caplog.text:
            break
        await asyncio.sleep(0.01)
    assert "fell 262144 bytes behind; disconnecting it" in caplog.text
    # The session is kept (the tab may come back) and the server keeps serving others.
    assert len(server.sessions) == 2
    assert await other.ping() < 1
    assert other.close_code is None and other.errors == []


async def test_bad_url_in_the_load_ack_is_refused_but_the_session_loads(serve, open_client,
                                                                       until):
    ran = []

    def app():
        pn.state.onload(lambda: ran.append(True))
        return pn.pane.Str("x")

    server = serve(app)
    client = await open_client(server.url, load=False)
    await client.ack_load(pathname="no-leading-slash")
    error = await client.expect("error")
    assert error["code"] == "bad_message" and "pathname" in error["message"]
    await until(lambda: ran == [True] and server.sessions[0].loaded)


async def test_component_failing_to_render_shows_an_error_not_a_dead_socket(serve, open_client,
                                                                           errors):
    class Broken(pn.Viewable):
        view_kind = "Str"

        def view_props(self):
            raise KeyError("no such column")

    server = serve(lambda: Broken())
    client = await open_client(server.url)
    assert client.render_error == "The app could not be shown: KeyError: 'no such column'"
    assert await client.ping() < 5
    assert len(errors) == 1
