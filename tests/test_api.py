"""The public API: curated once, sorted, importable."""

from __future__ import annotations
import __future__

import subprocess
import sys
import types

import pytest

import panel_state as pn


def test_api_all_is_sorted_and_unique():
    assert list(pn.__all__) == sorted(set(pn.__all__))


def test_api_every_name_is_importable():
    for name in pn.__all__:
        assert hasattr(pn, name), name


def test_api_import_has_no_side_effects_on_the_event_loop():
    code = (
        "import asyncio, threading, panel_state;"
        "assert threading.active_count() == 1, threading.enumerate();"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_api_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "panel_state", "--help"],
                         capture_output=True, text=True)
    assert out.returncode == 0
    assert "serve" in out.stdout


# -- curated namespaces ------------------------------------------------------------------------

NAMESPACES = ["widgets", "pane", "layout", "indicators", "template"]


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: upper-case constants first, then classes, then the rest.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def _namespaces() -> list[types.ModuleType]:
    """The namespaces that exist as packages (a plain module is not curated)."""
    found = [getattr(pn, name) for name in NAMESPACES if hasattr(pn, name)]
    return [ns for ns in found if isinstance(ns, types.ModuleType) and hasattr(ns, "__path__")]


def test_api_namespaces_include_widgets_panes_and_indicators():
    names = {ns.__name__ for ns in _namespaces()}
    assert {"panel_state.widgets", "panel_state.pane", "panel_state.indicators"} <= names


@pytest.mark.parametrize("ns", _namespaces(), ids=lambda ns: ns.__name__)
def test_api_namespace_all_is_sorted_public_classes(ns):
    assert list(ns.__all__) == sorted(set(ns.__all__), key=_isort_key)
    for name in ns.__all__:
        value = getattr(ns, name)
        assert isinstance(value, type) and not name.startswith("_"), f"{ns.__name__}.{name}"


@pytest.mark.parametrize("ns", _namespaces(), ids=lambda ns: ns.__name__)
def test_api_namespace_shows_nothing_else_but_its_submodules(ns):
    extra = {}
    for name in dir(ns):
        if name.startswith("_") or name in ns.__all__:
            continue
        value = getattr(ns, name)
        if isinstance(value, __future__._Feature):
            continue  # `from __future__ import annotations`: a compiler flag, not API
        if isinstance(value, types.ModuleType) and value.__name__ == f"{ns.__name__}.{name}":
            continue
        extra[name] = value
    assert extra == {}, f"{ns.__name__} shows names outside __all__: {sorted(extra)}"
