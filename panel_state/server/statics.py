"""Files served next to the apps: ``--static-dirs`` folders and an ``--index`` page.

``--static-dirs route=path`` serves the files of a folder under ``/route/``, safely:
paths are resolved on disk (symlinks included) and must stay inside the folder, hidden
files (a path segment starting with ``.``) and NUL bytes are 404, folders are never
listed. ``--index`` names what ``/`` shows: an app (its route or script name) or an
``.html`` file served as it is. Both are checked once, when the
:class:`~panel_state.server.config.ServerConfig` is built.

Examples
--------
>>> parse_static_dir("assets=.")[0]
'/assets'
>>> parse_static_dir("assets")
Traceback (most recent call last):
...
ValueError: --static-dirs takes ROUTE=FOLDER (e.g. assets=./static), got 'assets'.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tornado.web

__all__ = ["IndexFileHandler", "StaticDirHandler", "index_spec", "parse_static_dir",
           "static_dirs"]

_ROUTE = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
_RESERVED = "/_ps"


def parse_static_dir(text: str) -> tuple[str, str]:
    """``'route=folder'`` -> ``('/route', 'folder')``; ValueError naming the spec."""
    route, sep, folder = text.partition("=")
    if not sep or not route.strip() or not folder.strip():
        raise ValueError(f"--static-dirs takes ROUTE=FOLDER (e.g. assets=./static), got "
                         f"{text!r}.")
    return _route(route.strip()), folder.strip()


def _route(route: str) -> str:
    normal = "/" + route.strip("/")
    if not _ROUTE.match(normal) or {".", ".."} & set(normal.split("/")):
        raise ValueError(f"Static route {route!r} must be a path of letters, digits and "
                         "'._~-' such as '/assets'.")
    if normal == _RESERVED or normal.startswith(_RESERVED + "/"):
        raise ValueError(f"Static route {route!r} is reserved for panel_state's own files; "
                         "choose another.")
    return normal


def static_dirs(spec: Mapping[str, Any], apps: Mapping[str, Any]) -> dict[str, str]:
    """Validated ``{route: absolute folder}`` from ``{route: folder}``.

    Raises
    ------
    ValueError
        For a malformed or reserved route, one an app uses, or a folder that does not
        exist.
    """
    if not isinstance(spec, Mapping):
        raise TypeError(f"static_dirs must be a mapping of route -> folder, got "
                        f"{type(spec).__name__}.")
    out: dict[str, str] = {}
    for raw, folder in spec.items():
        if not isinstance(raw, str):
            raise TypeError(f"Static route must be a string, got {raw!r}.")
        route = _route(raw)
        if route in apps:
            raise ValueError(f"Static route {route!r} is already an app's route; choose "
                             "another.")
        if not isinstance(folder, str | os.PathLike):
            raise TypeError(f"Static folder for {route!r} must be a path, got {folder!r}.")
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise ValueError(f"Static folder {str(folder)!r} for {route!r} is not an "
                             "existing directory.")
        out[route] = os.path.realpath(path)
    return out


def index_spec(index: Any, apps: Mapping[str, Any]) -> str:
    """The app route or the absolute ``.html`` path that ``index`` names.

    Raises
    ------
    ValueError
        For an ``.html`` file that does not exist, an app that is not served, or an
        index while an app is served at ``/`` already.
    """
    if not isinstance(index, str | os.PathLike) or not str(index).strip():
        raise ValueError(f"index must be an app name or an .html file, got {index!r}.")
    if "/" in apps:
        raise ValueError(f"index {str(index)!r} cannot be used: an app is already served "
                         "at '/'.")
    text = str(index)
    if text.endswith((".html", ".htm")):
        path = Path(text).expanduser()
        if not path.is_file():
            raise ValueError(f"index page {text!r} does not exist.")
        return os.path.realpath(path)
    route = "/" + Path(text.strip("/")).stem if text.endswith(".py") else "/" + text.strip("/")
    if route not in apps:
        raise ValueError(f"index {text!r} names no app served here; give one of "
                         f"{sorted(a.strip('/') for a in apps)} or an .html file.")
    return route


class StaticDirHandler(tornado.web.StaticFileHandler):
    """One ``--static-dirs`` folder: files inside it only, hidden ones never."""

    def parse_url_path(self, url_path: str) -> str:
        parts = url_path.replace("\\", "/").split("/")
        if "\x00" in url_path or any(part.startswith(".") for part in parts):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(url_path)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # tornado compares unresolved paths; a symlink inside pointing out would pass.
        real_root = os.path.realpath(root)
        real = os.path.realpath(absolute_path)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise tornado.web.HTTPError(403, "%s leads outside the static folder", real)
        return super().validate_absolute_path(root, absolute_path)


class IndexFileHandler(tornado.web.RequestHandler):
    """``GET /``: an ``--index`` HTML file, read at each request, served as it is."""

    def initialize(self, path: str) -> None:
        self.path = path

    def get(self) -> None:
        try:
            body = Path(self.path).read_bytes()
        except OSError as exc:
            raise tornado.web.HTTPError(500, "index page %s cannot be read: %s",
                                        self.path, exc) from None
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(body)
