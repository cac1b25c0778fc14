"""``panel.io.state``: ``state`` (``pn.state``) and its class."""

from __future__ import annotations

from ..state import State, state

__all__ = ["State", "state"]
