"""The developer's own modules: found after the apps import them, re-imported after edits.

``--autoreload`` watches every *local* module that the setup script and the apps
import: a module whose file lies under an app's folder, the setup script's folder or
the current directory, and is not part of Python, an installed package or
panel_state (:func:`panel_state.tracebacks.is_library_file`). Modules that were
imported before the server started (the test runner's, the launching script's) are
never counted: only what appears in ``sys.modules`` afterwards.

After an edit, :meth:`LocalModules.forget` takes them out of ``sys.modules`` so that
the next run of an app imports them afresh from their files, and removes the cached
bytecode of the edited files: CPython validates a ``.pyc`` by the source's size and
whole-second modification time, so two same-sized saves within a second would
otherwise run the first one's code.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from ..tasks import APP_MODULE_PREFIX
from ..tracebacks import is_library_file

__all__ = ["LocalModules", "drop_bytecode"]

#: Modules the server itself makes for scripts: never imported, so never reloaded.
_OWN_PREFIXES = (APP_MODULE_PREFIX, "panel_state_setup")


def drop_bytecode(path: Path) -> None:
    """Remove the cached bytecode of ``path`` so its next import compiles the source."""
    with contextlib.suppress(OSError, ValueError, NotImplementedError):
        os.remove(importlib.util.cache_from_source(str(path)))


class LocalModules:
    """The local modules imported since it was made, by name, with their files.

    Parameters
    ----------
    roots : iterable of path
        Folders whose modules count as local (the apps', the setup's, the current one).

    Examples
    --------
    >>> import tempfile
    >>> local = LocalModules([tempfile.gettempdir()])
    >>> local.scan()
    {}
    """

    def __init__(self, roots: Iterable[str | os.PathLike[str]]) -> None:
        self.roots = tuple(sorted({str(Path(r).resolve()) for r in roots}))
        self._seen: set[str] = set(sys.modules)
        #: Module name -> its source file, for every local module found so far.
        self.files: dict[str, Path] = {}

    def local_file(self, module: object) -> Path | None:
        """The source file of ``module`` if it is a local module, else None."""
        name = getattr(module, "__name__", "")
        file = getattr(module, "__file__", None)
        if not isinstance(name, str) or name.startswith(_OWN_PREFIXES) or not file:
            return None
        if not isinstance(file, str) or not file.endswith(".py") or is_library_file(file):
            return None
        path = Path(file).resolve()
        text = str(path)
        if not any(text.startswith(root.rstrip("/") + "/") for root in self.roots):
            return None
        return path if path.is_file() else None

    def scan(self) -> dict[str, Path]:
        """Record the local modules imported since the last scan; returns the new ones."""
        found: dict[str, Path] = {}
        for name in list(sys.modules.keys() - self._seen):
            self._seen.add(name)
            path = self.local_file(sys.modules.get(name))
            if path is not None:
                found[name] = path
        self.files.update(found)
        return found

    def forget(self, names: Iterable[str] | None = None,
               edited: Iterable[Path] = ()) -> list[str]:
        """Take local modules (all by default) out of ``sys.modules``; returns their names.

        ``edited`` files also lose their cached bytecode. The names stay known (their
        files stay watched) and are recorded again when they are imported again.
        """
        chosen = list(self.files if names is None else names)
        for name in chosen:
            sys.modules.pop(name, None)
            self._seen.discard(name)
        for path in edited:
            drop_bytecode(path)
        importlib.invalidate_caches()
        return chosen

    def names_for(self, paths: Iterable[Path]) -> set[str]:
        """The names of the known local modules whose files are among ``paths``."""
        wanted = set(paths)
        return {name for name, path in self.files.items() if path in wanted}
