"""``panel.io.browser``: ``BrowserInfo``."""

from __future__ import annotations

from ..browser import BrowserInfo

__all__ = ["BrowserInfo"]
