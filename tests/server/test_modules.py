"""Local modules: found once imported, re-imported afresh after an edit."""

from __future__ import annotations

import doctest
import importlib
import os
import sys

import pytest

import panel_state.server.modules
from panel_state.server.modules import LocalModules


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("dev_alpha", "dev_beta", "dev_pkg", "dev_pkg.inner", "dev_before"):
        sys.modules.pop(name, None)


def test_modules_doctests():
    assert doctest.testmod(panel_state.server.modules).failed == 0


def test_modules_only_local_modules_imported_after_it_count(project):
    (project / "dev_before.py").write_text("X = 0\n")
    (project / "dev_alpha.py").write_text("X = 1\n")
    (project / "dev_pkg").mkdir()
    (project / "dev_pkg" / "__init__.py").write_text("")
    (project / "dev_pkg" / "inner.py").write_text("Y = 2\n")
    importlib.import_module("dev_before")
    local = LocalModules([project])
    importlib.import_module("dev_alpha")
    importlib.import_module("dev_pkg.inner")
    importlib.import_module("wave")  # the standard library: never the developer's
    found = local.scan()
    assert found == {"dev_alpha": project / "dev_alpha.py",
                     "dev_pkg": project / "dev_pkg" / "__init__.py",
                     "dev_pkg.inner": project / "dev_pkg" / "inner.py"}
    assert local.scan() == {}  # nothing new since
    assert local.names_for([project / "dev_alpha.py"]) == {"dev_alpha"}


def test_modules_forget_imports_the_edited_source_even_in_the_same_second(project,
                                                                          monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as most machines run Python
    path = project / "dev_beta.py"
    path.write_text("WORD = 'aaaa'\n")
    local = LocalModules([project])
    assert importlib.import_module("dev_beta").WORD == "aaaa"
    local.scan()
    stat = path.stat()
    path.write_text("WORD = 'bbbb'\n")  # the same size...
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ...and the same mtime
    local.forget()
    assert importlib.import_module("dev_beta").WORD == "aaaa"  # the cached .pyc won
    local.forget(edited=[path])
    assert importlib.import_module("dev_beta").WORD == "bbbb"
    assert local.scan() == {"dev_beta": path}  # recorded again once imported again
