"""Apps: what a route shows, run afresh for every session.

An app is a ``.py`` script (executed in a fresh module per session, where
``.servable()`` marks what is shown), a Jupyter notebook (its code cells, in order, the
same way; see :mod:`panel_state.server.notebook_app`), a function returning something
displayable, or a Viewable shared by every session. :func:`discover` turns CLI
arguments (files and folders) into routes; :func:`run_setup` runs a ``--setup`` script
once per process.
"""

from __future__ import annotations

import ast
import collections
import itertools
import os
import sys
import threading
import types
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from ..reactive import panel
from ..session import Session
from ..tasks import APP_MODULE_PREFIX
from ..viewable import Viewable

__all__ = ["APP_MODULE_PREFIX", "APP_SUFFIXES", "App", "AppError", "ImportPaths", "app_for",
           "app_module", "discover", "make_app", "run_setup"]

_module_ids = itertools.count(1)

#: How many holders asked for each folder this module put on ``sys.path``.
_path_users: collections.Counter[str] = collections.Counter()
_path_lock = threading.Lock()


class ImportPaths:
    """Folders put on ``sys.path`` so scripts import their neighbours; removed on close.

    A folder already on ``sys.path`` (put there by someone else) is left alone; one
    this module added stays while any holder still needs it.
    """

    def __init__(self) -> None:
        self._folders: list[str] = []

    def add(self, folder: str) -> None:
        """Make ``folder`` importable until :meth:`close`."""
        with _path_lock:
            if folder in self._folders:
                return
            if folder in sys.path and not _path_users[folder]:
                return  # not ours to manage
            if not _path_users[folder]:
                sys.path.insert(0, folder)
            _path_users[folder] += 1
            self._folders.append(folder)

    def close(self) -> None:
        """Remove the folders this holder added, unless another holder still needs them."""
        with _path_lock:
            for folder in self._folders:
                _path_users[folder] -= 1
                if _path_users[folder] <= 0:
                    del _path_users[folder]
                    if folder in sys.path:
                        sys.path.remove(folder)
            self._folders = []


class AppError(ValueError):
    """An app or setup script that cannot be served (missing, unreadable, bad syntax)."""


class SetupError(AppError):
    """A ``--setup`` script raised; the server does not start."""


def _compile(path: Path, role: str) -> types.CodeType:
    if not path.exists():
        raise AppError(f"{role} {str(path)!r} does not exist.")
    if path.is_dir() or path.suffix != ".py":
        kinds = "a .py file" if role.startswith("Setup") else "a .py script or .ipynb notebook"
        raise AppError(f"{role} {str(path)!r} must be {kinds}.")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AppError(f"{role} {str(path)!r} cannot be read: {exc}.") from None
    try:
        # dont_inherit: the script gets only its own __future__ imports, not ours.
        return compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise AppError(
            f"{role} {str(path)!r} has a syntax error at line {exc.lineno}: {exc.msg}.") from None


def as_viewable(obj: Any) -> Viewable:
    """Turn what an app function returned into something the client can show."""
    return obj if isinstance(obj, Viewable) else panel(obj)


class App:
    """One route's app. Subclasses implement :meth:`_execute`."""

    title: str | None = None

    def close(self) -> None:
        """The server stopped serving this app (no-op by default)."""

    def run(self, session: Session) -> list[Viewable]:
        """Run the app for ``session`` (active) and return the roots to show.

        Exceptions from the app propagate to the caller.
        """
        with session.activate():
            result = self._execute(session)
            if not session.roots and result is not None:
                session.add_root(as_viewable(result))
        return list(session.roots)

    def _execute(self, session: Session) -> Any:
        raise NotImplementedError


def _forget_module(name: str, _session: Session) -> None:
    sys.modules.pop(name, None)


def app_module(path: Path, session: Session) -> types.ModuleType:
    """A fresh module for one session's run of the app at ``path``."""
    name = f"{APP_MODULE_PREFIX}{next(_module_ids)}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    # Registered for the session's lifetime so that pickling, dataclasses and
    # ``inspect`` find the module; removed when the session is destroyed.
    sys.modules[name] = module
    session.on_teardown(partial(_forget_module, name))
    return module


class ScriptApp(App):
    """A ``.py`` script compiled once and executed in a fresh module per session."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).resolve()
        self.code = _compile(self.path, "App script")
        self.title = None
        doc = ast.get_docstring(ast.parse(self.path.read_text(encoding="utf-8")))
        # Scripts import their neighbours (helpers, shared modules) as they would when
        # run with python, however they are served.
        self.paths = ImportPaths()
        self.paths.add(str(self.path.parent))
        #: The first line of the script's docstring, shown on the index page.
        self.description = doc.strip().splitlines()[0].replace("``", "") if doc else ""

    def _execute(self, session: Session) -> Any:
        exec(self.code, app_module(self.path, session).__dict__)
        return None

    def close(self) -> None:
        """Take the script's folder off ``sys.path`` again."""
        self.paths.close()

    def __repr__(self) -> str:
        return f"ScriptApp({str(self.path)!r})"


class FunctionApp(App):
    """A function called once per session; what it returns is shown."""

    def __init__(self, fn: Callable[[], Any], title: str | None = None) -> None:
        self.fn = fn
        self.title = title

    def _execute(self, session: Session) -> Any:
        return self.fn()

    def __repr__(self) -> str:
        return f"FunctionApp({self.fn!r})"


class ObjectApp(App):
    """One object shown by every session (a change in one tab shows in all)."""

    def __init__(self, obj: Viewable, title: str | None = None) -> None:
        self.obj = obj
        self.title = title

    def _execute(self, session: Session) -> Any:
        return self.obj

    def __repr__(self) -> str:
        return f"ObjectApp({self.obj!r})"


def make_app(spec: Any, title: str | None = None) -> App:
    """Build an :class:`App` from a script path, a function or a viewable.

    Raises
    ------
    AppError
        For a missing or broken script.
    TypeError
        For anything else.
    """
    if isinstance(spec, App):
        return spec
    if isinstance(spec, str | os.PathLike):
        app = app_for(spec)
        app.title = title
        return app
    if isinstance(spec, Viewable):
        return ObjectApp(spec, title)
    if callable(spec):
        return FunctionApp(spec, title)
    raise TypeError(
        f"Cannot serve {type(spec).__name__} {spec!r}: pass a viewable, a function returning "
        "one, a path to a .py script, or a {route: app} dict of those.")


def _route_for(path: Path) -> str:
    return "/" + path.stem


#: What a file app may be: a Python script or a Jupyter notebook.
APP_SUFFIXES = (".py", ".ipynb")


def app_for(path: str | os.PathLike[str]) -> App:
    """The app of a ``.py`` script or an ``.ipynb`` notebook."""
    if Path(path).suffix == ".ipynb":
        # Deferred import, documented: notebook_app builds on this module's App classes.
        from .notebook_app import NotebookApp

        return NotebookApp(path)
    return ScriptApp(path)


def discover(paths: Iterable[str | os.PathLike[str]],
             exclude: Iterable[str | os.PathLike[str]] = ()) -> dict[str, App]:
    """Map CLI app arguments (scripts, notebooks and folders of them) to routes.

    Each script or notebook is served at ``/<stem>``, as Panel does; ``/`` redirects to
    a single app or lists several. Files starting with ``_`` in a folder are skipped, and so
    are the ``exclude`` paths (the ``--setup`` script living next to the apps).

    Raises
    ------
    AppError
        For a missing path, a file neither ``.py`` nor ``.ipynb``, a folder without
        apps, a syntax error, or two apps with the same route.
    """
    skip = {Path(p).resolve() for p in exclude}
    scripts: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in APP_SUFFIXES and p.is_file()
                           and not p.name.startswith("_") and p.resolve() not in skip)
            if not found:
                raise AppError(f"App folder {str(path)!r} contains no .py scripts or .ipynb "
                               "notebooks.")
            scripts.extend(found)
        else:
            scripts.append(path)
    if not scripts:
        raise AppError("No app given; pass at least one .py script or folder.")
    apps: dict[str, App] = {}
    for script in scripts:
        route = _route_for(script)
        if route in apps:
            raise AppError(
                f"Two apps would be served at {route!r}: {apps[route]!r} and {str(script)!r}; "
                "rename one of them.")
        apps[route] = app_for(script)
    return apps


def run_setup(setup: str | os.PathLike[str] | Callable[[], Any],
              paths: ImportPaths | None = None) -> None:
    """Run a ``--setup`` script (or function) once, in this process.

    The script runs in a module named ``panel_state_setup``, so ``if __name__ ==
    '__main__'`` blocks do not run and its functions may be scheduled as tasks. Its
    folder joins ``paths`` (so it imports its neighbours until ``paths`` closes).
    Exceptions propagate.
    """
    if callable(setup):
        setup()
        return
    path = Path(setup).resolve()
    code = _compile(path, "Setup script")
    module = types.ModuleType("panel_state_setup")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    if paths is not None:
        paths.add(str(path.parent))
    exec(code, module.__dict__)
