"""Buttons: Button (clicks, ``on_click``) and Toggle (a pressed state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import param

from ..context import current_session
from ..errors import describe
from ..execution import run
from .base import BUTTON_TYPES, Widget

__all__ = ["Button", "Toggle"]


#: Panel's button looks and tooltip, taken and ignored (with a warning).
_BUTTON_LOOKS = frozenset({"button_style", "color", "description", "icon", "icon_size",
                           "variant"})


class Button(Widget):
    """A button; ``clicks`` counts clicks and ``on_click`` callbacks run on each one.

    Examples
    --------
    >>> import panel_state as pn
    >>> button = pn.widgets.Button(label='Click me!',
    ...                            on_click=lambda event: print('clicked', event.new))
    >>> button.apply_client_change('clicks', None)
    clicked 1
    """

    clicks = param.Integer(default=0, bounds=(0, None), doc="Number of clicks so far.")
    value = param.Event(doc="""
        Triggered on every click: True while its watchers run, False otherwise, so
        ``pn.bind(fn, button)`` calls ``fn(True)`` on each click (``fn(False)`` first).""")
    button_type: str = param.Selector(  # type: ignore[assignment]
        default="default", objects=list(BUTTON_TYPES), doc="Colour scheme of the button.")

    view_kind: ClassVar[str] = "Button"
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "clicks", "button_type")
    view_actions: ClassVar[tuple[str, ...]] = ("clicks",)
    _event_params: ClassVar[tuple[str, ...]] = ("clicks",)
    _panel_ignored: ClassVar[frozenset[str]] = _BUTTON_LOOKS | {"description_delay"}

    def __init__(self, on_click: Callable[[param.parameterized.Event], Any] | None = None,
                 **params: Any) -> None:
        """``on_click``: a callback to register at once, as ``button.on_click(...)`` does.

        Raises
        ------
        TypeError
            When ``on_click`` is given and not callable (no button is made).
        """
        if on_click is not None:
            _check_callback(on_click)
        super().__init__(**params)
        self.param.watch(self._clicked, "clicks", onlychanged=False)
        if on_click is not None:
            self.on_click(on_click)

    def _from_client(self, name: str, value: Any) -> Any:
        # A click carries no value: each event is exactly one more click.
        return self.clicks + 1

    def _clicked(self, event: param.parameterized.Event) -> None:
        self.param.trigger("value")

    def on_click(self, callback: Callable[[param.parameterized.Event], Any]) -> Any:
        """Run ``callback(event)`` on every click.

        Each callback runs isolated, with the current session active and counted in
        its busy state (until the coroutine finishes, for async callbacks); one that
        raises is logged and never stops the others.

        Parameters
        ----------
        callback : callable
            Sync or async function taking the param ``Event`` of ``clicks``.

        Returns
        -------
        param.parameterized.Watcher
            Pass it to ``button.param.unwatch`` to remove the callback.

        Raises
        ------
        TypeError
            When ``callback`` is not callable.
        """
        _check_callback(callback)
        what = f"on_click callback {describe(callback)}"

        def clicked(event: param.parameterized.Event) -> None:
            run(callback, event, session=current_session(), what=what, kind="event", busy=True)

        return self.param.watch(clicked, "clicks", onlychanged=False)


def _check_callback(callback: Any) -> None:
    if not callable(callback):
        raise TypeError(
            f"Button.on_click needs a callable taking the click event, got "
            f"{type(callback).__name__} {callback!r}."
        )


class Toggle(Widget):
    """A button that stays pressed: ``value`` is True while it is down."""

    value = param.Boolean(default=False, doc="True while the toggle is pressed.")
    button_type: str = param.Selector(  # type: ignore[assignment]
        default="default", objects=list(BUTTON_TYPES), doc="Colour scheme of the button.")

    view_kind: ClassVar[str] = "Toggle"
    view_params: ClassVar[tuple[str, ...]] = (*Widget.view_params, "value", "button_type")
    _event_params: ClassVar[tuple[str, ...]] = ("value",)
    _panel_ignored: ClassVar[frozenset[str]] = _BUTTON_LOOKS
