"""Shared fixtures: every test starts from a clean ``pn.state`` and may leak nothing."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

import panel_state as pn
from panel_state.periodic import running_callbacks
from panel_state.server.serving import Server
from panel_state.server.testclient import ProtocolClient
from panel_state.session import live_sessions
from panel_state.tasks import scheduled_tasks


def _foreign_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith(("panel_state", "asyncio_"))
    ]


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest):
    """Reset ``pn.state`` after each test and fail the test if it leaked anything."""
    before = set(threading.enumerate())
    yield
    leaks = []
    sessions = live_sessions()
    if sessions:
        leaks.append(f"{len(sessions)} live session(s) {sessions}")
    callbacks = running_callbacks()
    if callbacks:
        leaks.append(f"running periodic callback(s) {callbacks}")
    tasks = scheduled_tasks()
    if tasks:
        leaks.append(f"scheduled task(s) {sorted(tasks)}")
    pn.state.reset()
    gc.collect()
    threads = _foreign_threads(before)
    for t in threads:
        t.join(timeout=2)
    threads = [t for t in threads if t.is_alive()]
    if threads:
        leaks.append(f"thread(s) still running {[t.name for t in threads]}")
    if leaks and not request.node.get_closest_marker("leaks_ok"):
        pytest.fail("Test leaked: " + "; ".join(leaks), pytrace=False)


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture):
    """Exceptions handed to ``config.exception_handler`` during the test."""
    seen: list[BaseException] = []
    pn.config.exception_handler = seen.append
    caplog.set_level(logging.ERROR, logger="panel_state")
    return seen


# Real servers on port 0 in the test's event loop (tests/browser has a threaded serve).
@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Server]]:
    """``serve(panels, **kwargs)`` starts a server on the test's loop; all stop after."""
    servers: list[Server] = []

    def start(panels: Any, **kwargs: Any) -> Server:
        server = pn.serve(panels, start=False, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.astop()


@pytest.fixture
async def open_client() -> AsyncIterator[Callable[..., Any]]:
    """``await open_client(url, **kwargs)`` opens a ProtocolClient; all close after."""
    clients: list[ProtocolClient] = []

    async def opener(url: str, **kwargs: Any) -> ProtocolClient:
        client = await ProtocolClient.open(url, **kwargs)
        clients.append(client)
        return client

    yield opener
    for client in clients:
        await client.close()
