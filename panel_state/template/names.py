"""Panel's template names, each drawn as panel_state's one template.

Panel code picks a template by name -- ``pn.template.MaterialTemplate(...)``,
``pn.extension(template='fast')`` -- and every name works here: each is a
:class:`~panel_state.template.base.Template` with the defaults and keywords of its
Panel namesake. What a name adds beyond the common page (Fast's accent colour,
FastList's right sidebar) is drawn; what panel_state does not draw (a golden-layout,
draggable grid cells, reveal.js slides, fonts and shadows) is accepted with one
:class:`~panel_state.compat.UnsupportedWarning` per name and process saying so.

Examples
--------
>>> import panel_state as pn
>>> page = pn.template.FastListTemplate(title='Report', accent='#d62728')
>>> page.accent_base_color, page.header_background
('#d62728', '#d62728')
"""

from __future__ import annotations

from typing import Any, ClassVar, SupportsIndex

import param

from ..compat import warn_unsupported
from ..config import config
from ..layout import Column, ListLike, Row
from ..layout.css import css_color
from ..pages import set_template_factory
from .base import COMMON_IGNORED as _COMMON_IGNORED
from .base import Template

__all__ = ["TEMPLATES", "BaseTemplate", "BootstrapTemplate", "EditableTemplate",
           "FastGridTemplate", "FastListTemplate", "GoldenTemplate", "GridArea",
           "MaterialTemplate", "ReactTemplate", "SlidesTemplate", "VanillaTemplate",
           "make_template"]

_FAST_IGNORED = {
    name: "the Fast design system is not drawn" for name in (
        "corner_radius", "font", "font_url", "header_neutral_color",
        "header_accent_base_color", "neutral_color", "theme_toggle", "shadow",
        "sidebar_footer", "main_layout", "right_sidebar_footer")
}
_GRID_IGNORED = {
    name: "main is a column here, not a draggable grid" for name in (
        "cols", "breakpoints", "row_height", "dimensions", "prevent_collision", "save_layout")
}


#: Panel's name for the base of its templates.
BaseTemplate = Template


class VanillaTemplate(Template):
    """Panel's plain template."""


class BootstrapTemplate(Template):
    """Panel's Bootstrap-styled template: a wider sidebar."""

    sidebar_width = param.Integer(default=350, bounds=(0, None), doc="""
        The sidebar's width in pixels.""")


class MaterialTemplate(Template):
    """Panel's Material-styled template: a wider sidebar."""

    sidebar_width = param.Integer(default=370, bounds=(0, None), doc="""
        The sidebar's width in pixels.""")


class _Fast(Template):
    """What Panel's Fast templates share: an accent colour and a page background."""

    accent_base_color = param.String(default="#0072B5", doc="""
        The accent colour of controls and links (CSS colour); ``accent=`` sets it and
        ``header_background`` at once.""")
    background_color = param.String(default=None, allow_None=True, doc="""
        A CSS colour for the page background, or None for the theme's.""")

    view_ignored: ClassVar[dict[str, str]] = {**_COMMON_IGNORED, **_FAST_IGNORED}
    view_params: ClassVar[tuple[str, ...]] = (
        *Template.view_params, "accent_base_color", "background_color")
    _coerced: ClassVar[frozenset[str]] = frozenset({
        "header_background", "header_color", "logo", "favicon", "site_url", "theme",
        "main_max_width", "accent_base_color", "background_color"})

    def __init__(self, **params: Any) -> None:
        if "accent" in params:
            accent = params.pop("accent")
            params.setdefault("accent_base_color", accent)
            params.setdefault("header_background", accent)
        super().__init__(**params)

    def _coerce(self, name: str, value: Any) -> Any:
        if name in ("accent_base_color", "background_color"):
            return css_color(type(self).__name__, name, value)
        return super()._coerce(name, value)


class FastListTemplate(_Fast):
    """Panel's Fast list template: a right sidebar besides the left one."""

    right_sidebar = param.ClassSelector(class_=ListLike, constant=True, doc="""
        The components of the right sidebar (a Column); it shows when it has any.""")
    right_sidebar_width = param.Integer(default=330, bounds=(0, None), doc="""
        The right sidebar's width in pixels.""")

    view_params: ClassVar[tuple[str, ...]] = (*_Fast.view_params, "right_sidebar_width")
    view_areas: ClassVar[dict[str, type[ListLike]]] = {
        **Template.view_areas, "right_sidebar": Column}


class GridArea(Column):
    """The main area of Panel's grid templates, as a column.

    ``main[row, col] = obj`` (slices too) places ``obj``: here below the objects placed
    before it, and in place of the object set at the same ``[row, col]`` before.
    """

    view_kind: ClassVar[str] = "Column"

    def __init__(self, *objects: Any, **params: Any) -> None:
        self._cells: dict[str, Any] = {}
        super().__init__(*objects, **params)

    def __setitem__(self, index: SupportsIndex | slice | tuple[Any, ...], obj: Any) -> None:
        if not isinstance(index, tuple):
            super().__setitem__(index, obj)
            return
        warn_unsupported("pn.template", "grid cells",
                         "Objects set at main[row, col] are stacked in a column in the "
                         "order they are set.")
        key = str(index)
        previous = self._cells.get(key)
        at = next((i for i, o in enumerate(self.objects) if o is previous), None)
        if at is None:
            self.append(obj)
        else:
            super().__setitem__(at, obj)
        self._cells[key] = self.objects[len(self.objects) - 1 if at is None else at]


class ReactTemplate(Template):
    """Panel's react-grid-layout template; its grid cells stack in one column here."""

    view_ignored: ClassVar[dict[str, str]] = {**_COMMON_IGNORED, **_GRID_IGNORED}
    view_areas: ClassVar[dict[str, type[ListLike]]] = {
        "header": Row, "sidebar": Column, "main": GridArea, "modal": Column}


class FastGridTemplate(_Fast):
    """Panel's Fast grid template; its grid cells stack in one column here."""

    view_ignored: ClassVar[dict[str, str]] = {**_Fast.view_ignored, **_GRID_IGNORED}
    view_areas: ClassVar[dict[str, type[ListLike]]] = ReactTemplate.view_areas


class GoldenTemplate(Template):
    """Panel's golden-layout template; its main objects show one under another here."""

    view_style_note: ClassVar[str] = (
        "Its golden-layout (draggable, tabbed panels) is drawn as panel_state's one "
        "template: main objects one under another.")


class EditableTemplate(VanillaTemplate):
    """Panel's editable template; objects cannot be dragged or resized here."""

    view_ignored: ClassVar[dict[str, str]] = {
        **_COMMON_IGNORED, "editable": "objects cannot be dragged or resized",
        "layout": "objects cannot be dragged or resized",
        "local_save": "objects cannot be dragged or resized"}
    view_style_note: ClassVar[str] = (
        "Its drag-and-resize editing is not drawn: main objects show one under another.")


class SlidesTemplate(VanillaTemplate):
    """Panel's reveal.js slides template; its slides show one under another here."""

    view_ignored: ClassVar[dict[str, str]] = {
        **_COMMON_IGNORED, "reveal_config": "there are no reveal.js slides",
        "show_header": "there are no reveal.js slides"}
    view_style_note: ClassVar[str] = (
        "Its reveal.js slides are drawn as panel_state's one template: main objects "
        "one under another.")


#: ``pn.config.template`` names and the template each one makes (Panel's table).
TEMPLATES: dict[str, type[Template]] = {
    "bootstrap": BootstrapTemplate,
    "editable": EditableTemplate,
    "fast": FastListTemplate,
    "fast-list": FastListTemplate,
    "golden": GoldenTemplate,
    "material": MaterialTemplate,
    "slides": SlidesTemplate,
    "vanilla": VanillaTemplate,
}


def make_template() -> Template:
    """A new template of the kind ``pn.config.template`` names (the plain one if none)."""
    name = config.template
    return Template() if name is None else TEMPLATES[name]()


# How a session makes its template (pn.state.template, .servable(area=...)).
set_template_factory(make_template)
