"""``pn.serve``'s launch: the address it prints, and the browser ``show=True`` opens."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import panel_state as pn


def app():
    return pn.pane.Str("hi")


async def test_serve_prints_where_it_listens_by_default(capsys):
    server = pn.serve(app, start=False)
    try:
        assert capsys.readouterr().out == f"Launching server at {server.url}\n"
    finally:
        await server.astop()


async def test_serve_verbose_false_prints_nothing(capsys):
    server = pn.serve(app, start=False, verbose=False)
    try:
        assert capsys.readouterr().out == ""
    finally:
        await server.astop()


SCRIPT = textwrap.dedent("""
    import panel_state as pn
    server = pn.serve(lambda: pn.pane.Str("hi"), threaded=True, show=True)
    server.stop()
""")


def run_with_browser(tmp_path, browser: str) -> subprocess.CompletedProcess[str]:
    """Run SCRIPT where ``$BROWSER`` is the only web browser there is."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TERM")}
    env["BROWSER"] = browser
    script = tmp_path / "show.py"
    script.write_text(SCRIPT)
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=60, check=True)


def test_serve_show_opens_the_url_in_the_browser(tmp_path):
    opened = tmp_path / "opened.txt"
    recorder = tmp_path / "browser.sh"
    recorder.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    recorder.chmod(0o755)
    result = run_with_browser(tmp_path, f"{recorder} %s")
    (line,) = result.stdout.splitlines()
    url = line.removeprefix("Launching server at ")
    assert url.startswith("http://127.0.0.1:") and opened.read_text() == url + "\n"
    assert result.stderr == ""


def test_serve_show_without_a_browser_says_where_to_go(tmp_path):
    result = run_with_browser(tmp_path, "/bin/false %s")
    url = result.stdout.strip().removeprefix("Launching server at ")
    assert f"No web browser could be opened here (show=True); visit {url}" in result.stderr
