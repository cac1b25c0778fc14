"""What ``--dev`` shows about an exception: the user's file and line, then a short trace."""

from __future__ import annotations

import doctest

import pytest

import panel_state.tracebacks
from panel_state import errors, execution
from panel_state.tracebacks import MAX_MESSAGE, MAX_TRACEBACK, is_library_file, summarize


def user_code(tmp_path, source: str) -> dict:
    """Run ``source`` as if from ``app.py`` in ``tmp_path``; returns its namespace."""
    namespace: dict = {}
    exec(compile(source, str(tmp_path / "app.py"), "exec"), namespace)
    return namespace


def caught(fn, *args) -> BaseException:
    """What ``fn(*args)`` raised when the scope runner ran it (as user code always runs)."""
    seen: list[BaseException] = []

    def listener(exc: BaseException, context: errors.ErrorContext) -> None:
        seen.append(exc)

    errors.add_listener(listener)
    try:
        execution.run(fn, *args, what="a test callback")
    finally:
        errors.remove_listener(listener)
    return seen[0]


def test_tracebacks_doctests():
    assert doctest.testmod(panel_state.tracebacks).failed == 0


def test_tracebacks_a_syntax_error_points_at_its_file_and_line(tmp_path):
    report = summarize(caught(compile, "x = 1\ny = [\n", str(tmp_path / "app.py"), "exec"))
    assert report["type"] == "SyntaxError" and report["message"] == "'[' was never closed"
    assert (report["file"], report["line"]) == (str(tmp_path / "app.py"), 2)
    assert "y = [" in report["traceback"] and "Traceback" not in report["traceback"]


def test_tracebacks_point_at_the_innermost_user_frame_and_start_at_user_code(tmp_path):
    ns = user_code(tmp_path, "def inner():\n    return {}['key']\n\ndef outer():\n"
                             "    return inner()\n")
    report = summarize(caught(ns["outer"]))
    assert (report["type"], report["message"]) == ("KeyError", "'key'")
    assert (report["file"], report["line"]) == (str(tmp_path / "app.py"), 2)
    trace = report["traceback"]
    assert "execution.py" not in trace  # the runner's frames are not the user's
    assert trace.index("line 5, in outer") < trace.index("line 2, in inner")


def test_tracebacks_library_only_exceptions_point_at_the_last_frame():
    with pytest.raises(ValueError) as info:
        int("nope")
    report = summarize(info.value)
    assert report["file"] == __file__  # this test file is user code
    no_frames = summarize(RuntimeError("never raised"))
    assert (no_frames["file"], no_frames["line"]) == (None, None)


def test_tracebacks_long_messages_and_traces_are_cut(tmp_path):
    ns = user_code(tmp_path, "def deep(n):\n    if n == 0:\n"
                             "        raise ValueError('x' * 20_000)\n    return deep(n - 1)\n")
    with pytest.raises(ValueError) as info:
        ns["deep"](3)
    report = summarize(info.value)
    assert len(report["message"]) <= MAX_MESSAGE + 5 and " ... " in report["message"]
    assert len(report["traceback"]) <= MAX_TRACEBACK + 4
    assert report["traceback"].startswith("...\n")
    assert report["traceback"].rstrip().endswith("x" * 20)  # the end, where the error is


def test_tracebacks_library_files_are_this_package_python_and_installed_packages():
    import json

    import tornado

    assert is_library_file(panel_state.tracebacks.__file__)
    assert is_library_file(json.__file__) and is_library_file(tornado.__file__)
    assert is_library_file("<frozen importlib._bootstrap>") and is_library_file("")
    assert not is_library_file("/home/someone/project/app.py")
    assert is_library_file("/opt/env/lib/python3.11/site-packages/thing/mod.py")
