"""The development loop: save -> the new render visible in Chromium, beside Panel's ``--dev``.

The app is the gallery's largest example, ``examples/location.py``, copied into a
temporary folder and served with ``python -m panel_state serve location.py --dev``, and
with Panel 1.9.4's ``panel serve location.py --dev`` (the import line changed, and
``history="replace"`` dropped: Panel's ``Location.sync`` has no such argument). A page
is open in Chromium (Debian's, through Playwright). Each of 20 edits (5 with
``--quick``) changes the heading, ``## Location`` -> ``## Location edit N``, saved as
editors do (a temporary file renamed over the script). Edits are 1.5 s apart, so
neither side's limit on back-to-back reloads is what is measured (ours reloads at
most once a second after a reload; Panel's watcher sleeps a second after each).

An init script, run on every page load (so it survives Panel's full page reload;
ours swaps in place), reads the page's text -- shadow roots included, where Bokeh
renders -- on every animation frame and stores the wall-clock time it first sees each
``Location edit N`` in ``sessionStorage``. The figure is that time minus the wall
clock just before the rename: p50 (and p90) over the edits.

Panel's ``--dev`` needs watchfiles (without it Panel polls every 0.5 s and warns); its
column is n/a, with the reason, when its virtualenv lacks it.

Run ``python benchmarks/bench_reload.py`` to print the table.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    ROOT,
    BenchmarkError,
    ours_path,
    ours_python,
    panel_python,
    percentile,
    print_table,
    quick,
    row,
)

GOAL_MS = 300.0
EXAMPLE = ROOT / "examples" / "location.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

#: Runs in the page on every load: first-seen wall-clock time of each edit's marker.
WATCH_TEXT = r"""
(() => {
  const text = (root) => {
    let out = root.textContent || "";
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) out += text(el.shadowRoot);
    return out;
  };
  const look = () => {
    if (document.body) {
      for (const m of text(document.body).matchAll(/Location edit (\d+)/g)) {
        const key = "psbench:" + m[1];
        if (sessionStorage.getItem(key) === null) sessionStorage.setItem(key, String(Date.now()));
      }
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _save(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _source(kind: str) -> str:
    text = EXAMPLE.read_text()
    if kind == "panel":
        text = text.replace("import panel_state as pn", "import panel as pn")
        text = text.replace(', history="replace"', "")
    return text


def _command(kind: str, python: str, port: int) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    if kind == "ours":
        env["PYTHONPATH"] = ours_path()
        return [python, "-m", "panel_state", "serve", "location.py", "--dev", "--port",
                str(port)], env
    return [python, "-m", "panel", "serve", "location.py", "--dev", "--port", str(port),
            "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"], env


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise BenchmarkError(f"the server exited with {proc.returncode}:\n"
                                 + log.read_text()[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise BenchmarkError("the server did not listen within 60 s") from None
            time.sleep(0.05)


def _seen(page: Any, n: int, timeout: float = 15.0) -> float:
    """The page's wall-clock ms when it first showed edit ``n`` (retried across reloads)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(f"sessionStorage.getItem('psbench:{n}')")
        except Error:  # the page is navigating (Panel reloads it)
            value = None
        if value is not None:
            return float(value)
        time.sleep(0.01)
    raise BenchmarkError(f"edit {n} did not show within {timeout} s")


def measure(kind: str, python: str, edits: int) -> list[float]:
    """Save -> visible, in ms, for each of ``edits`` edits of the served example."""
    # Deferred: Playwright is a test dependency, needed only when this module runs.
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="panel_state_bench_reload_") as tmp:
        folder = Path(tmp)
        app = folder / "location.py"
        original = _source(kind)
        app.write_text(original)
        log = folder / "server.log"
        port = _free_port()
        command, env = _command(kind, python, port)
        with log.open("wb") as out:
            proc = subprocess.Popen(command, cwd=folder, env=env, stdout=out,
                                    stderr=subprocess.STDOUT)
        try:
            _wait_listening(port, proc, log)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                context = browser.new_context()
                context.add_init_script(WATCH_TEXT)
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/location")
                page.get_by_text("Current URL:").first.wait_for(timeout=30_000)
                time.sleep(1.5)
                times = []
                for n in range(1, edits + 1):
                    text = original.replace('"## Location"', f'"## Location edit {n}"')
                    saved = time.time() * 1000
                    _save(app, text)
                    times.append(_seen(page, n) - saved)
                    time.sleep(1.5)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(20)
        return times


def _panel_problem(python: str | None) -> str | None:
    if python is None:
        return "no Panel virtualenv"
    check = subprocess.run([python, "-c", "import watchfiles"], capture_output=True,
                           check=False)
    if check.returncode != 0:
        return ("Panel's --dev needs watchfiles, missing from its virtualenv (it would poll "
                "every 0.5 s); install it there")
    return None


def run() -> list[dict[str, Any]]:
    """The rows of this benchmark (5 edits with ``--quick``, else 20)."""
    edits = 5 if quick() else 20
    ours = measure("ours", ours_python(), edits)
    panel_py = panel_python()
    problem = _panel_problem(panel_py)
    panel = measure("panel", panel_py, edits) if panel_py and problem is None else None
    note = f" (Panel n/a: {problem})" if problem else ""
    p50 = percentile(ours, 50)
    return [
        row(f"reload: save -> new render in Chromium p50 (location.py, {edits} edits){note}",
            p50, percentile(panel, 50) if panel else None, "ms", f"<= {GOAL_MS:.0f} ms",
            met=p50 <= GOAL_MS),
        row("reload: save -> new render p90", percentile(ours, 90),
            percentile(panel, 90) if panel else None, "ms"),
    ]


if __name__ == "__main__":
    print_table(run())
