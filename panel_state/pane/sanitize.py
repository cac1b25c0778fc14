"""An HTML sanitizer on an allowlist: what ``HTML(sanitize_html=True)`` shows.

The cleaning is nh3's (the ammonia sanitizer): only formatting tags and a few inert
attributes stay, text is escaped, script-like elements go with their content and other
unknown tags go while their text stays. Links and images keep only http(s), mailto or
relative targets; ``style``, ``id``, ``name`` and every ``on*`` attribute are dropped.

Examples
--------
>>> sanitize('<b onclick="x()">bold</b><script>alert(1)</script><a href="javascript:x">a</a>')
'<b>bold</b><a rel="noopener noreferrer">a</a>'
"""

from __future__ import annotations

import nh3

__all__ = ["sanitize"]

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
# Elements dropped with everything inside them (their text is code, not prose).
_DROPPED = {
    "script", "style", "iframe", "object", "embed", "template", "noscript", "textarea",
    "title", "svg", "math", "select", "xmp", "noembed", "noframes", "frameset", "head"}
_ATTRIBUTES = {"*": {"title", "class"}, "a": {"href"},
               "img": {"src", "alt", "width", "height"},
               "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_SCHEMES = {"http", "https", "mailto"}


def _no_mail_images(tag: str, attribute: str, value: str) -> str | None:
    # An image source is a web address (or relative), never mailto:.
    if tag == "img" and attribute == "src" and value.strip().lower().startswith("mailto:"):
        return None
    return value


def sanitize(markup: str) -> str:
    """``markup`` with only allowlisted tags and attributes, all text escaped."""
    return nh3.clean(markup, tags=_TAGS, clean_content_tags=_DROPPED,
                     attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
                     attribute_filter=_no_mail_images)
