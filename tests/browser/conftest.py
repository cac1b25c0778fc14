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
