"""Apps: what a route shows, run afresh for every session.

An app is a ``.py`` script (executed in a fresh module per session, where
``.servable()`` marks what is shown), a Jupyter notebook (its code cells, in order, the
same way; see :mod:`panel_state.server.notebook_app`), a function returning something
displayable, or a Viewable shared by every session. :func:`discover` turns CLI
arguments (files and folders) into routes; :func:`run_setup` runs a ``--setup`` script
once per process.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..session import Session
from ..viewable import Viewable
from .apps import (
    APP_MODULE_PREFIX,
    App,
    AppError,
    ImportPaths,
    SetupError,
    app_module,
    compile_file,
    docstring,
    script_argv,
)
from .notebook_app import NotebookApp

__all__ = ["APP_MODULE_PREFIX", "APP_SUFFIXES", "App", "AppError", "FunctionApp",
           "ImportPaths", "NotebookApp", "ObjectApp", "ScriptApp", "SetupError", "app_for",
           "app_module", "discover", "make_app", "run_setup"]

class ScriptApp(App):
    """A ``.py`` script compiled once and executed in a fresh module per session.

    With ``defer_errors`` (``--dev``), a script that does not compile is still served:
    each session's run raises its SyntaxError, shown in the page, until it is fixed.
    While it runs, ``sys.argv`` is ``[script path, *argv]`` (``panel-state serve ...
    --args ...``), as if it were run with ``python``.
    """

    def __init__(self, path: str | os.PathLike[str], argv: Iterable[str] = (), *,
                 defer_errors: bool = False) -> None:
        self.argv = tuple(argv)
        self.path = Path(path).resolve()
        if defer_errors and self.path.is_file():
            self.reload()
        else:
            self.code = compile_file(self.path, "App script")
        self.title = None
        doc = docstring(self.path) if self.failure is None else None
        # Scripts import their neighbours (helpers, shared modules) as they would when
        # run with python, however they are served.
        self.paths = ImportPaths()
        self.paths.add(str(self.path.parent))
        #: The first line of the script's docstring, shown on the index page.
        self.description = doc.strip().splitlines()[0].replace("``", "") if doc else ""

    def sources(self) -> tuple[Path, ...]:
        """The script."""
        return (self.path,)

    def reload(self) -> None:
        """Compile the script again; a failure is raised by each run until fixed."""
        try:
            source = self.path.read_text(encoding="utf-8")
            self.code = compile(source, str(self.path), "exec", dont_inherit=True)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
            self._failed(exc)
        else:
            self._failed(None)

    def _execute(self, session: Session) -> Any:
        with script_argv(self.path, self.argv):
            exec(self.code, app_module(self.path, session).__dict__)
        return None

    def close(self) -> None:
        """Take the script's folder off ``sys.path`` again."""
        self.paths.close()

    def __repr__(self) -> str:
        return f"ScriptApp({str(self.path)!r})"


class FunctionApp(App):
    """A function called once per session; what it returns is shown.

    A top-level function of an importable module (not ``__main__``) is reloadable:
    its module is its source, and :meth:`reload` imports it afresh and takes the
    function of the same name from it.
    """

    def __init__(self, fn: Callable[[], Any], title: str | None = None) -> None:
        self.fn = fn
        self.title = title

    def sources(self) -> tuple[Path, ...]:
        """The file of the function's module, if it can be imported again."""
        name = getattr(self.fn, "__qualname__", "")
        module = sys.modules.get(getattr(self.fn, "__module__", None) or "")
        file = getattr(module, "__file__", None)
        if module is None or module.__name__ == "__main__" or not file or "." in name:
            return ()
        return (Path(file).resolve(),)

    def reload(self) -> None:
        """Import the function's module afresh and take the new function."""
        if not self.sources():
            return
        name = self.fn.__module__
        previous = sys.modules.pop(name)
        try:
            self.fn = getattr(importlib.import_module(name), self.fn.__qualname__)
        except Exception as exc:  # the module is broken: each run says so until fixed
            sys.modules[name] = previous
            self._failed(exc)
        else:
            self._failed(None)

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


def app_for(path: str | os.PathLike[str], argv: Iterable[str] = (), *,
            defer_errors: bool = False) -> App:
    """The app of a ``.py`` script or an ``.ipynb`` notebook."""
    if Path(path).suffix == ".ipynb":
        return NotebookApp(path, argv, defer_errors=defer_errors)
    return ScriptApp(path, argv, defer_errors=defer_errors)


def discover(paths: Iterable[str | os.PathLike[str]],
             exclude: Iterable[str | os.PathLike[str]] = (), *,
             defer_errors: bool = False, argv: Iterable[str] = ()) -> dict[str, App]:
    """Map CLI app arguments (scripts, notebooks and folders of them) to routes.

    Each script or notebook is served at ``/<stem>``, as Panel does; ``/`` redirects to
    a single app or lists several. Files starting with ``_`` in a folder are skipped, and
    so are the ``exclude`` paths (the ``--setup`` script living next to the apps). With
    ``defer_errors`` (``--dev``) an app with a syntax error is served anyway and shows its
    error in the page. ``argv`` is each app's ``sys.argv[1:]`` while it runs.

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
        apps[route] = app_for(script, argv, defer_errors=defer_errors)
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
    code = compile_file(path, "Setup script")
    module = types.ModuleType("panel_state_setup")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    if paths is not None:
        paths.add(str(path.parent))
    exec(code, module.__dict__)
