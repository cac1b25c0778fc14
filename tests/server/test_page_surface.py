"""Panel's page surface over the wire: toasts, browser info, hold, expiration, session_info."""

from __future__ import annotations

import asyncio
import time

import pytest

import panel_state as pn


def toasts(client):
    return [m for m in client.notifications if m["type"] == "notification"]


async def test_surface_notifications_reach_the_client_as_text(serve, open_client):
    def app():
        button = pn.widgets.Button(name="save")

        def save(event):
            note = pn.state.notifications.warning("<img src=x onerror=alert(1)>", 0)
            pn.state.notifications.info("second")
            note.destroy()

        button.on_click(save)
        return button

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("Button"), "clicks", 1)
    await client.wait_for(lambda c: len(toasts(c)) == 3)
    show, second, dismiss = toasts(client)
    assert (show["action"], show["kind"], show["message"], show["duration"]) == (
        "show", "warning", "<img src=x onerror=alert(1)>", 0)
    assert second["message"] == "second"
    assert (dismiss["action"], dismiss["id"]) == ("dismiss", show["id"])
    assert server.sessions[0].notifications.notifications[0].message == "second"


async def test_surface_ready_notification_follows_the_load(serve, open_client):
    pn.config.ready_notification = "Ready!"
    server = serve(lambda: pn.pane.Str("x"))
    client = await open_client(server.url)
    await client.wait_for(lambda c: bool(toasts(c)))
    assert [(t["kind"], t["message"], t["duration"]) for t in toasts(client)] == [
        ("success", "Ready!", 3000)]
    await client.drop()
    await client.reconnect()
    await client.ping()
    assert len(toasts(client)) == 1  # a resumed session is not announced again


async def test_surface_disconnect_notification_is_sent_with_the_render(serve, open_client):
    pn.config.disconnect_notification = "Lost the server; retrying"
    server = serve(lambda: pn.pane.Str("x"))
    client = await open_client(server.url)
    await client.ping()  # everything sent with the render has arrived
    settings = [m for m in client.notifications if m["type"] == "notifications"]
    assert settings == [{"type": "notifications", "position": "bottom-right", "max": 5,
                         "disconnect": "Lost the server; retrying"}]
    assert client.messages.index(settings[0]) == 1  # right after the render


async def test_surface_no_notification_settings_are_sent_by_default(serve, open_client):
    server = serve(lambda: pn.pane.Str("x"))
    client = await open_client(server.url)
    await client.ping()
    assert client.notifications == [] and server.sessions[0].peek_notifications() is None


async def test_surface_browser_report_fills_browser_info_and_watchers_run(
        serve, open_client, until):
    def app():
        info = pn.state.browser_info
        return pn.pane.Str(pn.bind(lambda tz, w: f"{tz} {w}", info.param.timezone,
                                   info.param.window_width))

    server = serve(app)
    client = await open_client(server.url)
    await client.report_browser(timezone="Asia/Tokyo", window_width=1024, dark_mode=True)
    await until(lambda: server.sessions[0].browser_info.window_width == 1024)
    info = server.sessions[0].browser_info
    assert (info.timezone, info.dark_mode) == ("Asia/Tokyo", True)
    await client.report_browser(window_width=640)
    await until(lambda: info.window_width == 640)


async def test_surface_a_bad_browser_report_is_refused_and_changes_nothing(
        serve, open_client):
    server = serve(lambda: pn.pane.Str("x"))
    client = await open_client(server.url)
    await client.report_browser(timezone="Europe/Oslo", window_width="wide")
    await client.wait_for(lambda c: bool(c.errors))
    assert client.errors[0]["code"] == "bad_message"
    assert "'window_width' must be a JSON integer" in client.errors[0]["message"]
    assert server.sessions[0].browser_info.timezone is None
    assert await client.ping() < 1  # the session goes on


async def test_surface_hold_sends_the_changes_as_one_patch(serve, open_client):
    def app():
        texts = [pn.pane.Str("-") for _ in range(3)]
        button, plain = pn.widgets.Button(name="held"), pn.widgets.Button(name="plain")

        async def step(held: bool) -> None:
            doc = pn.state.curdoc
            if held:
                doc.hold()
            for i, text in enumerate(texts):
                text.object = f"{'held' if held else 'plain'} {i}"
                await asyncio.sleep(0.02)  # the loop runs (and flushes) in between
            if held:
                doc.unhold()

        button.on_click(lambda e: step(True))
        plain.on_click(lambda e: step(False))
        return pn.Column(button, plain, *texts)

    server = serve(app)
    client = await open_client(server.url)
    strs = client.find_all("Str")

    def text_patches(start: int) -> list[list[str]]:
        return [[op["props"]["text"] for op in m["ops"] if "text" in op.get("props", {})]
                for m in client.messages[start:] if m["type"] == "patch"]

    start = len(client.messages)
    await client.event(client.find("Button", name="plain"), "clicks", 1)
    await client.wait_for(lambda c: c.props(strs[2])["text"] == "plain 2")
    assert [p for p in text_patches(start) if p] == [["plain 0"], ["plain 1"], ["plain 2"]]
    start = len(client.messages)
    await client.event(client.find("Button", name="held"), "clicks", 1)
    await client.wait_for(lambda c: c.props(strs[2])["text"] == "held 2")
    assert [p for p in text_patches(start) if p] == [["held 0", "held 1", "held 2"]]


async def test_surface_io_hold_batches_a_threaded_handler(serve, open_client):
    pn.config.nthreads = 2

    def app():
        texts = [pn.pane.Str("-") for _ in range(3)]
        button = pn.widgets.Button(name="go")

        def go(event):
            with pn.io.hold():
                for i, text in enumerate(texts):
                    text.object = str(i)
                    time.sleep(0.02)  # on the pool: the loop flushes meanwhile

        button.on_click(go)
        return pn.Column(button, *texts)

    server = serve(app)
    client = await open_client(server.url)
    start = len(client.messages)
    await client.event(client.find("Button"), "clicks", 1)
    await client.wait_for(lambda c: c.props(c.find_all("Str")[2])["text"] == "2")
    texts = [[op["props"]["text"] for op in m["ops"] if "text" in op.get("props", {})]
             for m in client.messages[start:] if m["type"] == "patch"]
    assert [t for t in texts if t] == [["0", "1", "2"]]


@pytest.mark.parametrize("blocked", [True, False])
async def test_surface_block_expiration_keeps_only_that_session(serve, open_client, until,
                                                                blocked):
    def app():
        if pn.state.session_args.get("keep") == [b"1"] and blocked:
            pn.state.block_expiration()
        return pn.pane.Str("x")

    server = serve(app, unused_session_lifetime=30, check_unused_sessions=10)
    kept = await open_client(server.url + "?keep=1")
    other = await open_client(server.url)
    kept_id, other_id = kept.session, other.session
    await kept.drop()
    await other.drop()
    await until(lambda: other_id not in {s.id for s in server.sessions})
    # The manager has checked (and expired the other) at least once since the drop.
    assert (kept_id in {s.id for s in server.sessions}) is blocked
    if blocked:
        (session,) = server.sessions
        session.unblock_expiration()
        await until(lambda: server.sessions == [])


async def test_surface_session_info_and_app_url_with_a_server(serve, open_client, until):
    pn.config.session_history = -1
    seen = {}

    def app():
        seen.update(app_url=pn.state.app_url, rel=pn.state.rel_path)
        return pn.pane.Str("x")

    server = serve({"/sales/report": app})
    client = await open_client(server.url + "sales/report", headers={"User-Agent": "probe/1"})
    await until(lambda: pn.state.session_info["live"] == 1)
    info = pn.state.session_info
    assert info["total"] == 1
    (record,) = info["sessions"].values()
    assert record["user_agent"] == "probe/1" and record["rendered"] is not None
    assert seen == {"app_url": "/sales/report", "rel": ".."}
    await client.close()
    for session in server.sessions:
        session.destroy()
    assert pn.state.session_info["live"] == 0


async def test_surface_a_raising_browser_info_watcher_is_reported_not_refused(
        serve, open_client, until, errors):
    def app():
        def boom(event):
            raise RuntimeError(f"cannot theme for {event.new}")

        pn.state.browser_info.param.watch(boom, "dark_mode")
        return pn.pane.Str("x")

    server = serve(app)
    client = await open_client(server.url)
    await client.report_browser(dark_mode=True, language="en")
    await until(lambda: bool(errors))
    assert str(errors[0]) == "cannot theme for True" and client.errors == []
    assert server.sessions[0].browser_info.dark_mode is True
    assert await client.ping() < 1
