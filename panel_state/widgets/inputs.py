"""Inputs: Checkbox, Switch (booleans); TextInput, PasswordInput, TextAreaInput; StaticText.

Text is always text: the client sets labels, values and StaticText's text as text
content, so nothing a user typed or a program passed can become markup or script.
"""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .base import Widget

__all__ = ["Checkbox", "PasswordInput", "StaticText", "Switch", "TextAreaInput", "TextInput"]


class Checkbox(Widget):
    """A checkbox with a boolean ``value``."""

    value = param.Boolean(default=False, doc="True while the box is checked.")

    view_kind: ClassVar[str] = "Checkbox"
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "value")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)


class Switch(Checkbox):
    """An on/off switch with a boolean ``value``; a Checkbox drawn as a switch.

    Examples
    --------
    >>> import panel_state as pn
    >>> dark = pn.widgets.Switch(name='Dark mode')
    >>> dark.apply_client_change('value', True); dark.value
    True
    """

    value = param.Boolean(default=False, doc="True while the switch is on.")

    view_kind: ClassVar[str] = "Switch"


class _Text(Widget):
    """Shared params of the text inputs."""

    value = param.String(default="", doc="The text entered.")
    placeholder = param.String(default="", doc="Text shown while the input is empty.")
    max_length = param.Integer(default=5000, bounds=(0, None), allow_None=True, doc="""
        The most characters the user can enter (None: no limit); longer text from the
        browser is refused.""")

    value_input = param.String(default="", doc="""
        The text as typed, updated on every keystroke (``value`` waits for Enter or the
        input losing focus); setting ``value`` sets it too.""")

    view_params: ClassVar[tuple[str, ...]] = (
        *Widget.view_params, "value", "placeholder", "max_length")
    _event_params: ClassVar[tuple[str, ...]] = ("value", "value_input")
    _panel_ignored: ClassVar[frozenset[str]] = frozenset({"description"})

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.value_input = self.value
        self.param.watch(self._value_changed, "value")

    def _value_changed(self, event: param.parameterized.Event) -> None:
        self.value_input = event.new

    def _from_client(self, name: str, value: Any) -> Any:
        if isinstance(value, str) and self.max_length is not None and \
                len(value) > self.max_length:
            raise ValueError(
                f"{self._label()}: value must have at most max_length={self.max_length} "
                f"characters, got {len(value)}; raise max_length to accept longer text.")
        return value


class TextInput(_Text):
    """A single-line text input; ``value`` updates on Enter or when the input loses focus.

    Examples
    --------
    >>> import panel_state as pn
    >>> text = pn.widgets.TextInput(name='Search')
    >>> text.apply_client_change('value_input', 'pan')  # typing
    >>> text.value, text.value_input
    ('', 'pan')
    >>> _ = text.param.watch(lambda event: print('search', text.value), 'enter_pressed')
    >>> text.apply_client_change('value', 'panel'); text.apply_client_change('enter_pressed', True)
    search panel
    """

    enter_pressed = param.Event(doc="Triggered when the user presses Enter in the input.")

    view_kind: ClassVar[str] = "TextInput"
    view_actions: ClassVar[tuple[str, ...]] = ("enter_pressed",)
    _event_params: ClassVar[tuple[str, ...]] = ("value", "value_input", "enter_pressed")


class PasswordInput(TextInput):
    """A single-line input whose text the page masks; ``value`` is the text entered."""

    view_kind: ClassVar[str] = "PasswordInput"


class TextAreaInput(_Text):
    """A multi-line text input; lines are joined with ``\\n``.

    Examples
    --------
    >>> import panel_state as pn
    >>> notes = pn.widgets.TextAreaInput(name='Notes', rows=4, placeholder='Write here')
    >>> notes.apply_client_change('value', 'first line\\nsecond line')
    >>> notes.value.splitlines()
    ['first line', 'second line']
    """

    rows = param.Integer(default=2, bounds=(1, None), doc="Number of visible text lines.")
    cols = param.Integer(default=20, bounds=(1, None), doc="Visible width, in characters.")
    auto_grow = param.Boolean(default=False, doc="""
        Whether the area grows with its text (from ``rows`` up to ``max_rows``).""")
    max_rows = param.Integer(default=None, allow_None=True, bounds=(1, None), doc="""
        With ``auto_grow``, the most lines the area grows to (None: no limit).""")
    resizable: str | bool = param.Selector(  # type: ignore[assignment]
        default="both", objects=["both", "width", "height", False],
                               doc="In which directions the user can resize the area.")

    view_kind: ClassVar[str] = "TextAreaInput"
    view_params: ClassVar[tuple[str, ...]] = (
        *_Text.view_params, "rows", "cols", "auto_grow", "max_rows", "resizable")


class StaticText(Widget):
    """A value shown as read-only text beside its label (``label: value``).

    ``value`` may be any object; it is shown as ``str(value)`` (None shows nothing), and
    always as text: ``'<b>x</b>'`` shows those characters, never bold.

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.widgets.StaticText(name='Model', value='<b>v2</b>').view_props()['text']
    '<b>v2</b>'
    """

    value = param.Parameter(default=None, doc="The value shown (as text).")

    view_kind: ClassVar[str] = "StaticText"

    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        props["text"] = "" if self.value is None else str(self.value)
        return props
