"""The browser URL and pn.state.location in two-way sync over the protocol."""

from __future__ import annotations

import panel_state as pn


def synced_app():
    slider = pn.widgets.IntSlider(name="n", start=0, end=10, value=1)
    pn.state.location.sync(slider, {"value": "n"})
    return slider


async def test_url_on_load_sets_the_synced_widget(serve, open_client):
    server = serve(synced_app)
    client = await open_client(server.url + "?n=7")
    assert client.props(client.find("IntSlider"))["value"] == 7


async def test_url_sync_defaults_reach_the_browser_after_load_keeping_its_hash(serve,
                                                                              open_client):
    server = serve(synced_app)
    client = await open_client(server.url + "?keep=007", load=False)
    await client.ping()
    assert client.urls == []  # nothing before the client reported its own URL
    await client.ack_load(hash="#section")
    msg = await client.expect("url")
    assert msg["url"] == "/?keep=007&n=1#section"
    assert server.sessions[0].location.hash == "#section"


async def test_url_widget_change_pushes_the_url(serve, open_client):
    server = serve(synced_app)
    client = await open_client(server.url + "?n=2")
    await client.event(client.find("IntSlider"), "value", 5)
    msg = await client.expect("url")
    assert msg == {"type": "url", "action": "push", "url": "/?n=5"}


async def test_url_replace_history_for_sliders(serve, open_client):
    def app():
        slider = pn.widgets.IntSlider(start=0, end=10)
        pn.state.location.sync(slider, {"value": "n"}, history="replace")
        return slider

    server = serve(app)
    client = await open_client(server.url + "?n=2")
    await client.event(client.find("IntSlider"), "value", 3)
    assert (await client.expect("url"))["action"] == "replace"


async def test_url_back_button_updates_location_and_widget(serve, open_client):
    server = serve(synced_app)
    client = await open_client(server.url + "?n=2")
    await client.event(client.find("IntSlider"), "value", 6)
    await client.expect("url")
    await client.browse("/", "?n=2")  # the browser went back
    await client.wait_for(lambda c: c.props(c.find("IntSlider"))["value"] == 2)
    location = server.sessions[0].location
    assert location.search == "?n=2"
    await client.ping()
    assert [u["url"] for u in client.urls] == ["/?n=6"]  # the back step is not echoed


async def test_url_hash_change_reaches_the_location(serve, open_client, until):
    seen = []

    def app():
        pn.state.location.param.watch(lambda e: seen.append(e.new), "hash")
        return pn.pane.Str("x")

    server = serve(app)
    client = await open_client(server.url)
    await client.browse("/", "", "#part-2")
    await until(lambda: seen == ["#part-2"])


async def test_url_reload_navigates_the_browser(serve, open_client):
    def app():
        button = pn.widgets.Button(name="next page")

        def go(event):
            pn.state.location.reload = True
            pn.state.location.pathname = "/other"

        button.on_click(go)
        return button

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("Button"), "clicks", 1)
    assert await client.expect("url") == {"type": "url", "action": "navigate", "url": "/other"}


async def test_url_changes_from_a_periodic_callback_are_sent(serve, open_client):
    def app():
        location = pn.state.location
        cb = pn.state.add_periodic_callback(lambda: location.update_query(tick=cb.counter),
                                            period=10, count=2)
        return pn.pane.Str("x")

    server = serve(app)
    client = await open_client(server.url)
    await client.wait_for(lambda c: any(u["url"] == "/?tick=2" for u in c.urls))


async def test_url_location_first_used_after_load_still_reaches_the_browser(serve, open_client):
    def app():
        def later():
            pn.state.location.update_query(page=2)  # the Location is built only now

        pn.state.add_periodic_callback(later, period=20, count=1)
        return pn.pane.Str("x")

    server = serve(app)
    client = await open_client(server.url + "?page=1")
    assert server.sessions[0]._location is None
    msg = await client.expect("url")
    assert msg == {"type": "url", "action": "push", "url": "/?page=2"}
