"""``panel.io.document``: ``hold``, ``unlocked`` and ``with_lock``."""

from __future__ import annotations

from ..curdoc import hold, unlocked, with_lock

__all__ = ["hold", "unlocked", "with_lock"]
