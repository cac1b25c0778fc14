"""Load generation for the server benchmarks: real servers, lean websocket clients.

Each server runs in its own process (``python -m panel_state serve`` with this
interpreter, ``python -m panel serve`` with the Panel virtualenv's); the load comes from
a third process running :func:`main` with this interpreter, so both servers face the
same client code. The clients do what a browser's first connection does and nothing
more:

* ours: GET the page, read its token, open ``/_ps/ws``, send ``hello``, wait for the
  ``render`` message, acknowledge it with ``loaded``;
* Panel: GET the page, read the Bokeh session token, open ``/<app>/ws`` with the
  ``bokeh`` subprotocol, wait for ``ACK``, send ``PULL-DOC-REQ`` and wait for the
  ``PULL-DOC-REPLY`` (the document BokehJS renders).

Events: ours sends ``{"type": "event"}`` and waits for the ``patch``; Panel sends a
``PATCH-DOC`` with a ``ModelChanged`` event for the widget's model and waits for the
server's ``PATCH-DOC``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# -- servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(kind: str, python: str, app_source: str, *, ours_path: str | None = None,
                   timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """Serve ``app_source`` as ``/app`` with ``kind`` ('ours' or 'panel').

    Yields ``(url, pid)`` once the page answers; stops the server afterwards.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="panel_state_bench_srv_") as cwd:
        Path(cwd, "app.py").write_text(app_source)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        if kind == "ours":
            if ours_path:
                env["PYTHONPATH"] = ours_path
            cmd = [python, "-m", "panel_state", "serve", "app.py", "--port", str(port),
                   "--log-level", "warning"]
        else:
            cmd = [python, "-m", "panel", "serve", "app.py", "--port", str(port),
                   "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}",
                   "--log-level", "warning"]
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/app"
        try:
            wait_for_page(proc, url, timeout, f"{kind} server")
            yield url, proc.pid
        finally:
            stop_process(proc)


def wait_for_page(proc: subprocess.Popen[Any], url: str, timeout: float, what: str,
                  log: Path | None = None) -> None:
    """Poll ``url`` until it answers 200; RuntimeError if ``proc`` exits or time runs out
    (with the tail of ``log`` when given)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log is not None else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}" + (
                f":\n{tail}" if tail else ""))
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {timeout} s")
        time.sleep(0.05)


def stop_process(proc: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    """SIGTERM ``proc`` and wait for it; SIGKILL it if it takes longer than ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- clients ---------------------------------------------------------------------------
# A minimal HTTP/1.1 + websocket client on asyncio streams: the load process should
# spend as little CPU per session as possible, so the figures are the servers'.

_ids = itertools.count(1)


def _split(url: str) -> tuple[str, int, str]:
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port or 80), "/" + path


async def http_get(url: str) -> str:
    """GET ``url`` on a fresh connection; returns the body (status 200 required)."""
    host, port, path = _split(url)
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: bench\r\n"
                 f"Accept: text/html\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read(-1)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"GET {url}: {head[:60]!r}")
    return body.decode()


class RawSocket:
    """A websocket client connection: text frames out (masked), frames in."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, url: str, path: str, protocols: list[str] | None = None
                      ) -> RawSocket:
        host, port, _ = _split(url)
        reader, writer = await asyncio.open_connection(host, port)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = f"Sec-WebSocket-Protocol: {', '.join(protocols)}\r\n" if protocols else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                     f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                     f"Sec-WebSocket-Version: 13\r\n{extra}\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"websocket upgrade refused: {head[:80]!r}")
        return cls(reader, writer)

    def send(self, text: str) -> None:
        payload = text.encode()
        n = len(payload)
        if n < 126:
            header = bytes((0x81, 0x80 | n))
        elif n < 65536:
            header = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            header = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(
            (mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big") if n else b""
        self.writer.write(header + mask + masked)

    async def receive(self) -> bytes:
        """The next data message's payload (control frames are skipped)."""
        read = self.reader.readexactly
        while True:
            b0, b1 = await read(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(await read(2), "big")
            elif n == 127:
                n = int.from_bytes(await read(8), "big")
            payload = await read(n) if n else b""
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the server")
            if opcode in (0x1, 0x2):
                return payload
            self.on_control(opcode, payload)

    def on_control(self, opcode: int, payload: bytes) -> None:
        """Called with each control frame other than close; ignored here."""

    def close(self) -> None:
        self.writer.write(bytes((0x88, 0x80)) + os.urandom(4))
        self.writer.close()


class OursSession:
    """One panel_state session opened by the protocol a browser speaks."""

    def __init__(self, ws: Any, render: dict[str, Any]) -> None:
        self.ws = ws
        self.render = render

    @classmethod
    async def open(cls, url: str) -> OursSession:
        page = await http_get(url)
        token = html.unescape(re.search(r'data-token="([^"]*)"', page).group(1))  # type: ignore[union-attr]
        ws = await RawSocket.connect(url, "/_ps/ws")
        ws.send(json.dumps({"type": "hello", "v": 1, "token": token}))
        render = json.loads(await ws.receive())
        assert render["type"] == "render", render
        ws.send(json.dumps({"type": "loaded", "url": {
            "pathname": "/app", "search": "", "hash": ""}}))
        return cls(ws, render)

    def find(self, kind: str) -> list[str]:
        out: list[str] = []

        def walk(node: dict[str, Any]) -> None:
            if node["kind"] == kind:
                out.append(node["ref"])
            for child in node["children"]:
                walk(child)

        for root in self.render["roots"]:
            walk(root)
        return out

    async def change(self, ref: str, value: Any) -> int:
        """Send a widget change; returns the bytes of the patch that answers it."""
        self.ws.send(json.dumps({"type": "event", "ref": ref, "name": "value", "value": value}))
        while True:
            raw = await self.ws.receive()
            if raw.startswith(b'{"type":"patch"'):
                return len(raw)

    def close(self) -> None:
        self.ws.close()


class PanelSession:
    """One Panel/Bokeh session opened the way BokehJS opens it."""

    def __init__(self, ws: Any, doc: dict[str, Any]) -> None:
        self.ws = ws
        self.doc = doc

    @staticmethod
    def _send(ws: RawSocket, msgtype: str, content: dict[str, Any]) -> None:
        ws.send(json.dumps({"msgid": str(next(_ids)), "msgtype": msgtype}))
        ws.send("{}")
        ws.send(json.dumps(content))

    @staticmethod
    async def _receive(ws: RawSocket) -> tuple[dict[str, Any], bytes, int]:
        """One Bokeh message: (header, content, total bytes of its frames)."""
        frames = [await ws.receive() for _ in range(3)]
        header = json.loads(frames[0])
        size = sum(len(f) for f in frames)
        for _ in range(2 * header.get("num_buffers", 0)):
            size += len(await ws.receive())
        return header, frames[2], size

    @classmethod
    async def open(cls, url: str) -> PanelSession:
        page = await http_get(url)
        token = re.search(r'"token":"([^"]+)"', page).group(1)  # type: ignore[union-attr]
        ws = await RawSocket.connect(url, "/app/ws", ["bokeh", token])
        header, _, _ = await cls._receive(ws)
        assert header["msgtype"] == "ACK", header
        cls._send(ws, "PULL-DOC-REQ", {})
        while True:
            header, content, _ = await cls._receive(ws)
            if header["msgtype"] == "PULL-DOC-REPLY":
                return cls(ws, json.loads(content))

    def find(self, name: str) -> list[str]:
        out: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                if value.get("type") == "object" and value.get("name") == name and "id" in value:
                    out.append(value["id"])
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(self.doc)
        return out

    async def change(self, ref: str, value: Any) -> int:
        self._send(self.ws, "PATCH-DOC", {"events": [
            {"kind": "ModelChanged", "model": {"id": ref}, "attr": "value", "new": value}]})
        while True:
            header, _, size = await self._receive(self.ws)
            if header["msgtype"] == "PATCH-DOC":
                return size

    def close(self) -> None:
        self.ws.close()


CLIENTS = {"ours": OursSession, "panel": PanelSession}
#: The model a slider becomes on each side.
SLIDER = {"ours": "IntSlider", "panel": "Slider"}


# -- measurements ----------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


async def measure_open(kind: str, url: str, sequential: int, concurrent: int,
                       concurrency: int) -> dict[str, float]:
    """Open latency (sequential sessions) and session rate (``concurrency`` in flight)."""
    client = CLIENTS[kind]
    for _ in range(5):  # warm up
        (await client.open(url)).close()
    latencies = []
    for _ in range(sequential):
        t0 = time.perf_counter()
        session = await client.open(url)
        latencies.append(time.perf_counter() - t0)
        session.close()
    remaining = iter(range(concurrent))

    async def worker() -> None:
        for _ in remaining:
            (await client.open(url)).close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    return {"p50_ms": _pct(latencies, 50) * 1000, "rate": concurrent / elapsed}


async def measure_memory(kind: str, url: str, pid: int, sessions: int) -> dict[str, float]:
    """RSS growth of the server per session held open (idle) after a warm-up."""
    import gc

    import psutil

    client = CLIENTS[kind]
    server = psutil.Process(pid)
    warm = [await client.open(url) for _ in range(20)]
    await asyncio.sleep(1.0)
    before = server.memory_info().rss
    held = []
    for _ in range(sessions):
        held.append(await client.open(url))
    await asyncio.sleep(2.0)
    after = server.memory_info().rss
    for session in held + warm:
        session.close()
    gc.collect()
    return {"kb_per_session": (after - before) / sessions / 1024}


async def measure_events(kind: str, url: str, changes: int, widgets: int = 1
                         ) -> dict[str, float]:
    """Round trip of one widget change to the patch it causes, and that patch's bytes.

    Cycles through the first ``widgets`` sliders on the page, alternating values so
    every change is a real change.
    """
    session = await CLIENTS[kind].open(url)
    sliders = session.find(SLIDER[kind])[:widgets]
    assert len(sliders) == widgets, (kind, len(sliders))
    for i in range(20):  # warm up
        await session.change(sliders[i % widgets], 1 + i % 2)
    times, sizes = [], []
    for i in range(changes):
        value = 3 + (i // widgets) % 2
        t0 = time.perf_counter()
        size = await session.change(sliders[i % widgets], value)
        times.append(time.perf_counter() - t0)
        sizes.append(size)
    session.close()
    return {"p50_ms": _pct(times, 50) * 1000, "p99_ms": _pct(times, 99) * 1000,
            "bytes": sum(sizes) / len(sizes)}


def main(what: str, kind: str, url: str, *args: Any) -> None:
    """Entry point of the load process: prints one JSON line with the figures."""
    measure = {"open": measure_open, "memory": measure_memory, "events": measure_events}[what]
    result = asyncio.run(measure(kind, url, *args))
    sys.stdout.write(json.dumps(result) + "\n")
