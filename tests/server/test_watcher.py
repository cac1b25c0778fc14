"""The file watcher (watchfiles on a thread) on a real folder, and its debouncer's doctests."""

from __future__ import annotations

import doctest
import os
import threading
from contextlib import contextmanager

import panel_state.server.watcher
from panel_state.server.watcher import FileWatcher
from panel_state.testing import wait_until


def save(path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


@contextmanager
def watching(files):
    """A started FileWatcher of ``files`` (ready) and the batches it delivered."""
    batches: list[set] = []
    watcher = FileWatcher(batches.append, name="panel_state-test-watcher")
    watcher.watch(files)
    watcher.start()
    try:
        assert watcher.wait_ready()
        yield watcher, batches
    finally:
        watcher.stop()


def test_watcher_doctests():
    assert doctest.testmod(panel_state.server.watcher).failed == 0


def test_watcher_delivers_an_editor_save_of_a_watched_file_and_nothing_else(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("x = 1\n")
    with watching([app]) as (_watcher, batches):
        (tmp_path / "notes.txt").write_text("not watched")
        save(app, "x = 2\n")
        wait_until(lambda: batches)
        paths = {path for batch in batches for _change, path in batch}
        assert paths == {str(app.resolve())}  # the temporary file and notes.txt filtered out
    assert not any(t.name == "panel_state-test-watcher" for t in threading.enumerate())


def test_watcher_follows_files_in_a_new_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "app.py", tmp_path / "b" / "mod.py"
    first.write_text("")
    second.write_text("")
    with watching([first]) as (watcher, batches):
        watcher.watch([first, second])
        assert watcher.wait_ready()
        save(second, "y = 1\n")
        wait_until(lambda: batches)
        assert {path for _change, path in batches[0]} == {str(second.resolve())}
