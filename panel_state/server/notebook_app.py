"""Notebooks as apps: ``panel-state serve notebook.ipynb``.

The notebook's code cells run in order, in a fresh module per session, exactly as a
script's code does: what is marked ``.servable()`` is shown. Markdown and raw cells
are skipped; so are IPython magics (``%%cell`` magics skip their whole cell, ``%line``
and ``!shell`` lines are left out), each with an INFO log line naming it, as Panel
strips them.

Top-level ``await`` works. A cell whose awaits finish at once runs like any other; a
cell that really waits lets the session open, and the cells after it continue on the
session's loop once it is done. What those later cells mark servable appears, in
order, at the place of the cell that waited.

:func:`notebook_cells` (parsing and magic stripping) is pure; :class:`NotebookApp`
runs the cells.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import linecache
import logging
import os
import re
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..execution import spawn
from ..layout import Column
from ..session import Session
from .apps import App, AppError, ImportPaths, app_module, script_argv

__all__ = ["Cell", "NotebookApp", "notebook_cells", "strip_magics"]

log = logging.getLogger(__name__)

_LINE_MAGIC = re.compile(r"^(\s*)([%!].*)$")


@dataclass(frozen=True)
class Cell:
    """One code cell to run: its 1-based number among the code cells, and its source."""

    number: int
    source: str


def strip_magics(source: str, where: str) -> str:
    """``source`` without IPython magics; each one skipped is logged (INFO).

    A ``%%`` cell magic makes the whole cell its input (HTML, a shell script...), so the
    cell becomes empty; a ``%line`` magic or ``!shell`` line becomes ``pass`` at its
    indentation, so the code around it still parses.

    Examples
    --------
    >>> print(strip_magics("%matplotlib inline\\nx = 1", "cell 1"))
    pass
    x = 1
    """
    if source.lstrip().startswith("%%"):
        magic = source.lstrip().split(None, 1)[0]
        log.info("Skipping IPython cell magic %s in %s", magic, where)
        return ""
    lines = []
    for line in source.splitlines():
        match = _LINE_MAGIC.match(line)
        if match is None:
            lines.append(line)
            continue
        log.info("Skipping IPython magic %s in %s", match.group(2).strip(), where)
        lines.append(f"{match.group(1)}pass")
    return "\n".join(lines)


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def notebook_cells(text: str, name: str) -> tuple[list[Cell], str]:
    """The code cells of notebook JSON ``text`` (magics stripped) and its description.

    The description is the first line of the first markdown cell, ``#`` removed.

    Raises
    ------
    AppError
        For text that is not a notebook (bad JSON, no ``cells`` list).
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise AppError(f"App notebook {name!r} is not valid JSON: {exc}.") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise AppError(f"App notebook {name!r} has no list of cells; is it a Jupyter "
                       "notebook (nbformat 4)?")
    code: list[Cell] = []
    description = ""
    for cell in cells:
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        source = _text(cell.get("source")) if isinstance(cell, dict) else ""
        if kind == "markdown" and not description and source.strip():
            description = source.strip().splitlines()[0].lstrip("#").strip()
        elif kind == "code":
            number = len(code) + 1
            code.append(Cell(number, strip_magics(source, f"code cell {number} of {name}")))
    return code, description


def _compile(cell: Cell, path: Path) -> types.CodeType:
    filename = f"{path} [cell {cell.number}]"
    # Tracebacks show the cell's lines, as they would for a script.
    lines = cell.source.splitlines(keepends=True)
    linecache.cache[filename] = (len(cell.source), None, lines, filename)
    try:
        return compile(cell.source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                       dont_inherit=True)
    except SyntaxError as exc:
        raise AppError(f"App notebook {str(path)!r} has a syntax error in code cell "
                       f"{cell.number}, line {exc.lineno}: {exc.msg}.") from None


class NotebookApp(App):
    """A Jupyter notebook served as an app: its code cells, run afresh per session."""

    def __init__(self, path: str | os.PathLike[str], argv: Iterable[str] = (), *,
                 defer_errors: bool = False) -> None:
        self.path = Path(path).resolve()
        self.argv = tuple(argv)
        if not self.path.is_file():
            raise AppError(f"App notebook {str(path)!r} does not exist.")
        self.description = ""
        self.codes: list[tuple[int, types.CodeType]] = []
        if defer_errors:  # --dev: a broken notebook is served, showing its error
            self.reload()
        else:
            self._load()
        self.title = None
        # Notebooks import their neighbours, as they do in Jupyter.
        self.paths = ImportPaths()
        self.paths.add(str(self.path.parent))

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AppError(f"App notebook {str(self.path)!r} cannot be read: {exc}.") from None
        cells, self.description = notebook_cells(text, self.path.name)
        self.codes = [(cell.number, _compile(cell, self.path)) for cell in cells]

    def sources(self) -> tuple[Path, ...]:
        """The notebook file, watched by ``--autoreload``."""
        return (self.path,)

    def reload(self) -> None:
        """Read the cells again; a broken notebook makes each run raise until fixed."""
        try:
            self._load()
        except AppError as exc:
            self._failed(exc)
        else:
            self._failed(None)

    def _execute(self, session: Session) -> Any:
        namespace = app_module(self.path, session).__dict__
        codes = iter(self.codes)
        for number, code in codes:
            with script_argv(self.path, self.argv):
                waiting = _start(code, namespace)
            if waiting is not None:
                later = Column()
                session.add_root(later)
                spawn(self._finish(session, later, waiting, codes, namespace),
                      session=session, kind="callback",
                      what=f"notebook {self.path.name} from code cell {number}")
                return None
        return None

    async def _finish(self, session: Session, later: Column, waiting: tuple[Any, Any],
                      codes: Iterator[tuple[int, types.CodeType]],
                      namespace: dict[str, Any]) -> None:
        """Finish the waiting cell, then run the rest; their servables go into ``later``."""
        await _resume(*waiting)
        self._adopt(session, later)
        for _number, code in codes:
            next_wait = _start(code, namespace)
            if next_wait is not None:
                await _resume(*next_wait)
            self._adopt(session, later)

    @staticmethod
    def _adopt(session: Session, later: Column) -> None:
        # Roots marked after the first render would not be shown: they join ``later``.
        start = session.roots.index(later) + 1
        new = session.roots[start:]
        if new:
            del session.roots[start:]
            later.objects = [*later.objects, *new]

    def close(self) -> None:
        """Take the notebook's folder off ``sys.path`` again."""
        self.paths.close()

    def __repr__(self) -> str:
        return f"NotebookApp({str(self.path)!r})"


def _start(code: types.CodeType, namespace: dict[str, Any]) -> tuple[Any, Any] | None:
    """Run a cell; for one that awaits something not done yet, ``(coroutine, awaited)``."""
    result = eval(code, namespace)
    if not inspect.iscoroutine(result):
        return None
    try:
        awaited = result.send(None)
    except StopIteration:
        return None  # its awaits were all done already
    return result, awaited


async def _resume(coroutine: Any, awaited: Any) -> None:
    """Drive a started cell coroutine to its end, as a task drives it.

    Each awaited future is waited for without taking its result: the cell's own
    ``await`` takes it (or raises its exception) when the coroutine resumes.
    """
    while True:
        if awaited is None:
            await _yield()
        else:
            await asyncio.wait([awaited])
        try:
            awaited = coroutine.send(None)
        except StopIteration:
            return


@types.coroutine
def _yield() -> Iterator[None]:
    yield  # a bare yield: give the loop one turn, as asyncio.sleep(0) does
