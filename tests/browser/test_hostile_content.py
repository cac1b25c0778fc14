"""Hostile content in Chromium: styles, class names, DataFrame cells and labels, Alert
text and JSON keys that try to inject markup or script -- refused in Python with a
one-line message, or shown literally as text; nothing runs."""

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
            for styles, _ in HOSTILE_STYLES:  # a patch is refused the same way
                attempt(alert, messages, styles=styles)
            for classes in HOSTILE_CLASSES:
                attempt(alert, messages, css_classes=classes)
            kept.append((dict(alert.styles), list(alert.css_classes)))
            done.object = f"refused {len(messages)}"

        step.on_click(on_step)
        done = pn.pane.Str(f"refused {len(messages)}", css_classes=["done"])
        return pn.Column(table, alert, tree, step, done, width=700)
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

    page.get_by_role("button", name="Step").click()
    expect(page.locator(".done")).to_have_text(f"refused {2 * count}")
    assert messages[count:] == messages[:count]
    assert kept[1] == kept[0]
    expect(page.locator(".ps-dataframe td")).to_have_text([PAYLOADS[1], PAYLOADS[2]])
    headers = page.locator(".ps-dataframe th").all_text_contents()
    assert {PAYLOADS[4], PAYLOADS[5], PAYLOADS[0]} <= set(headers)
    expect(page.locator(".ps-json-key")).to_have_text([f"{json.dumps(PAYLOADS[5])}:"])
    expect(page.locator(".ps-alert")).to_contain_text(PAYLOADS[5])
    state = page.evaluate(ALERT_TEXT)
    assert state["links"] == ["https://example.org/"]
    assert state["color"] == "rgb(1, 2, 3)"  # the refused patches changed nothing
    assert [c for c in state["classes"] if not c.startswith("ps-")] == ["alert"]
    assert page.evaluate(PWNED) == {"pwned": 0, "active": 0, "handlers": 0,
                                    "javascriptLinks": 0}
    assert page.evaluate("document.querySelectorAll('#ps-root style').length") == 0
    assert not [url for url in tab.requests if "evil.test" in url]
    assert tab.errors == []
