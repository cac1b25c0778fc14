"""Apps: what a route shows, run afresh for every session.

An app is a ``.py`` script (executed in a fresh module per session, where
``.servable()`` marks what is shown), a function returning something displayable, or
a Viewable shared by every session. :func:`discover` turns CLI arguments (files and
folders) into routes; :func:`run_setup` runs a ``--setup`` script once per process.
"""

from __future__ import annotations

import ast
import collections
import importlib
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

__all__ = ["APP_MODULE_PREFIX", "App", "AppError", "ImportPaths", "discover", "make_app",
           "run_setup"]

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
        raise AppError(f"{role} {str(path)!r} must be a .py file.")
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


def _docstring(path: Path) -> str | None:
    try:
        return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def as_viewable(obj: Any) -> Viewable:
    """Turn what an app function returned into something the client can show."""
    return obj if isinstance(obj, Viewable) else panel(obj)


class App:
    """One route's app. Subclasses implement :meth:`_execute`.

    For ``--autoreload``, an app built from files names them in :meth:`sources` and
    re-reads them in :meth:`reload`; every session opened afterwards runs the new code.
    """

    title: str | None = None
    #: Why the last :meth:`reload` failed; every run raises it until a reload succeeds.
    failure: BaseException | None = None
    _failure_tb: types.TracebackType | None = None

    def close(self) -> None:
        """The server stopped serving this app (no-op by default)."""

    def _failed(self, exc: BaseException | None) -> None:
        self.failure = exc
        self._failure_tb = exc.__traceback__ if exc is not None else None

    def sources(self) -> tuple[Path, ...]:
        """The files this app is built from, watched by ``--autoreload`` (none by default)."""
        return ()

    def reload(self) -> None:
        """Re-read :meth:`sources` after they changed (no-op by default).

        Never raises: a file that no longer compiles makes the next :meth:`run` raise.
        """

    def run(self, session: Session) -> list[Viewable]:
        """Run the app for ``session`` (active) and return the roots to show.

        Exceptions from the app propagate to the caller.
        """
        with session.activate():
            if self.failure is not None:  # the same traceback each time, not a growing one
                raise self.failure.with_traceback(self._failure_tb)
            result = self._execute(session)
            if not session.roots and result is not None:
                session.add_root(as_viewable(result))
        return list(session.roots)

    def _execute(self, session: Session) -> Any:
        raise NotImplementedError


def _forget_module(name: str, _session: Session) -> None:
    sys.modules.pop(name, None)


class ScriptApp(App):
    """A ``.py`` script compiled once and executed in a fresh module per session.

    With ``defer_errors`` (``--dev``), a script that does not compile is still served:
    each session's run raises its SyntaxError, shown in the page, until it is fixed.
    """

    def __init__(self, path: str | os.PathLike[str], *, defer_errors: bool = False) -> None:
        self.path = Path(path).resolve()
        if defer_errors and self.path.is_file():
            self.reload()
        else:
            self.code = _compile(self.path, "App script")
        self.title = None
        doc = _docstring(self.path) if self.failure is None else None
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
        name = f"{APP_MODULE_PREFIX}{next(_module_ids)}"
        module = types.ModuleType(name)
        module.__file__ = str(self.path)
        # Registered for the session's lifetime so that pickling, dataclasses and
        # ``inspect`` find the module; removed when the session is destroyed.
        sys.modules[name] = module
        session.on_teardown(partial(_forget_module, name))
        exec(self.code, module.__dict__)
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
        app: App = ScriptApp(spec)
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


def discover(paths: Iterable[str | os.PathLike[str]],
             exclude: Iterable[str | os.PathLike[str]] = (), *,
             defer_errors: bool = False) -> dict[str, App]:
    """Map CLI app arguments (scripts and folders of scripts) to routes.

    Each script is served at ``/<stem>``, as Panel does; ``/`` redirects to a single
    app or lists several. Files starting with ``_`` in a folder are skipped, and so
    are the ``exclude`` paths (the ``--setup`` script living next to the apps). With
    ``defer_errors`` (``--dev``) a script with a syntax error is served anyway and
    shows its error in the page.

    Raises
    ------
    AppError
        For a missing path, a non-``.py`` file, a folder without scripts, a syntax
        error, or two apps with the same route.
    """
    skip = {Path(p).resolve() for p in exclude}
    scripts: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.py")
                           if not p.name.startswith("_") and p.resolve() not in skip)
            if not found:
                raise AppError(f"App folder {str(path)!r} contains no .py scripts.")
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
        apps[route] = ScriptApp(script, defer_errors=defer_errors)
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
