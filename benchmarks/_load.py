"""Load, soak and churn: a real server process, an instrumented app, lean clients.

The server runs in its own process (``python -m panel_state serve app.py --setup
setup.py``, or ``python -m panel serve ...`` with the same files for Panel) from a
temporary folder holding three files written here:

* ``app.py`` -- each session reads its ``?client=N`` argument, shows a ``Str`` and a
  ``TextInput``, and starts ``pn.state.add_periodic_callback(tick, period)``. Every
  tick checks that the session it runs in is its own (``pn.state.curdoc``), that
  ``pn.state.session_args['client']`` and ``pn.state.location.query_params['client']``
  are its ``N``, that ``pn.state.busy`` is True, and -- panel_state only, since Panel's
  busy is process-wide -- that the previously opened session is not busy. Failed
  checks are counted. Then it sets the Str to ``tick:N:n:t0:sent``: client, 1-based
  tick number, the wall time the callback was started and the wall time of this tick.
* ``loadstats.py`` -- the counters (sessions created, destroyed-hooks run, ticks,
  violations), a weakref census of every session, Location, widget and periodic
  callback the app made, and a tiny HTTP control endpoint on a thread
  (``GET /stats``, ``GET /stats?gc=1`` to collect garbage first) that answers with
  those figures plus the process's CPU time and RSS, computed on the server loop.
* ``setup.py`` -- starts that endpoint (``--setup`` runs it once per process).

Clients speak the protocol a browser speaks (see :mod:`benchmarks._sessions`) and
read every message a session receives. Lateness of a tick is its server-sent time
minus its ideal time ``t0 + n * period`` (one machine clock, two processes); its
end-to-end lateness is the time the client received it minus the ideal time.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks._sessions import PanelSession, RawSocket, free_port, http_get

# -- the server side -------------------------------------------------------------------

LOADSTATS = '''\
"""Counters and a weakref census for the load benchmarks, with an HTTP endpoint."""

import asyncio
import gc
import http.server
import json
import os
import threading
import time
import weakref

import psutil

created = 0
destroyed = 0
ticks = 0
violations = {}
census = {kind: weakref.WeakSet() for kind in ("session", "location", "widget", "callback")}
loop = None
_last = None


def track(kind, *objects):
    for obj in objects:
        census[kind].add(obj)


def opened(session):
    """Count a new session; returns a weakref to the one opened before it."""
    global created, loop, _last
    created += 1
    if loop is None:
        loop = asyncio.get_running_loop()
    previous, _last = _last, weakref.ref(session)
    return previous


def violation(kind):
    violations[kind] = violations.get(kind, 0) + 1


def on_destroyed(*args):
    global destroyed
    destroyed += 1


def _ended_tokens():
    # Diagnostic for panel_state: nonces of ended sessions kept until their token
    # expires (so a closed tab's token cannot open a new session).
    try:
        from panel_state import registry
    except ImportError:
        return None
    return sum(s.context.manager.ended_count for s in registry.running() if s.context)


def snapshot(collect=False):
    if collect:
        gc.collect()
        gc.collect()
    proc = psutil.Process()
    cpu = proc.cpu_times()
    return {
        "cpu": cpu.user + cpu.system, "wall": time.monotonic(), "time": time.time(),
        "rss": proc.memory_info().rss, "created": created, "destroyed": destroyed,
        "ticks": ticks, "violations": dict(violations),
        "census": {kind: len(objs) for kind, objs in census.items()},
        "ended_tokens": _ended_tokens(),
    }


async def _on_loop(collect):
    return snapshot(collect)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        collect = "gc=1" in self.path
        target = loop
        if target is not None and target.is_running():
            future = asyncio.run_coroutine_threadsafe(_on_loop(collect), target)
            body = json.dumps(future.result(timeout=60)).encode()
        else:
            body = json.dumps(snapshot(collect)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_control():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, name="loadstats-control",
                     daemon=True).start()
    with open("control.port.tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace("control.port.tmp", "control.port")
'''

SETUP = "import loadstats\n\nloadstats.serve_control()\n"

#: Ours is started with ``pn.serve`` so the token lifetime can be set (the CLI takes
#: the other options too, but not that one).
SERVE = """\
import sys

import panel_state as pn

port, lifetime, check, token_lifetime = sys.argv[1:5]
pn.serve({{"/app": "app.py"}}, port=int(port), setup="setup.py",
         unused_session_lifetime=int(lifetime), check_unused_sessions=int(check),
         token_lifetime=float(token_lifetime))
"""

APP = '''\
import time

import {module} as pn
import loadstats

CLIENT = int(pn.state.session_args["client"][0])
PERIOD = {period}
COUNT = {count}
me = pn.state.curdoc
peer = loadstats.opened(me)
text = pn.pane.Str("tick:-")
box = pn.widgets.TextInput(value=str(CLIENT))
layout = pn.Column(text, box)
n = 0


def tick():
    global n
    n += 1
    if pn.state.curdoc is not me:
        loadstats.violation("curdoc")
    if pn.state.session_args.get("client") != [str(CLIENT).encode()]:
        loadstats.violation("session_args")
    if pn.state.location.query_params.get("client") != CLIENT:
        loadstats.violation("location")
    if pn.state.busy is not True:
        loadstats.violation("busy")
{peer_check}    loadstats.ticks += 1
    text.object = f"tick:{{CLIENT}}:{{n}}:{{started():.6f}}:{{time.time():.6f}}"

{start}
pn.state.on_session_destroyed(loadstats.on_destroyed)
loadstats.track("session", me)
loadstats.track("location", pn.state.location)
loadstats.track("widget", text, box, layout)
loadstats.track("callback", callback)
layout.servable()
'''

#: Per-session busy is panel_state's; Panel's busy is process-wide, so no peer check.
PEER_CHECK = {
    "ours": (
        "    other = peer() if peer is not None else None\n"
        "    if other is not None and not other.destroyed and other.busy:\n"
        "        loadstats.violation(\"peer_busy\")\n"
    ),
    "panel": "",
}

#: The grid origin: ours starts the callback at once; Panel may defer the start to the
#: next tick of the document and records the wall time of the real start.
START = {
    "ours": (
        "t0 = time.time()\n"
        "callback = pn.state.add_periodic_callback(tick, PERIOD, count=COUNT)\n"
        "started = lambda: t0\n"
    ),
    "panel": (
        "callback = pn.state.add_periodic_callback(tick, PERIOD, count=COUNT)\n"
        "started = lambda: callback._start_time\n"
    ),
}

MODULE = {"ours": "panel_state", "panel": "panel"}

#: Page route of the app on both servers.
ROUTE = "/app"


#: Milliseconds (unused-session lifetime, check interval) a closed session lingers.
#: Ours creates a session when its websocket says hello, so it can drop closed ones at
#: once. Panel creates the session on the page GET; a lifetime shorter than the time
#: until the websocket connects reaps it first, and Panel then builds a second session
#: for the websocket request (whose Location has lost the page's query).
UNUSED = {"ours": (1, 100), "panel": (2000, 200)}


def app_source(kind: str, period_ms: int, count: int | None = None) -> str:
    """The instrumented app for ``kind`` ('ours' or 'panel').

    ``count`` stops each session's callback after that many ticks (None: never).
    """
    return APP.format(module=MODULE[kind], period=period_ms, count=count,
                      peer_check=PEER_CHECK[kind], start=START[kind])


@dataclass
class LoadServer:
    """A running server process and its control endpoint."""

    kind: str
    url: str
    control: str
    pid: int
    log: Path


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def load_server(kind: str, python: str, *, period_ms: int, count: int | None = None,
                ours_path: str | None = None, token_lifetime: float = 300.0,
                timeout: float = 60.0) -> Iterator[LoadServer]:
    """Serve the instrumented app with ``kind`` ('ours' or 'panel') at ``/app``.

    Sessions whose socket closed are destroyed after :data:`UNUSED` (lifetime, check
    interval). ``token_lifetime`` (s) is how long a page's token stays valid (ours;
    it also bounds how long ours remembers the tokens of ended sessions). Yields once
    the page and the control endpoint answer; stops the server (SIGTERM) afterwards.
    """
    port = free_port()
    unused_session_lifetime, check_unused_sessions = UNUSED[kind]
    with tempfile.TemporaryDirectory(prefix="panel_state_load_") as tmp:
        cwd = Path(tmp)
        (cwd / "app.py").write_text(app_source(kind, period_ms, count))
        (cwd / "loadstats.py").write_text(LOADSTATS)
        (cwd / "setup.py").write_text(SETUP)
        (cwd / "serve.py").write_text(SERVE.format())
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        lifetime = ["--unused-session-lifetime", str(unused_session_lifetime),
                    "--check-unused-sessions", str(check_unused_sessions)]
        if kind == "ours":
            if ours_path:
                env["PYTHONPATH"] = ours_path
            cmd = [python, "serve.py", str(port), str(unused_session_lifetime),
                   str(check_unused_sessions), str(token_lifetime)]
        else:
            cmd = [python, "-m", "panel", "serve", "app.py", "--setup", "setup.py",
                   "--port", str(port), "--address", "127.0.0.1",
                   "--allow-websocket-origin", f"127.0.0.1:{port}",
                   "--log-level", "warning", *lifetime]
        log = cwd / "server.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}{ROUTE}"
        try:
            deadline = time.monotonic() + timeout
            control = None
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{kind} server exited with {proc.returncode}:\n"
                                       f"{_log_tail(log)}")
                if control is None and (cwd / "control.port").exists():
                    control = f"http://127.0.0.1:{(cwd / 'control.port').read_text()}"
                if control is not None:
                    # Any HTTP answer means it listens; a page request would make Panel
                    # create (and run the app for) a session nobody watches.
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/_probe", timeout=5)
                        break
                    except urllib.error.HTTPError:
                        break
                    except OSError:
                        pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{kind} server did not answer within {timeout} s:\n"
                                       f"{_log_tail(log)}")
                time.sleep(0.1)
            yield LoadServer(kind, url, control, proc.pid, log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def server_stats(control: str, collect: bool = False) -> dict[str, Any]:
    """The server's counters, census, CPU time and RSS (garbage collected first with
    ``collect``)."""
    return json.loads(await http_get(control + ("/stats?gc=1" if collect else "/stats")))


# -- clients ---------------------------------------------------------------------------

TICK = re.compile(rb"tick:(\d+):(\d+):(\d+\.\d+):(\d+\.\d+)")


class LoadSocket(RawSocket):
    """A client websocket that also answers the server's pings (Bokeh sends them).

    ``initial`` holds the payloads received while the session was being opened (the
    render, or Bokeh's messages up to ``PULL-DOC-REPLY``).
    """

    initial: list[bytes]

    def on_control(self, opcode: int, payload: bytes) -> None:
        if opcode != 0x9:  # answer pings with a pong carrying the same payload
            return
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes((0x8A, 0x80 | len(payload))) + mask + masked)


async def open_ours(url: str, client: int) -> LoadSocket:
    """Open a panel_state session for ``?client=N`` as the browser client does."""
    from panel_state.wire.protocol import PROTOCOL_VERSION

    page = await http_get(f"{url}?client={client}")
    match = re.search(r'data-token="([^"]*)"', page)
    if match is None:
        raise RuntimeError(f"no session token in the page of {url}")
    ws = await LoadSocket.connect(url, "/_ps/ws")
    ws.send(json.dumps({"type": "hello", "v": PROTOCOL_VERSION,
                        "token": html.unescape(match.group(1))}))
    raw = await ws.receive()
    first = json.loads(raw)
    if first.get("type") != "render" or first.get("error"):
        raise RuntimeError(f"session for client {client} was not rendered: {first}")
    ws.initial = [raw]
    ws.send(json.dumps({"type": "loaded", "url": {
        "pathname": urlsplit(url).path, "search": f"?client={client}", "hash": ""}}))
    return ws


async def open_panel(url: str, client: int) -> LoadSocket:
    """Open a Panel session for ``?client=N`` as BokehJS does (up to PULL-DOC-REPLY).

    Panel creates the session (and runs the app) on the page request; the document
    it then sends holds the ticks that ran before the websocket connected.
    """
    page = await http_get(f"{url}?client={client}")
    match = re.search(r'"token":"([^"]+)"', page)
    if match is None:
        raise RuntimeError(f"no Bokeh session token in the page of {url}")
    ws = await LoadSocket.connect(url, urlsplit(url).path + "/ws", ["bokeh", match.group(1)])
    header, _, _ = await PanelSession._receive(ws)
    if header["msgtype"] != "ACK":
        raise RuntimeError(f"Panel session for client {client} did not ACK: {header}")
    PanelSession._send(ws, "PULL-DOC-REQ", {})
    ws.initial = []
    while True:
        header, content, _ = await PanelSession._receive(ws)
        ws.initial.append(content)
        if header["msgtype"] == "PULL-DOC-REPLY":
            return ws


OPEN = {"ours": open_ours, "panel": open_panel}


@dataclass
class TickLog:
    """What one client saw: ``ticks`` are ``(n, t0, sent, received)``; ``rendered``
    is the tick number the first render already showed (0 for none)."""

    client: int
    opened: float
    ticks: list[tuple[int, float, float, float]] = field(default_factory=list)
    rendered: int = 0
    foreign: int = 0
    closed: bool = False


def _record(log: TickLog, payload: bytes, now: float) -> None:
    for m in TICK.finditer(payload):
        if int(m[1]) != log.client:
            log.foreign += 1
        log.ticks.append((int(m[2]), float(m[3]), float(m[4]), now))


async def _read_ticks(ws: LoadSocket, log: TickLog) -> None:
    now = time.time()
    for payload in ws.initial:
        _record(log, payload, now)
    if log.ticks:
        log.rendered = max(t[0] for t in log.ticks)
    try:
        while True:
            payload = await ws.receive()
            _record(log, payload, time.time())
    except (ConnectionError, asyncio.IncompleteReadError):
        log.closed = True


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def tick_summary(logs: Sequence[TickLog], period: float, window_start: float, stop: float,
                 grace: float = 0.25) -> dict[str, Any]:
    """Delivery, lateness and jitter of the ticks the clients received (a pure function).

    A session's tick ``n`` is due at ``t0 + n * period``; every tick due before
    ``stop - grace`` counts as ``expected``, and as ``delivered`` when it arrived by
    ``stop`` (ticks up to the one the first render showed count as delivered: their
    state arrived with the render). ``lost`` counts tick numbers missing below the
    highest one a session received (a run whose patch never arrived), plus one per
    session that received nothing. Lateness (server-sent minus due time) and end-to-end lateness
    (received minus due time) cover the ticks due at or after ``window_start``;
    jitter is ``|gap between consecutive ticks - period|`` over the same ticks.

    Examples
    --------
    >>> log = TickLog(client=1, opened=0.0, ticks=[(1, 0.0, 1.002, 1.003), (2, 0.0, 2.001, 2.002)])
    >>> s = tick_summary([log], period=1.0, window_start=0.0, stop=2.5)
    >>> s["expected"], s["delivered"], s["missing"], s["lost"], round(s["late_max_ms"], 3)
    (2, 2, 0, 0, 2.0)
    """
    expected = delivered = duplicates = foreign = inconsistent = closed = lost = 0
    late: list[float] = []
    e2e: list[float] = []
    jitter: list[float] = []
    for log in logs:
        t0 = log.ticks[0][1] if log.ticks else log.opened
        due = max(0, math.floor((stop - grace - t0) / period))
        numbers = [t[0] for t in log.ticks]
        distinct = set(numbers) | set(range(1, log.rendered + 1))
        expected += due
        delivered += len({n for n in distinct if 1 <= n <= due})
        lost += max(distinct) - len(distinct) if distinct else 1
        duplicates += len(numbers) - len(set(numbers))
        foreign += log.foreign
        closed += log.closed
        previous: tuple[int, float] | None = None
        for n, origin, sent, received in log.ticks:
            if abs(origin - t0) > 1e-3:
                inconsistent += 1
            ideal = t0 + n * period
            if ideal >= window_start:
                late.append((sent - ideal) * 1000)
                e2e.append((received - ideal) * 1000)
                if previous is not None and previous[0] == n - 1:
                    jitter.append(abs(sent - previous[1] - period) * 1000)
            previous = (n, sent)
    return {
        "sessions": len(logs), "expected": expected, "delivered": delivered,
        "missing": expected - delivered, "lost": lost, "duplicates": duplicates,
        "foreign": foreign, "inconsistent": inconsistent, "closed": closed,
        "samples": len(late),
        "late_p50_ms": percentile(late, 50), "late_p99_ms": percentile(late, 99),
        "late_max_ms": max(late, default=math.nan),
        "e2e_p50_ms": percentile(e2e, 50), "e2e_p99_ms": percentile(e2e, 99),
        "e2e_max_ms": max(e2e, default=math.nan),
        "jitter_p50_ms": percentile(jitter, 50), "jitter_p99_ms": percentile(jitter, 99),
    }


def _delta(after: dict[str, Any], before: dict[str, Any]) -> dict[str, int]:
    keys = set(after) | set(before)
    return {k: after.get(k, 0) - before.get(k, 0) for k in sorted(keys)}


async def soak(kind: str, url: str, control: str, sessions: int, duration: float,
               period_ms: int, concurrency: int = 8) -> dict[str, Any]:
    """Hold ``sessions`` sessions open for ``duration`` s once all are open.

    Returns the :func:`tick_summary` figures plus the server's CPU use over the window
    (``cpu_pct``, % of one core), its RSS at the end, the ticks it ran and the
    isolation violations its ticks counted.
    """
    opener = OPEN[kind]
    logs: list[TickLog] = []
    sockets: list[LoadSocket] = []
    readers: list[asyncio.Task[None]] = []
    ids = iter(range(1, sessions + 1))
    ramp_start = time.time()

    async def worker() -> None:
        for client in ids:
            opened = time.time()
            ws = await opener(url, client)
            log = TickLog(client, opened)
            logs.append(log)
            sockets.append(ws)
            readers.append(asyncio.create_task(_read_ticks(ws, log)))

    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        window_start = time.time()
        before = await server_stats(control)
        await asyncio.sleep(duration)
        stop = time.time()
        after = await server_stats(control)
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        for ws in sockets:
            ws.close()
    result = tick_summary(logs, period_ms / 1000, window_start, stop)
    violations = _delta(after["violations"], before["violations"])
    result.update(
        kind=kind, duration=stop - window_start, ramp_s=window_start - ramp_start,
        cpu_s=after["cpu"] - before["cpu"],
        cpu_pct=100 * (after["cpu"] - before["cpu"]) / (after["wall"] - before["wall"]),
        rss_mib=after["rss"] / 2**20, server_ticks=after["ticks"] - before["ticks"],
        violations=violations, violations_total=sum(after["violations"].values()),
        live=after["created"] - after["destroyed"])
    return result


async def _first_tick(ws: LoadSocket) -> None:
    if any(TICK.search(payload) for payload in ws.initial):
        return
    while not TICK.search(await ws.receive()):
        pass


async def wait_destroyed(control: str, timeout: float) -> dict[str, Any]:
    """Poll the server until every session it created has run its destroyed-hook."""
    deadline = time.monotonic() + timeout
    while True:
        stats = await server_stats(control)
        if stats["destroyed"] >= stats["created"]:
            return stats
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{stats['created'] - stats['destroyed']} of {stats['created']} sessions were "
                f"not destroyed within {timeout} s of their sockets closing")
        await asyncio.sleep(0.1)


async def churn(kind: str, url: str, control: str, sessions: int, warmup: int,
                settle: float = 0.0, concurrency: int = 16, timeout: float = 60.0
                ) -> dict[str, Any]:
    """Open and close ``sessions`` sessions after ``warmup`` of them; count what is left.

    Each session stays open until its first tick reaches the client, so every one
    ran its periodic callback and sent a patch. Afterwards the server must have run
    one destroyed-hook per session and hold no tracked object (after
    ``gc.collect()``). RSS is read after the warm-up (baseline), once every churned
    session is destroyed (``rss_after``) and again ``settle`` seconds later
    (``rss_settled``: ours remembers the tokens of ended sessions until they expire,
    so ``settle`` should exceed the server's token lifetime); the baseline is also
    taken ``settle`` seconds after the warm-up.
    """
    opener = OPEN[kind]

    async def run(count: int, first: int) -> None:
        ids = iter(range(first, first + count))

        async def worker() -> None:
            for client in ids:
                ws = await opener(url, client)
                try:
                    await asyncio.wait_for(_first_tick(ws), timeout)
                finally:
                    ws.close()

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    await run(warmup, 1)
    await wait_destroyed(control, timeout)
    await asyncio.sleep(settle)
    base = await server_stats(control, collect=True)
    started = time.perf_counter()
    await run(sessions, warmup + 1)
    elapsed = time.perf_counter() - started
    await wait_destroyed(control, timeout)
    after = await server_stats(control, collect=True)
    await asyncio.sleep(settle)
    settled = await server_stats(control, collect=True)
    return {
        "kind": kind, "sessions": sessions, "warmup": warmup,
        "opened": after["created"] - base["created"],
        "hooks": after["destroyed"] - base["destroyed"],
        "census": after["census"], "census_total": sum(after["census"].values()),
        "baseline_census_total": sum(base["census"].values()),
        "rss_base_mib": base["rss"] / 2**20, "rss_after_mib": after["rss"] / 2**20,
        "rss_settled_mib": settled["rss"] / 2**20,
        "rss_growth_pct": 100 * (settled["rss"] - base["rss"]) / base["rss"],
        "rss_growth_before_settle_pct": 100 * (after["rss"] - base["rss"]) / base["rss"],
        "rss_per_session_b": (settled["rss"] - base["rss"]) / sessions,
        "ended_tokens_after": after["ended_tokens"], "ended_tokens_settled":
            settled["ended_tokens"],
        "rate": sessions / elapsed,
        "violations_total": sum(settled["violations"].values()),
    }


def main(what: str, kind: str, url: str, control: str, *args: Any) -> None:
    """Entry point of a load process: runs ``soak`` or ``churn``, prints one JSON line."""
    measure = {"soak": soak, "churn": churn}[what]
    result = asyncio.run(measure(kind, url, control, *args))
    sys.stdout.write(json.dumps(result) + "\n")
