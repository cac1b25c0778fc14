"""Bad input: property-based fuzzing of the websocket protocol, and hostile requests.

The fuzz test sends malformed, mutated and out-of-order messages (hypothesis) to a live
server over a real websocket, each followed by a ping so its replies are known, and
checks after every message that

* a refused message (an ``error`` reply) changed nothing in the session,
* an accepted one changed only what it asked for, exactly as asked,
* messages that are invalid by construction are always refused and valid ones always
  accepted,

and at the end that the server logged no error, the fuzzed connection and its session
are alive, and a bystander session saw nothing. CI runs 10,000 messages;
``PANEL_STATE_FUZZ_MESSAGES`` sets another count (``benchmarks/bench_fuzz.py`` runs
100,000).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError

import panel_state as pn
from panel_state.server.serving import Server
from panel_state.server.testclient import ProtocolClient
from panel_state.session import live_sessions
from panel_state.wire.protocol import CLOSE_CODES, MAX_DEPTH

#: Messages the CI form of the fuzz test sends.
FUZZ_MESSAGES = int(os.environ.get("PANEL_STATE_FUZZ_MESSAGES", "10000"))
#: Messages per hypothesis example.
BATCH = 25
#: A small message limit keeps oversized messages cheap to send.
FUZZ_MAX_MESSAGE = 16 * 1024

# -- the app under fuzz ---------------------------------------------------------------------


def fuzz_app() -> pn.Column:
    return pn.Column(
        pn.widgets.IntSlider(name="int", start=0, end=10, value=5),
        pn.widgets.FloatSlider(name="float", start=0.0, end=1.0, value=0.5),
        pn.widgets.Select(name="select", options=["a", "b", "c"], value="a"),
        pn.widgets.TextInput(name="text", value="start"),
        pn.widgets.Checkbox(name="check"),
        pn.widgets.Toggle(name="toggle"),
        pn.widgets.Button(name="button"),
        pn.widgets.TextInput(name="off", value="fixed", disabled=True),
        pn.pane.Str("str"),
        pn.pane.Markdown("# md"),
    )


WIDGETS = ["IntSlider", "FloatSlider", "Select", "TextInput", "Checkbox", "Toggle", "Button"]


def snapshot(session: Any) -> dict[str, Any]:
    """Everything a client could try to change: every param of every root object."""
    out: dict[str, Any] = {}
    for obj in session.roots[0].objects:
        for name, value in obj.param.values().items():
            out[f"{obj.view_ref}.{name}"] = value
    location = session._location
    if location is not None:
        for part in ("pathname", "search", "hash"):
            out[f"location.{part}"] = getattr(location, part)
    out.update(loaded=session.loaded, phase=session.phase, busy=session.busy,
               roots=len(session.roots))
    return out


# -- an independent oracle for what must be accepted ----------------------------------------


def url_part_ok(name: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if name == "pathname":
        return (value in ("", "srcdoc") or value.startswith("/")) and not (
            "?" in value or "#" in value)
    if name == "search":
        return (value == "" or value.startswith("?")) and "#" not in value
    return value == "" or value.startswith("#")


# -- messages --------------------------------------------------------------------------------


@dataclass
class Case:
    """One message to send and what the server must do with it.

    ``expect`` is ``'refuse'`` (an error reply, no change), ``'accept'`` (no error,
    exactly ``changes``) or ``'any'`` (either, but a refusal changes nothing and an
    acceptance changes only ``allowed`` keys).
    """

    raw: str | bytes
    expect: str
    changes: dict[str, Any] = field(default_factory=dict)
    allowed: frozenset[str] = frozenset()
    label: str = ""


scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=8)
URL_TEXT = st.text(alphabet="/?#&=ab%\x00\u2603 ", max_size=8)


def strategies(refs: dict[str, str], token: str) -> st.SearchStrategy[Case]:
    """Cases for the session whose widget refs are ``refs`` (kind -> ref)."""
    int_ref, float_ref, select_ref = refs["IntSlider"], refs["FloatSlider"], refs["Select"]
    text_ref, check_ref, toggle_ref = refs["TextInput"], refs["Checkbox"], refs["Toggle"]
    button_ref, off_ref = refs["Button"], refs["off"]

    def event(ref: str, name: str, value: Any) -> str:
        return json.dumps({"type": "event", "ref": ref, "name": name, "value": value})

    # A text input's value_input follows its value (what was typed, then committed).
    followers = {text_ref: ("value_input",)}

    def accepted(ref: str, name: str) -> Callable[[Any], Case]:
        names = (name, *followers.get(ref, ()))
        return lambda v: Case(event(ref, name, v), "accept", {f"{ref}.{n}": v for n in names},
                              label=f"valid {name} of {ref}")

    valid_events = st.one_of(
        st.integers(0, 10).map(accepted(int_ref, "value")),
        st.floats(0.0, 1.0).map(accepted(float_ref, "value")),
        st.sampled_from(["a", "b", "c"]).map(accepted(select_ref, "value")),
        st.text(max_size=40).map(accepted(text_ref, "value")),
        st.booleans().map(accepted(check_ref, "value")),
        st.booleans().map(accepted(toggle_ref, "value")),
        json_values.map(lambda v: Case(event(button_ref, "clicks", v), "accept",
                                       {f"{button_ref}.clicks": "+1"}, label="click")),
    )

    def refused_event(ref: str, name: str) -> Callable[[Any], Case]:
        return lambda v: Case(event(ref, name, v), "refuse", label=f"bad {name} of {ref}")

    bad_values = st.one_of(
        (st.integers(11, 2**70) | st.integers(-(2**70), -1)).map(refused_event(int_ref, "value")),
        (st.text() | st.booleans() | st.lists(scalars)).map(refused_event(int_ref, "value")),
        (st.floats(1.0001, 1e300) | st.floats(-1e300, -0.0001)).map(
            refused_event(float_ref, "value")),
        st.text(max_size=6).filter(lambda s: s not in ("a", "b", "c")).map(
            refused_event(select_ref, "value")),
        (st.integers() | st.lists(scalars, min_size=1) | st.booleans()).map(
            refused_event(text_ref, "value")),
        (st.integers() | st.text() | st.none()).map(refused_event(check_ref, "value")),
        json_values.map(refused_event(off_ref, "value")),  # a disabled widget
        st.tuples(st.sampled_from(list(refs.values())),
                  st.sampled_from(["name", "disabled", "options", "start", "end", "visible",
                                   "objects", "_ref", "__class__", "param", ""]),
                  json_values).map(lambda t: Case(event(*t), "refuse", label="not an event")),
        st.tuples(st.text(max_size=8).filter(lambda r: r not in refs.values()),
                  st.text(max_size=8), json_values).map(
            lambda t: Case(event(*t), "refuse", label="unknown ref")),
    )
    # Mostly-in-range values whose validity the oracle leaves open (e.g. 3.0 for an int).
    loose_values = st.tuples(st.sampled_from(list(refs.values())), st.sampled_from(
        ["value", "clicks"]), json_values).map(lambda t: Case(
            event(*t), "any", allowed=frozenset(
                {f"{t[0]}.{t[1]}", *(f"{t[0]}.{n}" for n in followers.get(t[0], ())
                                      if t[1] == "value")}),
            label="loose event"))

    def url_case(parts: tuple[Any, Any, Any], loaded: bool = False) -> Case:
        pathname, search, hash_ = parts
        names = ("pathname", "search", "hash")
        ok = all(url_part_ok(n, v) for n, v in zip(names, parts, strict=True))
        if loaded:
            raw = json.dumps({"type": "loaded", "url": {
                "pathname": pathname, "search": search, "hash": hash_}})
            # The session already loaded: a second ack is harmless and changes nothing.
            fields_ok = all(isinstance(v, str) for v in parts)
            return Case(raw, "accept" if fields_ok else "refuse", label="loaded again")
        raw = json.dumps({"type": "url", "pathname": pathname, "search": search,
                          "hash": hash_})
        if ok:
            return Case(raw, "accept", {f"location.{n}": v for n, v in
                                        zip(names, parts, strict=True)}, label="url")
        return Case(raw, "refuse", label="bad url")

    url_parts = st.tuples(URL_TEXT | json_values, URL_TEXT | json_values,
                          URL_TEXT | json_values)
    out_of_order = st.one_of(
        url_parts.map(url_case),
        st.tuples(st.sampled_from(["/", "/app", ""]), st.sampled_from(["", "?a=1", "?b"]),
                  st.sampled_from(["", "#x"])).map(url_case),
        url_parts.map(lambda p: url_case(p, loaded=True)),
        st.sampled_from([token, token[:-2], "x", ""]).map(
            lambda t: Case(json.dumps({"type": "hello", "v": 1, "token": t}), "refuse",
                           label="hello again")),
        json_values.map(lambda i: Case(json.dumps({"type": "hello", "v": i, "token": token}),
                                       "refuse", label="hello again, odd version")),
    )

    def mutate(base: dict[str, Any], how: str, key: str, value: Any) -> Case:
        msg = dict(base)
        if how == "drop" and key in msg and key != "type":
            del msg[key]
            return Case(json.dumps(msg), "refuse", label=f"missing {key}")
        if how == "type":
            msg["type"] = value
            known = value in ("hello", "loaded", "event", "url", "ping")
            return Case(json.dumps(msg), "any" if known else "refuse",
                        allowed=_allowed(msg), label="retyped")
        msg[key] = value
        return Case(json.dumps(msg), "any", allowed=_allowed(msg), label=f"mutated {key}")

    def _allowed(msg: dict[str, Any]) -> frozenset[str]:
        if msg.get("type") == "url":
            return frozenset({"location.pathname", "location.search", "location.hash"})
        if msg.get("type") == "event" and isinstance(msg.get("ref"), str):
            ref, name = msg["ref"], msg.get("name")
            derived = followers.get(ref, ()) if name == "value" else ()
            return frozenset({f"{ref}.{name}", *(f"{ref}.{n}" for n in derived)})
        return frozenset()

    bases = st.sampled_from([
        {"type": "event", "ref": int_ref, "name": "value", "value": 3},
        {"type": "event", "ref": text_ref, "name": "value", "value": "t"},
        {"type": "url", "pathname": "/", "search": "?q=1", "hash": ""},
        {"type": "loaded", "url": {"pathname": "/", "search": "", "hash": ""}},
        {"type": "ping", "id": 1},
        {"type": "hello", "v": 1, "token": token},
    ])
    mutated = st.builds(mutate, bases, st.sampled_from(["drop", "type", "set"]),
                        st.sampled_from(["type", "ref", "name", "value", "url", "pathname",
                                         "search", "hash", "id", "v", "token", "extra"]),
                        json_values)

    def truncated(case: Case, cut: int) -> Case:
        raw = case.raw if isinstance(case.raw, str) else case.raw.decode()
        return Case(raw[: max(0, min(cut, len(raw) - 1))], "refuse", label="truncated")

    deep = st.integers(MAX_DEPTH, 5000).map(
        lambda d: Case('{"type":"ping","id":' + "[" * d + "]" * d + "}", "refuse",
                       label=f"nested {d + 1} deep"))
    specials = st.one_of(
        st.sampled_from([
            Case("", "refuse"), Case("null", "refuse"), Case("[]", "refuse"),
            Case("{}", "refuse"), Case('"event"', "refuse"), Case("1e999", "refuse"),
            Case('{"type":"ping","id":NaN}', "any"), Case('{"type":"ping","id":-Infinity}', "any"),
            Case(event(float_ref, "value", 0).replace("0}", "NaN}"), "refuse", label="NaN"),
            Case(event(float_ref, "value", 0).replace("0}", "Infinity}"), "refuse"),
            Case(event(float_ref, "value", 0).replace("0}", "1e400}"), "refuse"),
            Case(event(int_ref, "value", 0).replace("0}", "9" * 4000 + "}"), "refuse"),
            Case(event(int_ref, "value", 0).replace("0}", "9" * 5000 + "}"), "refuse"),
            Case('{"type":"event","type":"ping","id":1}', "accept", label="duplicate keys"),
            Case(b"\xff\xfe\x00", "refuse"), Case(b'{"type": "ping", "id": 1}', "accept"),
            Case('{"type":"ping","id":"' + "x" * (FUZZ_MAX_MESSAGE + 1) + '"}', "refuse",
                 label="too large"),
            Case(event(text_ref, "value", "\udfff\ud800\x00<script>"), "accept",
                 {f"{text_ref}.{n}": "\udfff\ud800\x00<script>" for n in
                  ("value", "value_input")}, label="lone surrogates"),
        ]),
        deep,
        st.text(max_size=30).filter(lambda t: not _is_object(t)).map(
            lambda t: Case(t, "refuse", label="text")),
        st.binary(max_size=30).filter(lambda b: not _is_object(b)).map(
            lambda b: Case(b, "refuse", label="bytes")),
        json_values.filter(lambda v: not isinstance(v, dict)).map(
            lambda v: Case(json.dumps(v), "refuse", label="not an object")),
        st.dictionaries(st.text(max_size=6), json_values, max_size=4).filter(
            lambda d: d.get("type") not in ("hello", "loaded", "event", "url", "ping")).map(
            lambda d: Case(json.dumps(d), "refuse", label="unknown type")),
        st.builds(truncated, valid_events, st.integers(0, 60)),
        json_values.map(lambda i: Case(json.dumps({"type": "ping", "id": i}), "accept",
                                       label="ping")),
    )
    return st.one_of(valid_events, bad_values, loose_values, out_of_order, mutated, specials)


def _is_object(raw: str | bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except (ValueError, RecursionError):
        return False


# -- the engine ------------------------------------------------------------------------------


class Fuzzer:
    """A live server, a fuzzed session, a bystander, and the checks after each message."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sent = 0
        self.codes: dict[str, int] = {}
        self.accepted = 0
        self.sync = 0
        self.server: Server
        self.client: ProtocolClient
        self.bystander: ProtocolClient

    async def start(self) -> None:
        self.server = pn.serve(fuzz_app, start=False, max_message_size=FUZZ_MAX_MESSAGE)
        self.bystander = await ProtocolClient.open(self.server.url + "?who=bystander")
        self.client = await ProtocolClient.open(self.server.url + "?who=fuzz")
        await self.client.ping()
        await self.bystander.ping()
        sessions = {s.session_args["who"][0]: s for s in self.server.sessions}
        self.session, self.other = sessions[b"fuzz"], sessions[b"bystander"]
        self.session.location  # noqa: B018 - made now, so no refused message makes it
        self.other_before = snapshot(self.other)
        self.other_messages = len(self.bystander.messages)

    def refs(self) -> dict[str, str]:
        refs = {kind: self.client.find(kind) for kind in WIDGETS}
        refs["off"] = self.client.find("TextInput", name="off")
        return refs

    async def send(self, case: Case) -> None:
        before = snapshot(self.session)
        start = len(self.client.messages)
        await self.client.send_raw(case.raw)
        self.sent += 1
        self.sync += 1
        marker = f"\x00sync-{self.sync}"
        await self.client.send({"type": "ping", "id": marker})
        await self.client.expect("pong", where=lambda m: m["id"] == marker)
        replies = self.client.messages[start:]
        errors = [m for m in replies if m["type"] == "error"]
        for error in errors:
            self.codes[error["code"]] = self.codes.get(error["code"], 0) + 1
        after = snapshot(self.session)
        changed = {k for k in after if k not in before or _differs(before[k], after[k])}
        what = f"{case.label or 'case'} {case.raw[:200]!r}"
        if errors:
            assert case.expect != "accept", f"valid message refused: {what}: {errors}"
            assert not changed, f"refused message changed {sorted(changed)}: {what}"
            return
        assert case.expect != "refuse", f"invalid message accepted: {what}"
        self.accepted += 1
        if case.expect == "accept":
            expected = set()
            for key, value in case.changes.items():
                if value == "+1":
                    assert after[key] == before[key] + 1, what
                else:
                    assert key in after and not _differs(after[key], value), (
                        f"{what}: {key} is {after.get(key)!r}, expected {value!r}")
                expected.add(key)
            assert changed <= expected, f"{what} also changed {sorted(changed - expected)}"
        else:
            extra = changed - case.allowed
            assert not extra, f"{what} changed {sorted(extra)} (allowed {sorted(case.allowed)})"

    async def finish(self) -> None:
        assert self.client.close_code is None and self.client._ws is not None
        assert len(self.bystander.messages) == self.other_messages  # it saw nothing
        assert snapshot(self.other) == self.other_before
        assert await self.bystander.ping() < 1
        assert len(self.server.sessions) == 2 and len(live_sessions()) == 2
        await self.client.close()
        await self.bystander.close()
        await self.server.astop()


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return False
    return type(a) is not type(b) or a != b


class ServerErrors(logging.Handler):
    """Records that mean the server itself failed while handling input."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.name.startswith(
                ("tornado.application", "asyncio")):
            self.records.append(f"{record.name} {record.levelname}: {record.getMessage()}")


def run_fuzz(messages: int) -> dict[str, Any]:
    """Fuzz a live server with ``messages`` messages; returns the figures."""
    loop = asyncio.new_event_loop()
    fuzzer = Fuzzer(loop)
    handler = ServerErrors()
    root = logging.getLogger()
    quiet = logging.getLogger("panel_state.server")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # one "refused message" warning per message otherwise
    root.addHandler(handler)
    finished = False
    try:
        loop.run_until_complete(fuzzer.start())
        cases = strategies(fuzzer.refs(), fuzzer.client.token)
        examples = -(-messages // BATCH)

        # No shrinking: the server's state carries over between examples, so a
        # failure is reported as found, with the message that caused it.
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate],
                  report_multiple_bugs=False)
        @given(st.lists(cases, min_size=BATCH, max_size=BATCH))
        def batch(batch_cases: list[Case]) -> None:
            for case in batch_cases:
                loop.run_until_complete(fuzzer.send(case))

        started = time.perf_counter()
        batch()
        elapsed = time.perf_counter() - started
        loop.run_until_complete(fuzzer.finish())
        finished = True
    finally:
        root.removeHandler(handler)
        quiet.setLevel(level)
        if not finished and getattr(fuzzer, "server", None) is not None:
            loop.run_until_complete(fuzzer.server.astop())
        loop.close()
    assert handler.records == [], handler.records[:5]
    return {"messages": fuzzer.sent, "accepted": fuzzer.accepted,
            "seconds": round(elapsed, 2), "rate": round(fuzzer.sent / elapsed),
            "codes": dict(sorted(fuzzer.codes.items()))}


def test_fuzz_protocol_messages_change_nothing_they_did_not_ask_for():
    """Figure: messages sent (>= 10,000 in CI), their rate, error replies by code."""
    result = run_fuzz(FUZZ_MESSAGES)
    assert result["messages"] >= FUZZ_MESSAGES
    assert result["accepted"] > result["messages"] // 10  # the valid paths were exercised
    assert {"bad_json", "unknown_type", "bad_message", "unknown_ref",
            "invalid_value"} <= set(result["codes"])
    print("FUZZ-RESULT " + json.dumps(result))


# -- before hello ----------------------------------------------------------------------------


class PreHello:
    """A server and a connection that never says hello (reopened when a bad hello closes it)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.server: Server = self.run(self._serve())
        self.client: ProtocolClient | None = None

    async def _serve(self) -> Server:
        return pn.serve(fuzz_app, start=False)

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def connection(self) -> ProtocolClient:
        client = self.client
        if client is not None and client._ws is not None and client.close_code is None:
            return client
        if client is not None:
            await client.wait_closed()
        client = self.client = ProtocolClient(self.server.url)
        await client.fetch()
        await client.connect()
        return client

    def close(self) -> None:
        if self.client is not None:
            self.run(self.client.close())
        self.run(self.server.astop())
        self.loop.close()


@pytest.fixture
def pre_hello():
    fixture = PreHello()
    yield fixture
    fixture.close()


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(raw=st.one_of(
    json_values.map(lambda v: json.dumps({"type": "event", "ref": "v1", "name": "value",
                                          "value": v})),
    st.sampled_from(["url", "loaded", "event", "ping"]).map(lambda t: json.dumps({"type": t})),
    json_values.filter(lambda v: not (isinstance(v, dict) and v.get("type") == "ping"))
    .map(json.dumps),  # a ping is answered before hello too
    st.text(max_size=20),
    st.text(max_size=60).map(lambda t: json.dumps({"type": "hello", "v": 1, "token": t})),
))
def test_fuzz_before_hello_nothing_opens_a_session(pre_hello, raw):
    client = pre_hello.run(pre_hello.connection())
    before = len(client.messages)
    pre_hello.run(client.send_raw(raw))
    error = pre_hello.run(client.expect("error"))
    assert error["code"] in ("bad_json", "unknown_type", "bad_message", "not_open",
                             "bad_token"), error
    assert client.messages[before:] == [error]
    if error["code"] == "bad_token":  # refused for good: the server closes the socket
        assert pre_hello.run(client.wait_closed()) == CLOSE_CODES["refused"]
    assert pre_hello.server.sessions == [] and live_sessions() == []


# -- tokens ----------------------------------------------------------------------------------


async def refused_hello(server: Server, token: str) -> ProtocolClient:
    client = ProtocolClient(server.url)
    await client.connect()
    await client.send({"type": "hello", "v": 1, "token": token})
    await client.expect("error")
    await client.wait_closed()
    return client


async def test_fuzz_token_any_single_character_changed_is_refused(serve):
    server = serve(fuzz_app)
    page = ProtocolClient(server.url)
    await page.fetch()
    token = page.token
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    forgeries = 0
    for i in range(0, len(token), max(1, len(token) // 60)):
        for replacement in (alphabet[(alphabet.index(token[i]) + 1) % len(alphabet)], ""):
            forged = token[:i] + replacement + token[i + 1:]
            client = await refused_hello(server, forged)
            assert client.errors[-1]["code"] == "bad_token", (i, replacement)
            assert client.close_code == CLOSE_CODES["refused"]
            forgeries += 1
    print(f"{forgeries} one-character forgeries of a {len(token)}-character token refused")
    assert server.sessions == [] and live_sessions() == []
    genuine = await ProtocolClient.open(server.url)  # the genuine token still opens
    assert genuine.session
    await genuine.close()


async def test_fuzz_token_replayed_after_its_session_ended_is_refused(serve, until):
    server = serve(fuzz_app, unused_session_lifetime=30, check_unused_sessions=10)
    first = await ProtocolClient.open(server.url)
    session_id = first.session
    await first.close()
    await until(lambda: server.sessions == [])
    replay = await refused_hello(server, first.token)
    assert replay.errors[-1]["code"] == "session_expired"
    assert replay.close_code == CLOSE_CODES["expired"]
    assert server.sessions == [] and live_sessions() == []
    fresh = await ProtocolClient.open(server.url)  # a new page gets a new session
    assert fresh.session != session_id
    await fresh.close()


async def test_fuzz_token_replayed_while_live_takes_over_only_that_session(serve):
    server = serve(fuzz_app)
    owner = await ProtocolClient.open(server.url)
    other = await ProtocolClient.open(server.url)
    thief = ProtocolClient(server.url)
    thief.token = owner.token
    await thief.connect()
    render = await thief.hello()
    assert render["resumed"] is True and thief.session == owner.session
    assert await owner.wait_closed() == CLOSE_CODES["superseded"]
    assert len(server.sessions) == 2 and await other.ping() < 1
    await thief.close()
    await other.close()


async def test_fuzz_token_expired_and_foreign_app_tokens_are_refused(serve):
    shared = "fuzz-shared-secret-0123456789"
    server = serve({"/a": fuzz_app}, secret=shared, token_lifetime=0.05)
    elsewhere = serve({"/b": fuzz_app}, secret=shared)
    page = ProtocolClient(server.url + "a")
    await page.fetch()
    await asyncio.sleep(0.1)
    expired = await refused_hello(server, page.token)
    assert expired.errors[-1]["code"] == "session_expired"
    other = ProtocolClient(elsewhere.url + "b")
    await other.fetch()
    foreign = await refused_hello(server, other.token)  # genuine, but for an app not here
    assert foreign.errors[-1]["code"] == "bad_token" and "no app" in foreign.errors[-1][
        "message"]
    assert server.sessions == [] and elsewhere.sessions == []


# -- origins, sizes, paths -------------------------------------------------------------------


async def test_fuzz_cross_origin_websockets_are_refused(serve):
    server = serve(fuzz_app)
    port = server.port
    origins = ["http://evil.example", "null", f"http://127.0.0.1.evil.example:{port}",
               f"http://evil.example/127.0.0.1:{port}", f"http://localhost:{port}",
               f"https://127.0.0.1:{port + 1}", f"http://127.0.0.1:{port}.evil.example",
               f"http://user@evil.example:{port}", f"ws://127.0.0.1:{port}@evil.example"]
    for origin in origins:
        with pytest.raises(HTTPClientError, match="403"):
            await ProtocolClient.open(server.url, origin=origin)
    assert server.sessions == [] and live_sessions() == []
    ok = await ProtocolClient.open(server.url, origin=f"http://127.0.0.1:{port}")
    await ok.close()


async def test_fuzz_oversized_messages_are_refused_and_beyond_the_hard_cap_only_close(serve):
    server = serve(fuzz_app, max_message_size=1000)
    client = await ProtocolClient.open(server.url)
    text = client.find("TextInput", name="text")
    await client.send({"type": "event", "ref": text, "name": "value", "value": "x" * 2000})
    assert (await client.expect("error"))["code"] == "too_large"
    with contextlib.suppress(WebSocketClosedError):  # the server hangs up mid-send
        await client.send_raw("y" * (11 * 1024 * 1024))  # over the 10 MB hard cap
    assert await client.wait_closed() in (1009, None)
    assert len(server.sessions) == 1
    render = await client.reconnect()  # the session survives its connection
    assert render["resumed"] is True
    assert server.sessions[0].roots[0].objects[3].value == "start"
    await client.close()


async def test_fuzz_oversized_urls_and_headers_get_a_clear_http_error(serve):
    import secrets

    server = serve(fuzz_app)
    long_query = server.url + "?q=" + secrets.token_hex(24_000)  # 48 KB, incompressible
    with pytest.raises(HTTPClientError) as info:
        await AsyncHTTPClient().fetch(long_query)
    assert info.value.code == 414
    assert b"too large to open a session" in info.value.response.body
    cookie = "; ".join(f"c{i}={secrets.token_hex(600)}" for i in range(40))  # 48 KB
    with pytest.raises(HTTPClientError) as info:
        await AsyncHTTPClient().fetch(HTTPRequest(server.url, headers={"Cookie": cookie}))
    assert info.value.code == 431 and b"clear this site's cookies" in info.value.response.body
    with pytest.raises((HTTPClientError, OSError)):  # over tornado's 64 KB header limit
        await AsyncHTTPClient().fetch(server.url + "?q=" + "z" * 70_000)
    assert server.sessions == []
    client = await ProtocolClient.open(server.url + "?q=" + secrets.token_hex(4000))
    assert client.session and len(server.sessions) == 1
    await client.close()


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, 1000, 100_000])
async def test_fuzz_deeply_nested_json_is_refused_and_the_connection_goes_on(serve, depth):
    server = serve(fuzz_app)
    client = await ProtocolClient.open(server.url)
    text = client.find("TextInput", name="text")
    nested = "[" * depth + "]" * depth
    await client.send_raw(f'{{"type":"event","ref":"{text}","name":"value","value":{nested}}}')
    error = await client.expect("error")
    if depth + 1 <= MAX_DEPTH:  # with the message object, within the limit: the parser
        # lets it through and the widget refuses it
        assert error["code"] == "invalid_value"
    else:
        assert error["code"] == "bad_json" and f"deeper than {MAX_DEPTH}" in error["message"]
    assert await client.ping() < 1 and client.close_code is None
    assert server.sessions[0].roots[0].objects[3].value == "start"
    await client.close()


TRAVERSALS = [
    "/_ps/static/../server/tokens.py", "/_ps/static/%2e%2e/server/tokens.py",
    "/_ps/static/%252e%252e/server/tokens.py", "/_ps/static/..%5cserver%5ctokens.py",
    "/_ps/static/..\\server\\tokens.py", "/_ps/static/%2e%2e%2f%2e%2e%2fcli.py",
    "/_ps/static/....//....//cli.py", "/_ps/static/%00client.js",
    "/_ps/static/client.js%00.py", "/_ps/static//etc/passwd", "/_ps/static/%2fetc%2fpasswd",
    "/_ps/static/..%c0%afserver/tokens.py", "/_ps/static/" + "a/" * 2000 + "x",
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd",
    "/_ps/ws/../../etc/passwd", "/app/../../../etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_fuzz_path_traversal_never_serves_a_file_outside_static(serve, path):
    server = serve({"/app": fuzz_app})
    base = f"http://127.0.0.1:{server.port}"
    try:
        response = await AsyncHTTPClient().fetch(base + path, follow_redirects=False,
                                                 raise_error=False)
    except OSError:  # the server may drop a request it cannot parse
        return
    body = response.body or b""
    assert response.code in (301, 302, 400, 403, 404, 405), (path, response.code)
    for secret in (b"root:", b"def read_token", b"def main", b"import "):
        assert secret not in body, path
    assert server.sessions == []
