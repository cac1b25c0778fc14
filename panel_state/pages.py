"""A session's page: the roots it shows, or the one template it shows them in.

A session shows its roots one under another until it has a template
(``pn.state.template``, ``template.servable()``, ``obj.servable(area=...)`` or a
``pn.config.template``); from then on the template is its one root and
``.servable()`` puts components in the template's areas. The template package
installs how a session makes its template (:func:`set_template_factory`); this module
knows a template only by the two methods it calls, ``view_add`` and ``view_title``.

Examples
--------
>>> import panel_state as pn
>>> from panel_state import pages
>>> from panel_state.testing import session
>>> with session() as s:
...     _ = pn.pane.Str('first').servable()
...     template = pages.template_of(s)
...     [type(r).__name__ for r in s.roots], len(template.main)
(['Template'], 1)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["page_title", "set_template_factory", "show_template", "template_of"]

_factory: Callable[[], Any] | None = None


def set_template_factory(factory: Callable[[], Any] | None) -> None:
    """Install how a session makes its template on first use (``factory()``)."""
    global _factory
    _factory = factory


def show_template(session: Any, template: Any) -> None:
    """Show ``template`` as ``session``'s page: it becomes the one root, and the roots
    shown before move into its main area.

    Raises
    ------
    RuntimeError
        When the session already shows another template.
    """
    if session.template is template:
        return
    if session.template is not None:
        raise RuntimeError(
            f"This session already shows {session.template!r} as its page, and a session "
            f"shows one template, so {template!r} cannot be shown too; add components to "
            "pn.state.template instead.")
    earlier = [root for root in session.roots if root is not template]
    session.template = template
    session.roots[:] = [template]
    for root in earlier:
        template.view_add(root, "main")


def template_of(session: Any) -> Any:
    """``session``'s template, made (of the kind ``pn.config.template`` names) and shown
    on first use."""
    if session.template is None:
        if _factory is None:  # pragma: no cover - importing panel_state installs one
            raise RuntimeError("No template factory is installed; import panel_state.")
        show_template(session, _factory())
    return session.template


def page_title(session: Any, fallback: str | None = None) -> str | None:
    """The browser tab's title: the template's while one is the page (unless it has only
    its default title), else the session's ``title``, else ``fallback``."""
    title = session.title or fallback
    if session.template is not None:
        return session.template.view_title(title)
    return title
