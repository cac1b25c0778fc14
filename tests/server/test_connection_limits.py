"""The server's limits on a live server in the test's loop, one at a time.

Hello deadline, keep-alive pings, the pre-hello message cap, ``max_sessions``,
``max_connections_per_ip`` with and without ``use_xheaders``, the HTTP header and idle
deadlines, the body limit, bounded batches and the flood close. Lower time bounds are
asserted strictly, upper ones loosely (+1 s).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import time
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

import panel_state as pn
from panel_state.server.testclient import ProtocolClient
from panel_state.server.websocket import HELLO_MAX_SIZE
from panel_state.wire.protocol import CLOSE_CODES


def echo_app() -> Any:
    slider = pn.widgets.IntSlider(name="n", start=0, end=1_000_000, value=0)
    return pn.Column(slider, pn.bind(lambda n: f"n={n}", slider))


def host_port(url: str) -> tuple[str, int]:
    netloc = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = netloc.partition(":")
    return host, int(port)


class Raw:
    """A websocket on a bare socket: frames out, frames in, pings seen (and answered)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 status: str) -> None:
        self.reader, self.writer, self.status = reader, writer, status
        self.pings = 0
        self.answer_pings = True

    @classmethod
    async def open(cls, url: str, headers: dict[str, str] | None = None) -> Raw:
        host, port = host_port(url)
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        writer.write(f"GET /_ps/ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                     f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                     f"Sec-WebSocket-Version: 13\r\n{extra}\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        return cls(reader, writer, head.split("\r\n", 1)[0])

    def send(self, payload: bytes | str, opcode: int = 0x1) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        n = len(data)
        if n < 126:
            header = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        self.writer.write(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    async def frame(self, timeout: float = 5.0) -> tuple[int, bytes] | None:
        """The next data or close frame ``(opcode, payload)``; None at EOF."""
        try:
            while True:
                b0, b1 = await asyncio.wait_for(self.reader.readexactly(2), timeout)
                n = b1 & 0x7F
                if n == 126:
                    n = int.from_bytes(await self.reader.readexactly(2), "big")
                elif n == 127:
                    n = int.from_bytes(await self.reader.readexactly(8), "big")
                payload = await self.reader.readexactly(n)
                opcode = b0 & 0x0F
                if opcode == 0x9:
                    self.pings += 1
                    if self.answer_pings:
                        self.send(payload, opcode=0xA)
                    continue
                return opcode, payload
        except (asyncio.IncompleteReadError, ConnectionError):
            return None

    async def closed(self, timeout: float = 5.0) -> tuple[int | None, float]:
        """Read until the server ends the connection: (close code, when)."""
        code = None
        deadline = time.monotonic() + timeout
        while (got := await self.frame(max(0.01, deadline - time.monotonic()))) is not None:
            if got[0] == 0x8:
                code = int.from_bytes(got[1][:2], "big") if len(got[1]) >= 2 else None
                break
        ended = time.monotonic()
        self.close()
        return code, ended

    async def until_pings(self, count: int, timeout: float = 5.0) -> None:
        """Read (and answer) the server's pings until ``count`` have come."""
        deadline = time.monotonic() + timeout
        while self.pings < count:
            b0, b1 = await asyncio.wait_for(self.reader.readexactly(2),
                                            deadline - time.monotonic())
            payload = await self.reader.readexactly(b1 & 0x7F)
            assert b0 & 0x0F == 0x9, (b0, payload)
            self.pings += 1
            self.send(payload, opcode=0xA)

    async def hello(self, url: str) -> dict[str, Any]:
        client = ProtocolClient(url)
        await client.fetch()
        self.send(json.dumps({"type": "hello", "v": 1, "token": client.token}))
        return await self.message()

    async def message(self) -> dict[str, Any]:
        got = await self.frame()
        assert got is not None and got[0] == 0x1, got
        return dict(json.loads(got[1]))

    def close(self) -> None:
        self.writer.close()


async def fetch(url: str, **kwargs: Any) -> Any:
    try:
        return await AsyncHTTPClient().fetch(HTTPRequest(url, **kwargs))
    except HTTPClientError as exc:
        return exc.response


# -- websockets before hello -------------------------------------------------------------


async def test_websocket_without_hello_is_dropped_after_the_deadline(serve, until):
    server = serve(echo_app, websocket_hello_timeout=0.3)
    greeted = await ProtocolClient.open(server.url)  # opened first, says hello at once
    silent = await Raw.open(server.url)
    started = time.monotonic()
    assert silent.status == "HTTP/1.1 101 Switching Protocols"
    code, ended = await silent.closed()
    assert 0.3 <= ended - started <= 1.3
    assert code is None  # dropped without a handshake: it owes us nothing
    assert server.counters["hello_timeouts"] == 1
    # The deadline has passed for the greeted tab too; it is served as before.
    assert await greeted.ping() < 1 and len(server.sessions) == 1
    await greeted.close()


async def test_websocket_before_hello_may_send_a_token_sized_message_only(serve):
    server = serve(echo_app, websocket_hello_timeout=0)
    early = await Raw.open(server.url)
    early.send(json.dumps({"type": "ping", "id": "x" * (HELLO_MAX_SIZE + 10)}))
    assert (await early.closed())[0] == 1009  # message too big, before any session
    late = await Raw.open(server.url)
    assert (await late.hello(server.url))["type"] == "render"
    late.send(json.dumps({"type": "ping", "id": "y" * 100_000}))  # fine once open
    pong = await late.message()
    assert pong == {"type": "pong", "id": "y" * 100_000}
    late.close()
    assert server.sessions[0].phase == "rendered"


async def test_keep_alive_drops_a_peer_that_stops_answering_pings(serve):
    server = serve(echo_app, keep_alive=50, websocket_hello_timeout=0)
    answering = await Raw.open(server.url)
    mute = await Raw.open(server.url)
    mute.answer_pings = False
    started = time.monotonic()
    mute_closed = asyncio.ensure_future(mute.closed())
    await answering.until_pings(5)  # five pings seen and answered: still open
    _, ended = await mute_closed
    assert ended - started >= 0.1  # one ping, then no answer by the next
    assert server.counters["keepalive_dropped"] == 1
    answering.send(json.dumps({"type": "ping", "id": 1}))
    assert await answering.message() == {"type": "pong", "id": 1}
    answering.close()


# -- max sessions ------------------------------------------------------------------------


async def test_max_sessions_shows_a_full_page_refuses_new_sockets_and_resumes(serve, until):
    server = serve(echo_app, max_sessions=2, unused_session_lifetime=50,
                   check_unused_sessions=10)
    first = await ProtocolClient.open(server.url)
    late_page = ProtocolClient(server.url)
    await late_page.fetch()  # a page fetched while there was room
    second = await ProtocolClient.open(server.url)

    response = await fetch(server.url)
    assert response.code == 503 and response.headers["Retry-After"] == "10"
    assert "The server is full" in response.body.decode()
    await late_page.connect()
    await late_page.send({"type": "hello", "v": 1, "token": late_page.token})
    assert (await late_page.expect("error"))["code"] == "server_full"
    assert await late_page.wait_closed() == CLOSE_CODES["full"]
    await first.drop()
    assert (await first.reconnect())["resumed"] is True  # a resume is never refused
    assert len(server.sessions) == 2

    await second.close()
    await until(lambda: len(server.sessions) == 1)
    third = await ProtocolClient.open(server.url)
    assert len(server.sessions) == 2
    assert server.counters["refused_full_pages"] == 1
    assert server.counters["refused_full_sockets"] == 1
    await first.close()
    await third.close()


# -- connections per address ----------------------------------------------------------------


async def test_max_connections_per_ip_answers_503_and_frees_the_slot_on_close(serve, until):
    server = serve(echo_app, max_connections_per_ip=3)
    host, port = host_port(server.url)
    tabs = [await ProtocolClient.open(server.url) for _ in range(3)]  # 3 websockets
    reader, writer = await asyncio.open_connection(host, port)
    answer = await asyncio.wait_for(reader.read(), 5)  # refused before any request
    assert answer.startswith(b"HTTP/1.1 503 Service Unavailable")
    assert b"Too many connections from 127.0.0.1 (at most 3)" in answer
    writer.close()
    await tabs[0].close()
    await until(lambda: server.context.addresses.count("127.0.0.1") == 2)
    tabs[0] = await ProtocolClient.open(server.url)  # the freed slot is usable
    assert server.counters["refused_per_ip"] == 1
    for tab in tabs:
        await tab.close()


async def test_use_xheaders_counts_forwarded_addresses_and_only_then(serve):
    proxied = serve(echo_app, use_xheaders=True, max_connections_per_ip=2)
    a = [await Raw.open(proxied.url, {"X-Forwarded-For": "10.0.0.1"}) for _ in range(3)]
    assert [r.status.split()[1] for r in a] == ["101", "101", "503"]
    b = await Raw.open(proxied.url, {"X-Real-IP": "10.0.0.2"})
    assert b.status.split()[1] == "101"  # another client behind the same proxy
    direct = serve(echo_app, max_connections_per_ip=2)
    c = [await Raw.open(direct.url, {"X-Forwarded-For": f"10.0.0.{i}"}) for i in (1, 2)]
    assert [r.status.split()[1] for r in c] == ["101", "101"]
    # Without use_xheaders the header is not trusted: the third is the same peer.
    host, port = host_port(direct.url)
    reader, writer = await asyncio.open_connection(host, port)
    assert (await reader.read()).startswith(b"HTTP/1.1 503")
    writer.close()
    for raw in [*a, b, *c]:
        raw.close()


@pytest.mark.parametrize(("trusted", "expected"), [(True, "https:"), (False, "http:")])
async def test_use_xheaders_sets_the_scheme_the_session_sees(serve, trusted, expected):
    server = serve(echo_app, use_xheaders=trusted)
    tab = await ProtocolClient.open(server.url, headers={"X-Forwarded-Proto": "https"})
    (session,) = server.sessions
    assert session.location.protocol == expected
    assert session.headers["X-Forwarded-Proto"] == "https"  # a header either way
    await tab.close()


# -- HTTP ----------------------------------------------------------------------------------


async def test_half_open_request_is_closed_after_the_header_deadline(serve):
    server = serve(echo_app, http_header_timeout=0.3)
    reader, writer = await asyncio.open_connection(*host_port(server.url))
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    assert await asyncio.wait_for(reader.read(), 5) == b""
    assert 0.3 <= time.monotonic() - started <= 1.3
    assert server.counters["header_timeouts"] == 1
    writer.close()


async def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout(serve):
    server = serve(echo_app, http_idle_timeout=0.3, http_header_timeout=5)
    reader, writer = await asyncio.open_connection(*host_port(server.url))
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    await reader.readexactly(length)
    idle_since = time.monotonic()
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
    assert 0.3 <= time.monotonic() - idle_since <= 1.3
    writer.close()


async def test_request_body_over_the_limit_is_refused_unread(serve):
    server = serve(echo_app, max_body_size=1000)
    small = await fetch(server.url, method="POST", body=b"x" * 500)
    assert small.code == 405  # the route takes no POST at all
    large = await fetch(server.url, method="POST", body=b"x" * 5000)
    assert large.code == 400  # refused by the size limit before the route sees it


# -- fairness ------------------------------------------------------------------------------


def recording_app(order: list[str]) -> Any:
    def app() -> Any:
        who = pn.state.session_args["who"][0].decode()
        slider = pn.widgets.IntSlider(name=who, start=0, end=1_000_000)
        slider.param.watch(lambda _e: order.append(who), "value")
        return slider
    return app


def events(ref: str, values: range) -> list[bytes]:
    return [json.dumps({"type": "event", "ref": ref, "name": "value", "value": v}).encode()
            for v in values]


@pytest.mark.parametrize(("batch", "within"), [(1, 4), (0, None)])
async def test_one_socket_s_backlog_does_not_hold_back_another(serve, until, batch, within):
    order: list[str] = []
    server = serve(recording_app(order), event_rate=0, message_batch=batch)
    ends = {}
    for who in ("flood", "calm"):
        ends[who] = Raw.open(server.url + f"?who={who}")
    flood, calm = await ends["flood"], await ends["calm"]
    refs = []
    for raw, who in ((flood, "flood"), (calm, "calm")):
        render = await raw.hello(server.url + f"?who={who}")
        refs.append(render["roots"][0]["ref"])
    for payload in events(refs[0], range(1, 2001)):  # 2,000 events in one burst ...
        flood.send(payload)
    calm.send(events(refs[1], range(1, 2))[0])  # ... and one from another tab
    await until(lambda: len(order) == 2001, timeout=20)
    position = order.index("calm")
    if within is not None:
        assert position <= within, position  # served in the flood's first turns
    else:
        assert position >= 100, position  # tornado alone: after a long run of the flood
    flood.close()
    calm.close()


async def test_flooding_session_is_throttled_then_closed_with_a_logged_reason(
        serve, caplog):
    caplog.set_level(logging.INFO, logger="panel_state.server.websocket")
    handled: list[str] = []
    server = serve(recording_app(handled), event_rate=50, event_burst=20, flood_timeout=0.3)
    flood = await Raw.open(server.url + "?who=flood")
    ref = (await flood.hello(server.url + "?who=flood"))["roots"][0]["ref"]
    started = time.monotonic()
    for payload in events(ref, range(1, 2001)):
        flood.send(payload)
    messages = []
    while (got := await flood.frame()) is not None and got[0] == 0x1:
        messages.append(json.loads(got[1]))
    assert got is not None and int.from_bytes(got[1][:2], "big") == CLOSE_CODES["flood"]
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed <= 1.3
    assert await flood.frame() is None  # then the server closes the socket
    # The whole burst passes, then at most the rate: a loaded machine handles fewer
    # of the paced ones in the flood timeout, never more.
    assert 20 <= len(handled) <= 20 + elapsed * 50 + 1
    errors = [m for m in messages if m["type"] == "error"]
    assert [e["code"] for e in errors] == ["flood"]
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "closed because it sent more than its event budget (50 messages/s, bursts " \
           "of 20) for 0.3 s" in warning.getMessage()
    assert server.sessions == [] and server.counters["flood_closed"] == 1
    assert server.counters["throttled"] == 1
    flood.close()


async def test_websocket_max_message_size_is_the_hard_cap_after_hello(serve):
    server = serve(echo_app, max_message_size=1000, websocket_max_message_size=200_000)
    tab = await Raw.open(server.url)
    assert (await tab.hello(server.url))["type"] == "render"
    tab.send(json.dumps({"type": "ping", "id": "x" * 100_000}))  # over the limit, under the cap
    reply = await tab.message()
    assert reply["type"] == "error" and reply["code"] == "too_large"
    tab.send(json.dumps({"type": "ping", "id": "y" * 300_000}))  # over the cap
    # Closed at once (1009; the frame is lost to a reset when the rest stays unread).
    code, _ = await tab.closed()
    assert code in (1009, None)
    assert len(server.sessions) == 1  # the session waits for a reconnect
