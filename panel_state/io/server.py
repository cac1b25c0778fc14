"""``panel.io.server``: ``serve`` (imports the server: import it when you serve)."""

from __future__ import annotations

from ..server import serve

__all__ = ["serve"]
