"""Every widget's round trip in Chromium: browser -> Python -> browser, and back."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

import panel_state as pn

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def widgets_app():
    toggle = pn.widgets.Toggle(name="Lights")
    checkbox = pn.widgets.Checkbox(name="Agree")
    select = pn.widgets.Select(name="Size", options={"Small": 1, "Medium": 2, "Large": 3})
    text = pn.widgets.TextInput(name="Name", placeholder="your name")
    count = pn.widgets.IntSlider(name="Count", start=0, end=10, value=2)
    ratio = pn.widgets.FloatSlider(name="Ratio", start=0.0, end=1.0, step=0.25, value=0.5)
    reset = pn.widgets.Button(name="Reset from Python")

    def do_reset(event):
        toggle.value = False
        checkbox.value = False
        select.value = 3
        text.value = "server"
        count.value = 7
        ratio.value = 0.25
        select.options = {"Small": 1, "Large": 3, "Huge": 4}

    reset.on_click(do_reset)

    def summary(on, agree, size, name, n, r, clicks):
        return f"on={on} agree={agree} size={size} name={name!r} n={n} r={r} resets={clicks}"

    return pn.Column(
        pn.Row(toggle, checkbox, select, text),
        pn.Row(count, ratio, reset),
        pn.panel(pn.bind(summary, toggle, checkbox, select, text, count, ratio,
                         reset.param.clicks)),
    )


def test_browser_every_widget_round_trips(serve, tab):
    server = serve(widgets_app)
    page = tab.page
    page.goto(server.url)
    summary = page.locator(".ps-markdown")
    expect(summary).to_have_text(
        "on=False agree=False size=1 name='' n=2 r=0.5 resets=0")

    page.locator("button.ps-toggle").click()
    page.locator(".ps-checkbox input").check()
    page.locator("select.ps-input").select_option("Medium")
    page.locator("input.ps-input[type=text]").fill("Ann")
    page.locator("input.ps-input[type=text]").press("Enter")
    page.locator(".ps-slider").nth(0).fill("9")
    page.locator(".ps-slider").nth(1).fill("0.75")
    expect(summary).to_have_text(
        "on=True agree=True size=2 name='Ann' n=9 r=0.75 resets=0")
    expect(page.locator("button.ps-toggle")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="Reset from Python").click()
    expect(summary).to_have_text(
        "on=False agree=False size=3 name='server' n=7 r=0.25 resets=1")
    expect(page.locator("button.ps-toggle")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".ps-checkbox input")).not_to_be_checked()
    expect(page.locator("select.ps-input")).to_have_value("Large")
    expect(page.locator("select.ps-input option")).to_have_text(["Small", "Large", "Huge"])
    expect(page.locator("input.ps-input[type=text]")).to_have_value("server")
    expect(page.locator(".ps-slider").nth(0)).to_have_value("7")
    expect(page.locator(".ps-slider").nth(1)).to_have_value("0.25")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "test_browser_every_widget_round_trips.png"))
    assert tab.errors == []


def test_browser_disabled_and_hidden_widgets(serve, tab):
    button = pn.widgets.Button(name="Go", disabled=True)
    hidden = pn.widgets.TextInput(name="Secret", visible=False)

    def app():
        show = pn.widgets.Button(name="Enable")

        def enable(event):
            button.disabled = False
            hidden.visible = True

        show.on_click(enable)
        return pn.Column(button, hidden, show)

    server = serve(app)
    page = tab.page
    page.goto(server.url)
    expect(page.get_by_role("button", name="Go")).to_be_disabled()
    expect(page.locator("input.ps-input")).to_be_hidden()
    page.get_by_role("button", name="Enable").click()
    expect(page.get_by_role("button", name="Go")).to_be_enabled()
    expect(page.locator("input.ps-input")).to_be_visible()
    assert tab.errors == []


def test_browser_seed_busy_indicator_with_a_blocking_handler(serve, tab, record_texts,
                                                             server_barrier):
    """The seed's sync handler: "I'm busy" reaches the page before the handler blocks."""
    import time

    def app():
        def processing(event):
            time.sleep(0.8)  # some longer running task, holding the loop

        button = pn.widgets.Button(name="Click me!")
        button.on_click(processing)

        def indicator(busy):
            return "I'm busy" if busy else "I'm idle"

        return pn.Row(button, pn.bind(indicator, pn.state.param.busy))

    pn.config.block_warning_threshold = 5
    server = serve(app)
    page = tab.page
    page.goto(server.url)
    indicator = page.locator(".ps-markdown")
    expect(indicator).to_have_text("I'm idle")
    seen = record_texts(page, ".ps-markdown")
    page.get_by_role("button", name="Click me!").click()
    expect(indicator).to_have_text("I'm busy", timeout=700)
    expect(indicator).to_have_text("I'm idle", timeout=3000)
    server_barrier(page)
    assert seen() == ["I'm idle", "I'm busy", "I'm idle"]
    assert tab.errors == []
