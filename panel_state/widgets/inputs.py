"""Inputs: Checkbox and TextInput."""

from __future__ import annotations

from typing import ClassVar

import param

from .base import Widget

__all__ = ["Checkbox", "TextInput"]


class Checkbox(Widget):
    """A checkbox with a boolean ``value``."""

    value = param.Boolean(default=False, doc="True while the box is checked.")

    view_kind: ClassVar[str] = "Checkbox"
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "value")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)


class TextInput(Widget):
    """A single-line text input."""

    value = param.String(default="", doc="The text entered.")
    placeholder = param.String(default="", doc="Text shown while the input is empty.")

    view_kind: ClassVar[str] = "TextInput"
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "value", "placeholder")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)
