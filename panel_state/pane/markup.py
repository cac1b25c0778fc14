"""Text panes: Markdown (rendered on the server, raw HTML off), Str and trusted HTML."""

from __future__ import annotations

import functools
import numbers
import textwrap
from typing import Any, ClassVar

import param

from ..viewable import Viewable, _Unapplied
from .sanitize import sanitize

__all__ = ["HTML", "Markdown", "PaneBase", "Str"]


class _PaneOption(_Unapplied):
    """A Panel pane option accepted and kept, but not applied: warns once if set."""

    _where = "pn.pane"
    _hint = ""


class PaneBase(Viewable):
    """Base class of panes: display an ``object``; ``visible`` hides it."""

    object = param.Parameter(default=None, allow_refs=True, doc="""
        The object shown; a reference (widget, Parameter, pn.bind, pn.rx, generator)
        is followed and its current value shown.""")
    default_layout = _PaneOption(default=None, doc="""
        Panel's layout wrapping a pane with widgets: kept, not applied.""")
    enable_streaming = _PaneOption(default=False, doc="""
        Panel's incremental updates of the text: kept, not applied (every change is sent
        whole).""")

    view_params: ClassVar[tuple[str, ...]] = ("visible",)

    def __init__(self, object: Any = None, **params: Any) -> None:
        super().__init__(object=object, **params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.object!r})"


@functools.cache
def _markdown(breaks: bool = False) -> Any:
    """The parser, made on first use (importing markdown-it costs ~20 ms).

    One for the process per ``breaks`` (a newline is a ``<br>``): raw HTML off, so user
    text can never inject markup or script; commonmark plus tables. Rendering keeps no
    state between calls.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "breaks": breaks}).enable("table")


class Markdown(PaneBase):
    """Markdown text, rendered to HTML on the server with raw HTML disabled.

    Any ``<script>`` or other tag in the text is shown as text, and links with
    ``javascript:`` URLs are not made into links.
    """

    object = param.ClassSelector(default="", class_=(str, numbers.Number), allow_None=True,
                                 doc="""
        The Markdown source; a number is shown as its text (``slider.param.value``).""")
    dedent = param.Boolean(default=True, doc="""
        Remove the indentation common to every line first (text in an indented
        triple-quoted string is not taken for a code block).""")
    hard_line_break = param.Boolean(default=False, doc="""
        Make every newline in a paragraph a line break (Markdown's default joins lines).""")
    disable_anchors = param.Boolean(default=False, doc="""
        Panel's switch for header anchor links; headers never get anchors here.""")
    disable_math = param.Boolean(default=False, doc="""
        Panel's switch for LaTeX math; math is never rendered here ($ stays text).""")
    extensions = _PaneOption(default=["extra", "smarty", "codehilite"], doc="""
        Panel's Python-Markdown extensions: kept, not applied (commonmark plus tables).""")
    plugins = _PaneOption(default=[], doc="Panel's markdown-it plugins: kept, not applied.")
    renderer = _PaneOption(default="markdown-it", doc="""
        Panel's Markdown renderer: always markdown-it here (other values are kept, not
        applied).""")
    renderer_options = _PaneOption(default={}, doc="""
        Panel's renderer options: kept, not applied.""")

    view_kind: ClassVar[str] = "Markdown"

    def __init__(self, object: str | numbers.Number | None = "", **params: Any) -> None:
        self._cache: tuple[tuple[str, bool, bool], str] = (("", True, False), "")
        super().__init__(object=object, **params)

    @property
    def html(self) -> str:
        """The rendered HTML of ``object``."""
        source = "" if self.object is None else str(self.object)
        key = (source, self.dedent, self.hard_line_break)
        if self._cache[0] != key:
            text = textwrap.dedent(source) if self.dedent else source
            self._cache = (key, _markdown(self.hard_line_break).render(text))
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
    """HTML markup, inserted as is unless ``sanitize_html`` is set.

    By default the markup is trusted: never pass it text a user wrote. With
    ``sanitize_html=True`` it goes through ``sanitize_hook`` first, by default
    :func:`panel_state.pane.sanitize.sanitize` (formatting tags only, no script, no
    event handlers, no ``javascript:`` links).

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.pane.HTML('<b onclick="x()">hi</b><script>x()</script>',
    ...              sanitize_html=True).view_props()['html']
    '<b>hi</b>'
    """

    object = param.String(default="", allow_None=True, doc="""
        The HTML markup (trusted, unless ``sanitize_html`` is set).""")
    sanitize_html = param.Boolean(default=False, doc="""
        Clean the markup with ``sanitize_hook`` before showing it, for markup that is
        not trusted.""")
    sanitize_hook = param.Callable(default=sanitize, doc="""
        ``hook(markup) -> markup`` used when ``sanitize_html`` is set; the default keeps
        formatting tags only.""")
    disable_math = param.Boolean(default=False, doc="""
        Panel's switch for LaTeX math; math is never rendered here ($ stays text).""")

    view_kind: ClassVar[str] = "HTML"

    def view_props(self) -> dict[str, Any]:
        markup = self.object or ""
        if self.sanitize_html:
            markup = self.sanitize_hook(markup)
        return {**super().view_props(), "html": markup}
