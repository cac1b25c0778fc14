"""Indicator: the base of components that show a state and take no input."""

from __future__ import annotations

from typing import ClassVar

from ..widgets.base import Widget

__all__ = ["COLORS", "Indicator"]

#: The named colors of indicators (and alerts), as in Panel.
COLORS = ("primary", "secondary", "success", "info", "danger", "warning", "light", "dark")


class Indicator(Widget):
    """Base class of indicators: a widget whose value only Python sets."""

    _event_params: ClassVar[tuple[str, ...]] = ()
