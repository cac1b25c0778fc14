"""Alert pane: a colored message box whose Markdown never carries raw HTML."""

from __future__ import annotations

import doctest

import pytest

import panel_state as pn
import panel_state.pane.alert


def test_alert_doctests():
    assert doctest.testmod(panel_state.pane.alert).failed == 0


def test_alert_renders_markdown_and_escapes_html():
    alert = pn.pane.Alert('**Careful** <script>window.__pwned=1</script> '
                          '<img src=x onerror=alert(1)> [x](javascript:alert(1))',
                          alert_type="danger")
    props = alert.view_props()
    assert alert.view_kind == "Alert" and props["alert_type"] == "danger"
    assert "<strong>Careful</strong>" in props["html"]
    assert "<script" not in props["html"] and "<img" not in props["html"]
    assert 'href="javascript' not in props["html"]


def test_alert_stretches_unless_sized():
    assert pn.pane.Alert("x").sizing_mode == "stretch_width"
    assert pn.pane.Alert("x", width=200).sizing_mode is None
    assert pn.pane.Alert("x", sizing_mode="fixed").sizing_mode == "fixed"


def test_alert_types_are_panels():
    for kind in ("primary", "secondary", "success", "danger", "warning", "info", "light", "dark"):
        pn.pane.Alert("x", alert_type=kind)
    with pytest.raises(ValueError, match="does not accept 'error'"):
        pn.pane.Alert("x", alert_type="error")
