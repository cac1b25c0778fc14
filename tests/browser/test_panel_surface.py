"""Panel's page surface in real Chromium: toasts, browser_info, hold, threaded handlers."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

import panel_state as pn
from panel_state.testing import wait_until

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
HOSTILE = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"surface-{name}.png"))


# -- notifications ---------------------------------------------------------------------------


def toast_app(kept: dict):
    def app():
        area = pn.state.notifications
        area.max_notifications = 5

        def kinds(event):
            area.info(HOSTILE, duration=0)
            area.success("Saved", duration=0)
            area.warning("Careful", duration=0)
            kept["sticky"] = area.error("Failed", duration=0)

        def short(event):
            area.info("Gone soon", duration=300)

        def flood(event):
            for i in range(7):
                area.info(f"flood {i}", duration=0)

        buttons = [pn.widgets.Button(name=name, on_click=fn) for name, fn in (
            ("kinds", kinds), ("short", short), ("flood", flood),
            ("dismiss", lambda e: kept["sticky"].destroy()), ("clear", lambda e: area.clear()))]
        return pn.Row(*buttons)

    return app


def test_browser_notifications_show_escaped_text_and_go_away(serve, tab):
    kept: dict = {}
    server = serve(toast_app(kept))
    page = tab.page
    page.goto(server.url)
    toasts = page.locator(".ps-notification")
    page.get_by_role("button", name="kinds", exact=True).click()
    expect(toasts).to_have_count(4)
    expect(toasts.nth(0).locator(".ps-notification-text")).to_have_text(HOSTILE)
    assert [toasts.nth(i).get_attribute("data-kind") for i in range(4)] == [
        "info", "success", "warning", "error"]
    # Shown as text: no element was made from the message, nothing ran.
    assert page.locator(".ps-notifications img, .ps-notifications script").count() == 0
    assert page.evaluate("window.__pwned") is None
    shot(page, "notifications")
    # Notification.destroy() in Python:
    page.get_by_role("button", name="dismiss", exact=True).click()
    expect(toasts).to_have_count(3)
    expect(page.locator(".ps-notification[data-kind=error]")).to_have_count(0)
    toasts.nth(0).get_by_role("button", name="Dismiss", exact=True).click()  # the user closes one
    expect(toasts).to_have_count(2)
    page.get_by_role("button", name="clear", exact=True).click()
    expect(toasts).to_have_count(0)
    page.get_by_role("button", name="short", exact=True).click()
    expect(page.get_by_text("Gone soon")).to_be_visible()
    expect(page.get_by_text("Gone soon")).to_have_count(0)  # after its 300 ms
    page.get_by_role("button", name="flood", exact=True).click()
    expect(page.get_by_text("flood 6")).to_be_visible()
    expect(toasts).to_have_count(5)  # max_notifications: the oldest went first
    expect(page.get_by_text("flood 1")).to_have_count(0)
    assert tab.errors == []


def test_browser_ready_and_disconnect_notifications(serve, tab):
    pn.config.ready_notification = "Ready to go"
    pn.config.disconnect_notification = "Server gone <b>away</b>"
    server = serve(lambda: pn.pane.Str("app"))
    page = tab.page
    page.goto(server.url)
    ready = page.locator(".ps-notification[data-kind=success] .ps-notification-text")
    expect(ready).to_have_text("Ready to go")
    expect(page.get_by_text("Server gone <b>away</b>")).to_have_count(0)
    port = server.port
    server.stop()  # the connection drops and cannot come back: the toast stays up
    lost = page.locator(".ps-notification[data-kind=error] .ps-notification-text")
    expect(lost).to_have_text("Server gone <b>away</b>")
    expect(page.locator("#ps-banner")).to_have_count(0)  # instead of the banner
    shot(page, "disconnect")
    serve(lambda: pn.pane.Str("app"), port=port)  # a new server: this session is gone
    expect(page.locator("#ps-overlay")).to_contain_text("Session expired", timeout=15_000)
    expect(lost).to_have_count(0)


def test_browser_disconnect_without_a_notification_shows_the_banner(serve, tab):
    server = serve(lambda: pn.pane.Str("app"))
    tab.page.goto(server.url)
    expect(tab.page.locator(".ps-str")).to_have_text("app")
    server.stop()
    expect(tab.page.locator("#ps-banner")).to_contain_text("Connection lost")
    expect(tab.page.locator(".ps-notification")).to_have_count(0)


# -- browser_info -------------------------------------------------------------------------------


def test_browser_info_is_filled_by_the_page_and_follows_it(serve, browser):
    def app():
        info = pn.state.browser_info
        return pn.panel(pn.bind(
            lambda tz, lang, dark, w, h, dpr: f"{tz} {lang} dark={dark} {w}x{h} dpr={dpr}",
            info.param.timezone, info.param.language, info.param.dark_mode,
            info.param.window_width, info.param.window_height,
            info.param.device_pixel_ratio))

    server = serve(app)
    ctx = browser.new_context(locale="fr-FR", timezone_id="Asia/Tokyo", color_scheme="dark",
                              viewport={"width": 900, "height": 700})
    try:
        page = ctx.new_page()
        page.goto(server.url)
        text = page.locator(".ps-markdown")
        expect(text).to_have_text("Asia/Tokyo fr-FR dark=True 900x700 dpr=1.0")
        page.set_viewport_size({"width": 640, "height": 480})
        expect(text).to_have_text("Asia/Tokyo fr-FR dark=True 640x480 dpr=1.0")
        page.emulate_media(color_scheme="light")
        expect(text).to_have_text("Asia/Tokyo fr-FR dark=False 640x480 dpr=1.0")
        (session,) = server.sessions
        info = session.browser_info
        assert info.timezone_offset == -540 and info.webdriver is True
        assert info.screen_width and info.screen_height
    finally:
        ctx.close()


# -- hold ---------------------------------------------------------------------------------------

OBSERVE = """() => {
  window.__states = [];
  const texts = () => [...document.querySelectorAll('.ps-str')].map(e => e.textContent);
  new MutationObserver(() => window.__states.push(texts().join('|')))
    .observe(document.getElementById('ps-root'), {subtree: true, childList: true,
                                                   characterData: true});
}"""


def test_browser_hold_shows_a_burst_of_changes_at_once(serve, tab):
    def app():
        texts = [pn.pane.Str("-") for _ in range(3)]

        async def step(held: bool) -> None:
            label = "held" if held else "plain"
            with pn.io.hold() if held else contextlib.nullcontext():
                for i, text in enumerate(texts):
                    text.object = f"{label} {i}"
                    await asyncio.sleep(0.05)  # the loop runs, and flushes, in between

        return pn.Column(
            pn.widgets.Button(name="plain", on_click=lambda e: step(False)),
            pn.widgets.Button(name="held", on_click=lambda e: step(True)), *texts)

    server = serve(app)
    page = tab.page
    page.goto(server.url)
    expect(page.locator(".ps-str").nth(2)).to_have_text("-")
    page.evaluate(OBSERVE)
    page.get_by_role("button", name="plain", exact=True).click()
    expect(page.locator(".ps-str").nth(2)).to_have_text("plain 2")
    plain = page.evaluate("window.__states")
    assert "plain 0|-|-" in plain and "plain 0|plain 1|-" in plain  # each change showed
    page.evaluate("window.__states = []")
    page.get_by_role("button", name="held", exact=True).click()
    expect(page.locator(".ps-str").nth(2)).to_have_text("held 2")
    held = [s for s in page.evaluate("window.__states") if "held" in s]
    assert held and set(held) == {"held 0|held 1|held 2"}  # one batch, no in-between state
    assert tab.errors == []


# -- threaded handlers and onload ---------------------------------------------------------------


def test_browser_blocking_clicks_in_two_tabs_overlap_with_two_threads(serve, new_tab):
    pn.config.nthreads = 2
    met = threading.Barrier(3, timeout=10)
    release = threading.Event()

    def app():
        out = pn.pane.Str("idle")
        busy = pn.panel(pn.bind(lambda b: "busy" if b else "free", pn.state.param.busy))

        def work(event):
            met.wait()           # both tabs' handlers run at once (and the test joins)
            release.wait(10)     # ...and stay blocked until the test has pinged
            pooled = threading.current_thread().name.startswith("panel_state")
            out.object = "done on the pool" if pooled else "done on the loop"

        return pn.Column(pn.widgets.Button(name="work", on_click=work), out, busy)

    server = serve(app)
    tabs = [new_tab(), new_tab()]
    for t in tabs:
        t.page.goto(server.url)
        expect(t.page.locator(".ps-str")).to_have_text("idle")
    for t in tabs:
        t.page.get_by_role("button", name="work", exact=True).click()
    met.wait()  # would time out (BrokenBarrierError) if the clicks ran one after another
    for t in tabs:
        expect(t.page.locator(".ps-markdown")).to_have_text("busy")
    # Both pool threads are blocked; the loop still answers each tab at once.
    pings = [t.page.evaluate("window.panelState.ping()") for t in tabs]
    assert all(ms < 1000 for ms in pings), pings
    assert not release.is_set()
    release.set()
    for t in tabs:
        expect(t.page.locator(".ps-str")).to_have_text("done on the pool")
        expect(t.page.locator(".ps-markdown")).to_have_text("free")
    assert all(t.errors == [] for t in tabs)


def test_browser_blocking_onload_in_two_tabs_overlaps_with_two_threads(serve, new_tab):
    pn.config.nthreads = 2
    met = threading.Barrier(2, timeout=10)
    release = threading.Event()
    waiting = []

    def app():
        status = pn.pane.Str("loading")

        def onload():
            waiting.append(pn.state.curdoc.id)
            met.wait()  # the other tab's onload runs at the same time
            release.wait(10)
            status.object = f"loaded={pn.state.loaded}"

        pn.state.onload(onload)
        return status

    server = serve(app)
    tabs = [new_tab(), new_tab()]
    for t in tabs:
        t.page.goto(server.url)
    wait_until(lambda: len(waiting) == 2 and met.n_waiting == 0)  # both passed the barrier
    pings = [t.page.evaluate("window.panelState.ping()") for t in tabs]
    assert all(ms < 1000 for ms in pings), pings
    release.set()
    for t in tabs:
        expect(t.page.locator(".ps-str")).to_have_text("loaded=False")
    wait_until(lambda: all(s.loaded for s in server.sessions))
