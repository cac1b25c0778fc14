"""Faults on a live server: failing user code, misbehaving clients, blocked loops, SIGTERM.

Each test states the figure it measures in its docstring; docs/reliability.md lists
them as a data sheet.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import logging
import os
import re
import signal
import socket
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient

import panel_state as pn
from panel_state import pool
from panel_state.server.loader import SetupError
from panel_state.server.serving import Server
from panel_state.server.testclient import ProtocolClient
from panel_state.wire.protocol import CLOSE_CODES

# -- helpers ---------------------------------------------------------------------------------


def echo() -> tuple[pn.widgets.IntSlider, pn.pane.Str]:
    """A slider and a text mirroring it: the round trip that proves a session still works."""
    slider = pn.widgets.IntSlider(name="n", start=0, end=100, value=0)
    text = pn.pane.Str("0")
    slider.param.watch(lambda e: setattr(text, "object", str(e.new)), "value")
    return slider, text


async def round_trip(client: ProtocolClient, value: int) -> None:
    await client.event(client.find("IntSlider"), "value", value)
    await client.wait_for(lambda c: c.props(c.find("Str"))["text"] == str(value))


def error_records(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    """ERROR records of panel_state loggers naming ``text``, each with its traceback."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR
            and r.name.startswith("panel_state") and text in r.getMessage()
            and r.exc_info is not None]


def unexpected(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records that would mean the server itself failed (not a user callback)."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.name.startswith(("tornado", "asyncio")) and r.levelno >= logging.ERROR]


def write(path: Path, source: str) -> str:
    path.write_text(textwrap.dedent(source))
    return str(path)


def live(server: Server) -> list[Any]:
    assert server.context is not None
    return list(server.context.manager.leases.values())


# -- an exception in every kind of user callback ---------------------------------------------


async def test_fault_click_handler_raising_is_handled_and_other_handlers_run(
        serve, open_client, errors, caplog):
    ran = []

    def app():
        button = pn.widgets.Button(name="go")

        def explode(event):
            raise RuntimeError("boom click")

        button.on_click(explode)
        button.on_click(lambda event: ran.append(event.new))
        return pn.Column(button, *echo())

    server = serve(app)
    client = await open_client(server.url)
    other = await open_client(server.url)
    await client.event(client.find("Button"), "clicks", 1)
    await round_trip(client, 7)
    assert [str(e) for e in errors] == ["boom click"] and ran == [1]
    (record,) = error_records(caplog, "on_click callback")
    assert "explode" in record.getMessage() and client.session[:8] in record.getMessage()
    assert not any(s.busy for s in server.sessions) and pn.state.process_busy is False
    await round_trip(other, 3)
    assert unexpected(caplog) == []


async def test_fault_param_watcher_raising_leaves_the_value_and_busy_false(
        serve, open_client, errors, caplog):
    def app():
        text_input = pn.widgets.TextInput(name="q")

        def explode(event):
            raise KeyError("boom watcher")

        text_input.param.watch(explode, "value")
        return pn.Column(text_input, *echo())

    server = serve(app)
    client = await open_client(server.url)
    await client.event(client.find("TextInput"), "value", "hello")
    await round_trip(client, 5)
    assert [repr(e) for e in errors] == ["KeyError('boom watcher')"]
    assert error_records(caplog, "watcher of TextInput 'q'.value")
    (session,) = server.sessions
    assert session.roots[0].objects[0].value == "hello"  # the change itself happened
    assert session.busy is False and pn.state.process_busy is False
    assert unexpected(caplog) == []


async def test_fault_reactive_function_raising_shows_its_error_and_recovers(
        serve, open_client, errors, caplog):
    def app():
        slider, text = echo()

        def view(n):
            if n == 3:
                raise ValueError("boom reactive")
            return f"n={n}"

        return pn.Column(slider, text, pn.bind(view, slider))

    server = serve(app)
    client = await open_client(server.url)
    func = client.find("ParamFunction")
    await client.event(client.find("IntSlider"), "value", 3)
    await client.wait_for(lambda c: "boom reactive" in (c.props(func).get("error") or ""))
    assert error_records(caplog, "reactive function") and len(errors) == 1
    await round_trip(client, 4)
    await client.wait_for(lambda c: not c.props(func).get("error"))
    assert server.sessions[0].busy is False
    assert unexpected(caplog) == []


@pytest.mark.parametrize("flavour", ["sync", "async", "threaded"])
async def test_fault_periodic_tick_raising_keeps_the_callback_running(
        serve, open_client, errors, caplog, until, flavour):
    if flavour == "threaded":
        pn.config.nthreads = 2
    runs: list[int] = []
    callbacks: list[Any] = []

    def app():
        if flavour == "async":
            async def tick():
                runs.append(1)
                if len(runs) == 1:
                    raise RuntimeError("boom tick")
        else:
            def tick():
                runs.append(1)
                if len(runs) == 1:
                    raise RuntimeError("boom tick")
        callbacks.append(pn.state.add_periodic_callback(tick, period=20))
        return pn.Column(*echo())

    server = serve(app)
    client = await open_client(server.url)
    await until(lambda: len(runs) >= 4)
    (cb,) = callbacks
    assert cb.running is True and [str(e) for e in errors] == ["boom tick"]
    assert error_records(caplog, "periodic callback") and client.session[:8] in (
        error_records(caplog, "periodic callback")[0].getMessage())
    cb.stop()
    await until(lambda: not server.sessions[0].busy and not pn.state.process_busy)
    await round_trip(client, 9)
    assert unexpected(caplog) == []


@pytest.mark.parametrize("threaded", [False, True])
async def test_fault_scheduled_task_raising_keeps_its_schedule(serve, open_client, errors,
                                                               caplog, until, threaded):
    if threaded:
        pn.config.nthreads = 2
    runs: list[int] = []

    def refresh():
        runs.append(1)
        raise ConnectionError("boom task")

    def setup():
        pn.state.schedule_task("refresh", refresh, period="0.05s", threaded=threaded)

    server = serve(lambda: pn.Column(*echo()), setup=setup)
    client = await open_client(server.url)
    await until(lambda: len(runs) >= 3)
    task = pn.state.tasks["refresh"]
    assert task.scheduled and isinstance(task.last_error, ConnectionError)
    await until(lambda: not task.running)
    pn.state.cancel_task("refresh")
    assert len(errors) >= 3 and all(str(e) == "boom task" for e in errors)
    assert error_records(caplog, "task 'refresh'")
    assert pn.state.process_busy is False
    await round_trip(client, 2)
    assert unexpected(caplog) == []


async def test_fault_onload_raising_runs_the_rest_and_loads(serve, open_client, errors,
                                                            caplog, until):
    ran = []

    def app():
        def explode():
            raise RuntimeError("boom onload")

        pn.state.onload(explode)
        pn.state.onload(lambda: ran.append("second"))
        return pn.Column(*echo())

    server = serve(app)
    client = await open_client(server.url)
    await until(lambda: server.sessions[0].loaded)
    assert ran == ["second"] and [str(e) for e in errors] == ["boom onload"]
    assert error_records(caplog, "onload callback")
    assert server.sessions[0].busy is False
    await round_trip(client, 1)
    assert unexpected(caplog) == []


async def test_fault_session_created_hook_raising_still_opens_the_session(
        serve, open_client, errors, caplog):
    seen = []

    def setup():
        def explode(session):
            raise RuntimeError("boom created")

        pn.state.on_session_created(explode)
        pn.state.on_session_created(lambda session: seen.append(session.id))

    server = serve(lambda: pn.Column(*echo()), setup=setup)
    first = await open_client(server.url)
    second = await open_client(server.url)
    assert seen == [first.session, second.session]
    assert [str(e) for e in errors] == ["boom created"] * 2
    assert error_records(caplog, "boom created")
    await round_trip(first, 4)
    await round_trip(second, 6)
    assert unexpected(caplog) == []


async def test_fault_session_destroyed_hook_raising_runs_the_rest_once(
        serve, open_client, errors, caplog, until):
    seen: list[str] = []

    def setup():
        def explode(session):
            raise RuntimeError("boom destroyed")

        pn.state.on_session_destroyed(explode)
        pn.state.on_session_destroyed(lambda session: seen.append(session.id))

    server = serve(lambda: pn.Column(*echo()), setup=setup, unused_session_lifetime=50,
                   check_unused_sessions=20)
    gone = await open_client(server.url)
    stays = await open_client(server.url)
    await gone.close()
    await until(lambda: seen == [gone.session])
    assert [str(e) for e in errors] == ["boom destroyed"]
    assert error_records(caplog, "boom destroyed")
    await round_trip(stays, 8)
    assert seen == [gone.session]
    await server.astop()  # the last moment a hook could run: every session ends here
    assert seen == [gone.session, stays.session]  # each exactly once
    assert unexpected(caplog) == []


async def test_fault_setup_script_raising_is_reported_and_stops_the_start(
        errors, caplog, tmp_path):
    setup = write(tmp_path / "setup.py", """
        import panel_state as pn
        pn.state.cache["configured"] = True
        raise KeyError("config missing")
    """)
    with pytest.raises(SetupError, match=r"setup script .*setup\.py' raised KeyError"):
        pn.serve(lambda: pn.Column(*echo()), port=0, start=False, setup=setup)
    assert [repr(e) for e in errors] == ["KeyError('config missing')"]
    (logged,) = error_records(caplog, "setup script")
    assert "setup.py" in logged.getMessage() and logged.exc_info is not None
    assert pn.state.cache["configured"] is True  # what ran before the raise stays
    assert pn.state.sessions == []


# -- misbehaving clients ---------------------------------------------------------------------


class RawClient:
    """A websocket client speaking raw frames, so it can stop anywhere, even mid-frame."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str, *, rcvbuf: int | None = None) -> tuple[RawClient, str]:
        """GET the page at ``url``, open the websocket; returns the client and token."""
        page = (await AsyncHTTPClient().fetch(url)).body.decode()
        match = re.search(r'data-token="([^"]*)"', page)
        assert match is not None
        token = html.unescape(match.group(1))
        host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()  # type: ignore[union-attr]
        sock = socket.socket()
        if rcvbuf is not None:  # a small window makes a non-reading client back up fast
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
        reader, writer = await asyncio.open_connection(sock=sock)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(f"GET /_ps/ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                     f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        return cls(reader, writer), token

    @staticmethod
    def frame(text: str) -> bytes:
        payload = text.encode()
        n = len(payload)
        if n < 126:
            header = bytes((0x81, 0x80 | n))
        elif n < 65536:
            header = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            header = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return header + mask + masked

    def send(self, msg: dict[str, Any]) -> None:
        self.writer.write(self.frame(json.dumps(msg)))

    async def receive(self) -> dict[str, Any]:
        read = self.reader.readexactly
        _, b1 = await read(2)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(await read(2), "big")
        elif n == 127:
            n = int.from_bytes(await read(8), "big")
        return json.loads(await read(n))

    async def hello(self, token: str) -> dict[str, Any]:
        self.send({"type": "hello", "v": 1, "token": token})
        return await self.receive()

    def vanish(self) -> None:
        """Drop the TCP connection without a close frame (RST), as a dead tab does."""
        self.writer.transport.abort()


@pytest.mark.parametrize("cut", ["header", "payload", "before-hello", "unread-render"])
async def test_fault_client_vanishing_mid_message_keeps_the_session_for_its_lifetime(
        serve, open_client, caplog, until, cut):
    """Figure: a vanished client's session is destroyed once, after its lifetime."""
    destroyed: list[str] = []

    def app():
        pn.state.on_session_destroyed(lambda session: destroyed.append(session.id))
        return pn.Column(*echo())

    server = serve(app, unused_session_lifetime=100, check_unused_sessions=20)
    other = await open_client(server.url)
    raw, token = await RawClient.open(server.url)
    if cut != "before-hello":
        raw.send({"type": "hello", "v": 1, "token": token})
        if cut != "unread-render":
            render = await raw.receive()
            assert render["type"] == "render"
            frame = raw.frame(json.dumps({"type": "event", "ref": "x", "name": "value",
                                          "value": "y" * 500}))
            raw.writer.write(frame[:1] if cut == "header" else frame[: len(frame) // 2])
    await other.settle()  # the server has read what the raw client sent
    raw.vanish()
    assert server.context is not None
    await until(lambda: len(server.context.connections) == 1)  # it saw the socket go
    if cut == "before-hello":
        assert len(live(server)) == 1  # a socket that never said hello made no session
    else:
        await until(lambda: len(destroyed) == 1)
        assert other.session not in destroyed
    await round_trip(other, 42)
    await server.astop()  # every session ends here: the vanished one must not end twice
    assert destroyed.count(other.session) == 1 and len(destroyed) == len(set(destroyed))
    assert len(destroyed) == (1 if cut == "before-hello" else 2)
    assert unexpected(caplog) == []


async def test_fault_client_never_acknowledging_load_holds_only_its_own_onload(
        serve, open_client, caplog, until):
    onloads: list[str] = []
    destroyed: list[str] = []

    def app():
        pn.state.onload(lambda: onloads.append(pn.state.curdoc.id))
        pn.state.on_session_destroyed(lambda session: destroyed.append(session.id))
        return pn.Column(*echo())

    server = serve(app, unused_session_lifetime=50, check_unused_sessions=20)
    silent = await open_client(server.url, load=False)
    polite = await open_client(server.url)
    await until(lambda: onloads == [polite.session])
    by_id = {s.id: s for s in server.sessions}
    assert by_id[silent.session].phase == "rendered" and not by_id[silent.session].loaded
    await round_trip(silent, 11)  # events still work before the ack
    await silent.settle()
    assert onloads == [polite.session]
    await silent.close()
    await until(lambda: destroyed == [silent.session])
    assert onloads == [polite.session]  # its onload queue was dropped, not run late
    await round_trip(polite, 12)
    assert unexpected(caplog) == []


async def test_fault_slow_client_not_reading_is_capped_and_dropped(serve, open_client, caplog,
                                                                   until):
    """Figure: peak unsent bytes for a client that never reads, and time to drop it."""
    cap = 256 * 1024
    peak = [0]
    connections: list[Any] = []
    floods: list[Any] = []

    def app():
        text = pn.pane.Str("")
        counter = [0]

        def flood():
            counter[0] += 1
            text.object = f"{counter[0]:06d}" + "x" * 100_000
            for connection in connections:
                stream = getattr(connection.ws_connection, "stream", None)
                if stream is not None:
                    peak[0] = max(peak[0], len(stream._write_buffer))

        if "flood" in pn.state.session_args:
            floods.append(pn.state.add_periodic_callback(flood, period=5))
        return pn.Column(*echo(), text)

    server = serve(app, max_write_buffer=cap)
    caplog.set_level(logging.WARNING, logger="panel_state.server")
    fast = await open_client(server.url)
    raw, token = await RawClient.open(server.url + "?flood=1", rcvbuf=4096)
    assert server.context is not None
    connections.extend(server.context.connections)
    started = time.perf_counter()
    raw.send({"type": "hello", "v": 1, "token": token})  # ... and never reads again

    await until(lambda: "behind; disconnecting it" in caplog.text, timeout=20)
    elapsed = time.perf_counter() - started
    assert 0 < peak[0] <= cap
    await until(lambda: len(server.context.connections) == 1)  # only the reader is left
    (slow,) = [s for s in server.sessions if s.id != fast.session]
    assert f"Session {slow.id[:8]}: client fell" in caplog.text
    assert len(server.sessions) == 2  # the slow one's session waits for a reconnect
    for flood in floods:
        flood.stop()
    raw.vanish()
    await round_trip(fast, 13)
    assert fast.close_code is None and fast.errors == []
    print(f"slow client dropped after {elapsed:.2f} s; peak unsent {peak[0]} B (cap {cap} B)")
    assert unexpected(caplog) == []


async def test_fault_hundred_clients_reconnecting_at_once_resume_their_state(
        serve, open_client, caplog):
    """Figure: wall time for 100 dropped clients to reconnect and resume together."""
    server = serve(lambda: pn.Column(*echo()), unused_session_lifetime=60_000)
    clients = [await open_client(server.url) for _ in range(100)]
    for i, client in enumerate(clients):
        await round_trip(client, i)
    ids = [c.session for c in clients]
    assert server.context is not None
    for connection in list(server.context.connections):  # the network drops
        connection.ws_connection.stream.close()
    await asyncio.gather(*(c.wait_closed() for c in clients))
    started = time.perf_counter()
    renders = await asyncio.gather(*(c.reconnect() for c in clients))
    elapsed = time.perf_counter() - started
    assert all(r["resumed"] for r in renders)
    assert [c.session for c in clients] == ids and len(server.sessions) == 100
    for i, client in enumerate(clients):
        assert client.props(client.find("Str"))["text"] == str(i)
    await asyncio.gather(*(round_trip(c, 99 - i) for i, c in enumerate(clients)))
    print(f"100 clients resumed in {elapsed * 1000:.0f} ms")
    assert elapsed < 10
    assert unexpected(caplog) == []


# -- a callback that blocks the loop ---------------------------------------------------------

BLOCK = 0.4


def blocking_app(kind: str) -> Callable[[], Any]:
    def slow_handler(*_: Any) -> None:
        time.sleep(BLOCK)

    def app():
        slider, text = echo()
        button = pn.widgets.Button(name="go")
        parts: list[Any] = [slider, text, button]
        if kind == "click handler":
            button.on_click(slow_handler)
        elif kind == "param watcher":
            slider.param.watch(slow_handler, "value")
        elif kind == "reactive function":
            def slow_view(n):
                if n == 1:
                    time.sleep(BLOCK)
                return str(n)

            slow_view.__name__ = slow_view.__qualname__ = "slow_handler"
            parts.append(pn.bind(slow_view, slider))
        elif kind == "periodic tick":
            pn.state.add_periodic_callback(slow_handler, period=50, count=1)
        elif kind == "onload":
            pn.state.onload(slow_handler)
        return pn.Column(*parts)

    return app


@pytest.mark.parametrize("kind", ["click handler", "param watcher", "reactive function",
                                  "periodic tick", "scheduled task", "onload"])
async def test_fault_blocking_callback_is_named_in_one_warning(serve, open_client, caplog,
                                                               until, monkeypatch, kind):
    monkeypatch.setattr(pn.config, "block_warning_threshold", 0.2)
    caplog.set_level(logging.WARNING, logger="panel_state")
    setup = None
    if kind == "scheduled task":
        def slow_handler():
            time.sleep(BLOCK)

        def setup():
            pn.state.schedule_task("slow", slow_handler, period="10s")

    server = serve(blocking_app(kind), setup=setup)
    client = await open_client(server.url)
    if kind == "click handler":
        await client.event(client.find("Button"), "clicks", 1)
    elif kind in ("param watcher", "reactive function"):
        await client.event(client.find("IntSlider"), "value", 1)

    def warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records
                if r.levelno == logging.WARNING and "blocked the event loop" in r.getMessage()]

    await until(lambda: warnings(), timeout=5)
    await client.settle()
    (message,) = warnings()
    assert "slow_handler" in message
    seconds = float(re.search(r"for (\d+\.\d+) s", message).group(1))  # type: ignore[union-attr]
    assert BLOCK - 0.01 <= seconds < BLOCK + 0.5
    assert "block_warning_threshold is 0.2 s" in message and "threaded=True" in message
    if kind == "scheduled task":
        pn.state.cancel_task("slow")
    await round_trip(client, 5)


def test_fault_block_warning_default_threshold_is_one_second():
    assert pn.config.block_warning_threshold == 1.0


# -- thread pool saturation ------------------------------------------------------------------


async def test_fault_thread_pool_saturated_keeps_the_loop_responsive(serve, open_client, until,
                                                                     caplog):
    """Figure: worst ping while 2 threads have 100 jobs queued, and how long a browser
    event queued behind them takes (with a pool, events run on it, as in Panel)."""
    pn.config.nthreads = 2
    done: list[int] = []

    def app():
        button = pn.widgets.Button(name="work")

        def job():
            time.sleep(0.02)
            done.append(1)

        def queue_five(event):
            for _ in range(5):
                pn.state.execute(job, schedule="thread")

        button.on_click(queue_five)
        return pn.Column(button, *echo())

    server = serve(app)
    workers = [await open_client(server.url) for _ in range(20)]
    observer = await open_client(server.url)
    for client in workers:
        await client.event(client.find("Button"), "clicks", 1)
    await until(lambda: pool.in_flight() > 50)
    pings = []
    started = time.perf_counter()
    await observer.event(observer.find("IntSlider"), "value", 7)  # queued behind the jobs
    while pool.in_flight() > 10:
        pings.append(await observer.ping())
    await observer.wait_for(lambda c: c.props(c.find("Str"))["text"] == "7", timeout=10)
    trip = (time.perf_counter() - started) * 1000
    await until(lambda: len(done) == 100 and pool.in_flight() == 0, timeout=10)
    assert len(pings) >= 5
    worst_ping = max(pings) * 1000
    print(f"pool saturated: worst ping {worst_ping:.1f} ms over {len(pings)} probes; an "
          f"event queued behind the jobs took {trip:.0f} ms")
    assert worst_ping < 250
    await round_trip(observer, 8)  # and once the pool is free, events are quick again
    await until(lambda: not any(s.busy for s in server.sessions)
                and pn.state.process_busy is False)
    assert unexpected(caplog) == []


# -- SIGTERM with 100 open sessions ----------------------------------------------------------


APP = """
import panel_state as pn
slider = pn.widgets.IntSlider(name="n", start=0, end=10, value=1)
pn.Column(slider, pn.pane.Str("x")).servable()
"""


@pytest.mark.slow
async def test_fault_sigterm_with_hundred_sessions_runs_every_destroyed_hook_and_exits_0(
        tmp_path):
    """Figure: time from SIGTERM to exit with 100 sessions open."""
    record = tmp_path / "destroyed.txt"
    setup = write(tmp_path / "setup.py", f"""
        import panel_state as pn
        def gone(session):
            with open({str(record)!r}, "a") as f:
                f.write(session.id + "\\n")
        pn.state.on_session_destroyed(gone)
    """)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "panel_state", "serve", write(tmp_path / "app.py", APP),
        "--setup", setup, "--port", "0", "--unused-session-lifetime", "600000",
        stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL)
    assert proc.stderr is not None
    url = None
    log_lines: list[str] = []
    while url is None:
        line = (await asyncio.wait_for(proc.stderr.readline(), 20)).decode()
        assert line, "server exited early:\n" + "".join(log_lines)
        log_lines.append(line)
        match = re.search(r"App \S+ at (http://\S+)", line)
        url = match.group(1) if match else None

    async def drain() -> None:
        assert proc.stderr is not None
        async for line in proc.stderr:
            log_lines.append(line.decode())

    drainer = asyncio.create_task(drain())
    clients: list[ProtocolClient] = []
    for _ in range(5):
        clients += await asyncio.gather(*(ProtocolClient.open(url) for _i in range(20)))
    assert len({c.session for c in clients}) == 100
    started = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 30)
    elapsed = time.perf_counter() - started
    await drainer
    assert code == 0, "".join(log_lines[-20:])
    assert sorted(record.read_text().split()) == sorted(c.session for c in clients)
    codes = await asyncio.gather(*(c.wait_closed() for c in clients))
    assert set(codes) <= {CLOSE_CODES["shutdown"], None}
    assert not [line for line in log_lines if "Traceback" in line or " ERROR " in line]
    print(f"SIGTERM with 100 sessions: exit 0 after {elapsed * 1000:.0f} ms")
