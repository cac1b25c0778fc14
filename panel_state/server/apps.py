"""The App contract and what every kind of app shares.

An :class:`App` is what one route shows, run afresh for every session. This module
has the base class, the error types, the per-session app module and
:class:`ImportPaths` (folders put on ``sys.path`` while a server serves them). The
kinds of app -- scripts, functions and viewables in :mod:`.loader`, notebooks in
:mod:`.notebook_app` -- build on it.
"""

from __future__ import annotations

import ast
import collections
import itertools
import sys
import threading
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from ..pages import show_template
from ..reactive import panel
from ..session import Session
from ..tasks import APP_MODULE_PREFIX
from ..template import Template
from ..viewable import Viewable

__all__ = ["APP_MODULE_PREFIX", "App", "AppError", "ImportPaths", "SetupError",
           "app_module", "as_viewable", "compile_file", "docstring", "script_argv"]

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


def compile_file(path: Path, role: str) -> types.CodeType:
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


def docstring(path: Path) -> str | None:
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
            # A template served as a root (returned, or a shared object) is the page.
            shown = [root for root in session.roots if isinstance(root, Template)]
            if shown and session.template is None:
                show_template(session, shown[0])
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


@contextmanager
def script_argv(path: Path, argv: Iterable[str]) -> Iterator[None]:
    """``sys.argv`` is ``[path, *argv]`` inside the block, as ``python path argv`` has it."""
    saved = sys.argv
    sys.argv = [str(path), *argv]
    try:
        yield
    finally:
        sys.argv = saved
