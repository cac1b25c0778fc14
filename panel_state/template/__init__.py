"""Templates: a whole page with a header bar, a sidebar, a main area and a modal.

There is one template, :class:`Template`; every name Panel has for a template
(``MaterialTemplate``, ``BootstrapTemplate``, ``FastListTemplate``...) is it, with
the defaults and keywords of that name (see :mod:`panel_state.template.names`).
``pn.config.template = 'material'`` (or ``pn.extension(template='material')``) gives
every session a template of that name, ``pn.state.template``, which
``obj.servable(area='sidebar')`` fills.

Examples
--------
>>> import panel_state as pn
>>> page = pn.template.MaterialTemplate(title='Dashboard')
>>> page.sidebar.append(pn.widgets.IntSlider(name='n', start=0, end=10))
>>> page.main.append(pn.Card('Numbers go here', title='Results'))
>>> page.header_background = '#1f77b4'
"""

from __future__ import annotations

from .base import DarkTheme, DefaultTheme, Template
from .names import (
    BaseTemplate,
    BootstrapTemplate,
    EditableTemplate,
    FastGridTemplate,
    FastListTemplate,
    GoldenTemplate,
    MaterialTemplate,
    ReactTemplate,
    SlidesTemplate,
    VanillaTemplate,
)

__all__ = [
    "BaseTemplate",
    "BootstrapTemplate",
    "DarkTheme",
    "DefaultTheme",
    "EditableTemplate",
    "FastGridTemplate",
    "FastListTemplate",
    "GoldenTemplate",
    "MaterialTemplate",
    "ReactTemplate",
    "SlidesTemplate",
    "Template",
    "VanillaTemplate",
]

