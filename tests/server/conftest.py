"""Fixtures for server tests (``serve`` and ``open_client`` are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


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
