"""``panel.io.notifications``: ``Notification`` and ``NotificationArea``."""

from __future__ import annotations

from ..notifications import Notification, NotificationArea

__all__ = ["Notification", "NotificationArea"]
