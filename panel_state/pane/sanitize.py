"""An HTML sanitizer on an allowlist: what ``HTML(sanitize_html=True)`` shows.

Pure: :func:`sanitize` parses the markup with the standard library's parser and writes
it out again, keeping only formatting tags and a few inert attributes, and escaping all
text. Script-like elements go with their content; other unknown tags go and their text
stays. Links keep only http(s), mailto or relative targets, images only http(s) or
relative sources; ``style``, ``id``, ``name`` and every ``on*`` attribute are dropped.

Examples
--------
>>> sanitize('<b onclick="x()">bold</b><script>alert(1)</script><a href="javascript:x">a</a>')
'<b>bold</b><a>a</a>'
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["sanitize"]

_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"})
_VOID = frozenset({"br", "hr", "img"})
# Elements dropped with everything inside them (their text is code, not prose).
_DROPPED = frozenset({
    "script", "style", "iframe", "object", "embed", "template", "noscript", "textarea",
    "title", "svg", "math", "select", "xmp", "noembed", "noframes", "frameset", "head"})
_ATTRIBUTES = {"*": frozenset({"title", "class"}), "a": frozenset({"href"}),
               "img": frozenset({"src", "alt", "width", "height"}),
               "td": frozenset({"colspan", "rowspan"}), "th": frozenset({"colspan", "rowspan"})}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_LINK_SCHEMES = {"a": ("http", "https", "mailto"), "img": ("http", "https")}


def _safe_url(tag: str, url: str) -> bool:
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in _LINK_SCHEMES[tag]


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping or tag in _DROPPED:
            if tag in _DROPPED and tag not in _VOID:
                self.dropping.append(tag)
            return
        if tag not in _TAGS:
            return
        allowed = _ATTRIBUTES["*"] | _ATTRIBUTES.get(tag, frozenset())
        kept = []
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name in ("href", "src") and not _safe_url(tag, value):
                continue
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag and not self.dropping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in self.open:  # close what was opened inside it, too
            while self.open:
                top = self.open.pop()
                self.out.append(f"</{top}>")
                if top == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))


def sanitize(markup: str) -> str:
    """``markup`` with only allowlisted tags and attributes, all text escaped."""
    cleaner = _Cleaner()
    cleaner.feed(markup)
    cleaner.close()
    return "".join(cleaner.out) + "".join(f"</{tag}>" for tag in reversed(cleaner.open))
