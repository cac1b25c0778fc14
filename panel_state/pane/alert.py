"""Alert: a highlighted message box; its text is Markdown, rendered with raw HTML off."""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .markup import Markdown

__all__ = ["ALERT_TYPES", "Alert"]

#: The kinds of alert, as in Panel (and Bootstrap): each has its own colors.
ALERT_TYPES = ("primary", "secondary", "success", "danger", "warning", "info", "light", "dark")


class Alert(Markdown):
    """A message box for feedback (``alert_type='warning'``...), its text as Markdown.

    As in :class:`Markdown`, raw HTML in the text is shown as text and ``javascript:``
    links are not made. Without ``width`` or ``sizing_mode`` it stretches to the
    container's width, as in Panel.

    Examples
    --------
    >>> import panel_state as pn
    >>> alert = pn.pane.Alert('**Saved** <script>x()</script>', alert_type='success')
    >>> alert.view_props()['html']
    '<p><strong>Saved</strong> &lt;script&gt;x()&lt;/script&gt;</p>\\n'
    """

    alert_type: str = param.Selector(  # type: ignore[assignment]
        default="primary", objects=list(ALERT_TYPES), doc="""
        The kind of alert: one of 'primary', 'secondary', 'success', 'danger', 'warning',
        'info', 'light', 'dark'.""")

    view_kind: ClassVar[str] = "Alert"
    view_params: ClassVar[tuple[str, ...]] = ("alert_type",)

    def __init__(self, object: str | None = "", **params: Any) -> None:
        if "sizing_mode" not in params and "width" not in params:
            params["sizing_mode"] = "stretch_width"
        super().__init__(object, **params)
