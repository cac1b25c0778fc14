"""Template: a whole page -- a header bar, a sidebar, a main area and a modal dialog.

Each area is a layout: ``template.main.append(...)``, ``template.sidebar.extend(...)``,
``template.header[:] = [...]``, ``template.modal.append(...)``; ``open_modal()`` and
``close_modal()`` show and hide the dialog (its close button and Escape hide it too).
A session shows a template as its page: ``template.servable()``, or
``obj.servable(area='sidebar')`` into the session's template (``pn.state.template``,
made on first use from ``pn.config.template``). The browser tab's title follows
``template.title``.

Examples
--------
>>> import panel_state as pn
>>> page = pn.template.Template(title='Sales', sidebar=[pn.widgets.Select(options=['a', 'b'])])
>>> page.main.append('# Figures')
>>> [type(area).__name__ for area in page.view_children()]
['Row', 'Column', 'Column', 'Column']
>>> page.open_modal(); page.modal_open
True
"""

from __future__ import annotations

from typing import Any, ClassVar

import param

from ..compat import warn_unsupported
from ..config import config
from ..context import current_session
from ..layout import Column, ListLike, Row
from ..layout.css import css_color, css_length, image_uri, web_url
from ..pages import show_template
from ..reactive import panel
from ..viewable import Viewable

__all__ = ["AREAS", "COMMON_IGNORED", "THEMES", "DarkTheme", "DefaultTheme", "Template"]

#: The areas ``.servable(area=...)`` can put a component in.
AREAS = ("main", "sidebar", "header", "modal")

#: Keywords of Panel's templates that are accepted and not acted on, and why.
COMMON_IGNORED = {
    "busy_indicator": "the page shows no busy indicator in the header",
    "manifest": "the page has no web manifest",
    "meta_description": "the page has no meta tags",
    "meta_keywords": "the page has no meta tags",
    "meta_author": "the page has no meta tags",
    "meta_refresh": "the page has no meta tags",
    "meta_viewport": "the page has no meta tags",
    "base_url": "the page has no <base> element",
    "base_target": "the page has no <base> element",
    "notifications": "toasts go to pn.state.notifications",
    "config": "per-template resources are not loaded",
    "design": "the one template has one design",
    "location": "every session has its Location",
}


class DefaultTheme:
    """The light theme (``theme='default'``)."""

    name = "default"


class DarkTheme:
    """The dark theme (``theme='dark'``)."""

    name = "dark"


#: Theme names and the classes standing for them.
THEMES = {"default": DefaultTheme, "dark": DarkTheme}


def _area(value: Any, cls: type[ListLike], owner: str, name: str) -> ListLike:
    """``value`` as an area layout: a layout as is, else its items in a new one."""
    if isinstance(value, ListLike):
        return value
    if value is None:
        return cls()
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    try:
        return cls(*[panel(item) for item in items])
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{owner}({name}=...): {exc}") from None


class Template(Viewable):
    """A page with a header bar, a collapsible sidebar, a main area and a modal dialog.

    Every area is a layout (``header`` a Row, the others Columns) that can change at
    any time. ``modal_open`` follows the browser (its close button, a click beside the
    dialog, Escape) and the browser follows it.
    """

    title = param.String(default="Panel Application", doc="""
        The title in the header bar, and the browser tab's title.""")
    header = param.ClassSelector(class_=ListLike, constant=True, doc="""
        The components in the header bar, after the title (a Row).""")
    sidebar = param.ClassSelector(class_=ListLike, constant=True, doc="""
        The components in the sidebar (a Column); the sidebar shows when it has any.""")
    main = param.ClassSelector(class_=ListLike, constant=True, doc="""
        The components of the main area (a Column).""")
    modal = param.ClassSelector(class_=ListLike, constant=True, doc="""
        The components of the modal dialog (a Column), shown by ``open_modal()``.""")
    modal_open = param.Boolean(default=False, doc="""
        Whether the modal dialog is shown; ``open_modal()``/``close_modal()`` set it and
        so does the browser when the user closes the dialog.""")
    collapsed_sidebar = param.Boolean(default=False, constant=True, doc="""
        Whether the sidebar starts collapsed (the header's button toggles it).""")
    sidebar_width = param.Integer(default=330, bounds=(0, None), doc="""
        The sidebar's width in pixels.""")
    main_max_width = param.String(default="", doc="""
        The main area's largest width as a CSS length ('800px', '80%'), or '' for none.""")
    header_background = param.String(default=None, allow_None=True, doc="""
        A CSS colour for the header bar's background, or None for the default.""")
    header_color = param.String(default=None, allow_None=True, doc="""
        A CSS colour for the header bar's text, or None for the default.""")
    logo = param.String(default="", doc="""
        An image shown in the header bar: a URL, a data URI, or a local image file (sent
        inline). '' for none.""")
    favicon = param.String(default=None, allow_None=True, doc="""
        The browser tab's icon: a URL, a data URI, or a local image file. None keeps the
        default icon.""")
    site = param.String(default="", doc="""
        The site's name, shown in the header bar before the title.""")
    site_url = param.String(default="/", doc="""
        Where the logo and site name link to: an http(s) URL or a path on this site.""")
    theme: str = param.Selector(  # type: ignore[assignment]
        default="default", objects=list(THEMES), doc="""
        'default' (light) or 'dark'; ``DefaultTheme``/``DarkTheme`` are accepted too.""")

    view_kind: ClassVar[str] = "Template"
    view_params: ClassVar[tuple[str, ...]] = (
        "title", "modal_open", "collapsed_sidebar", "sidebar_width", "main_max_width",
        "header_background", "header_color", "logo", "favicon", "site", "site_url", "theme")
    _event_params: ClassVar[tuple[str, ...]] = ("modal_open",)
    _coerced: ClassVar[frozenset[str]] = frozenset({
        "header_background", "header_color", "logo", "favicon", "site_url", "theme",
        "main_max_width"})
    #: The areas in display order and the layout each one starts as.
    view_areas: ClassVar[dict[str, type[ListLike]]] = {
        "header": Row, "sidebar": Column, "main": Column, "modal": Column}
    #: Panel keywords this template accepts without acting on them, and why.
    view_ignored: ClassVar[dict[str, str]] = COMMON_IGNORED
    #: What Panel draws for this template's name that panel_state does not, or ''.
    view_style_note: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        where = f"pn.template.{type(self).__name__}"
        for name in [n for n in params if n in self.view_ignored and n not in self.param]:
            params.pop(name)
            warn_unsupported(where, name, self.view_ignored[name] + ".")
        if self.view_style_note:
            warn_unsupported("pn.template", type(self).__name__, self.view_style_note)
        for name, cls in self.view_areas.items():
            params[name] = _area(params.get(name), cls, type(self).__name__, name)
        super().__init__(**params)

    def _coerce(self, name: str, value: Any) -> Any:
        owner = type(self).__name__
        if name in ("header_background", "header_color"):
            return css_color(owner, name, value)
        if name in ("logo", "favicon"):
            return None if value is None and name == "favicon" else image_uri(owner, name, value)
        if name == "site_url":
            return web_url(owner, name, value) or "/"
        if name == "main_max_width":
            return css_length(owner, name, value)
        if name == "theme" and isinstance(value, type):
            return getattr(value, "name", value)
        return value

    # -- rendering contract ----------------------------------------------------------------
    def view_props(self) -> dict[str, Any]:
        props = super().view_props()
        props["areas"] = list(self.view_areas)
        return props

    def view_children(self) -> list[Viewable]:
        return [getattr(self, name) for name in self.view_areas]

    def view_add(self, obj: Any, area: str = "main", title: str | None = None) -> None:
        """Put ``obj`` in ``area`` (what ``obj.servable(area=...)`` does with a template).

        A ``title`` names the page unless the template already has a title of its own.

        Raises
        ------
        ValueError
            For an area the template does not have.
        """
        if area not in self.view_areas:
            raise ValueError(f"{type(self).__name__} has no area {area!r}; the areas are "
                             f"{list(self.view_areas)}.")
        getattr(self, area).append(obj)
        if title and self.title == self.param["title"].default:
            self.title = title

    def view_title(self, fallback: str | None) -> str | None:
        """The page title: ``title`` if it was set, else ``fallback``, else the default."""
        if self.title != self.param["title"].default or not fallback:
            return self.title
        return fallback

    # -- user API ----------------------------------------------------------------------------
    def open_modal(self) -> None:
        """Show the modal dialog (the ``modal`` area)."""
        self.modal_open = True

    def close_modal(self) -> None:
        """Hide the modal dialog."""
        self.modal_open = False

    def servable(self, title: str | None = None, location: bool = True, area: str = "main",
                 target: str | None = None) -> Template:
        """Show this template as the current session's page; returns it.

        Outside a session it does nothing, so the script runs in plain Python too.

        Raises
        ------
        RuntimeError
            When ``pn.config.template`` is set (the session has its own template then:
            add components to ``pn.state.template`` or drop the setting), or the
            session already shows another template.
        """
        session = current_session()
        if session is None:
            return self
        if config.template is not None:
            raise RuntimeError(
                f"{type(self).__name__}.servable(): pn.config.template is "
                f"{config.template!r}, so the session has a template of its own; add "
                "components to pn.state.template (or use .servable(area=...)), or build "
                "the template yourself and leave pn.config.template unset.")
        show_template(session, self)
        if title and self.title == self.param["title"].default:
            self.title = title
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}(title={self.title!r})"
