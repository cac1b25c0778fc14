"""Image panes: PNG, JPG, GIF, SVG, WebP, ICO, AVIF, and Image for any of them.

An image comes from bytes, a file-like object, an object with ``_repr_png_`` (etc.),
a local path (read and sent to the browser as a ``data:`` URL) or an ``http(s)`` URL,
which the *browser* loads: the server never fetches a URL itself. Every image, SVG
included, is shown with an ``<img>`` element, so scripts inside an SVG never run.
"""

from __future__ import annotations

import base64
import os
from pathlib import PurePath
from typing import Any, ClassVar
from urllib.parse import urlsplit

import param

from ..compat import warn_unsupported
from .markup import PaneBase

__all__ = ["AVIF", "GIF", "ICO", "JPG", "PNG", "SVG", "Image", "ImageBase", "WebP", "sniff"]

#: file type -> MIME type of the ``data:`` URL.
MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "ico": "image/x-icon", "avif": "image/avif", "svg": "image/svg+xml"}
_TARGETS = ("_blank", "_self", "_parent", "_top")


def sniff(data: bytes) -> str | None:
    """The image type of ``data`` from its first bytes (a key of ``MIME``), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] == b"\x00\x00\x01\x00":
        return "ico"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in head:
        return "svg"
    return None


def _safe_url(url: str, schemes: tuple[str, ...]) -> bool:
    # Browsers drop tabs and newlines inside URLs and spaces around them, so
    # "java\tscript:" is javascript: -- refuse any such character outright.
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    return urlsplit(url).scheme.lower() in schemes


def _is_url(value: str) -> bool:
    return _safe_url(value, ("http", "https")) and bool(urlsplit(value).netloc)


class ImageBase(PaneBase):
    """Base of the image panes: where the image comes from, how it is shown.

    ``width``/``height`` size the image (give one and the other keeps the aspect
    ratio); ``alt_text``, ``caption`` and ``link_url`` are shown as text and a link.
    """

    object = param.Parameter(default=None, allow_refs=False, doc="""
        The image: bytes, a file-like object, a local path (str or Path), an http(s) URL
        the browser loads, or an object with a _repr_<type>_ method; None shows nothing.""")
    alt_text = param.String(default=None, allow_None=True, doc="""
        Text shown (and read by screen readers) when the image cannot be seen.""")
    caption = param.String(default=None, allow_None=True, doc="Caption shown below.")
    fixed_aspect = param.Boolean(default=True, doc="""
        Keep the image's aspect ratio when both width and height are set.""")
    link_url = param.String(default=None, allow_None=True, doc="""
        Make the image a link to this http(s) or mailto: URL (or a relative one).""")
    target = param.String(default="_blank", doc="""
        Where the link opens: '_blank', '_self', '_parent', '_top' or a window name.""")
    embed = param.Boolean(default=False, doc="""
        Panel's option to fetch URLs on the server: accepted, not applied -- the
        browser always loads a URL itself (True with a URL warns once).""")

    #: The file types the pane accepts (keys of ``MIME``); None: any of them.
    filetypes: ClassVar[tuple[str, ...] | None] = None
    view_kind: ClassVar[str] = "Image"
    view_params: ClassVar[tuple[str, ...]] = (
        "width", "height", "alt_text", "caption", "link_url", "target", "fixed_aspect")
    _coerced: ClassVar[frozenset[str]] = frozenset({"object", "link_url", "target", "embed"})

    def __init__(self, object: Any = None, **params: Any) -> None:
        self._src: tuple[Any, str] | None = None
        super().__init__(object, **params)
        self.param.watch(self._forget_src, "object")

    def _forget_src(self, event: param.parameterized.Event) -> None:
        self._src = None  # so a trigger('object') re-reads a file that changed

    # -- checks ----------------------------------------------------------------------------
    def _name(self) -> str:
        return type(self).__name__

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "link_url" and value is not None:
            if not _safe_url(value, ("", "http", "https", "mailto")):
                raise ValueError(
                    f"{self._name()}.link_url must be an http(s), mailto: or relative URL "
                    f"without spaces, got {value!r}.")
        elif name == "target" and value not in _TARGETS and (
                not isinstance(value, str) or not value.replace("-", "_").isidentifier()):
            raise ValueError(f"{self._name()}.target must be one of {list(_TARGETS)} or a "
                             f"window name (letters, digits, '_'), got {value!r}.")
        elif name == "embed" and value is True:
            warn_unsupported(f"pn.pane.{self._name()}", "embed=True",
                             "Files are always embedded; URLs are always loaded by the browser.")
        elif name == "object":
            return self._check_object(value)
        return value

    def _check_object(self, obj: Any) -> Any:
        if obj is None or self._repr(obj) is not None:
            return obj
        if hasattr(obj, "read") and not isinstance(obj, (str, bytes, PurePath)):
            if hasattr(obj, "seek"):
                obj.seek(0)
            obj = obj.read()  # a file-like object is read once, now
        if isinstance(obj, str) and self._is_markup(obj):
            obj = obj.encode()
        if isinstance(obj, (bytes, bytearray, memoryview)):
            self._filetype(bytes(obj))
            return bytes(obj)
        if isinstance(obj, str) and _is_url(obj):
            return obj
        if isinstance(obj, (str, PurePath)):
            if not os.path.isfile(obj):
                raise ValueError(
                    f"{self._name()}.object {str(obj)!r} is neither a file nor an http(s) "
                    "URL; pass bytes, an existing path or a URL the browser can load.")
            return obj
        raise TypeError(
            f"{self._name()}.object must be bytes, a file-like object, a path or an http(s) "
            f"URL, got {type(obj).__name__} {obj!r:.80}.")

    def _is_markup(self, text: str) -> bool:
        return False  # only SVG takes its markup as a string

    def _repr(self, obj: Any) -> Any:
        for filetype in self.filetypes or tuple(MIME):
            method = getattr(obj, f"_repr_{filetype}_", None)
            if callable(method) and not isinstance(obj, type):
                return method
        return None

    def _filetype(self, data: bytes) -> str:
        kind = sniff(data)
        allowed = self.filetypes or tuple(MIME)
        if kind not in allowed:
            found = f"{kind.upper()} data" if kind else "data that is no image type it knows"
            raise ValueError(
                f"{self._name()} shows {'/'.join(t.upper() for t in allowed)} images, got "
                f"{found} ({data[:12]!r}...); use pn.pane.Image for any image type.")
        return kind

    # -- rendering -------------------------------------------------------------------------
    @property
    def src(self) -> str:
        """What the ``<img>`` loads: an http(s) URL or a ``data:`` URL ('' for None)."""
        obj = self.object
        if self._src is not None and self._src[0] is obj:
            return self._src[1]
        if obj is None:
            src = ""
        elif isinstance(obj, str) and _is_url(obj):
            src = obj
        else:
            method = self._repr(obj)
            if method is not None:
                data = method()
                data = data.encode() if isinstance(data, str) else data
            elif isinstance(obj, bytes):
                data = obj
            else:
                with open(obj, "rb") as f:
                    data = f.read()
            kind = self._filetype(data)
            src = f"data:{MIME[kind]};base64,{base64.b64encode(data).decode('ascii')}"
        self._src = (obj, src)
        return src

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "src": self.src}

    def __repr__(self) -> str:
        obj = self.object
        shown = f"<{len(obj)} bytes>" if isinstance(obj, bytes) else repr(obj)
        return f"{type(self).__name__}({shown})"


class Image(ImageBase):
    """Any image type this package knows (PNG, JPEG, GIF, SVG, WebP, ICO, AVIF).

    Examples
    --------
    >>> import panel_state as pn
    >>> png = bytes.fromhex('89504e470d0a1a0a')
    >>> pn.pane.Image(png, width=100).src[:22]
    'data:image/png;base64,'
    """


class PNG(ImageBase):
    """A PNG image."""

    filetypes: ClassVar[tuple[str, ...] | None] = ("png",)


class JPG(ImageBase):
    """A JPEG image."""

    filetypes: ClassVar[tuple[str, ...] | None] = ("jpeg",)


class GIF(ImageBase):
    """A GIF image."""

    filetypes: ClassVar[tuple[str, ...] | None] = ("gif",)


class WebP(ImageBase):
    """A WebP image."""

    filetypes: ClassVar[tuple[str, ...] | None] = ("webp",)


class ICO(ImageBase):
    """An ICO (icon) image."""

    filetypes: ClassVar[tuple[str, ...] | None] = ("ico",)


class AVIF(ImageBase):
    """An AVIF image."""

    filetypes: ClassVar[tuple[str, ...] | None] = ("avif",)


class SVG(ImageBase):
    """An SVG image: bytes, markup text, a path or a URL, always shown as an ``<img>``.

    As an image the SVG's scripts and event handlers never run and it cannot reach
    the page. Panel's ``encode=False`` (inline markup) is accepted, warns once, and
    still shows an image.
    """

    encode = param.Boolean(default=True, doc="""
        Panel's choice between an image and inline markup: always an image here.""")

    filetypes: ClassVar[tuple[str, ...] | None] = ("svg",)
    _coerced: ClassVar[frozenset[str]] = frozenset({
        "object", "link_url", "target", "embed", "encode"})

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "encode" and value is False:
            warn_unsupported("pn.pane.SVG", "encode=False", "SVGs are always shown as images.")
            return True
        return super()._coerce(name, value)

    def _is_markup(self, text: str) -> bool:
        return text.lstrip().startswith("<")
