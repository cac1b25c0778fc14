"""Fixtures for server tests: real servers on port 0 in the test's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

import panel_state as pn
from panel_state.server.serving import Server
from panel_state.server.testclient import ProtocolClient


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


@pytest.fixture
def until() -> Callable[..., Any]:
    """``await until(predicate, timeout=5)`` polls on the loop until the predicate holds."""
    import asyncio
    import time

    async def poll(predicate: Callable[[], Any], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout} s")
            await asyncio.sleep(0.005)

    return poll
