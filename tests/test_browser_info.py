"""BrowserInfo: the page's claims, checked field by field, applied all or nothing."""

from __future__ import annotations

import pytest

import panel_state as pn
from panel_state.browser import BrowserInfo
from panel_state.testing import session

REPORT = {"dark_mode": True, "device_pixel_ratio": 2, "language": "fr-FR",
          "timezone": "Europe/Paris", "timezone_offset": -60, "webdriver": False,
          "webgl": True, "screen_width": 1920, "screen_height": 1080, "window_width": 1280,
          "window_height": 720}


def test_browser_info_applies_a_report_and_watchers_see_each_change():
    info = BrowserInfo()
    changes = []
    info.param.watch(lambda e: changes.append((e.name, e.new)), ["dark_mode", "window_width"])
    info.apply_client_info(REPORT)
    assert (info.timezone, info.language, info.device_pixel_ratio, info.window_height) == (
        "Europe/Paris", "fr-FR", 2.0, 720)
    info.apply_client_info({"window_width": 800, "dark_mode": True})
    assert changes == [("dark_mode", True), ("window_width", 1280), ("window_width", 800)]


@pytest.mark.parametrize(("report", "message"), [
    ({"dark_mode": "yes"}, "Browser info 'dark_mode' must be a JSON boolean"),
    ({"window_width": 10.5}, "Browser info 'window_width' must be a JSON integer"),
    ({"window_width": -1}, "Browser info 'window_width' must be a JSON integer"),
    ({"timezone": "x" * 201}, "Browser info 'timezone' must be a JSON string"),
    ({"device_pixel_ratio": float("nan")}, "'device_pixel_ratio' must be a JSON number"),
    ({"battery": 0.5}, r"Browser info has no field\(s\) \['battery'\]"),
])
def test_browser_info_refuses_a_bad_report_and_changes_nothing(report, message):
    info = BrowserInfo()
    with pytest.raises(ValueError, match=message):
        info.apply_client_info({"language": "de", **report})
    assert info.language is None


def test_browser_info_fields_are_read_only_for_app_code():
    with pytest.raises(TypeError, match="Read-only parameter 'dark_mode'"):
        BrowserInfo().dark_mode = True


def test_state_browser_info_is_the_sessions_and_none_outside_or_when_off():
    assert pn.state.browser_info is None
    with session() as s:
        assert pn.state.browser_info is s.browser_info is not None
    pn.config.browser_info = False
    with session():
        assert pn.state.browser_info is None
