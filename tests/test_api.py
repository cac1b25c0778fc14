"""The public API: curated once, sorted, importable."""

from __future__ import annotations

import subprocess
import sys

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
