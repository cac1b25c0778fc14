"""Text panes: Markdown (rendered on the server, raw HTML off), Str and trusted HTML."""

from __future__ import annotations

import functools
import numbers
from typing import Any, ClassVar

import param

from ..viewable import Viewable

__all__ = ["HTML", "Markdown", "PaneBase", "Str"]


class PaneBase(Viewable):
    """Base class of panes: display an ``object``; ``visible`` hides it."""

    object = param.Parameter(default=None, allow_refs=True, doc="""
        The object shown; a reference (widget, Parameter, pn.bind, pn.rx, generator)
        is followed and its current value shown.""")

    view_params: ClassVar[tuple[str, ...]] = ("visible",)

    def __init__(self, object: Any = None, **params: Any) -> None:
        super().__init__(object=object, **params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.object!r})"


@functools.cache
def _markdown() -> Any:
    """The parser, made on first use (importing markdown-it costs ~20 ms).

    One for the process: raw HTML off, so user text can never inject markup or script;
    commonmark plus tables. Rendering keeps no state between calls.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


class Markdown(PaneBase):
    """Markdown text, rendered to HTML on the server with raw HTML disabled.

    Any ``<script>`` or other tag in the text is shown as text, and links with
    ``javascript:`` URLs are not made into links.
    """

    object = param.ClassSelector(default="", class_=(str, numbers.Number), allow_None=True,
                                 doc="""
        The Markdown source; a number is shown as its text (``slider.param.value``).""")

    view_kind: ClassVar[str] = "Markdown"

    def __init__(self, object: str | numbers.Number | None = "", **params: Any) -> None:
        self._cache: tuple[str, str] = ("", "")
        super().__init__(object=object, **params)

    @property
    def html(self) -> str:
        """The rendered HTML of ``object``."""
        source = "" if self.object is None else str(self.object)
        if self._cache[0] != source:
            self._cache = (source, _markdown().render(source))
        return self._cache[1]

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "html": self.html}


class Str(PaneBase):
    """Any object shown as plain text (``str(object)``; None shows nothing).

    The props carry the raw text; the client sets it as text content, never as HTML.
    """

    view_kind: ClassVar[str] = "Str"

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "text": "" if self.object is None else str(self.object)}


class HTML(PaneBase):
    """Trusted HTML, inserted as is: never pass it text a user wrote."""

    object = param.String(default="", allow_None=True, doc="The HTML markup (trusted).")

    view_kind: ClassVar[str] = "HTML"

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "html": self.object or ""}
