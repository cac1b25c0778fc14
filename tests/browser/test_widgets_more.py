"""The newer widgets and pn.Param in Chromium: browser -> Python -> browser, and back.

One app shows every widget (StaticText, TextAreaInput, IntInput, FloatInput,
RadioButtonGroup, MultiSelect, CheckBoxGroup, RangeSlider, IntRangeSlider, DatePicker,
Switch); the tests drive it like a user, then from Python, then lock and hide it. A
pn.Param of a session's PeriodicCallback is driven through its generated widgets, and
hostile labels, options and StaticText values must show as text and run nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import param
import pytest
from playwright.sync_api import Page, expect

import panel_state as pn
from tests.browser.test_injection import CHECK, PAYLOADS

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
W = pn.widgets


def widgets_app(made: dict[str, Any]) -> Any:
    """Every newer widget, a summary of their values and buttons acting from Python."""
    w = {
        "static": W.StaticText(name="Status", value="ready"),
        "notes": W.TextAreaInput(name="Notes", rows=3, placeholder="write here"),
        "count": W.IntInput(name="Count", start=0, end=10, value=2),
        "ratio": W.FloatInput(name="Ratio", step=0.5, value=1.5),
        "lib": W.RadioButtonGroup(name="Library", options=["Bokeh", "Plotly", "Vega"]),
        "fruit": W.MultiSelect(name="Fruit", options={"Apple": 1, "Pear": 2, "Plum": 3}),
        "toppings": W.CheckBoxGroup(name="Toppings", options=["Ham", "Egg", "Cheese"]),
        "hours": W.RangeSlider(name="Hours", start=0, end=24, step=0.5, value=(8, 17)),
        "pages": W.IntRangeSlider(name="Pages", start=0, end=100, step=5, value=(10, 20)),
        "day": W.DatePicker(name="Day", value=dt.date(2024, 5, 1),
                            start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
        "dark": W.Switch(name="Dark"),
    }
    made.update(w)
    reset = W.Button(name="Set from Python")
    lock = W.Button(name="Lock and hide")

    def set_all(event: Any) -> None:
        w["static"].value = "set <b>from</b> Python"
        w["notes"].value = "server\ntext"
        w["count"].value = 9
        w["ratio"].value = -0.5
        w["lib"].value = "Vega"
        w["fruit"].value = [2]
        w["toppings"].value = ["Egg", "Cheese"]
        w["hours"].value = (1.5, 2.5)
        w["pages"].value = (50, 95)
        w["day"].value = dt.date(2024, 12, 24)
        w["dark"].value = False
        w["lib"].options = ["Vega", "Altair"]

    def lock_all(event: Any) -> None:
        for widget in w.values():
            widget.disabled = True
        w["notes"].visible = w["dark"].visible = w["hours"].visible = False

    reset.on_click(set_all)
    lock.on_click(lock_all)

    def summary(notes, count, ratio, lib, fruit, toppings, hours, pages, day, dark):
        return (f"notes={notes!r} count={count} ratio={ratio} lib={lib} fruit={fruit} "
                f"toppings={toppings} hours={hours} pages={pages} day={day} dark={dark}")

    bound = pn.bind(summary, *(w[k] for k in ("notes", "count", "ratio", "lib", "fruit",
                                              "toppings", "hours", "pages", "day", "dark")))
    return pn.Column(pn.Row(pn.Column(*list(w.values())[:6]), pn.Column(*list(w.values())[6:])),
                     pn.Row(reset, lock), bound)


def summary_of(page: Page) -> Any:
    return page.locator(".ps-pfunc .ps-markdown")


def test_browser_newer_widgets_round_trip(serve, tab):
    made: dict[str, Any] = {}
    server = serve(lambda: widgets_app(made))
    page = tab.page
    page.goto(server.url)
    summary = summary_of(page)
    expect(summary).to_have_text(
        "notes='' count=2 ratio=1.5 lib=Bokeh fruit=[] toppings=[] hours=(8.0, 17.0) "
        "pages=(10, 20) day=2024-05-01 dark=False")
    expect(page.locator(".ps-static-text")).to_have_text("Status: ready")

    # Browser -> Python.
    notes = page.get_by_label("Notes")
    notes.fill("line one\nline two")
    notes.blur()
    page.get_by_label("Count").fill("7")
    page.get_by_label("Count").press("Enter")
    page.get_by_label("Ratio").fill("2.5")
    page.get_by_label("Ratio").press("Enter")
    page.get_by_role("button", name="Plotly").click()
    page.get_by_label("Fruit").select_option(["Apple", "Plum"])
    page.get_by_label("Ham").check()
    page.get_by_label("Cheese").check()
    page.locator(".ps-range-low").nth(0).fill("9.5")
    page.locator(".ps-range-high").nth(1).fill("60")
    page.get_by_label("Day").fill("2024-06-02")
    page.get_by_role("switch", name="Dark").check()
    expect(summary).to_have_text(
        "notes='line one\\nline two' count=7 ratio=2.5 lib=Plotly fruit=[1, 3] "
        "toppings=['Ham', 'Cheese'] hours=(9.5, 17.0) pages=(10, 60) day=2024-06-02 "
        "dark=True")
    assert made["hours"].value_throttled == (9.5, 17.0)      # the fill released the handle
    expect(page.get_by_role("button", name="Plotly")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("switch", name="Dark")).to_have_attribute("aria-checked", "true")

    # Python -> browser.
    page.get_by_role("button", name="Set from Python").click()
    expect(summary).to_have_text(
        "notes='server\\ntext' count=9 ratio=-0.5 lib=Vega fruit=[2] "
        "toppings=['Egg', 'Cheese'] hours=(1.5, 2.5) pages=(50, 95) day=2024-12-24 "
        "dark=False")
    expect(page.locator(".ps-static-text")).to_have_text("Status: set <b>from</b> Python")
    expect(notes).to_have_value("server\ntext")
    expect(page.get_by_label("Count")).to_have_value("9")
    expect(page.get_by_label("Ratio")).to_have_value("-0.5")
    expect(page.locator(".ps-radio-buttons button")).to_have_text(["Vega", "Altair"])
    expect(page.get_by_role("button", name="Vega")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Fruit")).to_have_values(["Pear"])
    expect(page.get_by_label("Ham")).not_to_be_checked()
    expect(page.get_by_label("Egg")).to_be_checked()
    expect(page.locator(".ps-range-low").nth(0)).to_have_value("1.5")
    expect(page.locator(".ps-range-high").nth(0)).to_have_value("2.5")
    expect(page.locator(".ps-range-high").nth(1)).to_have_value("95")
    expect(page.get_by_label("Day")).to_have_value("2024-12-24")
    expect(page.get_by_role("switch", name="Dark")).not_to_be_checked()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "test_browser_newer_widgets_round_trip.png"),
                    full_page=True)
    assert tab.errors == []


def test_browser_newer_widgets_refuse_bad_values_and_show_the_servers(serve, tab):
    made: dict[str, Any] = {}
    server = serve(lambda: widgets_app(made))
    page = tab.page
    page.goto(server.url)
    count = page.get_by_label("Count")
    count.fill("99")                                        # beyond end=10
    count.press("Enter")
    expect(count).to_have_value("2")                        # the server's value again
    expect(page.get_by_role("alert").filter(has_text="IntInput.value rejected 99")).to_be_visible()
    day = page.get_by_label("Day")
    day.fill("2025-03-01")                                  # after end
    expect(day).to_have_value("2024-05-01")
    assert (made["count"].value, made["day"].value) == (2, dt.date(2024, 5, 1))
    # Only console warnings, no page errors.
    assert [e for e in tab.errors if "rejected" not in e] == []


def test_browser_newer_widgets_disabled_and_hidden(serve, tab):
    server = serve(lambda: widgets_app({}))
    page = tab.page
    page.goto(server.url)
    expect(page.get_by_label("Notes")).to_be_visible()
    page.get_by_role("button", name="Lock and hide").click()
    for label in ("Count", "Ratio", "Fruit", "Day", "Ham", "Egg"):
        expect(page.get_by_label(label)).to_be_disabled()
    for name in ("Bokeh", "Plotly", "Vega"):
        expect(page.get_by_role("button", name=name)).to_be_disabled()
    expect(page.locator(".ps-range-low").nth(1)).to_be_disabled()
    expect(page.get_by_label("Notes")).to_be_hidden()
    expect(page.get_by_role("switch", name="Dark")).to_be_hidden()
    expect(page.locator(".ps-range-low").nth(0)).to_be_hidden()
    assert tab.errors == []


def test_browser_param_drives_a_periodic_callback(serve, tab, record_texts, server_barrier):
    made: dict[str, Any] = {}

    def app():
        cb = pn.state.add_periodic_callback(lambda: None, period=1000, start=False)
        made["cb"] = cb
        controls = pn.Param(cb, parameters=["period", "running", "counter"], widgets={
            "period": {"type": W.IntSlider, "start": 50, "end": 2000, "step": 50}})
        shown = pn.bind(lambda p, r, n: f"period={p} running={r} ticks={n}",
                        cb.param.period, cb.param.running, cb.param.counter)
        return pn.Column(controls, shown)

    server = serve(app)
    page = tab.page
    page.goto(server.url)
    state = page.locator(".ps-pfunc .ps-markdown")
    expect(state).to_have_text("period=1000 running=False ticks=0")
    expect(page.get_by_role("heading", name="PeriodicCallback")).to_be_visible()
    page.locator(".ps-param .ps-slider").fill("50")
    expect(state).to_have_text("period=50 running=False ticks=0")
    running = page.get_by_label("Running")
    running.check()
    expect(state).to_have_text(re.compile(r"period=50 running=True ticks=([3-9]|\d\d+)\s*$"))
    running.uncheck()
    expect(state).to_contain_text("running=False")
    server_barrier(page)
    stopped_at = made["cb"].counter
    seen = record_texts(page, ".ps-pfunc .ps-markdown")
    page.locator(".ps-param .ps-slider").fill("100")         # a later change, then a barrier
    expect(state).to_have_text(f"period=100 running=False ticks={stopped_at}")
    server_barrier(page)
    assert seen()[-1] == f"period=100 running=False ticks={stopped_at}"
    assert all(text.endswith(f"ticks={stopped_at}") for text in seen())  # stopped for good
    assert made["cb"].counter == stopped_at and made["cb"].running is False
    expect(page.get_by_label("Counter")).to_have_value(str(stopped_at))
    assert tab.errors == []


def test_browser_labels_options_and_static_text_inject_nothing(serve, tab, server_barrier):
    def parts(texts: list[str]) -> list[Any]:
        out: list[Any] = []
        for text in texts:
            out += [
                W.StaticText(name=text, value=text),
                W.TextAreaInput(name=text, value=text, placeholder=text),
                W.IntInput(name=text), W.FloatInput(name=text, placeholder=text),
                W.RadioButtonGroup(name=text, options=[text, "ok"]),
                W.MultiSelect(name=text, options=[text, "ok"]),
                W.CheckBoxGroup(name=text, options=[text, "ok"]),
                W.RangeSlider(name=text), W.DatePicker(name=text), W.Switch(name=text),
            ]
        return out

    column = pn.Column()

    def app():
        class Target(param.Parameterized):
            value = param.String(default=PAYLOADS[0], label=PAYLOADS[1])

        column.objects = [pn.Param(Target(name=PAYLOADS[1])), *parts(PAYLOADS[:4])]
        update = W.Button(name="Patch")
        update.on_click(lambda event: column.extend(parts(PAYLOADS[4:])))
        return pn.Column(update, column)

    server = serve(app)
    page = tab.page
    page.goto(server.url)
    expect(page.locator(".ps-static-text").first).to_contain_text(PAYLOADS[0])
    page.get_by_role("button", name="Patch").click()
    expect(page.locator(".ps-static-text")).to_have_count(len(PAYLOADS))
    server_barrier(page)
    found = page.evaluate(CHECK)
    assert (found["pwned"], found["active"], found["handlers"], found["badUrls"]) == (0, 0, 0, 0)
    static = page.locator(".ps-static-value").all_text_contents()
    assert static == PAYLOADS
    assert page.get_by_role("heading").first.text_content() == PAYLOADS[1]
    assert set(PAYLOADS) <= set(found["buttons"]) and set(PAYLOADS) <= set(found["options"])
    assert set(PAYLOADS) <= set(found["labels"])
    areas = page.locator("textarea").evaluate_all("els => els.map(e => [e.value, e.placeholder])")
    assert [a for a, _ in areas] == PAYLOADS and [p for _, p in areas] == PAYLOADS
    assert page.evaluate("window.__pwned") is None
    assert tab.errors == []


def test_browser_slider_throttles_and_text_reports_typing_and_enter(serve, tab, server_barrier):
    def app():
        level = W.IntSlider(name="Level", start=0, end=10, value=3, css_classes=["level"])
        quiet = W.IntSlider(name="Quiet", start=0, end=10, value=4, show_value=False)
        search = W.TextInput(name="Search", css_classes=["search"])
        entered: list[str] = []

        def on_enter(event):
            entered.append(search.value)
            report.object = f"entered {entered}"

        search.param.watch(on_enter, "enter_pressed")
        report = pn.pane.Str("entered []", css_classes=["entered"])
        shown = pn.bind(lambda v, t, typed: f"value={v} throttled={t} typed={typed}",
                        level.param.value, level.param.value_throttled, search.param.value_input)
        return pn.Column(level, quiet, pn.pane.Str(shown, css_classes=["shown"]), search, report)

    server = serve(app)
    page = tab.page
    page.goto(server.url)
    shown = page.locator(".shown")
    expect(shown).to_have_text("value=3 throttled=3 typed=")
    expect(page.locator(".ps-label").nth(1)).to_have_text("Quiet")  # show_value=False
    expect(page.locator(".level .ps-label")).to_have_text("Level: 3")
    page.locator(".level input").evaluate(  # dragging: input events only
        "el => { el.value = 6; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(shown).to_have_text("value=6 throttled=3 typed=")
    page.locator(".level input").fill("7")  # released
    expect(shown).to_have_text("value=7 throttled=7 typed=")
    field = page.locator(".search input")
    field.press_sequentially("pan")
    expect(shown).to_have_text("value=7 throttled=7 typed=pan")
    expect(page.locator(".entered")).to_have_text("entered []")
    field.press("Enter")
    expect(page.locator(".entered")).to_have_text("entered ['pan']")
    server_barrier(page)
    assert tab.errors == []
