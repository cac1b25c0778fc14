"""``panel-state serve`` (run as ``python -m panel_state``) in real processes."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from panel_state.cli import build_parser
from panel_state.server.testclient import ProtocolClient

APP = """
import os
import panel_state as pn
pn.pane.Str(f"pid={os.getpid()} threads={pn.config.nthreads} "
            f"lifetime={pn.config.unused_session_lifetime}").servable()
"""


def run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "panel_state", *args], capture_output=True,
                          text=True, timeout=timeout)


def write(path: Path, source: str) -> str:
    path.write_text(textwrap.dedent(source))
    return str(path)


class Served:
    """A ``panel-state serve`` child process and the app URLs it logged."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.urls: dict[str, str] = {}
        self.log: list[str] = []
        self._drain: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, *args: str, apps: int = 1) -> Served:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "panel_state", "serve", "--port", "0", *args,
            stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL)
        served = cls(proc)
        assert proc.stderr is not None
        while len(served.urls) < apps:
            line = (await asyncio.wait_for(proc.stderr.readline(), 20)).decode()
            if not line:
                raise AssertionError("server exited early:\n" + "".join(served.log))
            served.log.append(line)
            match = re.search(r"App (\S+) at (http://\S+)", line)
            if match:
                served.urls[match.group(1)] = match.group(2)
        served._drain = asyncio.create_task(served._read())
        return served

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.log.append(line.decode())

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), 20)
        if self._drain is not None:
            await self._drain
        return code


def test_cli_help_documents_every_option():
    text = run("serve", "--help").stdout
    for option in ("APP", "--setup", "--port", "--address", "--allow-websocket-origin",
                   "--num-procs", "--num-threads", "--unused-session-lifetime",
                   "--check-unused-sessions", "--show", "PANEL_STATE_SECRET", "--log-level",
                   "--session-token-expiration", "--websocket-max-message-size", "--keep-alive",
                   "--index", "--static-dirs", "--warm", "--args", "--use-xheaders",
                   "--websocket-hello-timeout", "--http-header-timeout", "--http-idle-timeout",
                   "--max-body-size", "--max-sessions", "--max-connections-per-ip",
                   "--max-event-rate", "--max-event-burst", "--flood-timeout",
                   "--message-batch"):
        assert option in text, option
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]  # type: ignore
    for action in serve._actions:
        assert action.help, action.dest


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: ["serve", str(p / "missing.py")], "App script '.*missing.py' does not exist."),
    (lambda p: ["serve", write(p / "bad.py", "def (:\n")],
     "App script '.*bad.py' has a syntax error at line 1"),
    (lambda p: ["serve", write(p / "ok.py", APP), "--setup", str(p / "nope.py")],
     "setup script '.*nope.py' does not exist."),
    (lambda p: ["serve", write(p / "ok.py", APP), "--port", "0", "--setup",
                write(p / "setup.py", "raise KeyError('config missing')\n")],
     "setup script '.*setup.py' raised KeyError: 'config missing'"),
])
def test_cli_bad_app_or_setup_prints_one_line_and_fails(tmp_path, make, message):
    result = run(*make(tmp_path))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("panel-state serve: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0] == lines[-1]  # a raising setup script's traceback is logged above it
    assert re.search(r"^panel-state serve: error: " + message, errors[0]), errors[0]


def test_cli_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run("serve", write(tmp_path / "ok.py", APP), "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"panel-state serve: error: cannot listen on "
                                            f"127.0.0.1:{port}")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_cli_signal_destroys_every_session_and_exits_0(tmp_path, sig):
    record = tmp_path / "destroyed.txt"
    setup = write(tmp_path / "setup.py", f"""
        import panel_state as pn
        def gone(session):
            with open({str(record)!r}, "a") as f:
                f.write(session.id + "\\n")
        pn.state.on_session_destroyed(gone)
    """)
    served = await Served.start(write(tmp_path / "app.py", APP), "--setup", setup,
                                "--num-threads", "3", "--unused-session-lifetime", "60000")
    client = await ProtocolClient.open(served.urls["/app"])
    text = client.props(client.find("Str"))["text"]
    assert "threads=3" in text and "lifetime=60000" in text
    assert await served.stop(sig) == 0
    assert record.read_text().split() == [client.session]
    assert await client.wait_closed() == 1001


@pytest.mark.slow
async def test_cli_show_opens_the_app_in_the_browser(tmp_path, monkeypatch):
    opened = tmp_path / "opened.txt"
    browser = write(tmp_path / "browser.py", f"""
        import sys
        open({str(opened)!r}, "w").write(sys.argv[1])
    """)
    monkeypatch.setenv("BROWSER", f"{sys.executable} {browser} %s")
    served = await Served.start(write(tmp_path / "app.py", APP), "--show")
    try:
        for _ in range(200):
            if opened.exists() and opened.read_text():
                break
            await asyncio.sleep(0.01)
        port = served.urls["/app"].split(":")[2].split("/")[0]
        assert opened.read_text() == f"http://127.0.0.1:{port}/"
    finally:
        assert await served.stop() == 0


@pytest.mark.slow
async def test_cli_folder_of_apps_gets_an_index(tmp_path):
    folder = tmp_path / "apps"
    folder.mkdir()
    write(folder / "one.py", APP)
    write(folder / "two.py", APP)
    served = await Served.start(str(folder), apps=2)
    try:
        assert sorted(served.urls) == ["/one", "/two"]
        client = await ProtocolClient.open(served.urls["/two"])
        assert client.find("Str")
        await client.close()
    finally:
        assert await served.stop() == 0


@pytest.mark.slow
async def test_cli_num_procs_share_the_port_and_sessions_cross_processes(tmp_path):
    served = await Served.start(write(tmp_path / "app.py", APP), "--num-procs", "2")
    try:
        url = served.urls["/app"]
        pids: set[str] = set()
        for _ in range(10):
            clients = await asyncio.gather(*(ProtocolClient.open(url) for _ in range(8)))
            for client in clients:
                pids.add(client.props(client.find("Str"))["text"].split()[0])
                await client.close()
            if len(pids) == 2:
                break
        assert len(pids) == 2
        # Pages and sockets land on either process: every token works on both.
        pages = [ProtocolClient(url) for _ in range(12)]
        for page in pages:
            await page.fetch()
        for page in pages:
            await page.connect()
            await page.hello()
            await page.close()
    finally:
        assert await served.stop() == 0


def test_cli_short_secret_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PANEL_STATE_SECRET", "short")
    result = run("serve", write(tmp_path / "ok.py", APP), "--port", "0")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "panel-state serve: error: PANEL_STATE_SECRET must be at least 16 characters")


def test_cli_dev_is_autoreload_and_refuses_several_processes_in_one_line(tmp_path):
    parser = build_parser()
    for flag in ("--dev", "--autoreload"):
        assert parser.parse_args(["serve", "app.py", flag]).autoreload is True
    assert parser.parse_args(["serve", "app.py"]).autoreload is False
    result = run("serve", write(tmp_path / "ok.py", APP), "--dev", "--num-procs", "2")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "panel-state serve: error: --autoreload (--dev) reloads apps inside one process and "
        "cannot be combined with --num-procs 2; drop --num-procs while developing."]
