"""Checks for the CSS and URL values layouts and templates send to the page.

Every value a user passes that ends up in a style or an attribute is checked against
the shapes CSS (or a link) allows, so nothing else -- no second declaration, no
``url(...)``, no ``javascript:`` -- reaches the page. Each check returns the value
(trimmed) or raises ``ValueError`` naming the owner, the rule and the value.

Examples
--------
>>> from panel_state.layout.css import css_color, css_length
>>> css_color('Card', 'header_background', '#336699')
'#336699'
>>> css_length('Template', 'main_max_width', '80%')
'80%'
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path, PurePath
from typing import Any

__all__ = ["css_classes", "css_color", "css_gap", "css_length", "image_uri", "web_url"]

_COLOR = re.compile(r"(?:[a-zA-Z]+|#[0-9a-fA-F]{3,8}|(?:rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|"
                    r"oklch|color)\([0-9a-zA-Z.,%/+\- ]*\)|var\(--[a-zA-Z0-9_-]+\))")
_CLASS = re.compile(r"-?[_a-zA-Z][_a-zA-Z0-9-]*")
_LENGTH = r"(?:0|[0-9]*\.?[0-9]+(?:px|em|rem|%|vw|vh|vmin|vmax|ch|ex|pt|cm|mm|in))"
_ONE_LENGTH = re.compile(_LENGTH)
_GAP = re.compile(rf"{_LENGTH}(?: {_LENGTH})?")
_URL = re.compile(r"(?:https?://[^\s\"'<>`\\]+|[^\s\"'<>`\\:]+)")
_DATA = re.compile(r"data:image/(?:png|jpeg|gif|svg\+xml|webp|x-icon|vnd\.microsoft\.icon)"
                   r";base64,[A-Za-z0-9+/=]+")


def css_color(owner: str, name: str, value: Any) -> str | None:
    """Check that ``value`` is a CSS colour ('red', '#369', 'rgb(1, 2, 3)'), '' or None."""
    if value is None or value == "":
        return value
    if not isinstance(value, str) or not _COLOR.fullmatch(value.strip()):
        raise ValueError(f"{owner}.{name} must be a CSS colour such as 'red', '#336699' or "
                         f"'rgb(10, 20, 30)', got {value!r}.")
    return value.strip()


def css_classes(owner: str, name: str, value: Any) -> list[str]:
    """Check that ``value`` is a list of CSS class names; return it as a list."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f"{owner}.{name} must be a list of CSS class names, got {value!r}.")
    for item in value:
        if not isinstance(item, str) or not _CLASS.fullmatch(item):
            raise ValueError(f"{owner}.{name} entries must be CSS class names (letters, "
                             f"digits, '-' and '_'), got {item!r}.")
    return list(value)


def _matching(pattern: re.Pattern[str], what: str, owner: str, name: str, value: Any) -> str:
    """``value`` stripped when it is '' (or None) or ``pattern`` matches it whole."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
        raise ValueError(f"{owner}.{name} must be {what}, got {value!r}.")
    return value.strip()


def css_length(owner: str, name: str, value: Any) -> str:
    """Check that ``value`` is '' or one CSS length ('10px', '2em', '80%')."""
    return _matching(_ONE_LENGTH, "'' or a CSS length such as '800px' or '80%'",
                     owner, name, value)


def css_gap(owner: str, name: str, value: Any) -> str:
    """Check that ``value`` is '' or one or two CSS lengths ('10px', '1em 2%')."""
    return _matching(_GAP, "'' or one or two CSS lengths such as '10px' or '1em 2%'",
                     owner, name, value)


def web_url(owner: str, name: str, value: Any) -> str:
    """Check that ``value`` is '' or an http(s) URL or a path on the site ('/', 'a/b')."""
    return _matching(_URL, "an http(s) URL or a path on this site such as '/' or "
                     "'docs/index.html'", owner, name, value)


def image_uri(owner: str, name: str, value: Any) -> str:
    """An image the page can show: a URL, a ``data:image`` URI, or a local image file
    (read and inlined as a data URI)."""
    if value is None or value == "":
        return ""
    if isinstance(value, PurePath) or (isinstance(value, str) and Path(value).is_file()):
        path = Path(value)
        kind = mimetypes.guess_type(path.name)[0] or ""
        if not kind.startswith("image/") or not path.is_file():
            raise ValueError(f"{owner}.{name} must name an image file (.png, .svg, .ico...), "
                             f"got {str(path)!r}.")
        return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    if isinstance(value, str) and _DATA.fullmatch(value.strip()):
        return value.strip()
    return web_url(owner, name, value)
