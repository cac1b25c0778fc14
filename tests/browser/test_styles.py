"""Layout and style params in Chromium: the CSS they become, live patches, no injection."""

from __future__ import annotations

import re

from playwright.sync_api import expect

import panel_state as pn

STYLE_OF = """(selector) => {
  const el = document.querySelector(selector);
  const cs = getComputedStyle(el);
  return {width: el.getBoundingClientRect().width, height: cs.height, margin: cs.margin,
          background: cs.backgroundColor, custom: cs.getPropertyValue('--gap').trim(),
          alignSelf: cs.alignSelf, classes: [...el.classList].filter(c => !c.startsWith('ps-')),
          hidden: el.hidden, display: cs.display};
}"""

OVERLAY = re.compile(r"\bps-loading-overlay\b")
HOSTILE = [
    {"background": "red</style><script>window.__pwned=1</script>"},
    {"background-image": "url(https://evil.test/track.png)"},
    {"background": "url(javascript:window.__pwned=1)"},
    {"width": "expression(window.__pwned=1)"},
    {"list-style": 'image-set("https://evil.test/a.png" 1x)'},
    {"color": "red; background: url(https://evil.test/b.png)"},
    {"color": "\\75rl(https://evil.test/c.png)"},
    {"color;background": "red"},
    {"-moz-binding": "x"},
]


def styles_app():
    button = pn.widgets.Button(name="Styled", width=150, margin=(5, 10),
                               styles={"background-color": "rgb(1, 2, 3)", "--gap": "4px"},
                               css_classes=["mine"])
    note = pn.pane.Str("hidden at first", visible=False, css_classes=["note"])
    wide = pn.pane.Markdown("stretched", sizing_mode="stretch_width", css_classes=["wide"])
    scaled = pn.pane.Str("scaled", sizing_mode="scale_width", width=100, height=50,
                         css_classes=["scaled"])
    centered = pn.pane.Str("centered", align="end", css_classes=["centered"])
    busy = pn.widgets.TextInput(name="busy", loading=True, css_classes=["busy"])
    refused = []
    for styles in HOSTILE:
        try:
            pn.pane.Str("x", styles=styles)
        except (ValueError, TypeError) as exc:
            refused.append(type(exc).__name__)
    change = pn.widgets.Button(name="Change")

    def on_change(event):
        button.param.update(width=220, margin=None, css_classes=["other"],
                            styles={"background-color": "rgb(9, 8, 7)"})
        note.visible = True
        wide.sizing_mode = None
        busy.loading = False
        for styles in HOSTILE:  # a patch is checked the same way
            try:
                button.styles = styles
            except (ValueError, TypeError) as exc:
                refused.append(type(exc).__name__)
        report.object = f"refused {len(refused)}"

    change.on_click(on_change)
    report = pn.pane.Str(f"refused {len(refused)}", css_classes=["report"])
    return pn.Column(button, note, pn.Row(pn.pane.Str("tall " * 3, height=60), centered),
                     wide, scaled, busy, change, report, width=400)


def test_browser_layout_and_style_params_become_css_and_patch_live(serve, tab):
    server = serve(styles_app)
    page = tab.page
    page.goto(server.url)
    expect(page.locator(".report")).to_have_text(f"refused {len(HOSTILE)}")
    styled = page.evaluate(STYLE_OF, ".mine")
    assert styled["width"] == 150 and styled["margin"] == "5px 10px"
    assert styled["background"] == "rgb(1, 2, 3)" and styled["custom"] == "4px"
    assert page.evaluate(STYLE_OF, ".note")["hidden"] is True
    assert page.evaluate(STYLE_OF, ".wide")["width"] == 400  # the Column's width
    # scale_width: as wide as the Column, as tall as width / height keeps it
    assert page.evaluate("() => { const r = document.querySelector('.scaled')"
                         ".getBoundingClientRect(); return [r.width, r.height]; }") == [400, 200]
    assert page.evaluate(STYLE_OF, ".centered")["alignSelf"] == "flex-end"
    expect(page.locator(".busy")).to_have_class(OVERLAY)

    page.get_by_role("button", name="Change").click()
    expect(page.locator(".report")).to_have_text(f"refused {2 * len(HOSTILE)}")
    expect(page.locator(".other")).to_have_css("width", "220px")
    after = page.evaluate(STYLE_OF, ".other")
    assert after["classes"] == ["other"]  # 'mine' went away
    assert after["background"] == "rgb(9, 8, 7)" and after["custom"] == ""
    assert after["margin"] == "0px"  # back to the stylesheet's
    assert page.evaluate(STYLE_OF, ".note")["hidden"] is False
    assert page.evaluate(STYLE_OF, ".wide")["width"] < 400
    expect(page.locator(".busy")).not_to_have_class(OVERLAY)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('#ps-root script, #ps-root style').length") == 0
    assert not [url for url in tab.requests if "evil.test" in url]
    assert tab.errors == []
