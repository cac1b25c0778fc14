"""Layout and style params of every component: their checks, and the CSS they become.

Pure: the param types here validate what a user passes (``margin``, ``align``,
``aspect_ratio``, ``styles``, ``css_classes``), and :func:`layout_css` turns the values
into what the client applies to a component's element -- inline CSS properties (set
one by one with ``element.style.setProperty``, so no value can open a rule or a tag)
and class names (added with ``classList``).

``styles`` is the one place user text becomes CSS, so it is checked strictly: property
names are lowercase CSS names or ``--custom`` properties, and values may not contain
``; { } < > \\`` or control characters, nor anything that loads a resource or runs code
(``url(``, ``image-set(``, ``expression(``, ``javascript:``...).

Examples
--------
>>> layout_css({"width": 300, "margin": (5, 10), "styles": {"color": "red"}})
{'style': {'width': '300px', 'margin': '5px 10px', 'color': 'red'}, 'classes': []}
>>> try:
...     check_styles("styles", {"background": "url(https://x.test/a.png)"})
... except ValueError as exc:
...     print(exc)  # doctest: +ELLIPSIS
styles['background'] may not contain 'url(' (CSS values cannot load resources...
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

import param

__all__ = [
    "ALIGNMENTS",
    "LAYOUT_PARAMS",
    "SIZING_MODES",
    "Align",
    "AspectRatio",
    "CssClasses",
    "Margin",
    "Styles",
    "check_css_classes",
    "check_css_value",
    "check_styles",
    "layout_css",
]

#: Panel's ``sizing_mode`` values (None: size to the content, as ``'fixed'``).
SIZING_MODES = ("fixed", "stretch_width", "stretch_height", "stretch_both",
                "scale_width", "scale_height", "scale_both")
#: Values of ``align`` (alone, or as a ``(vertical, horizontal)`` pair).
ALIGNMENTS = ("auto", "start", "center", "end")
#: The params :func:`layout_css` reads, in the order it applies them.
LAYOUT_PARAMS = ("sizing_mode", "width", "height", "min_width", "max_width", "min_height",
                 "max_height", "aspect_ratio", "margin", "align", "loading", "styles",
                 "css_classes")

_PROPERTY = re.compile(r"(--[A-Za-z0-9_-]+|-?[a-z][a-z0-9-]*)\Z")
_CLASS = re.compile(r"-?[_A-Za-z][_A-Za-z0-9-]*\Z")
_BAD_CHARS = re.compile(r"[;{}<>\\\x00-\x1f\x7f]")
# Functions and schemes through which a CSS value loads a resource or runs code.
_BAD_WORDS = ("url(", "image(", "image-set(", "cross-fade(", "element(", "paint(", "src(",
              "expression(", "javascript:", "vbscript:", "@import")
# Properties that bind behaviour rather than style (old IE, old Firefox).
_BAD_PROPERTIES = frozenset({"behavior", "-moz-binding"})


def _owner_name(parameter: param.Parameter) -> str:
    # An instance's own Parameter names its class; the class-level one (checked while
    # constructing) only knows the class declaring it, which would mislead.
    owner = parameter.owner
    if owner is None or isinstance(owner, type):
        return str(parameter.name)
    return f"{type(owner).__name__}.{parameter.name}"


def check_css_value(subject: str, value: Any) -> str:
    """``value`` as CSS text (numbers become text), or raise if it could do harm.

    Raises
    ------
    TypeError
        For a value that is neither a string nor a number.
    ValueError
        For a forbidden character or a function that loads a resource or runs code.
    """
    if isinstance(value, bool) or not isinstance(value, (str, numbers.Real)):
        raise TypeError(f"{subject} must be a string or a number (a CSS value), got "
                        f"{type(value).__name__} {value!r}.")
    text = str(value)
    bad = _BAD_CHARS.search(text)
    if bad is not None:
        raise ValueError(
            f"{subject} may not contain {bad.group()!r} (CSS values cannot open rules, tags "
            f"or escapes), got {text!r}; pass one plain CSS value per property.")
    lowered = text.lower()
    for word in _BAD_WORDS:
        if word in lowered:
            raise ValueError(
                f"{subject} may not contain {word!r} (CSS values cannot load resources or "
                f"run code), got {text!r}; use a plain value such as a color or a length.")
    return text


def check_styles(subject: str, styles: Any) -> dict[str, str]:
    """``styles`` checked, as ``{css property: css value}`` with text values.

    Raises
    ------
    TypeError, ValueError
        For a non-mapping, a property name that is not a CSS name, or a value
        :func:`check_css_value` refuses.
    """
    if not isinstance(styles, Mapping):
        raise TypeError(f"{subject} must be a dict of CSS properties, got "
                        f"{type(styles).__name__} {styles!r}.")
    out: dict[str, str] = {}
    for name, value in styles.items():
        if not isinstance(name, str) or not _PROPERTY.match(name):
            raise ValueError(
                f"{subject} property names must be CSS property names such as "
                f"'background-color' or '--my-var', got {name!r}.")
        if name in _BAD_PROPERTIES:
            raise ValueError(f"{subject} may not set {name!r}: it binds behaviour, not style.")
        out[name] = check_css_value(f"{subject}[{name!r}]", value)
    return out


def check_css_classes(subject: str, classes: Any) -> list[str]:
    """``classes`` checked as a list of CSS class names.

    Raises
    ------
    TypeError, ValueError
        For a non-list, or an item that is not a valid class name.
    """
    if isinstance(classes, (str, bytes)) or not isinstance(classes, (list, tuple)):
        raise TypeError(f"{subject} must be a list of CSS class names, got "
                        f"{type(classes).__name__} {classes!r}.")
    for name in classes:
        if not isinstance(name, str) or not _CLASS.match(name):
            raise ValueError(
                f"{subject} items must be CSS class names (letters, digits, '-' and '_', "
                f"not starting with a digit), got {name!r}.")
    return list(classes)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class Margin(param.Parameter):
    """Pixels around a component: an int, ``(vertical, horizontal)`` or
    ``(top, right, bottom, left)``; None keeps the stylesheet's margin."""

    def __init__(self, default: Any = None, **params: Any) -> None:
        super().__init__(default=default, allow_None=True, **params)

    def _validate(self, val: Any) -> None:
        if val is None or _is_int(val):
            return
        if (isinstance(val, (tuple, list)) and len(val) in (2, 4)
                and all(_is_int(v) for v in val)):
            return
        raise ValueError(
            f"{_owner_name(self)} must be an int, a (vertical, horizontal) or a "
            f"(top, right, bottom, left) tuple of ints (pixels), got {val!r}.")


class Align(param.Parameter):
    """``'start'``, ``'center'``, ``'end'`` (or ``'auto'``), alone or as a
    ``(vertical, horizontal)`` pair."""

    def __init__(self, default: Any = "start", **params: Any) -> None:
        super().__init__(default=default, **params)

    def _validate(self, val: Any) -> None:
        if val in ALIGNMENTS and isinstance(val, str):
            return
        if (isinstance(val, (tuple, list)) and len(val) == 2
                and all(isinstance(v, str) and v in ALIGNMENTS for v in val)):
            return
        raise ValueError(
            f"{_owner_name(self)} must be one of {list(ALIGNMENTS)} or a (vertical, "
            f"horizontal) pair of them, got {val!r}.")


class AspectRatio(param.Parameter):
    """Width divided by height (a positive number), ``'auto'`` or None."""

    def __init__(self, default: Any = None, **params: Any) -> None:
        super().__init__(default=default, allow_None=True, **params)

    def _validate(self, val: Any) -> None:
        if val is None or val == "auto":
            return
        if isinstance(val, numbers.Real) and not isinstance(val, bool) and float(val) > 0:
            return
        raise ValueError(
            f"{_owner_name(self)} must be a positive number (width / height), 'auto' or "
            f"None, got {val!r}.")


class Styles(param.Dict):
    """A dict of CSS properties, checked by :func:`check_styles`."""

    def _validate(self, val: Any) -> None:
        if val is None and self.allow_None:
            return
        check_styles(_owner_name(self), val)


class CssClasses(param.List):
    """A list of CSS class names, checked by :func:`check_css_classes`."""

    def _validate(self, val: Any) -> None:
        if val is None and self.allow_None:
            return
        check_css_classes(_owner_name(self), val)


def _px(value: int) -> str:
    return f"{value}px"


def _margin(value: Any) -> str:
    return _px(value) if _is_int(value) else " ".join(_px(v) for v in value)


def layout_css(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the client applies for these layout values: ``{'style': ..., 'classes': ...}``.

    ``values`` maps names of :data:`LAYOUT_PARAMS` to their (already validated)
    values; missing names count as unset. Returns None when nothing is set.

    * ``width``/``height``/``min_*``/``max_*``: pixels; a stretched dimension ignores
      its fixed size (the ``ps-stretch-width``/``ps-stretch-height`` classes fill
      the container, as a flex child of a Row or Column or as a block);
    * ``scale_*`` stretch while keeping ``aspect_ratio`` (or ``width / height``): the
      other dimension follows the ratio, its fixed size dropped;
    * ``align``: ``ps-align-v-center``... classes (vertical, horizontal);
    * ``loading``: the ``ps-loading-overlay`` class (a spinner over the component);
    * ``styles`` come last, so they win over the values above; then ``css_classes``.
    """
    style: dict[str, str] = {}
    classes: list[str] = []
    mode = values.get("sizing_mode")
    stretch_w = mode in ("stretch_width", "stretch_both", "scale_width", "scale_both")
    stretch_h = mode in ("stretch_height", "stretch_both", "scale_height", "scale_both")
    if stretch_w:
        classes.append("ps-stretch-width")
    if stretch_h:
        classes.append("ps-stretch-height")
    width, height = values.get("width"), values.get("height")
    ratio = values.get("aspect_ratio")
    scaled = mode is not None and mode.startswith("scale")
    if ratio is None and scaled and width and height:
        ratio = width / height
    keeps_ratio = scaled and ratio is not None and ratio != "auto"
    # A scaled component's other dimension follows the ratio, not its fixed size.
    if width is not None and not stretch_w and not (keeps_ratio and mode == "scale_height"):
        style["width"] = _px(width)
    if height is not None and not stretch_h and not (keeps_ratio and mode == "scale_width"):
        style["height"] = _px(height)
    for name in ("min_width", "max_width", "min_height", "max_height"):
        if values.get(name) is not None:
            style[name.replace("_", "-")] = _px(values[name])
    if ratio is not None and ratio != "auto":
        style["aspect-ratio"] = f"{ratio:g}"
    if values.get("margin") is not None:
        style["margin"] = _margin(values["margin"])
    align = values.get("align", "start")
    vertical, horizontal = (align, align) if isinstance(align, str) else align
    if vertical in ("center", "end"):
        classes.append(f"ps-align-v-{vertical}")
    if horizontal in ("center", "end"):
        classes.append(f"ps-align-h-{horizontal}")
    if values.get("loading"):
        classes.append("ps-loading-overlay")
    for name, value in (values.get("styles") or {}).items():
        style[name] = str(value)
    classes.extend(values.get("css_classes") or ())
    if not style and not classes:
        return None
    return {"style": style, "classes": classes}
