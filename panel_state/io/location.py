"""``panel.io.location``: ``Location``."""

from __future__ import annotations

from ..location import Location

__all__ = ["Location"]
