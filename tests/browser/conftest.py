"""Browser tests: Playwright's Python package driving Debian's Chromium.

One Chromium per test module; one fresh context (cookies, storage) per test; each test
serves its app with ``pn.serve(..., threaded=True)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

import panel_state as pn
from panel_state.server.serving import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context()
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


class Tab:
    """A page plus what it logged and requested, for assertions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error"
                else None)
        page.on("request", lambda request: self.requests.append(request.url))


@pytest.fixture
def new_tab(context: BrowserContext) -> Callable[[], Tab]:
    return lambda: Tab(context.new_page())


@pytest.fixture
def tab(new_tab: Callable[[], Tab]) -> Tab:
    return new_tab()


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    """``serve(panels, **kwargs)`` starts a threaded server; all stop after the test."""
    servers: list[Server] = []

    def start(panels: Any, **kwargs: Any) -> Server:
        server = pn.serve(panels, threaded=True, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def drop_connections() -> Callable[[Server], None]:
    """``drop_connections(server)`` cuts every websocket, as a network failure would."""
    return _drop


def _drop(server: Server) -> None:
    import threading

    done = threading.Event()

    def cut() -> None:
        assert server.context is not None
        for connection in list(server.context.connections):
            stream = getattr(connection.ws_connection, "stream", None)
            if stream is not None:
                stream.close()
        done.set()

    assert server.loop is not None
    server.loop.call_soon_threadsafe(cut)
    done.wait(5)


_RECORD = """(selector) => {
    const el = document.querySelector(selector);
    window.psTexts = window.psTexts || {};
    const text = () => el.textContent.trim();
    const seen = window.psTexts[selector] = [text()];
    new MutationObserver(() => {
        if (text() !== seen[seen.length - 1]) seen.push(text());
    }).observe(el, {childList: true, subtree: true, characterData: true});
}"""


def _record(page: Page, selector: str) -> Callable[[], list[str]]:
    page.locator(selector).wait_for()
    page.evaluate(_RECORD, selector)
    return lambda: list(page.evaluate("(s) => window.psTexts[s]", selector))


def _barrier(page: Page) -> None:
    page.evaluate("window.panelState.ping()")
    page.evaluate("window.panelState.ping()")


@pytest.fixture
def record_texts() -> Callable[[Page, str], Callable[[], list[str]]]:
    """``seen = record_texts(page, selector)`` records every text the element shows.

    ``seen()`` is the recording so far, in order: a negative check ("it stayed idle")
    reads what was on screen all along instead of polling for a while.
    """
    return _record


@pytest.fixture
def server_barrier() -> Callable[[Page], None]:
    """``server_barrier(page)``: two round trips through the page's session, so what
    the server did before is on the page (or never will be)."""
    return _barrier
