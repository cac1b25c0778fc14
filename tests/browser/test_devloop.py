"""The development loop in real Chromium: ``panel-state serve ... --dev``, then edit files.

The module writes a temporary project (apps, a local helper module, a setup script),
serves it with ``python -m panel_state serve <folder> --setup setup.py --dev`` as a
child process on a free port, and each test edits files the way an editor saves them
(a temporary file renamed over the original), then looks at the page. Screenshots go
to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from panel_state.testing import wait_until
from tests.browser.test_examples import SHOTS, free_port, wait_for_port

pytestmark = pytest.mark.browser

FILES = {
    "helper.py": """
        def greet():
            return "helper says one"
    """,
    "setup.py": """
        import param
        import panel_state as pn

        class Feed(param.Parameterized):
            text = param.String(default="")

        feed = pn.state.cache["feed"] = Feed()

        def tick():
            feed.text = "task v1"

        pn.state.schedule_task("tick", tick, period="0.1s")
    """,
    "edit.py": """
        import panel_state as pn
        rows = "".join(f"<p style='margin: 0; height: 40px'>row {i}</p>" for i in range(40))
        pn.Column(pn.pane.Markdown("# edit v1"), pn.pane.HTML(rows)).servable()
    """,
    "sync.py": """
        import panel_state as pn
        n = pn.widgets.IntSlider(name="n", start=0, end=10, value=1)
        pn.state.location.sync(n, {"value": "n"})
        pn.Column(pn.pane.Str("sync v1"), n).servable()
    """,
    "broken.py": """
        import panel_state as pn
        pn.pane.Str("broken v1").servable()
    """,
    "uses_helper.py": """
        import helper
        import panel_state as pn
        pn.pane.Str(helper.greet()).servable()
    """,
    "burst.py": """
        import panel_state as pn
        pn.pane.Str("burst 0").servable()
    """,
    "feed.py": """
        import panel_state as pn
        feed = pn.state.cache["feed"]
        pn.panel(pn.bind(lambda text: f"feed: {text}", feed.param.text)).servable()
    """,
    "fails.py": """
        import panel_state as pn
        def fail(event):
            raise ValueError("<img src=x onerror=window.pwned=1> in a callback")
        button = pn.widgets.Button(name="Fail")
        button.on_click(fail)
        button.servable()
    """,
}


class Project:
    """The served folder: its URL, its log, and editor-style saves."""

    def __init__(self, folder: Path, url: str, log: Path) -> None:
        self.folder = folder
        self.url = url
        self.log = log

    def save(self, name: str, text: str) -> None:
        path = self.folder / name
        tmp = self.folder / f".{name}.swp"
        tmp.write_text(textwrap.dedent(text))
        os.replace(tmp, path)

    def edit(self, name: str, old: str, new: str) -> None:
        text = (self.folder / name).read_text()
        assert old in text, f"{old!r} is not in {name}"
        self.save(name, text.replace(old, new))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("devloop")
    for name, text in FILES.items():
        (folder / name).write_text(textwrap.dedent(text))
    log = folder.parent / "devloop-server.log"
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "panel_state", "serve", str(folder), "--setup",
             str(folder / "setup.py"), "--dev", "--port", str(port),
             "--unused-session-lifetime", "300", "--check-unused-sessions", "100"],
            cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        wait_until(lambda: "Autoreload: watching" in log.read_text(), timeout=10)
        yield Project(folder, f"http://127.0.0.1:{port}/", log)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    assert code == 0, f"the server exited with {code}:\n{log.read_text()}"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"devloop-{name}.png"))


def swaps(page: Page) -> int:
    return int(page.evaluate("window.panelState.swaps"))


def test_devloop_an_edit_shows_within_2s_in_place_keeping_window_state_and_scroll(project, tab):
    page = tab.page
    page.goto(project.url + "edit")
    expect(page.locator("h1")).to_have_text("edit v1")
    page.evaluate("window.devMarker = 'still here'")
    page.evaluate("window.scrollTo(0, 600)")
    assert page.evaluate("window.scrollY") == 600
    started = time.monotonic()
    project.edit("edit.py", "edit v1", "edit v2")
    expect(page.locator("h1")).to_have_text("edit v2", timeout=2000)
    assert time.monotonic() - started < 2
    assert page.evaluate("window.devMarker") == "still here"  # no page reload
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert page.evaluate("window.scrollY") == 600 and swaps(page) == 1
    expect(page.get_by_text("row 14", exact=True)).to_be_in_viewport()
    shot(page, "edited")
    assert tab.errors == []


def test_devloop_a_synced_widget_keeps_its_url_value_across_the_reload(project, tab):
    page = tab.page
    page.goto(project.url + "sync?n=6")
    slider = page.locator("input[type=range]")
    expect(slider).to_have_value("6")
    slider.fill("8")
    expect(page).to_have_url(re.compile(r"n=8"))
    project.edit("sync.py", "sync v1", "sync v2")
    expect(page.get_by_text("sync v2")).to_be_visible(timeout=2000)
    expect(page.locator("input[type=range]")).to_have_value("8")
    assert page.url.endswith("/sync?n=8") and swaps(page) == 1


def test_devloop_a_syntax_error_overlays_the_last_ui_and_a_fix_clears_it(
        project, tab, new_tab):
    page = tab.page
    page.goto(project.url + "broken")
    expect(page.get_by_text("broken v1")).to_be_visible()
    project.save("broken.py", 'import panel_state as pn\npn.pane.Str("broken v2"\nx = 1\n')
    overlay = page.locator("#ps-dev-error")
    expect(overlay).to_be_visible(timeout=2000)
    expect(overlay.locator(".ps-dev-title")).to_contain_text("SyntaxError")
    expect(overlay.locator(".ps-dev-where")).to_have_text(
        f"{project.folder / 'broken.py'}, line 2")
    expect(page.get_by_text("broken v1")).to_be_visible()  # the last good UI, underneath
    shot(page, "syntax-error")
    fresh = new_tab().page  # a brand-new tab on the broken app: the overlay, not blank
    fresh.goto(project.url + "broken")
    expect(fresh.locator("#ps-dev-error .ps-dev-where")).to_contain_text("broken.py, line 2")
    shot(fresh, "syntax-error-new-tab")
    project.save("broken.py", 'import panel_state as pn\npn.pane.Str("broken v3").servable()\n')
    for shown in (page, fresh):
        expect(shown.get_by_text("broken v3")).to_be_visible(timeout=3000)
        expect(shown.locator("#ps-dev-error")).to_have_count(0)


def test_devloop_an_edited_local_module_shows_its_new_behaviour(project, tab):
    page = tab.page
    page.goto(project.url + "uses_helper")
    expect(page.get_by_text("helper says one")).to_be_visible()
    project.edit("helper.py", "helper says one", "helper says two")
    expect(page.get_by_text("helper says two")).to_be_visible(timeout=3000)


def test_devloop_twenty_saves_within_a_second_reload_at_most_twice(project, tab):
    page = tab.page
    page.goto(project.url + "burst")
    expect(page.get_by_text("burst 0")).to_be_visible()
    time.sleep(1.0)  # the previous test's reload interval is over: start from rest
    started = time.monotonic()
    for n in range(1, 21):
        project.save("burst.py", f'import panel_state as pn\npn.pane.Str("burst {n}").servable()\n')
        time.sleep(0.03)
    assert time.monotonic() - started < 1.0
    expect(page.get_by_text("burst 20")).to_be_visible(timeout=3000)
    # A last, different save: any reload still owed to the burst happens before it.
    project.save("burst.py", 'import panel_state as pn\npn.pane.Str("burst done").servable()\n')
    expect(page.get_by_text("burst done")).to_be_visible(timeout=3000)
    assert swaps(page) - 1 <= 2


def test_devloop_an_edited_setup_script_runs_its_new_task_code(project, tab):
    page = tab.page
    page.goto(project.url + "feed")
    expect(page.get_by_text("feed: task v1")).to_be_visible(timeout=3000)
    project.edit("setup.py", '"task v1"', '"task v2"')
    expect(page.get_by_text("feed: task v2")).to_be_visible(timeout=3000)
    shot(page, "setup-edited")


def test_devloop_a_callback_exception_shows_a_small_note_as_text(project, tab):
    page = tab.page
    page.goto(project.url + "fails")
    page.get_by_role("button", name="Fail").click()
    note = page.locator(".ps-dev-note")
    expect(note.locator(".ps-dev-title")).to_have_text(
        "ValueError: <img src=x onerror=window.pwned=1> in a callback")
    expect(note.locator("summary")).to_contain_text("fails.py, line 4")
    assert page.locator(".ps-dev-note img").count() == 0
    assert page.evaluate("window.pwned === undefined")
    shot(page, "callback-exception")
    note.locator(".ps-dev-close").click()
    expect(note).to_have_count(0)


def test_devloop_production_shows_callback_exceptions_only_in_the_log(
        serve, tab, server_barrier, caplog, tmp_path):
    app = tmp_path / "fails.py"
    app.write_text(textwrap.dedent(FILES["fails.py"]))
    server = serve({"/fails": str(app)})
    page = tab.page
    page.goto(server.url + "fails")
    page.get_by_role("button", name="Fail").click()
    wait_until(lambda: "in a callback" in caplog.text)
    server_barrier(page)
    assert page.locator(".ps-dev-note, #ps-dev-error").count() == 0
