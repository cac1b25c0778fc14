"""pn.Param in Chromium: every generated widget type, driven from the page and from Python.

One Parameterized has a param of each type pn.Param knows; the test changes each
widget like a user and reads the object in Python, then changes the object in Python
(a button's callback on the server) and reads the page. Read-only and constant params
are disabled on the page, and a page that enables them anyway still cannot change the
object; values the params refuse are refused with a message and change nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import param
import pytest
from playwright.sync_api import Page, expect

import panel_state as pn
from panel_state._params import set_readonly

pytestmark = pytest.mark.browser

W = pn.widgets


class Gadget(param.Parameterized):
    level = param.Integer(default=3, bounds=(0, 10), doc="An IntSlider.")
    gain = param.Number(default=0.5, bounds=(0.0, 1.0), step=0.1, doc="A FloatSlider.")
    copies = param.Integer(default=7, bounds=(1, None), doc="An IntInput, at least 1.")
    scale = param.Number(default=1.5, doc="A FloatInput.")
    enabled = param.Boolean(default=False, doc="A Checkbox.")
    mode = param.Selector(default="fast", objects=["fast", "safe", "off"], doc="A Select.")
    title = param.String(default="hello", doc="A TextInput.")
    bumps = param.Integer(default=0, precedence=-1, doc="Counted by bump; not shown.")
    bump = param.Action(lambda self: self.param.update(bumps=self.bumps + 1),
                        doc="A Button that runs the action.")
    window = param.Range(default=(0.5, 2.5), bounds=(0.0, 10.0), doc="A RangeSlider.")
    pages = param.Range(default=(2, 5), bounds=(0, 20), doc="An IntRangeSlider.")
    day = param.Date(default=dt.datetime(2024, 5, 1, 9, 30),
                     bounds=(dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31)),
                     doc="A DatePicker; the time of day is kept.")
    status = param.String(default="idle", readonly=True, doc="Read-only: disabled.")
    version = param.Integer(default=2, bounds=(0, 10), constant=True, doc="Constant.")


KINDS = {"level": "IntSlider", "gain": "FloatSlider", "copies": "IntInput",
         "scale": "FloatInput", "enabled": "Checkbox", "mode": "Select",
         "title": "TextInput", "bump": "Button", "window": "RangeSlider",
         "pages": "IntRangeSlider", "day": "DatePicker", "status": "TextInput",
         "version": "IntSlider"}

FIELDS = ("level", "gain", "copies", "scale", "enabled", "mode", "title", "bumps",
          "window", "pages", "day", "status", "version")


def readout(obj: Gadget) -> Any:
    """One line with every value, so the page shows what the object holds."""
    def show(*values: Any) -> str:
        return " ".join(f"{k}={v}" for k, v in zip(FIELDS, values, strict=True))

    return pn.bind(show, *(obj.param[k] for k in FIELDS))


def app(made: dict[str, Any]) -> Any:
    obj = Gadget(name="Gadget")
    pane = pn.Param(obj)
    made.update(obj=obj, pane=pane)

    def from_python(event: Any) -> None:
        obj.param.update(level=9, gain=0.2, copies=40, scale=-2.25, enabled=False,
                         mode="off", title="set in Python", window=(4.0, 9.5), pages=(0, 20),
                         day=dt.datetime(2024, 12, 24, 9, 30))
        with param.edit_constant(obj):
            obj.version = 8
        set_readonly(obj, "status", "busy")             # as the library sets its own

    button = W.Button(name="Set from Python")
    button.on_click(from_python)
    return pn.Column(pane, button, readout(obj))


def state(page: Page) -> Any:
    return page.locator(".ps-pfunc .ps-markdown")


def field(page: Page, label: str) -> Any:
    """The control labelled ``label`` (a slider's label also shows its value)."""
    return page.locator(".ps-param label.ps-widget", has=page.locator(
        ".ps-label", has_text=re.compile(rf"^{label}(:|$)"))).locator("input, select")


def test_browser_param_generates_each_widget_type(serve, tab):
    made: dict[str, Any] = {}
    server = serve(lambda: app(made))
    page = tab.page
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Gadget")).to_be_visible()
    pane = made["pane"]
    assert {n: type(pane.widget(n)).__name__ for n in KINDS} == KINDS
    assert [type(w).__name__ for w in pane.widget_list] == list(KINDS.values())
    expect(page.locator(".ps-param .ps-slider")).to_have_count(3)     # level, gain, version
    expect(page.locator(".ps-param .ps-number")).to_have_count(2)     # copies, scale
    expect(page.locator(".ps-param .ps-range-slider")).to_have_count(2)
    expect(page.locator(".ps-param input[type=date]")).to_have_count(1)
    expect(page.locator(".ps-param .ps-label")).to_have_text(
        ["Level: 3", "Gain: 0.5", "Copies", "Scale", "Enabled", "Mode", "Title",
         "Window: 0.5 … 2.5", "Pages: 2 … 5", "Day", "Status", "Version: 2"])
    expect(page.get_by_role("button", name="Bump")).to_be_visible()
    assert tab.errors == []


def test_browser_param_widgets_change_the_object(serve, tab):
    made: dict[str, Any] = {}
    server = serve(lambda: app(made))
    page = tab.page
    page.goto(server.url)
    expect(state(page)).to_have_text(
        "level=3 gain=0.5 copies=7 scale=1.5 enabled=False mode=fast title=hello bumps=0 "
        "window=(0.5, 2.5) pages=(2, 5) day=2024-05-01 09:30:00 status=idle version=2")

    field(page, "Level").fill("6")
    field(page, "Gain").fill("0.8")
    for label, value in (("Copies", "12"), ("Scale", "0.25"), ("Title", "from the page")):
        field(page, label).fill(value)
        field(page, label).press("Enter")
    field(page, "Enabled").check()
    field(page, "Mode").select_option("safe")
    page.get_by_role("button", name="Bump").click()
    page.get_by_role("button", name="Bump").click()
    window = page.locator(".ps-range-slider", has_text="Window")
    window.locator(".ps-range-low").fill("1.5")
    window.locator(".ps-range-high").fill("7")
    pages = page.locator(".ps-range-slider", has_text="Pages")
    pages.locator(".ps-range-high").fill("15")
    field(page, "Day").fill("2024-06-02")
    expect(state(page)).to_have_text(
        "level=6 gain=0.8 copies=12 scale=0.25 enabled=True mode=safe title=from the page "
        "bumps=2 window=(1.5, 7.0) pages=(2, 15) day=2024-06-02 09:30:00 status=idle "
        "version=2")
    obj = made["obj"]
    assert (obj.level, obj.gain, obj.copies, obj.scale, obj.enabled, obj.mode, obj.title,
            obj.bumps) == (6, 0.8, 12, 0.25, True, "safe", "from the page", 2)
    assert (obj.window, obj.pages, obj.day) == ((1.5, 7.0), (2, 15),
                                                dt.datetime(2024, 6, 2, 9, 30))
    assert type(obj.level) is int and type(obj.copies) is int
    assert all(type(v) is int for v in obj.pages)
    expect(page.locator(".ps-param .ps-label")).to_contain_text(
        ["Level: 6", "Gain: 0.8", "Window: 1.5 … 7", "Pages: 2 … 15"])
    assert tab.errors == []


def test_browser_param_widgets_follow_the_object(serve, tab):
    made: dict[str, Any] = {}
    server = serve(lambda: app(made))
    page = tab.page
    page.goto(server.url)
    field(page, "Enabled").check()
    expect(state(page)).to_contain_text("enabled=True")
    page.get_by_role("button", name="Set from Python").click()
    expect(state(page)).to_have_text(
        "level=9 gain=0.2 copies=40 scale=-2.25 enabled=False mode=off title=set in Python "
        "bumps=0 window=(4.0, 9.5) pages=(0, 20) day=2024-12-24 09:30:00 status=busy "
        "version=8")
    expect(field(page, "Level")).to_have_value("9")
    expect(field(page, "Gain")).to_have_value("0.2")
    expect(field(page, "Copies")).to_have_value("40")
    expect(field(page, "Scale")).to_have_value("-2.25")
    expect(field(page, "Enabled")).not_to_be_checked()
    expect(field(page, "Mode")).to_have_value("off")
    expect(field(page, "Title")).to_have_value("set in Python")
    window = page.locator(".ps-range-slider", has_text="Window")
    expect(window.locator(".ps-range-low")).to_have_value("4")
    expect(window.locator(".ps-range-high")).to_have_value("9.5")
    pages = page.locator(".ps-range-slider", has_text="Pages")
    expect(pages.locator(".ps-range-low")).to_have_value("0")
    expect(pages.locator(".ps-range-high")).to_have_value("20")
    expect(field(page, "Day")).to_have_value("2024-12-24")
    expect(field(page, "Status")).to_have_value("busy")
    expect(field(page, "Version")).to_have_value("8")
    expect(page.locator(".ps-param .ps-label")).to_contain_text(
        ["Level: 9", "Gain: 0.2", "Window: 4 … 9.5", "Pages: 0 … 20", "Version: 8"])
    assert tab.errors == []


def test_browser_param_readonly_and_constant_cannot_be_changed(serve, tab, server_barrier):
    made: dict[str, Any] = {}
    server = serve(lambda: app(made))
    page = tab.page
    page.goto(server.url)
    status, version = field(page, "Status"), field(page, "Version")
    expect(status).to_be_disabled()
    expect(version).to_be_disabled()
    expect(field(page, "Level")).to_be_enabled()
    # A page that enables them anyway: the server refuses what they send.
    page.evaluate("""() => document.querySelectorAll(".ps-param input:disabled")
                   .forEach((el) => { el.disabled = false; })""")
    status.fill("hacked")
    status.press("Enter")
    version.fill("9")
    server_barrier(page)
    obj = made["obj"]
    assert (obj.status, obj.version) == ("idle", 2)
    assert (made["pane"].widget("status").value, made["pane"].widget("version").value) == (
        "idle", 2)
    # The page shows the server's values again, and the refusals say why.
    expect(status).to_have_value("idle")
    expect(version).to_have_value("2")
    for name in ("TextInput 'Status'", "IntSlider 'Version'"):
        # (a slider's release also sends value_throttled: refused the same way)
        expect(page.get_by_role("alert").filter(has_text=f"{name} is disabled").first) \
            .to_be_visible()
    expect(state(page)).to_contain_text("status=idle version=2")
    assert [e for e in tab.errors if "rejected" not in e] == []


def test_browser_param_refuses_bad_values_and_keeps_the_object(serve, tab, server_barrier):
    made: dict[str, Any] = {}
    server = serve(lambda: app(made))
    page = tab.page
    page.goto(server.url)
    copies = field(page, "Copies")
    expect(copies).to_have_value("7")
    for typed, why in (("0", "value must be within [start, end] = [1, None]"),
                       ("2.5", "value must be an integer, got 2.5"),
                       ("", "Integer parameter 'Gadget.copies' must be an integer")):
        copies.fill(typed)                                  # too small, not whole, empty
        copies.press("Enter")
        shown = "None" if typed == "" else typed
        expect(page.get_by_role("alert").filter(
            has_text=f"IntInput.value rejected {shown}: ")).to_contain_text(why)
        expect(copies).to_have_value("7")
    day = field(page, "Day")
    day.fill("2025-01-01")                                  # past the param's last day
    expect(page.get_by_role("alert").filter(
        has_text="DatePicker.value rejected '2025-01-01'")).to_be_visible()
    expect(day).to_have_value("2024-05-01")
    server_barrier(page)
    obj = made["obj"]
    assert (obj.copies, obj.day) == (7, dt.datetime(2024, 5, 1, 9, 30))
    assert made["pane"].widget("copies").value == 7
    expect(state(page)).to_contain_text("copies=7 ")
    # The fields still take good values afterwards; the last day the picker offers is
    # one of them, though 09:30 on it is past the bound (midnight): it gets midnight.
    copies.fill("3")
    copies.press("Enter")
    day.fill("2024-12-31")
    expect(state(page)).to_contain_text("copies=3 ")
    expect(state(page)).to_contain_text("day=2024-12-31 00:00:00 ")
    assert (obj.copies, obj.day) == (3, dt.datetime(2024, 12, 31))
    assert [e for e in tab.errors if "rejected" not in e] == []
