"""Hostile clients against a real server: silent websockets, half-open requests, floods.

Used by ``tests/server/test_hostile.py`` (the CI sizes) and ``bench_hostile.py`` (the
long forms). The server is a ``python -m panel_state serve`` child process, so its
RSS and file descriptors are its own; the attackers are lean asyncio clients in this
process:

* :func:`silent_websockets` -- upgrade ``/_ps/ws`` (101) and never say ``hello``;
* :func:`half_open_requests` -- send part of a request's headers and stop;
* :func:`flood` -- open a session, then send widget events as fast as the socket
  takes them, never reading a reply;
* :func:`round_trips` -- a well-behaved session changing a slider and waiting for the
  patch each time, checking that every value comes back, in order.

Each attack reports when every connection was closed by the server
(:func:`closed_times`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._sessions import (
    OursSession,
    RawSocket,
    _split,
    free_port,
    stop_process,
    wait_for_page,
)

APP = """\
import panel_state as pn

slider = pn.widgets.IntSlider(name="n", start=0, end=10_000_000, value=0)
pn.Column(slider, pn.bind(lambda n: f"value:{n}", slider)).servable()
"""

VALUE = re.compile(rb"value:(\d+)")


def _more_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@dataclass
class HostileServer:
    """A ``panel-state serve`` process serving :data:`APP` at ``/app``."""

    url: str
    host: str
    port: int
    pid: int
    log: Path

    def stats(self) -> dict[str, float]:
        """The server's RSS (MiB) and open file descriptors, now."""
        import psutil

        proc = psutil.Process(self.pid)
        return {"rss_mib": proc.memory_info().rss / 2**20, "fds": proc.num_fds()}

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    async def steady_stats(self) -> dict[str, float]:
        """The stats once the descriptor count has not moved for 150 ms (the sockets
        of a session just closed are gone)."""
        last, same = self.stats(), 0
        while same < 3:
            await asyncio.sleep(0.05)
            now = self.stats()
            same = same + 1 if now["fds"] == last["fds"] else 0
            last = now
        return last


@contextlib.contextmanager
def hostile_server(*flags: str, python: str = sys.executable, path: str | None = None,
                   app: str = APP, timeout: float = 60.0) -> Iterator[HostileServer]:
    """Serve ``app`` with ``flags``; yields once the page answers, stops it after."""
    _more_files()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="panel_state_hostile_") as tmp:
        cwd = Path(tmp)
        (cwd / "app.py").write_text(app)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        if path:
            env["PYTHONPATH"] = path
        log = cwd / "server.log"
        cmd = [python, "-m", "panel_state", "serve", "app.py", "--port", str(port),
               "--log-level", "info", *flags]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    preexec_fn=_more_files)
        url = f"http://127.0.0.1:{port}/app"
        try:
            wait_for_page(proc, url, timeout, "server", log)
            yield HostileServer(url, "127.0.0.1", port, proc.pid, log)
        finally:
            stop_process(proc)


# -- attacks --------------------------------------------------------------------------


@dataclass
class Held:
    """One attacking connection: when it opened and when the server closed it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    opened: float
    closed: float | None = None


async def _in_parallel(n: int, opener: Any, concurrency: int = 64) -> list[Held]:
    gate = asyncio.Semaphore(concurrency)

    async def one() -> Held:
        async with gate:
            return await opener()

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def silent_websockets(host: str, port: int, n: int) -> list[Held]:
    """``n`` websockets upgraded (101) that never send a byte more."""

    async def opener() -> Held:
        ws = await RawSocket.connect(f"http://{host}:{port}/", "/_ps/ws")
        return Held(ws.reader, ws.writer, time.monotonic())

    return await _in_parallel(n, opener)


async def half_open_requests(host: str, port: int, n: int) -> list[Held]:
    """``n`` connections that send the start of a request's headers and stop."""

    async def opener() -> Held:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /app HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: slow".encode())
        await writer.drain()
        return Held(reader, writer, time.monotonic())

    return await _in_parallel(n, opener)


async def closed_times(held: Sequence[Held], timeout: float) -> list[float | None]:
    """Seconds from each connection's opening to the server closing it (None: still
    open after ``timeout`` seconds); every connection is closed on return."""

    async def watch(h: Held) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while await h.reader.read(65536):
                pass
            h.closed = time.monotonic()

    tasks = [asyncio.create_task(watch(h)) for h in held]
    await asyncio.wait(tasks, timeout=timeout)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for h in held:
        h.writer.close()
    return [None if h.closed is None else h.closed - h.opened for h in held]


# -- sessions ----------------------------------------------------------------------------


async def open_session(url: str) -> tuple[OursSession, str]:
    """A session of :data:`APP` and its slider's ref."""
    session = await OursSession.open(url)
    (slider,) = session.find("IntSlider")
    return session, slider


def _event(ref: str, value: int) -> bytes:
    return json.dumps({"type": "event", "ref": ref, "name": "value", "value": value}).encode()


async def flood(session: tuple[OursSession, str], duration: float, rate: float
                ) -> dict[str, Any]:
    """Send ``rate`` events a second on ``session`` without reading, for ``duration`` s.

    Returns how many it got out and whether (and after how long) the server closed
    it. Writing stalls when the server stops reading (backpressure).
    """
    sess, ref = session
    writer = sess.ws.writer
    sent, start, closed_after = 0, time.monotonic(), None
    frames = [_frame(_event(ref, i)) for i in range(1, 1001)]
    chunk = 50
    try:
        while (now := time.monotonic()) - start < duration:
            ahead = start + sent / rate - now
            if ahead > 0:
                await asyncio.sleep(ahead)
            writer.write(b"".join(frames[sent % 1000:sent % 1000 + chunk]))
            sent += chunk
            await asyncio.wait_for(writer.drain(), max(0.01, start + duration - now))
    except TimeoutError:
        pass
    except (ConnectionError, OSError):
        closed_after = time.monotonic() - start
    if closed_after is None and sess.ws.reader.at_eof():
        closed_after = time.monotonic() - start
    writer.transport.abort()
    return {"sent": sent, "closed_after": closed_after,
            "rate": sent / (time.monotonic() - start)}


async def floods(url: str, flooders: int, duration: float, rate: float) -> list[dict[str, Any]]:
    """Open ``flooders`` sessions, print ``flooding``, then flood on each at once."""
    sessions = [await open_session(url) for _ in range(flooders)]
    sys.stdout.write("flooding\n")
    sys.stdout.flush()
    return list(await asyncio.gather(*(flood(s, duration, rate) for s in sessions)))


async def start_flood(url: str, flooders: int, duration: float, rate: float
                      ) -> asyncio.subprocess.Process:
    """Run :func:`floods` in a child process (the attack gets its own CPU); returns once
    its sessions are open and the flood is on."""
    code = ("import asyncio, json, sys\n"
            "from benchmarks._hostile import floods\n"
            f"r = asyncio.run(floods({url!r}, {flooders}, {duration}, {rate}))\n"
            "sys.stdout.write(json.dumps(r) + '\\n')\n")
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p))
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, env=env,
                                                stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    if line.strip() != b"flooding":
        raise RuntimeError(f"the flood process did not start: {line!r}")
    return proc


async def flood_results(proc: asyncio.subprocess.Process, timeout: float
                        ) -> list[dict[str, Any]]:
    """What each flooder of :func:`start_flood` reported, once they are done."""
    assert proc.stdout is not None
    out = await asyncio.wait_for(proc.stdout.read(), timeout)
    if await proc.wait() != 0:
        raise RuntimeError(f"the flood process exited with {proc.returncode}")
    return list(json.loads(out.decode().strip().splitlines()[-1]))


def _frame(payload: bytes) -> bytes:
    n = len(payload)
    header = (bytes((0x81, 0x80 | n)) if n < 126
              else bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big"))
    mask = os.urandom(4)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def round_trips(url: str, count: int | None = None, duration: float | None = None,
                      session: tuple[OursSession, str] | None = None) -> dict[str, Any]:
    """Change the slider ``count`` times (or for ``duration`` s), waiting for each patch.

    Every patch must carry the value just sent (so nothing is lost or reordered);
    returns the round trips (s) and the values seen.
    """
    own = session is None
    sess, ref = session or await open_session(url)
    times: list[float] = []
    seen: list[int] = []
    start = time.monotonic()
    value = 1_000_000
    while (count is None or len(times) < count) and (
            duration is None or time.monotonic() - start < duration):
        value += 1
        t0 = time.perf_counter()
        sess.ws.writer.write(_frame(_event(ref, value)))
        while True:
            raw = await asyncio.wait_for(sess.ws.receive(), 10)
            match = VALUE.search(raw)
            if raw.startswith(b'{"type":"patch"') and match:
                seen.append(int(match.group(1)))
                break
        times.append(time.perf_counter() - t0)
    if own:
        sess.close()
    return {"times": times, "seen": seen, "first": 1_000_001}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def split(url: str) -> tuple[str, int]:
    host, port, _ = _split(url)
    return host, port
