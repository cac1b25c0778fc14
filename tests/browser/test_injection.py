"""Script injection in real Chromium: hostile text in panes, widgets and the URL never runs.

Every payload goes through Markdown, Str, widget labels, values and placeholders,
Select options, a chart title, the page title and the URL query (read with
``session_args``, interpolated into Markdown and synced to a widget), first in the full
render and then again through patches. The page must show the text, not run it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

import panel_state as pn

pytestmark = pytest.mark.browser

MARK = "window.__pwned = (window.__pwned || 0) + 1"
PAYLOADS = [
    f"<script>{MARK}</script>",
    f'<img src=x onerror="{MARK}">',
    f'<svg onload="{MARK}"></svg>',
    f'"><img src=x onerror="{MARK}">',
    "'><iframe src=\"javascript:parent.__pwned=1\"></iframe>",
    f"</pre><script>{MARK}</script><pre>",
    f'<a href="javascript:{MARK}" id="evil">click</a>',
    f"[click me](javascript:{MARK.replace(' ', '')})",
    "<javascript:alert(1)>",
    f"<details open ontoggle=\"{MARK}\">x</details>",
    "<img src=x onerror=alert('xss')>",
    "${alert(1)} {{constructor.constructor('alert(1)')()}}",
]

CHECK = """() => {
  const root = document.getElementById('ps-root');
  const all = [...root.querySelectorAll('*')];
  return {
    pwned: window.__pwned || 0,
    active: root.querySelectorAll('script, iframe, object, embed, frame').length,
    handlers: all.filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
    // Links and images may only point at http(s) URLs (no javascript:, data:, ...).
    badUrls: [...root.querySelectorAll('a[href], img[src], [srcset], [action]')].filter(
      el => !['http:', 'https:'].includes(new URL(el.href || el.src || '', location).protocol)
    ).length,
    strs: [...root.querySelectorAll('.ps-str')].map(el => el.textContent),
    buttons: [...root.querySelectorAll('button.ps-button')].map(el => el.textContent),
    labels: [...root.querySelectorAll('.ps-label')].map(el => el.textContent),
    options: [...root.querySelectorAll('option')].map(el => el.textContent),
    inputs: [...root.querySelectorAll('input[type=text]')].map(el => el.value),
    placeholders: [...root.querySelectorAll('input[type=text]')].map(el => el.placeholder),
    markdown: [...root.querySelectorAll('.ps-markdown')].map(el => el.textContent),
    chartTitles: [...root.querySelectorAll('.ps-chart-title')].map(el => el.textContent),
    title: document.title,
  };
}"""


def showcase(texts: list[str]) -> list[Any]:
    """Every place a string reaches the page, once per text."""
    parts: list[Any] = []
    for text in texts:
        parts += [
            pn.pane.Markdown(text), pn.pane.Str(text),
            pn.widgets.TextInput(name=text, value=text, placeholder=text),
            pn.widgets.Select(name=text, options=[text, "ok"]),
            pn.widgets.Button(name=text), pn.widgets.Checkbox(name=text),
            pn.widgets.IntSlider(name=text, start=0, end=3),
            pn.pane.LineChart(title=text, x=[0, 1], y=[0, 1], width=120, height=60),
        ]
    return parts


def injection_app() -> pn.Column:
    query = pn.state.session_args.get("q", [b""])[0].decode()
    synced = pn.widgets.TextInput(name="synced")
    pn.state.location.sync(synced, {"value": "q"})
    parts = showcase([*PAYLOADS, query])
    parts.append(pn.pane.Markdown(f"You searched for **{query}** - [again]({query})"))
    swap = pn.widgets.Button(name="swap")

    def rotate(event: Any) -> None:
        # Every text moves to another component: the patch path carries them now.
        for i, obj in enumerate(parts):
            text = PAYLOADS[(i + 5) % len(PAYLOADS)]
            if isinstance(obj, pn.widgets.Select):
                obj.options = [text, "ok"]
            elif isinstance(obj, pn.pane.LineChart):
                obj.title = text
            elif hasattr(obj, "object"):
                obj.object = text
            else:
                obj.name = text

    swap.on_click(rotate)
    return pn.Column(swap, synced, *parts)


def assert_inert(page: Any, dialogs: list[str]) -> dict[str, Any]:
    page.wait_for_timeout(200)  # let any image error or toggle handler fire
    seen = page.evaluate(CHECK)
    assert seen["pwned"] == 0 and dialogs == []
    assert seen["active"] == 0 and seen["handlers"] == 0 and seen["badUrls"] == 0
    return seen


def test_injection_payloads_show_as_text_and_never_run(serve, tab):
    dialogs: list[str] = []
    tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    title = PAYLOADS[0]
    server = serve(injection_app, title=title)
    query = PAYLOADS[1]
    tab.page.goto(server.url + "?q=" + quote(query, safe=""))
    expect(tab.page.locator(".ps-str").first).to_have_text(PAYLOADS[0])
    seen = assert_inert(tab.page, dialogs)
    texts = [*PAYLOADS, query]
    assert seen["strs"] == texts and seen["placeholders"][1:] == texts
    assert seen["inputs"] == [query, *texts]  # the synced box got the URL value
    assert seen["buttons"] == ["swap", *texts]
    assert all(t in seen["labels"] for t in texts) and all(t in seen["options"] for t in texts)
    assert seen["chartTitles"] == texts and seen["title"] == title
    assert any(query in md for md in seen["markdown"])  # escaped, shown as text
    assert f"You searched for {query}" in seen["markdown"][-1]

    tab.page.locator("button.ps-button", has_text="swap").click()
    expect(tab.page.locator(".ps-str").first).to_have_text(PAYLOADS[6])
    seen = assert_inert(tab.page, dialogs)
    assert seen["strs"][:2] == [PAYLOADS[6], PAYLOADS[(9 + 5) % len(PAYLOADS)]]


def test_injection_url_value_typed_into_a_synced_widget_goes_back_to_the_url_inert(serve,
                                                                                    tab):
    dialogs: list[str] = []
    tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    server = serve(injection_app)
    tab.page.goto(server.url)
    box = tab.page.locator("input.ps-input").first
    payload = PAYLOADS[3] + "&x=1#frag"
    box.fill(payload)
    box.press("Enter")
    tab.page.wait_for_function("() => location.search.length > 3")
    assert_inert(tab.page, dialogs)
    assert tab.page.evaluate("() => new URLSearchParams(location.search).get('q')") == payload
    assert server.sessions[0].location.query_params["q"] == payload
    tab.page.go_back()
    tab.page.go_forward()
    expect(box).to_have_value(payload)
    assert_inert(tab.page, dialogs)


def test_injection_page_of_another_origin_cannot_read_a_token_or_open_a_session(serve, tab):
    target = serve(lambda: pn.pane.Str("private"))
    attacker = serve(lambda: pn.pane.Str("attacker"))  # another port: another origin
    tab.page.goto(attacker.url)
    expect(tab.page.locator(".ps-str")).to_have_text("attacker")
    result = tab.page.evaluate("""async (target) => {
        let page;
        try { page = (await (await fetch(target)).text()).slice(0, 40); }
        catch (err) { page = 'blocked'; }
        const outcome = await new Promise((resolve) => {
            const ws = new WebSocket(target.replace('http:', 'ws:') + '_ps/ws');
            ws.onopen = () => ws.send(JSON.stringify({type: 'hello', v: 1, token: 'x'}));
            ws.onmessage = (ev) => resolve('message ' + ev.data.slice(0, 40));
            ws.onclose = (ev) => resolve('closed ' + ev.code);
        });
        return {page, outcome};
    }""", target.url)
    assert result == {"page": "blocked", "outcome": "closed 1006"}
    assert target.sessions == [] and len(attacker.sessions) == 1
