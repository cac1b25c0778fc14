"""``panel.io.callbacks``: ``PeriodicCallback``."""

from __future__ import annotations

from ..periodic import PeriodicCallback

__all__ = ["PeriodicCallback"]
