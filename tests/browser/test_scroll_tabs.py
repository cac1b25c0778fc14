"""Column scrolling and dynamic Tabs in Chromium: browser -> Python -> browser, and back.

A fixed-height Column of many lines reports the user's scrolling as ``scroll_position``
and scrolls when Python sets it; ``auto_scroll_limit`` keeps it at the bottom as lines
come only while the user is there; the scroll button and ``view_latest`` do what they
say. ``Tabs(dynamic=True)`` holds only the shown tab's child in the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

import panel_state as pn
from panel_state.testing import wait_until

pytestmark = pytest.mark.browser

LINES = 40
W = pn.widgets


def log_app(made: dict[str, Any], **params: Any) -> Any:
    """A 200px Column of lines, its position as text and buttons acting from Python."""
    log = pn.Column(*[pn.pane.Str(f"line {i}") for i in range(LINES)], height=200,
                    width=300, **params)
    made["log"] = log
    add = W.Button(name="Add line")
    add.on_click(lambda e: log.append(pn.pane.Str(f"line {len(log)}")))
    jump = W.Button(name="Jump to 300")
    jump.on_click(lambda e: setattr(log, "scroll_position", 300))
    position = pn.bind(lambda p: f"position={p}", log.param.scroll_position)
    return pn.Column(pn.Row(add, jump), pn.panel(position), log)


def open_log(serve: Any, page: Page, **params: Any) -> tuple[dict[str, Any], Locator]:
    made: dict[str, Any] = {}
    server = serve(lambda: log_app(made, **params))
    page.goto(server.url)
    column = page.locator(".ps-column").filter(has_text="line 0").last
    expect(column.get_by_text("line 0", exact=True)).to_be_attached()
    return made, column


def from_bottom(column: Locator) -> float:
    return float(column.evaluate("el => el.scrollHeight - el.scrollTop - el.clientHeight"))


def scroll_top(column: Locator) -> int:
    return int(column.evaluate("el => Math.round(el.scrollTop)"))


def readout(page: Page) -> Locator:
    return page.locator(".ps-pfunc .ps-markdown")


def test_browser_column_scroll_position_both_ways(serve, tab):
    made, column = open_log(serve, tab.page, scroll=True)
    page = tab.page
    expect(column).to_have_css("overflow-y", "auto")
    assert column.evaluate("el => el.scrollHeight > 2 * el.clientHeight")
    expect(readout(page)).to_have_text("position=0")

    column.evaluate("el => { el.scrollTop = 250; }")  # the user's scrolling
    expect(readout(page)).to_have_text("position=250")
    assert made["log"].scroll_position == 250

    page.get_by_role("button", name="Jump to 300").click()  # Python sets it
    page.wait_for_function("(el) => Math.round(el.scrollTop) === 300", arg=column.element_handle())
    expect(readout(page)).to_have_text("position=300")
    assert tab.errors == []


def test_browser_column_auto_scroll_only_while_at_the_bottom(serve, tab, server_barrier):
    made, column = open_log(serve, tab.page, auto_scroll_limit=40)
    page = tab.page
    column.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    expect(readout(page)).not_to_have_text("position=0")
    page.get_by_role("button", name="Add line").click()
    newest = column.get_by_text(f"line {LINES}", exact=True)
    expect(newest).to_be_in_viewport()
    assert from_bottom(column) <= 1
    assert made["log"].scroll_position > 0

    column.evaluate("el => { el.scrollTop = 0; }")  # the user reads the start
    expect(readout(page)).to_have_text("position=0")
    column.evaluate("""el => { window.psScrolls = [];
        el.addEventListener('scroll', () => window.psScrolls.push(el.scrollTop)); }""")
    page.get_by_role("button", name="Add line").click()
    expect(column.get_by_text(f"line {LINES + 1}", exact=True)).to_be_attached()
    server_barrier(page)
    assert page.evaluate("window.psScrolls") == [] and scroll_top(column) == 0
    assert made["log"].scroll_position == 0
    assert tab.errors == []


def test_browser_column_scroll_button_beyond_the_threshold(serve, tab):
    _, column = open_log(serve, tab.page, scroll_button_threshold=100)
    page = tab.page
    button = column.get_by_role("button", name="Scroll to latest")
    expect(button).to_be_visible()  # at the top, far from the bottom
    button.click()
    page.wait_for_function("(el) => el.scrollHeight - el.scrollTop - el.clientHeight <= 1",
                           arg=column.element_handle())
    expect(button).to_be_hidden()
    expect(column.get_by_text(f"line {LINES - 1}", exact=True)).to_be_in_viewport()
    expect(readout(page)).not_to_have_text("position=0")

    near = column.evaluate("el => el.scrollTop = el.scrollHeight - el.clientHeight - 50")
    expect(readout(page)).to_have_text(f"position={near}")
    expect(button).to_be_hidden()  # 50px up: within the threshold
    column.evaluate("el => { el.scrollTop = el.scrollHeight - el.clientHeight - 150; }")
    expect(button).to_be_visible()
    assert tab.errors == []


def test_browser_column_view_latest_starts_at_the_bottom(serve, tab):
    made, column = open_log(serve, tab.page, view_latest=True)
    expect(column.get_by_text(f"line {LINES - 1}", exact=True)).to_be_in_viewport()
    expect(column.get_by_text("line 0", exact=True)).not_to_be_in_viewport()
    assert from_bottom(column) <= 1
    expect(readout(tab.page)).not_to_have_text("position=0")  # reported to Python
    assert made["log"].scroll_position == scroll_top(column)
    assert tab.errors == []


def tabs_app(made: dict[str, Any]) -> Any:
    name = W.TextInput(name="Name", value="first value")
    tabs = pn.Tabs(("One", "first body"), ("Two", pn.Column("second body")),
                   ("Three", name), dynamic=True)
    made.update(tabs=tabs, name=name)
    change = W.Button(name="Change name")
    change.on_click(lambda e: setattr(name, "value", "changed in Python"))
    return pn.Column(change, tabs)


def test_browser_dynamic_tabs_render_only_the_shown_child(serve, tab, server_barrier):
    made: dict[str, Any] = {}
    server = serve(lambda: tabs_app(made))
    page = tab.page
    page.goto(server.url)
    panels = page.locator(".ps-tab-panel")
    expect(page.get_by_role("tab")).to_have_text(["One", "Two", "Three"])
    expect(page.get_by_text("first body")).to_be_visible()
    expect(panels).to_have_count(1)
    assert page.get_by_text("second body").count() == 0
    assert page.locator(".ps-tabs input").count() == 0

    page.get_by_role("tab", name="Two").click()
    expect(page.get_by_text("second body")).to_be_visible()
    expect(page.get_by_text("first body")).to_have_count(0)
    expect(panels).to_have_count(1)
    assert made["tabs"].active == 1

    page.get_by_role("button", name="Change name").click()  # its tab is hidden
    server_barrier(page)
    assert made["name"].value == "changed in Python"
    assert page.locator(".ps-tabs input").count() == 0
    page.get_by_role("tab", name="Three").click()
    expect(page.get_by_role("textbox")).to_have_value("changed in Python")
    expect(page.get_by_text("second body")).to_have_count(0)

    page.get_by_role("tab", name="One").click()
    expect(page.get_by_text("first body")).to_be_visible()
    expect(page.locator(".ps-tabs input")).to_have_count(0)
    assert tab.errors == []


def test_browser_card_scrolls_as_a_column(serve, tab):
    made: dict[str, Any] = {}

    def app() -> Any:
        made["card"] = pn.Card(*[pn.pane.Str(f"entry {i}") for i in range(LINES)],
                               title="Entries", height=200, width=300, view_latest=True,
                               scroll_button_threshold=100)
        return made["card"]

    server = serve(app)
    page = tab.page
    page.goto(server.url)
    card = page.locator(".ps-card")
    expect(card.get_by_text(f"entry {LINES - 1}", exact=True)).to_be_in_viewport()
    button = card.get_by_role("button", name="Scroll to latest")
    expect(button).to_be_hidden()
    card.evaluate("el => { el.scrollTop = 0; }")
    expect(button).to_be_visible()
    button.click()
    expect(card.get_by_text(f"entry {LINES - 1}", exact=True)).to_be_in_viewport()
    page.wait_for_function("(el) => el.scrollTop > 0", arg=card.element_handle())
    top = scroll_top(card)
    wait_until(lambda: made["card"].scroll_position == top)  # reported to Python
    assert tab.errors == []
