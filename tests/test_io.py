"""panel_state.io mirrors Panel's panel.io import paths."""

from __future__ import annotations

import subprocess
import sys

import panel_state as pn


def test_io_names_are_the_objects_panel_state_defines():
    from panel_state.io import PeriodicCallback, hold
    from panel_state.io.browser import BrowserInfo
    from panel_state.io.cache import cache, compute_hash, is_equal
    from panel_state.io.callbacks import PeriodicCallback as CallbacksPeriodicCallback
    from panel_state.io.document import hold as document_hold
    from panel_state.io.location import Location
    from panel_state.io.notifications import NotificationArea
    from panel_state.io.state import state

    assert PeriodicCallback is CallbacksPeriodicCallback is pn.PeriodicCallback
    assert hold is document_hold is pn.io.hold
    assert Location is pn.Location and state is pn.state and pn.io.state is pn.state
    assert cache is pn.cache and compute_hash("a") == compute_hash("a") and is_equal(1, 1)
    assert pn.io.cache is pn.cache  # importing the submodule left the decorator in place
    assert BrowserInfo.__module__ == "panel_state.browser"
    assert NotificationArea.__module__ == "panel_state.notifications"


def test_io_server_serves_and_importing_io_does_not_import_the_server():
    code = ("import sys, panel_state, panel_state.io;"
            "assert 'panel_state.server' not in sys.modules;"
            "from panel_state.io.server import serve;"
            "import panel_state as pn; assert serve is pn.serve; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"
