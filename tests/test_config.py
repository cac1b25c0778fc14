"""pn.config: Panel's options that panel_state supports, and pn.config.set."""

from __future__ import annotations

import pytest

import panel_state as pn
from panel_state.compat import UnsupportedWarning


def test_config_set_sets_for_the_block_and_restores():
    pn.config.nthreads = 3
    with pn.config.set(nthreads=1, defer_load=True, ready_notification="Ready!"):
        assert (pn.config.nthreads, pn.config.defer_load, pn.config.ready_notification) == (
            1, True, "Ready!")
    assert (pn.config.nthreads, pn.config.defer_load, pn.config.ready_notification) == (
        3, False, None)


def test_config_set_restores_when_the_block_raises():
    with pytest.raises(KeyError), pn.config.set(session_history=5):
        raise KeyError("x")
    assert pn.config.session_history == 0


def test_config_set_refuses_a_bad_value_and_sets_nothing():
    with pytest.raises(ValueError, match="nthreads"), pn.config.set(defer_load=True,
                                                                      nthreads=-1):
        pass
    assert pn.config.defer_load is False and pn.config.nthreads is None


def test_config_set_refuses_unknown_options_and_sets_nothing():
    with pytest.raises(TypeError, match=r"pn.config.set\(\) got unknown option\(s\) "
                                        r"\['nthread'\]"), pn.config.set(defer_load=True,
                                                                          nthread=2):
        pass
    assert pn.config.defer_load is False


def test_config_set_warns_once_for_panel_options_it_lacks():
    with pytest.warns(UnsupportedWarning, match="pn.config.set: Panel's 'design' is not "
                                                "supported"), pn.config.set(design="x"):
        pass
    with pn.config.set(design="x"):  # once per process: silent now
        pass


def test_config_panel_options_supported_now_are_real_params():
    assert (pn.config.notifications, pn.config.ready_notification,
            pn.config.disconnect_notification, pn.config.browser_info,
            pn.config.session_history) == (True, None, None, True, 0)
    pn.extension(notifications=False, ready_notification="Hi",
                 disconnect_notification="Lost", browser_info=False, session_history=-1)
    assert (pn.config.notifications, pn.config.ready_notification,
            pn.config.disconnect_notification, pn.config.browser_info,
            pn.config.session_history) == (False, "Hi", "Lost", False, -1)
