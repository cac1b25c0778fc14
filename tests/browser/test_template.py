"""The template in Chromium: a served script with ``pn.extension(template='material')``.

Header, sidebar, main and modal areas filled with ``.servable(area=...)``; the modal
opened and closed from Python and from the page; the tab title following the template.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

SCRIPT = textwrap.dedent('''
    import panel_state as pn

    pn.extension(template="material")
    template = pn.state.template
    template.title = "Sales <b>board</b>"
    template.header_background = "#225522"

    def opener(event):
        template.open_modal()

    def renamer(event):
        template.title = "Renamed"

    status = pn.bind(lambda open_: f"modal_open={open_}", template.param.modal_open)
    pn.widgets.IntSlider(name="Region", start=0, end=5).servable(area="sidebar")
    pn.widgets.Button(name="Help", on_click=opener).servable(area="header")
    pn.Column("## Figures", pn.panel(status),
              pn.widgets.Button(name="Rename", on_click=renamer)).servable()
    pn.Column("Modal words",
              pn.widgets.Button(name="Done", on_click=lambda e: template.close_modal())
              ).servable(area="modal")
''')


def test_browser_template_page_with_every_area(serve, tab, tmp_path):
    script = tmp_path / "board.py"
    script.write_text(SCRIPT)
    server = serve(str(script))
    page = tab.page
    page.goto(server.url)
    template = page.locator(".ps-template")
    expect(page.locator(".ps-template-title")).to_have_text("Sales <b>board</b>")
    expect(page).to_have_title("Sales <b>board</b>")
    expect(page.locator(".ps-template-header")).to_have_css("background-color", "rgb(34, 85, 34)")
    expect(page.locator(".ps-template-sidebar .ps-slider")).to_be_visible()
    expect(page.locator(".ps-template-sidebar")).to_have_css("width", "370px")  # Material's
    expect(page.locator(".ps-template-main h2")).to_have_text("Figures")
    expect(page.locator(".ps-template-header-area").get_by_role("button", name="Help")
           ).to_be_visible()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_hidden()
    status = page.get_by_text("modal_open=")
    expect(status).to_have_text("modal_open=False")

    # Python opens the modal; the page's close button closes it (Python sees it).
    page.get_by_role("button", name="Help").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Modal words")).to_be_visible()
    expect(status).to_have_text("modal_open=True")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "test_browser_template_modal.png"))
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(status).to_have_text("modal_open=False")

    # Python closes it too; Escape closes it from the page.
    page.get_by_role("button", name="Help").click()
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Help").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(status).to_have_text("modal_open=False")

    # The sidebar toggle hides and shows the sidebar; the tab title follows Python.
    page.get_by_role("button", name="Toggle sidebar").click()
    expect(page.locator(".ps-template-sidebar")).to_be_hidden()
    page.get_by_role("button", name="Toggle sidebar").click()
    expect(page.locator(".ps-template-sidebar")).to_be_visible()
    page.get_by_role("button", name="Rename").click()
    expect(page).to_have_title("Renamed")
    expect(page.locator(".ps-template-title")).to_have_text("Renamed")
    assert template.locator("b").count() == 0
    page.screenshot(path=str(SHOTS / "test_browser_template.png"))
    assert tab.errors == []
