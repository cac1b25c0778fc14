"""Hostile content in Chromium: styles, class names, DataFrame cells and labels, Alert
text, JSON keys and sanitized HTML that try to inject markup or script -- refused in Python with a
one-line message, or shown literally as text; nothing runs. And the panes and indicators
hide, show and restyle from Python (visible, styles, css_classes, width/height/margin)."""

from __future__ import annotations

import json
import re

import pandas as pd
from playwright.sync_api import expect

import panel_state as pn
from tests.browser.test_panes_and_indicators import MARK, PAYLOADS, PWNED

# (styles, the start of the message refusing it)
HOSTILE_STYLES = [
    ({"color": "red; background: url(javascript:alert(1))"},
     "Alert.styles['color'] may not contain ';'"),
    ({"color": f"red</style><script>{MARK}</script>"},
     "Alert.styles['color'] may not contain '<'"),
    ({"width": "expression(alert(1))"}, "Alert.styles['width'] may not contain 'expression('"),
    ({"background": "url(https://evil.test/track.png)"},
     "Alert.styles['background'] may not contain 'url('"),
    ({"color</style><script>": "red"}, "Alert.styles property names must be CSS property"),
    ({"color:red;background": "blue"}, "Alert.styles property names must be CSS property"),
]
HOSTILE_CLASSES = [['x" onmouseover="alert(1)'], ["<b>bold</b>"], ["a'b"], ["two words"]]
LINKS = ("[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](java&#115;cript:alert(1)) "
         "<javascript:alert(1)> ![i](javascript:alert(1)) [d](data:text/html,x) "
         '<a href="javascript:alert(1)">e</a> [ok](https://example.org/)')


def attempt(component, messages, **values) -> None:
    """Set ``values`` on ``component``, expecting a refusal; record its one-line message."""
    try:
        component.param.update(**values)
    except (TypeError, ValueError) as exc:
        messages.append(str(exc))
    else:
        messages.append(f"accepted {values!r}")


def hostile_frames():
    frame = pd.DataFrame({PAYLOADS[0]: PAYLOADS[:3], PAYLOADS[1]: [None, 1.5, 2.5]},
                         index=pd.Index(PAYLOADS[3:6], name=PAYLOADS[2]))
    columns = pd.MultiIndex.from_tuples([(PAYLOADS[4], PAYLOADS[5]), ("x", PAYLOADS[0])])
    return frame, pd.DataFrame([[PAYLOADS[1], PAYLOADS[2]]], columns=columns)


def hostile_app(messages, kept):
    def app():
        frame, multi = hostile_frames()
        table = pn.pane.DataFrame(frame, na_rep=PAYLOADS[1], css_classes=["frame"],
                                  formatters={PAYLOADS[1]: lambda v: f"<i>{v}</i>"})
        alert = pn.pane.Alert(LINKS + " " + " ".join(PAYLOADS), css_classes=["alert"],
                              styles={"color": "rgb(1, 2, 3)"})
        tree = pn.pane.JSON({PAYLOADS[0]: {PAYLOADS[1]: PAYLOADS[2]}, PAYLOADS[3]: [PAYLOADS[4]]},
                            depth=-1, css_classes=["tree"])
        clean = pn.pane.HTML(" ".join(PAYLOADS) + '<a href="javascript:alert(1)">x</a>'
                             "<b>kept</b>", sanitize_html=True, css_classes=["clean"])
        for styles, _ in HOSTILE_STYLES:
            attempt(alert, messages, styles=styles)
        for classes in HOSTILE_CLASSES:
            attempt(alert, messages, css_classes=classes)
        kept.append((dict(alert.styles), list(alert.css_classes)))
        step = pn.widgets.Button(name="Step")

        def on_step(event):
            table.object = multi
            alert.object = PAYLOADS[5] + " " + LINKS
            tree.object = {PAYLOADS[5]: PAYLOADS[0]}
            clean.object = f'<i title="x" onclick="{MARK}">again</i>' + PAYLOADS[2]
            for styles, _ in HOSTILE_STYLES:  # a patch is refused the same way
                attempt(alert, messages, styles=styles)
            for classes in HOSTILE_CLASSES:
                attempt(alert, messages, css_classes=classes)
            kept.append((dict(alert.styles), list(alert.css_classes)))
            done.object = f"refused {len(messages)}"

        step.on_click(on_step)
        done = pn.pane.Str(f"refused {len(messages)}", css_classes=["done"])
        return pn.Column(table, alert, tree, clean, step, done, width=700)
    return app


ALERT_TEXT = """() => ({
  classes: [...document.querySelector('.ps-alert').classList],
  color: getComputedStyle(document.querySelector('.ps-alert')).color,
  links: [...document.querySelectorAll('.ps-alert a')].map(a => a.getAttribute('href')),
  text: document.querySelector('.ps-alert').textContent,
})"""


def test_browser_hostile_content_is_refused_or_shown_as_text(serve, tab):
    messages: list[str] = []
    kept: list[tuple[dict, list]] = []
    server = serve(hostile_app(messages, kept))
    page = tab.page
    page.goto(server.url)
    count = len(HOSTILE_STYLES) + len(HOSTILE_CLASSES)
    expect(page.locator(".done")).to_have_text(f"refused {count}")
    styles_refused = [message for _, message in HOSTILE_STYLES]
    for message, start in zip(messages[:len(HOSTILE_STYLES)], styles_refused, strict=True):
        assert message.startswith(start) and "\n" not in message
    for message in messages[len(HOSTILE_STYLES):]:
        assert message.startswith("Alert.css_classes items must be CSS class names")

    assert kept == [({"color": "rgb(1, 2, 3)"}, ["alert"])]  # the refusals changed nothing
    headers = page.locator(".ps-dataframe th").all_text_contents()
    assert set(PAYLOADS[:6]) <= set(headers)  # column labels, index values, index name
    cells = page.locator(".ps-dataframe td").all_text_contents()
    assert cells == [PAYLOADS[0], PAYLOADS[1], PAYLOADS[1], "<i>1.5</i>",  # na_rep as text
                     PAYLOADS[2], "<i>2.5</i>"]
    state = page.evaluate(ALERT_TEXT)
    assert state["links"] == ["https://example.org/"]
    assert state["color"] == "rgb(1, 2, 3)" and "alert" in state["classes"]
    assert not [c for c in state["classes"] if re.search(r"[<>\"' ]", c)]
    for payload in PAYLOADS[:4]:
        assert payload in state["text"]
    assert '<a href="javascript:alert(1)">e</a>' in state["text"]
    keys = page.locator(".ps-json-key").all_text_contents()
    assert keys == [f"{json.dumps(PAYLOADS[i])}:" for i in (0, 1, 3)] + ["0:"]
    expect(page.locator(".ps-json-string").first).to_have_text(json.dumps(PAYLOADS[2]))
    expect(page.locator(".clean b")).to_have_text("kept")  # sanitized: formatting stays
    expect(page.locator(".clean a")).not_to_have_attribute("href", re.compile("."))

    page.get_by_role("button", name="Step").click()
    expect(page.locator(".done")).to_have_text(f"refused {2 * count}")
    assert messages[count:] == messages[:count]
    assert kept[1] == kept[0]
    expect(page.locator(".ps-dataframe td")).to_have_text([PAYLOADS[1], PAYLOADS[2]])
    headers = page.locator(".ps-dataframe th").all_text_contents()
    assert {PAYLOADS[4], PAYLOADS[5], PAYLOADS[0]} <= set(headers)
    expect(page.locator(".ps-json-key")).to_have_text([f"{json.dumps(PAYLOADS[5])}:"])
    expect(page.locator(".ps-alert")).to_contain_text(PAYLOADS[5])
    expect(page.locator(".clean i")).to_have_text("again")
    expect(page.locator(".clean i")).to_have_attribute("title", "x")
    state = page.evaluate(ALERT_TEXT)
    assert state["links"] == ["https://example.org/"]
    assert state["color"] == "rgb(1, 2, 3)"  # the refused patches changed nothing
    assert [c for c in state["classes"] if not c.startswith("ps-")] == ["alert"]
    assert page.evaluate(PWNED) == {"pwned": 0, "active": 0, "handlers": 0,
                                    "javascriptLinks": 0}
    assert page.evaluate("document.querySelectorAll('#ps-root style').length") == 0
    assert not [url for url in tab.requests if "evil.test" in url]
    # The sanitized <img src=x> loads (and misses) /x: an image, never its onerror.
    assert set(tab.errors) <= {"Failed to load resource: the server responded with a "
                               "status of 404 (Not Found)"}


KINDS = ("dataframe", "png", "svg", "alert", "json", "spinner", "number", "progress")
SVG_PLAIN = ('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20">'
             '<rect width="30" height="20" fill="blue"/></svg>')


def styled_app():
    from tests.browser.test_panes_and_indicators import png

    look = {"styles": {"background-color": "rgb(10, 20, 30)", "--gap": "3px"},
            "width": 120, "height": 50, "margin": (4, 6)}
    panes = {
        "dataframe": pn.pane.DataFrame(pd.DataFrame({"a": [1, 2]}), **look),
        "png": pn.pane.PNG(png(4, 2), **look),
        "svg": pn.pane.SVG(SVG_PLAIN, **look),
        "alert": pn.pane.Alert("note", **look),
        "json": pn.pane.JSON({"a": 1}, **look),
        "spinner": pn.indicators.LoadingSpinner(value=True, size=30, **look),
        "number": pn.indicators.Number(name="N", value=5, **look),
        "progress": pn.indicators.Progress(value=3, max=10, **look),
    }
    for kind, pane in panes.items():
        pane.css_classes = [f"k-{kind}"]
    actions = {
        "Hide": lambda: [pane.param.update(visible=False) for pane in panes.values()],
        "Show": lambda: [pane.param.update(visible=True) for pane in panes.values()],
        "Restyle": lambda: [pane.param.update(
            css_classes=[f"k-{kind}", "restyled"], styles={"border-top-width": "3px",
                                                           "border-top-style": "solid"},
            width=90, height=None, margin=0) for kind, pane in panes.items()],
    }
    buttons = []
    for name, action in actions.items():
        button = pn.widgets.Button(name=name)
        button.on_click(lambda event, action=action: action())
        buttons.append(button)
    return pn.Column(pn.Row(*buttons), *panes.values())


LOOKS = """(kinds) => Object.fromEntries(kinds.map(kind => {
  const el = document.querySelector('.k-' + kind);
  const cs = getComputedStyle(el);
  return [kind, {hidden: el.hidden, display: cs.display, width: cs.width, height: cs.height,
                 margin: cs.margin, background: cs.backgroundColor,
                 gap: cs.getPropertyValue('--gap').trim(), border: cs.borderTopWidth,
                 classes: [...el.classList].filter(c => !c.startsWith('ps-'))}];
}))"""


def test_browser_panes_and_indicators_hide_show_and_restyle(serve, tab, server_barrier):
    server = serve(styled_app)
    page = tab.page
    page.goto(server.url)
    page.locator(".k-progress").wait_for()
    looks = page.evaluate(LOOKS, list(KINDS))
    for kind in KINDS:
        assert looks[kind] == {
            "hidden": False, "display": looks[kind]["display"], "width": "120px",
            "height": "50px", "margin": "4px 6px", "background": "rgb(10, 20, 30)",
            "gap": "3px", "border": looks[kind]["border"], "classes": [f"k-{kind}"]}, kind
        assert looks[kind]["display"] != "none", kind

    page.get_by_role("button", name="Hide").click()
    page.wait_for_function("document.querySelector('.k-progress').hidden")
    server_barrier(page)
    looks = page.evaluate(LOOKS, list(KINDS))
    assert {kind: (look["hidden"], look["display"]) for kind, look in looks.items()} == {
        kind: (True, "none") for kind in KINDS}
    assert page.evaluate("[...document.querySelectorAll('[class*=k-]')].every("
                         "el => el.getBoundingClientRect().height === 0)")

    page.get_by_role("button", name="Restyle").click()  # while hidden
    expect(page.locator(".restyled")).to_have_count(len(KINDS))
    page.get_by_role("button", name="Show").click()
    page.wait_for_function("!document.querySelector('.k-progress').hidden")
    server_barrier(page)
    looks = page.evaluate(LOOKS, list(KINDS))
    assert [kind for kind in KINDS if looks[kind]["hidden"] or looks[kind]["display"] == "none"
            ] == []
    for kind in KINDS:
        look = looks[kind]
        assert (look["width"], look["margin"], look["border"], look["gap"]) == (
            "90px", "0px", "3px", ""), kind
        assert look["background"] == "rgba(0, 0, 0, 0)" or kind == "alert", kind
        assert look["height"] != "50px", kind
        assert look["classes"] == [f"k-{kind}", "restyled"], kind
    assert tab.errors == []
