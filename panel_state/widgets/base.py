"""Widget: the base of every input -- a label, ``disabled``, ``visible``, client events.

Importing this module registers one reference transform with param for the whole
process, as Panel does: wherever param resolves references (``pn.bind(fn, widget)``,
``pn.depends(widget)``, a component param given a widget), a widget stands for its
``value`` param.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Self

import param

from .._params import validate
from ..compat import warn_unsupported
from ..context import current_session
from ..errors import handle_exception
from ..viewable import Viewable

__all__ = ["BUTTON_TYPES", "Widget"]

BUTTON_TYPES = ["default", "primary", "success", "warning", "danger", "light"]

#: ``check(name, value)``: raises ValueError/TypeError for a client value to refuse.
ClientCheck = Callable[[str, Any], None]


class Widget(Viewable):
    """Base class of widgets: a label, ``disabled``, ``visible`` and client events."""

    name = param.String(default="", constant=False, doc="The label shown with the widget.")
    label = param.String(default="", doc="""
        The label shown with the widget: the same as ``name`` (Panel 1.x's name for it);
        setting either sets both.""")
    disabled = param.Boolean(default=False, doc="Whether the user can interact with it.")
    value = param.Parameter(default=None, doc="""
        The widget's value; each widget declares its own kind (a number, a text...).""")

    view_params: ClassVar[tuple[str, ...]] = ("name", "visible", "disabled")
    #: Keywords Panel accepts on this widget that it takes and ignores, warning once.
    _panel_ignored: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params: Any) -> None:
        for key in sorted(self._panel_ignored & params.keys()):
            params.pop(key)
            warn_unsupported(f"pn.widgets.{type(self).__name__}", key)
        if "label" in params and "name" in params and params["label"] != params["name"]:
            raise ValueError(
                f"{type(self).__name__} got name={params['name']!r} and "
                f"label={params['label']!r}; they are the same label: pass one of them.")
        # param would otherwise invent a name, e.g. 'Button00003'.
        label = params.get("label", params.get("name", ""))
        params["name"] = params["label"] = label
        super().__init__(**params)
        self._client_checks: list[ClientCheck] = []

    @classmethod
    def from_param(cls, parameter: param.Parameter, **params: Any) -> Self:
        """A widget for ``parameter`` (``obj.param.x``), linked to it both ways.

        Called on a widget class (``pn.widgets.IntInput.from_param(...)``) it makes that
        class; called on ``Widget`` it picks the widget for the param's type, as
        :class:`panel_state.Param` does. Keyword arguments override what is derived
        from the param (label, bounds, options...). A read-only or constant param
        gives a disabled widget that follows the object and never writes to it.

        Raises
        ------
        TypeError
            When ``parameter`` is not a param of a Parameterized.

        Examples
        --------
        >>> import panel_state as pn
        >>> cb = pn.PeriodicCallback(callback=print, period=500)
        >>> period = pn.widgets.Widget.from_param(cb.param.period)
        >>> type(period).__name__, period.value, period.start
        ('IntInput', 500, 1)
        >>> period.value = 250
        >>> cb.period
        250
        """
        # Deferred import: the param-to-widget table needs every widget class, and
        # their modules import this one.
        from .params import from_param

        return from_param(parameter, None if cls is Widget else cls, **params)  # type: ignore[return-value]

    def add_client_check(self, check: ClientCheck) -> None:
        """Refuse client values for which ``check(name, value)`` raises.

        Used by links to a param (:meth:`from_param`), so a value the param would
        refuse is refused before the widget takes it.
        """
        self._client_checks.append(check)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in ("name", "label"):
            other = "label" if name == "name" else "name"
            current = getattr(self, name)  # the value, also when a reference was given
            if other in self.param and getattr(self, other) != current:
                super().__setattr__(other, current)  # one label, two names for it

    def _label(self) -> str:
        return f"{type(self).__name__} {self.name!r}" if self.name else type(self).__name__

    def _from_client(self, name: str, value: Any) -> Any:
        """Turn a value as the client sends it into the param's value."""
        return value

    def apply_client_change(self, name: str, value: Any) -> None:
        """Apply a change sent by the client.

        Raises
        ------
        ValueError, TypeError
            For a param the client may not set, a disabled widget, or a value the
            param rejects; the widget is left unchanged.
        """
        if name not in self._event_params:
            super().apply_client_change(name, value)  # raises the contract's error
        if self.disabled:
            raise ValueError(
                f"{self._label()} is disabled and ignores client changes to {name!r}; "
                "set disabled=False to accept them."
            )
        value = self._from_client(name, value)
        if name in self._coerced:
            value = self._coerce(name, value)
        validate(self.param[name], value)
        for check in self._client_checks:
            check(name, value)
        self._apply_client_value(name, value)

    def _apply_client_value(self, name: str, value: Any) -> None:
        try:
            setattr(self, name, value)
        except Exception as exc:
            # The value was validated above, so this came from a user's watcher.
            handle_exception(exc, f"watcher of {self._label()}.{name}", current_session(),
                             "watcher")


def _widget_value(obj: Any) -> Any:
    # pn.bind(fn, widget) and pn.depends(widget) mean "the widget's value", as in Panel.
    if isinstance(obj, Widget) and "value" in obj.param:
        return obj.param.value
    return obj


param.parameterized.register_reference_transform(_widget_value)
