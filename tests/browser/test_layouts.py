"""Tabs, Card and FlexBox in Chromium: browser -> Python -> browser, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

import panel_state as pn

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
HOSTILE = '<img src=x onerror="window.__pwned = 1">'


def layouts_app():
    """One app for the module: Tabs, a Card and a FlexBox, each with Python controls."""
    tabs = pn.Tabs(("First", "first body"), ("Second", "second body"),
                   (HOSTILE, "third body"), closable=True)
    card = pn.Card("card body", title=HOSTILE, header_background="#eeeeff")
    box = pn.FlexBox(*[pn.pane.Str(f"item {i}") for i in range(3)], flex_direction="column",
                     justify_content="center", gap="12px")

    def controls():
        first = pn.widgets.Button(name="Show first")
        first.on_click(lambda e: setattr(tabs, "active", 0))
        expand = pn.widgets.Button(name="Expand card")
        expand.on_click(lambda e: setattr(card, "collapsed", False))
        turn = pn.widgets.Button(name="Row box")
        turn.on_click(lambda e: box.param.update(flex_direction="row", gap="3px"))
        return pn.Row(first, expand, turn)

    def readout(active, collapsed, count):
        return f"active={active} collapsed={collapsed} tabs={count}"

    return pn.Column(
        controls(),
        pn.panel(pn.bind(readout, tabs.param.active, card.param.collapsed,
                         pn.bind(len, tabs.param["objects"]))),
        tabs, card, box)


def test_browser_tabs_click_sets_active_and_python_switches_back(serve, tab):
    server = serve(layouts_app)
    page = tab.page
    page.goto(server.url)
    readout = page.locator(".ps-pfunc .ps-markdown")
    expect(readout).to_have_text("active=0 collapsed=False tabs=3")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_text(["First", "Second", HOSTILE])  # a title is text, never markup
    expect(page.get_by_text("first body")).to_be_visible()
    expect(page.get_by_text("second body")).to_be_hidden()

    page.get_by_role("tab", name="Second").click()
    expect(readout).to_have_text("active=1 collapsed=False tabs=3")
    expect(page.get_by_text("second body")).to_be_visible()
    expect(page.get_by_text("first body")).to_be_hidden()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")

    page.get_by_role("button", name="Show first").click()
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("first body")).to_be_visible()
    expect(readout).to_have_text("active=0 collapsed=False tabs=3")

    page.get_by_role("button", name=f"Close {HOSTILE}").click()
    expect(readout).to_have_text("active=0 collapsed=False tabs=2")
    expect(tabs).to_have_text(["First", "Second"])
    assert page.locator(".ps-tabs img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert tab.errors == []


def test_browser_card_collapses_both_ways(serve, tab):
    server = serve(layouts_app)
    page = tab.page
    page.goto(server.url)
    readout = page.locator(".ps-pfunc .ps-markdown")
    body = page.get_by_text("card body")
    expect(body).to_be_visible()
    expect(page.locator(".ps-card-title")).to_have_text(HOSTILE)
    expect(page.locator(".ps-card-header")).to_have_css("background-color", "rgb(238, 238, 255)")

    page.get_by_role("button", name="Collapse").click()
    expect(readout).to_have_text("active=0 collapsed=True tabs=3")
    expect(body).to_be_hidden()
    expect(page.locator(".ps-card-button")).to_have_attribute("aria-expanded", "false")

    page.get_by_role("button", name="Expand card").click()
    expect(body).to_be_visible()
    expect(readout).to_have_text("active=0 collapsed=False tabs=3")
    assert page.locator(".ps-card img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert tab.errors == []


def test_browser_flexbox_applies_its_css_and_follows_python(serve, tab):
    server = serve(layouts_app)
    page = tab.page
    page.goto(server.url)
    box = page.locator(".ps-flexbox")
    expect(box).to_have_css("display", "flex")
    expect(box).to_have_css("flex-direction", "column")
    expect(box).to_have_css("justify-content", "center")
    expect(box).to_have_css("row-gap", "12px")
    items = box.locator(".ps-str")
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    assert first and second and second["y"] >= first["y"] + first["height"] + 11

    page.get_by_role("button", name="Row box").click()
    expect(box).to_have_css("flex-direction", "row")
    expect(box).to_have_css("column-gap", "3px")
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    assert first and second and second["x"] > first["x"] and second["y"] == first["y"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "test_browser_layouts.png"))
    assert tab.errors == []
