"""The browser client in real Chromium: render, round trips, URL sync, reconnect, tabs."""

from __future__ import annotations

import asyncio
import time

import pytest
from playwright.sync_api import expect

import panel_state as pn
from panel_state.testing import wait_until

pytestmark = pytest.mark.browser


def counter_app():
    slider = pn.widgets.IntSlider(name="n", start=0, end=10, value=3)
    text = pn.pane.Str("n is 3")
    slider.param.watch(lambda e: setattr(text, "object", f"n is {e.new}"), "value")
    button = pn.widgets.Button(name="Add one", button_type="primary")
    button.on_click(lambda e: setattr(slider, "value", min(10, slider.value + 1)))
    return pn.Column(pn.pane.Markdown("# Counter"), slider, button, text)


def synced_app():
    slider = pn.widgets.IntSlider(name="n", start=0, end=10, value=1)
    pn.state.location.sync(slider, {"value": "n"})
    text = pn.pane.Str("")
    slider.param.watch(lambda e: setattr(text, "object", f"n is {e.new}"), "value")
    text.object = f"n is {slider.value}"
    return pn.Column(slider, text)


def test_browser_first_render_uses_only_the_server(serve, tab):
    server = serve(counter_app, title="Counter app")
    tab.page.goto(server.url)
    expect(tab.page.locator("h1")).to_have_text("Counter")
    expect(tab.page.locator(".ps-str")).to_have_text("n is 3")
    expect(tab.page.locator(".ps-slider")).to_have_value("3")
    expect(tab.page.locator("button.ps-button")).to_have_text("Add one")
    assert tab.page.title() == "Counter app"
    assert tab.errors == []
    assert tab.requests and all(url.startswith(server.url) for url in tab.requests)


def test_browser_widget_round_trip_updates_another_widget(serve, tab):
    server = serve(counter_app)
    tab.page.goto(server.url)
    tab.page.locator("button.ps-button").click()
    expect(tab.page.locator(".ps-str")).to_have_text("n is 4")
    expect(tab.page.locator(".ps-slider")).to_have_value("4")
    tab.page.locator(".ps-slider").fill("9")
    expect(tab.page.locator(".ps-str")).to_have_text("n is 9")
    expect(tab.page.locator(".ps-label")).to_have_text("n: 9")
    assert tab.errors == []


def test_browser_patches_touch_only_the_changed_nodes(serve, tab):
    server = serve(counter_app)
    tab.page.goto(server.url)
    expect(tab.page.locator(".ps-str")).to_have_text("n is 3")
    tab.page.evaluate("""() => {
        for (const el of document.querySelectorAll('.ps-node')) el.psMark = true;
        window.psAdded = 0;
        new MutationObserver((records) => {
            for (const r of records) window.psAdded += r.addedNodes.length;
        }).observe(document.getElementById('ps-root'), {childList: true, subtree: true});
    }""")
    tab.page.locator("button.ps-button").click()
    expect(tab.page.locator(".ps-str")).to_have_text("n is 4")
    assert tab.page.evaluate(
        "() => [...document.querySelectorAll('.ps-node')].every((el) => el.psMark)")
    # The click changed the slider (its label text) and the <pre> (its text): two text
    # nodes were replaced, no element was rebuilt.
    assert tab.page.evaluate("window.psAdded") == 2


def test_browser_url_sets_the_synced_widget_on_load(serve, tab):
    server = serve(synced_app)
    tab.page.goto(server.url + "?n=7#top")
    expect(tab.page.locator(".ps-str")).to_have_text("n is 7")
    expect(tab.page.locator(".ps-slider")).to_have_value("7")
    assert tab.page.url.endswith("/?n=7#top")


def test_browser_widget_change_updates_the_url(serve, tab):
    server = serve(synced_app)
    tab.page.goto(server.url)
    tab.page.wait_for_function("() => location.search === '?n=1'")  # default written on load
    tab.page.locator(".ps-slider").fill("5")
    tab.page.wait_for_function("() => location.search === '?n=5'")
    assert tab.page.evaluate("history.length") >= 2


def test_browser_back_button_restores_the_widget(serve, tab):
    server = serve(synced_app)
    tab.page.goto(server.url + "?n=2")
    expect(tab.page.locator(".ps-str")).to_have_text("n is 2")
    tab.page.locator(".ps-slider").fill("6")
    tab.page.wait_for_function("() => location.search === '?n=6'")
    tab.page.go_back()
    expect(tab.page.locator(".ps-str")).to_have_text("n is 2")
    expect(tab.page.locator(".ps-slider")).to_have_value("2")
    tab.page.go_forward()
    expect(tab.page.locator(".ps-str")).to_have_text("n is 6")


def test_browser_hash_change_reaches_python(serve, tab):
    def app():
        text = pn.pane.Str("hash: ")
        pn.state.location.param.watch(lambda e: setattr(text, "object", f"hash: {e.new}"),
                                      "hash")
        return text

    server = serve(app)
    tab.page.goto(server.url)
    expect(tab.page.locator(".ps-str")).to_have_text("hash: ")
    tab.page.evaluate("location.hash = '#details'")
    expect(tab.page.locator(".ps-str")).to_have_text("hash: #details")


def test_browser_reload_true_navigates_to_the_new_page(serve, tab):
    def first():
        button = pn.widgets.Button(name="Next page")

        def go(event):
            pn.state.location.reload = True
            pn.state.location.param.update(pathname="/second", search="?from=first")

        button.on_click(go)
        return button

    def second():
        return pn.pane.Str("second page, from " + pn.state.session_args["from"][0].decode())

    server = serve({"/first": first, "/second": second})
    tab.page.goto(server.url + "first")
    tab.page.locator("button").click()
    expect(tab.page.locator(".ps-str")).to_have_text("second page, from first")
    assert tab.page.url.endswith("/second?from=first")


def test_browser_reconnects_after_a_dropped_socket_with_state_intact(serve, tab,
                                                                    drop_connections):
    server = serve(counter_app)
    tab.page.goto(server.url)
    tab.page.locator(".ps-slider").fill("8")
    expect(tab.page.locator(".ps-str")).to_have_text("n is 8")
    (session,) = server.sessions
    drop_connections(server)
    tab.page.wait_for_function("() => window.panelState.status === 'open' && "
                               "window.panelState.attempt === 0 && window.panelState.socket")
    expect(tab.page.locator(".ps-str")).to_have_text("n is 8")
    tab.page.locator("button.ps-button").click()
    expect(tab.page.locator(".ps-str")).to_have_text("n is 9")
    assert server.sessions == [session]


def test_browser_session_gone_shows_expired_reload_state(serve, tab):
    server = serve(counter_app)
    tab.page.goto(server.url)
    expect(tab.page.locator(".ps-str")).to_have_text("n is 3")
    server.stop()  # the server goes away with the session; the client cannot resume it
    overlay = tab.page.locator("#ps-overlay")
    restarted = serve(counter_app, port=server.port)  # same port, new secret
    expect(overlay).to_contain_text("Session expired", timeout=15_000)
    expect(overlay.locator("button")).to_have_text("Reload")
    overlay.locator("button").click()
    expect(tab.page.locator(".ps-str")).to_have_text("n is 3")
    assert len(restarted.sessions) == 1


def test_browser_onload_and_deferred_panes(serve, tab):
    def app():
        select = pn.widgets.Select(name="pick")

        def fill():
            time.sleep(0.3)
            select.options = ["A", "B", "C"]

        pn.state.onload(fill)

        def slow():
            return "deferred content"

        return pn.Column(select, pn.panel(slow, defer_load=True))

    server = serve(app)
    tab.page.goto(server.url)
    expect(tab.page.locator("select option")).to_have_count(3)
    expect(tab.page.locator(".ps-pfunc .ps-markdown")).to_have_text("deferred content")
    expect(tab.page.locator(".ps-pfunc > .ps-spinner")).to_be_hidden()
    assert server.sessions[0].loaded


def test_browser_deferred_pane_shows_a_spinner_until_loaded(serve, tab):
    def app():
        async def slow():
            await asyncio.sleep(0.8)
            return "ready"

        return pn.panel(slow, defer_load=True)

    server = serve(app)
    tab.page.goto(server.url)
    expect(tab.page.locator(".ps-pfunc > .ps-spinner")).to_be_visible()
    expect(tab.page.locator(".ps-pfunc .ps-markdown")).to_have_text("ready")
    expect(tab.page.locator(".ps-pfunc > .ps-spinner")).to_be_hidden()


def test_browser_closing_the_tab_destroys_the_session(serve, tab):
    destroyed = []

    def app():
        pn.state.on_session_destroyed(lambda session: destroyed.append(session.id))
        return pn.pane.Str("open")

    server = serve(app, unused_session_lifetime=200, check_unused_sessions=20)
    tab.page.goto(server.url)
    expect(tab.page.locator(".ps-str")).to_have_text("open")
    (session,) = server.sessions
    tab.page.close()
    wait_until(lambda: destroyed == [session.id], timeout=5)
    assert server.sessions == []


def test_browser_two_tabs_never_see_each_others_values_or_busy(serve, new_tab, record_texts,
                                                               server_barrier):
    def app():
        user = pn.state.session_args.get("user", [b"?"])[0].decode()
        button = pn.widgets.Button(name="work")

        async def work(event):
            await asyncio.sleep(0.6)

        button.on_click(work)
        name = pn.widgets.TextInput(name="name", value=user)
        busy = pn.panel(pn.bind(lambda b: "busy" if b else "idle", pn.state.param.busy))
        return pn.Column(pn.pane.Str(f"user {user}"), name, button, busy)

    server = serve(app)
    a, b = new_tab(), new_tab()
    a.page.goto(server.url + "?user=ann")
    b.page.goto(server.url + "?user=bob")
    expect(a.page.locator(".ps-str")).to_have_text("user ann")
    expect(b.page.locator(".ps-str")).to_have_text("user bob")
    a.page.locator("input.ps-input").fill("ann edited")
    a.page.locator("input.ps-input").press("Enter")
    server_barrier(a.page)  # the text change (itself briefly busy) is done
    seen_a = record_texts(a.page, ".ps-markdown")
    seen_b = record_texts(b.page, ".ps-markdown")
    a.page.locator("button").click()
    expect(a.page.locator(".ps-markdown")).to_have_text("busy")
    expect(a.page.locator(".ps-markdown")).to_have_text("idle")
    server_barrier(b.page)
    assert seen_a() == ["idle", "busy", "idle"]
    assert seen_b() == ["idle"]  # every text tab b showed while a worked
    expect(b.page.locator("input.ps-input")).to_have_value("bob")
    values = sorted(s.roots[0].objects[1].value for s in server.sessions)
    assert values == ["ann edited", "bob"]
