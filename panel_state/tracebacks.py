"""Exceptions as a developer wants to read them: the user's file and line, then the trace.

``--dev`` shows app and callback exceptions in the page (see
:mod:`panel_state.server.reload`). What it shows is computed here, as a pure function
of the exception: the innermost frame of *user code* (not this package, not the
standard library, not an installed package) gives the file and line, and the
traceback starts at the first user frame, so the scope runner and the loader are not
in the way. A :class:`SyntaxError` points at the file and line it names.

Examples
--------
>>> try:
...     compile("x = (", "app.py", "exec")
... except SyntaxError as exc:
...     report = summarize(exc)
>>> report["type"], report["file"], report["line"]
('SyntaxError', 'app.py', 1)
"""

from __future__ import annotations

import functools
import sys
import sysconfig
import traceback
from pathlib import Path
from typing import Any

__all__ = ["MAX_MESSAGE", "MAX_TRACEBACK", "is_library_file", "summarize"]

#: Longest exception message kept (characters); longer ones are cut in the middle.
MAX_MESSAGE = 2_000
#: Longest traceback text kept (characters); the end, where the error is, is kept.
MAX_TRACEBACK = 16_000

_PACKAGE = str(Path(__file__).resolve().parent)


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {_PACKAGE, paths["stdlib"], paths["platstdlib"], paths["purelib"],
             paths["platlib"], sys.prefix, sys.base_prefix, sys.exec_prefix}
    return tuple(sorted(str(Path(r).resolve()) for r in roots if r))


def is_library_file(filename: str) -> bool:
    """Whether ``filename`` belongs to this package, Python or an installed package.

    Such code is never the developer's: its frames are not pointed at, and its modules
    are never reloaded. Pseudo-files (``<frozen ...>``, ``<string>``) count as library.

    Examples
    --------
    >>> is_library_file(__file__), is_library_file("/home/me/app/app.py")
    (True, False)
    """
    if not filename or filename.startswith("<"):
        return True
    path = str(Path(filename).resolve())
    parts = Path(path).parts
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    return any(path == root or path.startswith(root.rstrip("/") + "/")
               for root in _library_roots())


def _shorten(text: str, limit: int, keep_end: bool) -> str:
    if len(text) <= limit:
        return text
    if keep_end:
        return "...\n" + text[-limit:]
    half = limit // 2
    return text[:half] + " ... " + text[-half:]


def summarize(exc: BaseException) -> dict[str, Any]:
    """What to show about ``exc``: its type, message, user file and line, and trace.

    Returns
    -------
    dict
        ``type`` (the class name), ``message`` (``str(exc)``), ``file`` and ``line``
        (the innermost user frame, or the file a SyntaxError names; None when neither
        is known) and ``traceback`` (formatted, from the first user frame on).
    """
    frames = traceback.extract_tb(exc.__traceback__)
    user = [i for i, frame in enumerate(frames) if not is_library_file(frame.filename)]
    file: str | None = None
    line: int | None = None
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
        message = exc.msg or str(exc)
    else:
        message = str(exc)
        if user:
            frame = frames[user[-1]]
            file, line = frame.filename, frame.lineno
        elif frames:
            file, line = frames[-1].filename, frames[-1].lineno
    shown = traceback.TracebackException.from_exception(exc)
    if user:  # start at the user's code: the loader and scope runner are noise here
        shown.stack = traceback.StackSummary.from_list(frames[user[0]:])
    elif isinstance(exc, SyntaxError):  # only the compiler was running: show just the line
        shown.stack = traceback.StackSummary.from_list([])
    text = "".join(shown.format())
    return {"type": type(exc).__name__, "message": _shorten(message, MAX_MESSAGE, False),
            "file": file, "line": line,
            "traceback": _shorten(text, MAX_TRACEBACK, True)}
