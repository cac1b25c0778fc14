"""Reactive functions in Chromium: every yield of a generator reaches the page, in order."""

from __future__ import annotations

import time

from playwright.sync_api import expect

import panel_state as pn


def generator_app():
    run = pn.widgets.Button(label="Run")

    def runner(clicked):
        if not clicked:
            yield "Not run yet"
            return
        for percent in (0, 25, 50, 75):
            time.sleep(0.02)  # blocking work: it runs on a thread, the page stays live
            yield f"Running {percent}%"
        yield "Finished"

    busy = pn.bind(lambda b: "busy" if b else "idle", pn.state.param.busy)
    return pn.Column(run, pn.pane.Str(busy), pn.bind(runner, run))


def test_browser_sync_generator_shows_each_yield_in_order(serve, tab, record_texts,
                                                           server_barrier):
    server = serve(generator_app)
    page = tab.page
    page.goto(server.url)
    text = page.locator(".ps-markdown")
    expect(text).to_have_text("Not run yet")
    seen = record_texts(page, ".ps-markdown")
    busy = record_texts(page, ".ps-str")
    page.locator("button").click()
    expect(text).to_have_text("Finished")
    server_barrier(page)
    assert seen() == ["Not run yet", "Running 0%", "Running 25%", "Running 50%", "Running 75%",
                      "Finished"]
    assert busy() == ["idle", "busy", "idle"]
    assert tab.errors == []
