"""Widgets for params: which widget shows a param, made and linked to it.

:func:`widget_type` picks the widget for a param's type (:data:`MAPPING`, most specific
type first); :func:`link_param` makes it, fills in what the param knows (label, value,
bounds, step, options, whether it is constant) and links the two with a
:class:`~panel_state.widgets.paramlink.ParamLink`.
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

import param

from .base import Widget
from .buttons import Button
from .dates import DatePicker
from .inputs import Checkbox, StaticText, TextInput
from .numbers import FloatInput, IntInput
from .paramlink import ParamLink, equal, to_widget
from .select import MultiSelect, Select
from .sliders import FloatSlider, IntRangeSlider, IntSlider, RangeSlider

__all__ = ["INPUTS", "MAPPING", "from_param", "link_param", "widget_type"]

#: The widget for each param type; a param takes the entry of its most specific type.
#: Types with no editing widget (Dict, List, Callable, ClassSelector...) fall back to
#: :class:`StaticText`, which shows the value read-only.
MAPPING: dict[type[param.Parameter], type[Widget]] = {
    param.Parameter: StaticText,
    param.Action: Button,
    param.Event: Button,
    param.Boolean: Checkbox,
    param.Integer: IntSlider,
    param.Number: FloatSlider,
    param.Date: DatePicker,
    param.CalendarDate: DatePicker,
    param.Range: RangeSlider,
    param.Selector: Select,
    param.ObjectSelector: Select,
    param.ListSelector: MultiSelect,
    param.String: TextInput,
    param.Color: TextInput,
    param.Path: TextInput,
}

#: The widgets for numbers without both bounds (a slider needs both).
INPUTS: dict[type, type[Widget]] = {int: IntInput, float: FloatInput}


def widget_type(parameter: param.Parameter) -> type[Widget]:
    """The widget class :class:`panel_state.Param` uses for ``parameter``."""
    for cls in type(parameter).__mro__:
        if cls in MAPPING:
            chosen = MAPPING[cls]
            break
    else:
        chosen = StaticText
    if chosen is RangeSlider and _whole_range(parameter):
        return IntRangeSlider
    if chosen in (IntSlider, FloatSlider):
        start, end = parameter.get_soft_bounds()
        if start is None or end is None:
            return INPUTS[int if chosen is IntSlider else float]
    return chosen


def _whole_range(parameter: Any) -> bool:
    owner, name = parameter.owner, parameter.name
    values = [*(getattr(owner, name) or ()), *parameter.get_soft_bounds()]
    return bool(values) and all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                for v in values if v is not None)


def _derived(parameter: Any, cls: type[Widget], show_label: bool,
             hide_constant: bool) -> dict[str, Any]:
    """The widget keywords ``parameter`` implies, for the params ``cls`` has."""
    owner, name = parameter.owner, parameter.name
    fixed = bool(parameter.constant or parameter.readonly)
    kw: dict[str, Any] = {"disabled": fixed}
    if show_label or issubclass(cls, Button):
        kw["name"] = parameter.label or ""
    if hide_constant:
        kw["visible"] = not fixed
    if hasattr(parameter, "get_range") and "options" in cls.param:
        kw["options"] = dict(parameter.get_range())
    if hasattr(parameter, "get_soft_bounds"):
        start, end = parameter.get_soft_bounds()
        low_in, high_in = getattr(parameter, "inclusive_bounds", (True, True))
        if isinstance(parameter, param.Integer):
            start = start + 1 if start is not None and not low_in else start
            end = end - 1 if end is not None and not high_in else end
        kw.update({k: v.date() if isinstance(v, dt.datetime) and issubclass(cls, DatePicker)
                   else v for k, v in (("start", start), ("end", end)) if v is not None})
    if getattr(parameter, "step", None) and "step" in cls.param:
        kw["step"] = parameter.step
    value = to_widget(cls, getattr(owner, name))
    # A button shows no value: its ``value`` is the click event, not the action.
    value_param = cls.param["value"] if "value" in cls.param and \
        not issubclass(cls, Button) else None
    if value_param is not None and (value is not None or value_param.allow_None):
        kw["value"] = value
    if isinstance(kw.get("options"), dict) and kw.get("value") is not None:
        # A value the param allows but does not list (check_on_set=False) stays choosable.
        chosen = kw["value"] if isinstance(value_param, param.List) else [kw["value"]]
        listed = list(kw["options"].values())
        for v in chosen:
            if not any(equal(v, o) for o in listed):
                kw["options"][str(v)] = v
    return {k: v for k, v in kw.items() if k in cls.param}




Spec = type[Widget] | Widget | dict[str, Any] | None


def link_param(parameter: param.Parameter, spec: Spec = None, *, show_label: bool = True,
               hide_constant: bool = False) -> tuple[Widget, ParamLink]:
    """Make (or take) the widget for ``parameter`` and link them; return both.

    ``spec`` is what ``pn.Param(widgets={name: spec})`` takes: None (the default widget),
    a widget class, a widget instance (linked, and set to the object's value if it can
    show it), or a dict
    ``{'type': cls, **keywords}`` (``'widget_type'`` also names the class; Panel's
    ``throttled=True`` links ``value_throttled``; ``onkeyup`` is accepted and ignored).
    """
    if not isinstance(parameter, param.Parameter) or parameter.owner is None \
            or parameter.name is None:
        raise TypeError(
            f"from_param needs a param of a Parameterized (e.g. obj.param.x), got "
            f"{type(parameter).__name__} {parameter!r}.")
    keywords: dict[str, Any] = {}
    if isinstance(spec, dict):
        keywords = dict(spec)
        spec = keywords.pop("type", None) or keywords.pop("widget_type", None)
    throttled = bool(keywords.pop("throttled", False))
    keywords.pop("onkeyup", None)  # value_input (every key press) is not sent separately
    if isinstance(spec, Widget):
        widget = spec
        if keywords:
            widget.param.update(**keywords)
    else:
        cls = widget_type(parameter) if spec is None else spec
        if not (isinstance(cls, type) and issubclass(cls, Widget)):
            raise TypeError(
                f"The widget for {type(parameter.owner).__name__}.{parameter.name} must be "
                f"a widget class, a widget or a {{'type': cls, ...}} dict, got {cls!r}.")
        if "label" in keywords and "name" not in keywords:
            keywords["name"] = keywords.pop("label")
        widget = cls(**{**_derived(parameter, cls, show_label, hide_constant), **keywords})
    watch = "value_throttled" if throttled and "value_throttled" in widget.param else "value"
    link = ParamLink(widget, parameter, watch=watch, show_label=show_label,
                     hide_constant=hide_constant)
    if isinstance(spec, Widget):
        try:
            link.sync()
        except (ValueError, TypeError):  # e.g. a Select given no options yet: as in Panel,
            pass  # the widget keeps its own value until the object's value changes
    return widget, link


def from_param(parameter: param.Parameter, widget_class: type[Widget] | None = None,
               **params: Any) -> Widget:
    """The widget for ``parameter``, linked to it both ways; see ``Widget.from_param``."""
    spec: dict[str, Any] = dict(params)
    if widget_class is not None:
        spec["type"] = widget_class
    return link_param(parameter, spec)[0]

