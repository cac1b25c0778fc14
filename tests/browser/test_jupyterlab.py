"""The seed notebook live in a real JupyterLab, driven in Debian's Chromium.

The module starts JupyterLab as its child process on loopback (port 0, no token,
``--no-browser``, its own temporary config, runtime, settings, workspace and IPython
directories), opens a copy of ``examples/session_state.ipynb``, runs all cells and
uses the outputs as a person would. A second client on the kernel's connection file
checks what the kernel holds (live outputs, destroyed sessions). Screenshots go to
``test-artifacts/jupyterlab/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client import BlockingKernelClient
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "jupyterlab"
SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
    # "Save Widget State Automatically": saved notebooks keep each output's snapshot.
    "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True},
}


class Lab:
    """A running JupyterLab: its URL, its directories and its log."""

    def __init__(self, url: str, root: Path, runtime: Path, log: Path) -> None:
        self.url = url
        self.root = root
        self.runtime = runtime
        self.log = log

    def wait_for_kernel(self, timeout: float = 60) -> None:
        """Wait until the notebook's session has a started, idle kernel.

        The page shows "idle" before any kernel exists; cells run then are lost.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.url + "api/sessions", timeout=5) as response:
                sessions = json.load(response)
            if any(s["kernel"]["execution_state"] == "idle" for s in sessions):
                return
            time.sleep(0.2)
        raise AssertionError(f"no idle kernel after {timeout} s:\n{self.log.read_text()}")

    def kernel(self, code: str, timeout: float = 20) -> str:
        """Run ``code`` on the notebook's kernel from a second client; its stdout."""
        [connection] = self.runtime.glob("kernel-*.json")
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        printed: list[str] = []
        try:
            reply = client.execute_interactive(
                code, store_history=False, timeout=timeout,
                output_hook=lambda msg: printed.append(msg["content"].get("text", ""))
                if msg["msg_type"] == "stream" else None)
        finally:
            client.stop_channels()
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(printed)


def _wait_for_server(proc: subprocess.Popen[bytes], runtime: Path, log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()}")
        for info in runtime.glob("jpserver-*.json"):
            data = json.loads(info.read_text() or "{}")
            if data.get("pid") == proc.pid:
                return str(data["url"])
        time.sleep(0.1)
    raise AssertionError(f"JupyterLab did not start within 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    base = tmp_path_factory.mktemp("jupyterlab")
    dirs = {name: base / name for name in ("root", "config", "runtime", "settings",
                                           "workspaces", "ipython")}
    for path in dirs.values():
        path.mkdir()
    shutil.copy(ROOT / "examples" / "session_state.ipynb", dirs["root"])
    for name, values in SETTINGS.items():
        target = dirs["settings"] / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(dirs["config"]),
           "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
           "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
           "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
           "IPYTHONDIR": str(dirs["ipython"])}
    log = base / "lab.log"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
               "--IdentityProvider.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={dirs['root']}", "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=base, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        url = _wait_for_server(proc, dirs["runtime"], log)
        yield Lab(url, dirs["root"], dirs["runtime"], log)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


#: Printed by the kernel: the ids of its live outputs, as JSON.
LIVE_OUTPUT_IDS = "print(json.dumps([o.id for o in pn.notebook.live_outputs()]))"


def shot(target: Page | Locator, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(SHOTS / f"{name}.png"))


def cell(page: Page, text: str) -> Locator:
    """The code cell whose source contains ``text``."""
    return page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea", has_text=text))


def output(page: Page, text: str) -> Locator:
    """The live panel_state output of the cell whose source contains ``text``."""
    return cell(page, text).locator(".jp-OutputArea-output .ps-root")


@pytest.fixture(scope="module")
def notebook(lab: Lab, browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """The seed notebook open in JupyterLab, every cell run once."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "panel_state" in msg.text else None)
    page.goto(lab.url + "lab/tree/session_state.ipynb")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    lab.wait_for_kernel()
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_attached(
        timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # The last cell has run: its prompt shows an execution count.
    expect(cell(page, "def panel_app").locator(".jp-InputPrompt")).to_have_text(
        re.compile(r"\[\d+\]:"), timeout=60_000)
    expect(page.locator(".jp-OutputArea-output .ps-root")).to_have_count(5, timeout=30_000)
    # jupyter_client's first use starts its runner thread: here, not inside a test.
    lab.kernel("import json, panel_state as pn")
    try:
        yield page, errors
    finally:
        context.close()


@pytest.fixture
def page(notebook: tuple[Page, list[str]]) -> Iterator[Page]:
    """The notebook's page; the test fails on a page error it caused."""
    tab, errors = notebook
    seen = len(errors)
    yield tab
    assert errors[seen:] == []


def chart_drawings(page: Page, chart: Locator) -> Any:
    """Start counting redraws of ``chart``'s line (in the page, not by polling)."""
    return chart.evaluate("""(el) => {
        window.redraws = 0;
        new MutationObserver(() => { window.redraws += 1; })
            .observe(el, {subtree: true, childList: true, attributes: true});
    }""")


def test_jupyterlab_periodic_chart_redraws_and_the_toggle_stops_and_restarts_it(page):
    chart = output(page, "title='Random data'")
    toggle = output(page, "Toggle callback").get_by_role("button", name="Toggle callback")
    counter = output(page, "Toggle callback").get_by_text(re.compile(r"^Updates so far: \d+$"))
    if toggle.get_attribute("aria-pressed") != "true":  # its 5 s ran out already
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    chart_drawings(page, chart)
    page.wait_for_function("window.redraws >= 5", timeout=10_000)
    shot(cell(page, "title='Random data'"), "chart-live")

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    stopped = counter.inner_text()
    page.wait_for_timeout(800)  # four periods: nothing may change
    expect(counter).to_have_text(stopped)
    page.evaluate("window.redraws = 0")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(counter).not_to_have_text(stopped)
    page.wait_for_function("window.redraws >= 3", timeout=10_000)
    shot(cell(page, "Toggle callback"), "toggle-restarted")


def test_jupyterlab_click_shows_busy_then_idle(page):
    busy_output = output(page, "def processing")
    indicator = busy_output.locator(".ps-markdown")
    expect(indicator).to_have_text("I'm idle")
    busy_output.evaluate("""(el) => {
        window.busyTimes = [];
        const md = el.querySelector('.ps-markdown');
        new MutationObserver(() => window.busyTimes.push([performance.now(), md.innerText]))
            .observe(el, {subtree: true, childList: true, characterData: true});
    }""")
    clicked = page.evaluate("performance.now()")
    busy_output.get_by_role("button", name="Click me!").click()
    expect(indicator).to_have_text("I'm busy")
    shot(cell(page, "def processing"), "busy")
    expect(indicator).to_have_text("I'm idle", timeout=10_000)
    times = page.evaluate("window.busyTimes")
    starts = [t for t, text in times if text == "I'm busy"]
    ends = [t for t, text in times if text == "I'm idle" and t > starts[0]]
    # Busy shows at once and lasts the handler's one second (ticks of the periodic
    # chart, short as they are, flicker it too: the long stretch is the click's).
    assert starts[0] - clicked < 800, times
    longest = max(end - start for start in starts for end in ends[:1] if end > start)
    assert longest > 800, times
    shot(cell(page, "def processing"), "idle")


def test_jupyterlab_deferred_select_appears_with_its_options(page):
    deferred = output(page, "defer_load=True")
    select = deferred.locator("select")
    expect(select).to_be_visible()
    expect(deferred.locator(".ps-spinner")).to_be_hidden()
    expect(select.locator("option")).to_have_text(["A", "B", "C"])
    shot(cell(page, "defer_load=True"), "deferred-select")


def test_jupyterlab_rerunning_a_cell_replaces_its_output_and_frees_the_old_one(page, lab):
    ids = LIVE_OUTPUT_IDS
    old_ids = set(json.loads(lab.kernel(ids)))
    source = cell(page, "def processing")
    prompt = source.locator(".jp-InputPrompt").inner_text()
    source.locator(".jp-InputPrompt").click()  # selects it, in command mode
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run Selected Cell and Do not Advance").click()
    expect(source.locator(".jp-InputPrompt")).not_to_have_text(prompt)
    expect(output(page, "def processing")).to_have_count(1)
    fresh = output(page, "def processing")
    expect(fresh.get_by_role("button", name="Click me!")).to_have_count(1)
    expect(fresh.locator(".ps-markdown")).to_have_text("I'm idle")
    new_ids = set(json.loads(lab.kernel(ids)))
    assert len(old_ids - new_ids) == 1 and len(new_ids - old_ids) == 1, (old_ids, new_ids)
    shot(source, "rerun")
    fresh.get_by_role("button", name="Click me!").click()
    expect(fresh.locator(".ps-markdown")).to_have_text("I'm busy")
    expect(fresh.locator(".ps-markdown")).to_have_text("I'm idle", timeout=10_000)
    shot(page, "notebook")


def test_jupyterlab_clearing_an_output_releases_its_session(page, lab):
    ids = LIVE_OUTPUT_IDS
    before = set(json.loads(lab.kernel(ids)))
    source = cell(page, "defer_load=True")
    source.locator(".jp-InputPrompt").click()  # selects it, in command mode
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Cell Output", exact=True).click()
    expect(output(page, "defer_load=True")).to_have_count(0)
    # The view said it closed; after the grace period the kernel closes the output.
    deadline = time.monotonic() + 15
    while (after := set(json.loads(lab.kernel(ids)))) == before:
        assert time.monotonic() < deadline, "the cleared output is still open"
        time.sleep(0.3)
    assert len(before - after) == 1 and after < before
    shot(source, "cleared")


def test_jupyterlab_saved_notebook_opened_without_a_kernel_shows_its_fallbacks(
        page, lab, browser: Browser):
    # Each live output reports the HTML of its last render to the kernel (a second
    # after it changes); a later display of the object carries it as its text/html.
    check = ("print(sorted({'ps-chart' in o.widget.snapshot for o in "
             "pn.notebook.live_outputs() if 'LineChart' in repr(o.session.roots)}))")
    deadline = time.monotonic() + 10
    while (reported := lab.kernel(check)) != "[True]\n":
        assert time.monotonic() < deadline, reported
        time.sleep(0.3)
    cell(page, "title='Random data'").locator(".jp-InputPrompt").click()  # command mode
    page.keyboard.press("Control+s")
    saved = lab.root / "session_state.ipynb"
    deadline = time.monotonic() + 15
    while "ps-chart" not in saved.read_text():  # the widget state, snapshots included
        assert time.monotonic() < deadline, "the notebook was not saved"
        time.sleep(0.2)
    data = json.loads(saved.read_text())
    # Without a kernelspec or a language JupyterLab has no kernel to pick: none is.
    del data["metadata"]["kernelspec"]
    data["metadata"].pop("language_info", None)
    (lab.root / "saved.ipynb").write_text(json.dumps(data))

    context = browser.new_context(viewport={"width": 1280, "height": 4000})
    context.set_default_timeout(30_000)
    try:
        other = context.new_page()
        other.goto(lab.url + "lab/workspaces/no-kernel/tree/saved.ipynb")
        # A cold JupyterLab takes several seconds to open a notebook on a busy machine.
        expect(other.get_by_role("button", name="No Kernel", exact=True)).to_be_visible(
            timeout=30_000)
        fallbacks = other.locator(".jp-OutputArea-output[data-mime-type='text/html'] "
                                  ".ps-snapshot-note")
        expect(fallbacks).to_have_count(4)  # the output cleared above left the file
        expect(fallbacks.first).to_contain_text("Row(Button(")
        expect(fallbacks.first).to_contain_text("a live panel_state output")
        expect(other.get_by_text("Error displaying widget")).to_have_count(0)
        shot(cell(other, "def processing"), "saved-without-kernel")
    finally:
        context.close()
