"""Widgets: the inputs a session shows, each a Parameterized with a ``value``-like param.

The indicators (:mod:`panel_state.indicators`) are here too, as in Panel.

Every widget has ``name`` (its label), ``disabled`` and ``visible``. The browser sends
changes through ``apply_client_change``: the value is checked first (a bad one raises
``ValueError``/``TypeError`` and changes nothing), then applied; an exception raised by
a user's watcher while applying it is logged and handed to ``config.exception_handler``
so the widget keeps working. ``Widget.from_param(obj.param.x)`` makes the widget for a
param, linked to it both ways.

Examples
--------
>>> import panel_state as pn
>>> select = pn.widgets.Select(options={'Apple': 1, 'Banana': 2})
>>> select.value
1
>>> select.apply_client_change('value', 'Banana')
>>> select.value, select.view_props()['value']
(2, 'Banana')
"""

from __future__ import annotations

# Panel keeps its indicators among the widgets too.
from ..indicators.number import Number
from ..indicators.progress import Progress
from ..indicators.spinner import LoadingSpinner
from .base import Widget
from .buttons import Button, Toggle
from .dates import DatePicker
from .inputs import Checkbox, PasswordInput, StaticText, Switch, TextAreaInput, TextInput
from .numbers import FloatInput, IntInput, NumberInput, Spinner
from .select import CheckBoxGroup, MultiSelect, RadioButtonGroup, Select
from .sliders import FloatSlider, IntRangeSlider, IntSlider, RangeSlider

__all__ = [
    "Button",
    "CheckBoxGroup",
    "Checkbox",
    "DatePicker",
    "FloatInput",
    "FloatSlider",
    "IntInput",
    "IntRangeSlider",
    "IntSlider",
    "LoadingSpinner",
    "MultiSelect",
    "Number",
    "NumberInput",
    "PasswordInput",
    "Progress",
    "RadioButtonGroup",
    "RangeSlider",
    "Select",
    "Spinner",
    "StaticText",
    "Switch",
    "TextAreaInput",
    "TextInput",
    "Toggle",
    "Widget",
]
