"""``max_sessions`` in Chromium: the sixth tab sees "server is full", then gets in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Route, expect

import panel_state as pn
from panel_state.testing import wait_until
from panel_state.wire.protocol import CLOSE_CODES

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def app():
    return pn.Column(pn.pane.Markdown("# Inventory"), pn.pane.Str("ready"))


def open_app(tab, url: str) -> None:
    tab.page.goto(url)
    expect(tab.page.locator(".ps-str")).to_have_text("ready")


def test_sixth_tab_sees_the_full_page_and_gets_in_after_one_closes(serve, new_tab):
    server = serve(app, title="Inventory", max_sessions=5, unused_session_lifetime=100,
                   check_unused_sessions=20)
    tabs = [new_tab() for _ in range(5)]
    for tab in tabs:
        open_app(tab, server.url)
    assert len(server.sessions) == 5

    sixth = new_tab()
    response = sixth.page.goto(server.url)
    assert response is not None and response.status == 503
    assert response.headers["retry-after"] == "10"
    expect(sixth.page.locator("h1")).to_have_text("The server is full")
    expect(sixth.page.locator("main")).to_contain_text("Inventory has as many visitors as it")
    assert sixth.page.title() == "Server is full"
    SHOTS.mkdir(parents=True, exist_ok=True)
    sixth.page.screenshot(path=str(SHOTS / "server-full-page.png"))
    assert len(server.sessions) == 5  # the full page opened no session

    tabs[0].page.close()  # one visitor leaves; its session ends after its lifetime
    wait_until(lambda: len(server.sessions) == 4)
    sixth.page.get_by_role("link", name="try again now").click()
    expect(sixth.page.locator(".ps-str")).to_have_text("ready")
    assert len(server.sessions) == 5
    # The one console line: Chromium reporting the 503 of the full page itself.
    assert [e for e in sixth.errors if "status of 503" not in e] == []
    assert all(tab.errors == [] for tab in tabs[1:])


def test_tab_whose_session_is_refused_shows_the_full_overlay(serve, new_tab):
    server = serve(app, max_sessions=1, unused_session_lifetime=100, check_unused_sessions=20)
    late = new_tab()
    held: list[Route] = []
    late.page.route("**/_ps/static/client.js*", lambda route: held.append(route))  # waits
    with late.page.expect_request("**/_ps/static/client.js*"):
        late.page.goto(server.url, wait_until="commit")  # while the page holds a token
    for _ in range(100):  # Playwright runs route handlers while it processes events
        if held:
            break
        late.page.evaluate("0")
    assert held
    first = new_tab()
    open_app(first, server.url)  # the one place is taken meanwhile
    held[0].continue_()
    expect(late.page.locator("#ps-overlay")).to_contain_text(
        "The server is full right now — try again in a moment.")
    expect(late.page.get_by_role("button", name="Try again")).to_be_visible()
    assert late.page.evaluate("document.documentElement.dataset.psStatus") == "full"
    late.page.screenshot(path=str(SHOTS / "server-full-overlay.png"))
    assert len(server.sessions) == 1 and CLOSE_CODES["full"] == 4005

    first.page.close()
    wait_until(lambda: not server.sessions)
    late.page.unroute("**/_ps/static/client.js*")
    late.page.get_by_role("button", name="Try again").click()  # reloads: now there is room
    expect(late.page.locator(".ps-str")).to_have_text("ready")
