"""pn.extension: names accepted, our options set, Panel's others warned once, typos refused."""

from __future__ import annotations

import logging

import pytest

import panel_state as pn
from panel_state.compat import UnsupportedWarning


def test_extension_accepts_extension_names_with_a_debug_line(caplog):
    caplog.set_level(logging.DEBUG, logger="panel_state.extension")
    pn.extension("tabulator", "plotly")
    assert [r.getMessage() for r in caplog.records if r.name == "panel_state.extension"] == [
        "pn.extension('tabulator'): panel_state's client needs nothing loaded for it",
        "pn.extension('plotly'): panel_state's client needs nothing loaded for it"]


def test_extension_sets_config_options():
    pn.extension(defer_load=True, nthreads=2, exception_handler=print)
    assert (pn.config.defer_load, pn.config.nthreads, pn.config.exception_handler) == (
        True, 2, print)


def test_extension_warns_once_for_panel_options_it_lacks():
    with pytest.warns(UnsupportedWarning, match="pn.extension: Panel's 'design' is not "
                                                "supported by panel_state yet"):
        pn.extension(design="material")
    pn.extension(design="material")  # the second time is silent (warnings are errors here)


def test_extension_refuses_unknown_options_and_sets_nothing():
    with pytest.raises(TypeError, match=r"pn.extension\(\) got unknown option\(s\) "
                                        r"\['defer_lod'\]"):
        pn.extension(defer_load=True, defer_lod=True)
    assert pn.config.defer_load is False


def test_extension_refuses_names_that_are_not_strings():
    with pytest.raises(TypeError, match="takes extension names as strings, got 3"):
        pn.extension(3)  # type: ignore[arg-type]


def test_extension_rejects_a_bad_value_with_params_error():
    with pytest.raises(ValueError, match="nthreads"):
        pn.extension(nthreads=-1)


def test_extension_checks_every_value_before_setting_any():
    with pytest.raises(ValueError, match="nthreads"):
        pn.extension(defer_load=True, exception_handler=print, nthreads=-1)
    assert (pn.config.defer_load, pn.config.exception_handler, pn.config.nthreads) == (
        False, None, None)


def test_extension_refuses_an_unknown_option_naming_it_even_among_panel_ones():
    with pytest.raises(TypeError, match=r"got unknown option\(s\) \['notificatons'\]"):
        pn.extension(notifications=False, notificatons=True)
    assert pn.config.notifications is True


def test_extension_autoreload_is_a_config_option_now_not_a_warning():
    pn.extension(autoreload=True)  # warnings are errors here: none is raised
    assert pn.config.autoreload is True
