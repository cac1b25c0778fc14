"""Panes and indicators in Chromium: DataFrame, images, Alert, JSON, LoadingSpinner,
Number, Progress -- each renders, follows Python's changes, and runs nothing it shows."""

from __future__ import annotations

import struct
import zlib
from urllib.parse import urlsplit

import pandas as pd
from playwright.sync_api import expect

import panel_state as pn

MARK = "window.__pwned = (window.__pwned || 0) + 1"
PAYLOADS = [
    f"<script>{MARK}</script>",
    f'<img src=x onerror="{MARK}">',
    f'"><svg onload="{MARK}"></svg>',
    f"</td></tr></table><script>{MARK}</script>",
    f"[click](javascript:{MARK.replace(' ', '')})",
    f'<details open ontoggle="{MARK}">x</details>',
]
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20">'
       f'<script>parent.{MARK}</script><rect width="30" height="20" fill="blue"/></svg>')


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x00\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def panes_app():
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(pn.state.location.href))
    frame = pn.pane.DataFrame(pd.DataFrame({"name": PAYLOADS, "n": range(len(PAYLOADS))}),
                              index=False)
    image = pn.pane.PNG(png(4, 2), width=40, alt_text=PAYLOADS[1], caption=PAYLOADS[0],
                        link_url="https://example.org/", css_classes=["png"])
    svg = pn.pane.SVG(SVG, css_classes=["svg"])
    remote = pn.pane.Image(f"{origin}/_ps/static/favicon.svg", width=16, css_classes=["remote"])
    alert = pn.pane.Alert("**Heads up** " + " ".join(PAYLOADS), alert_type="warning")
    tree = pn.pane.JSON({"top": {"inner": PAYLOADS[0]}, PAYLOADS[1]: [1, 2]}, depth=1)
    spinner = pn.indicators.LoadingSpinner(value=True, size=30, color="primary",
                                           name=PAYLOADS[2])
    number = pn.indicators.Number(name="Load", value=42, format="{value}%",
                                  colors=[(50, "rgb(0, 128, 0)"), (100, "rgb(255, 0, 0)")])
    progress = pn.indicators.Progress(value=30, max=60, bar_color="info")
    step = pn.widgets.Button(name="Step")

    def on_step(event):
        frame.object = pd.DataFrame({"after": ["<b>new</b>"]})
        alert.alert_type = "success"
        spinner.value = False
        number.value = 80
        progress.value = None
        tree.depth = -1

    step.on_click(on_step)
    return pn.Column(frame, pn.Row(image, svg, remote), alert, tree,
                     pn.Row(spinner, number, progress), step)


PWNED = """() => ({
  pwned: window.__pwned || 0,
  active: document.querySelectorAll('#ps-root script, #ps-root iframe, #ps-root object').length,
  handlers: [...document.querySelectorAll('#ps-root *')].filter(
    el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
  javascriptLinks: document.querySelectorAll('#ps-root a[href^="javascript"]').length,
})"""


def test_browser_panes_and_indicators_render_and_follow_python(serve, tab):
    server = serve(panes_app)
    page = tab.page
    page.goto(server.url)
    cells = page.locator(".ps-dataframe td")
    expect(cells.first).to_have_text(PAYLOADS[0])
    assert page.locator(".ps-dataframe td").all_text_contents()[::2] == PAYLOADS

    png_img = page.locator(".png img")
    expect(png_img).to_have_attribute("alt", PAYLOADS[1])
    page.wait_for_function("[...document.querySelectorAll('.ps-image img')].every("
                           "i => i.complete && i.naturalWidth > 0)")
    sizes = page.evaluate("""() => [...document.querySelectorAll('.ps-image img')].map(
        i => [i.naturalWidth, i.getBoundingClientRect().width,
              i.getBoundingClientRect().height])""")
    assert sizes[0] == [4, 40, 20]  # the PNG: 4x2 shown 40 wide, aspect kept
    assert sizes[1][0] == 30  # the SVG, as an image
    expect(page.locator(".png figcaption")).to_have_text(PAYLOADS[0])
    expect(page.locator(".png a")).to_have_attribute("href", "https://example.org/")
    assert any(url.endswith("/_ps/static/favicon.svg") for url in tab.requests)

    alert = page.locator(".ps-alert")
    expect(alert).to_have_attribute("data-color", "warning")
    expect(alert.locator("strong")).to_have_text("Heads up")
    expect(alert).to_contain_text(PAYLOADS[0])

    nodes = page.locator(".ps-json details")
    expect(nodes.first).to_have_attribute("open", "")
    assert page.evaluate("document.querySelectorAll('.ps-json details[open]').length") == 1
    expect(page.locator(".ps-json-string").first).to_have_text(f'"{PAYLOADS[0]}"')

    ring = page.locator(".ps-ring")
    expect(ring).to_have_class("ps-ring ps-spinning")
    assert page.evaluate("getComputedStyle(document.querySelector('.ps-ring')).width") == "30px"
    expect(page.locator(".ps-spinner-text")).to_have_text(PAYLOADS[2])
    expect(page.locator(".ps-number-value")).to_have_text("42%")
    expect(page.locator(".ps-number-value")).to_have_css("color", "rgb(0, 128, 0)")
    expect(page.locator(".ps-number-title")).to_have_text("Load")
    bar = page.locator(".ps-progress progress")
    expect(bar).to_have_attribute("value", "30")
    expect(bar).to_have_attribute("max", "60")

    page.get_by_role("button", name="Step").click()
    expect(page.locator(".ps-dataframe td")).to_have_text(["<b>new</b>"])  # retried, one cell
    expect(alert).to_have_attribute("data-color", "success")
    expect(ring).to_have_class("ps-ring")
    expect(page.locator(".ps-number-value")).to_have_text("80%")
    expect(page.locator(".ps-number-value")).to_have_css("color", "rgb(255, 0, 0)")
    page.wait_for_function("!document.querySelector('.ps-progress progress')"
                           ".hasAttribute('value')")
    assert page.evaluate("document.querySelector('.ps-progress progress').position") == -1
    expect(page.locator(".ps-json details:not([open])")).to_have_count(0)

    page.locator(".png a").evaluate("a => a.removeAttribute('href')")  # no navigation
    page.locator(".png img").click()
    assert page.evaluate(PWNED) == {"pwned": 0, "active": 0, "handlers": 0,
                                    "javascriptLinks": 0}
    assert tab.errors == []
