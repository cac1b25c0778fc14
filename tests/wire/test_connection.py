"""Connection: the session side of one client, driven here by a recording transport."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import panel_state as pn
from panel_state.session import Session
from panel_state.wire.connection import Connection
from panel_state.wire.protocol import ProtocolError


class Recording:
    """A transport that keeps what it was sent and why it was ended."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.ended: list[str] = []

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def end(self, reason: str) -> None:
        self.ended.append(reason)

    def types(self) -> list[str]:
        return [m["type"] for m in self.sent]


def make(*roots: Any) -> tuple[Session, Connection, Recording]:
    session = Session("http://localhost/app?x=1")
    for root in roots:
        session.add_root(root)
    connection = Connection(session, title="Demo")
    transport = Recording()
    connection.attach(transport)
    return session, connection, transport


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_connection_open_renders_then_patches_changes():
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    session, connection, transport = make(slider)
    connection.open(resumed=False)
    [render] = transport.sent
    assert render["type"] == "render" and render["title"] == "Demo" and not render["resumed"]
    assert render["roots"][0]["kind"] == "IntSlider" and session.phase == "rendered"
    slider.value = 4
    await settle()
    assert transport.sent[-1] == {"type": "patch", "ops": [{"ref": slider.view_ref,
                                                             "props": {"value": 4}}]}
    session.destroy()


async def test_connection_event_applies_without_echo_and_counts_busy():
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    seen = []
    session, connection, transport = make(slider)
    slider.param.watch(lambda e: seen.append(session.busy), "value")
    connection.open(resumed=False)
    await settle()
    before = len(transport.sent)
    connection.receive({"type": "event", "ref": slider.view_ref, "name": "value", "value": 7})
    await settle()
    assert slider.value == 7 and seen == [True] and not session.busy
    assert transport.sent[before:] == []  # the client already shows 7: nothing echoed
    session.destroy()


@pytest.mark.parametrize("nthreads", [0, 2])
async def test_connection_scrolling_does_not_count_toward_busy(nthreads):
    column = pn.Column(*[pn.pane.Str(str(i)) for i in range(30)], height=100)
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    session, connection, _ = make(pn.Column(column, slider))
    flips: list[bool] = []
    session.param.watch(lambda e: flips.append(e.new), "busy")
    seen: list[bool] = []
    column.param.watch(lambda e: seen.append(session.busy), "scroll_position")
    done = asyncio.Event()
    slider.param.watch(lambda e: loop.call_soon_threadsafe(done.set), "value")
    loop = asyncio.get_running_loop()
    connection.open(resumed=False)
    with pn.config.set(nthreads=nthreads):
        connection.receive({"type": "event", "ref": column.view_ref,
                            "name": "scroll_position", "value": 120})
        connection.receive({"type": "event", "ref": slider.view_ref, "name": "value",
                            "value": 7})
        await asyncio.wait_for(done.wait(), 5)
        for _ in range(50):
            if not session.busy:
                break
            await asyncio.sleep(0.01)
    assert column.scroll_position == 120 and seen == [False]
    assert flips == [True, False]  # the slider's change only
    session.destroy()


async def test_connection_refused_value_answers_with_an_error_and_the_truth():
    slider = pn.widgets.IntSlider(start=0, end=10, value=1)
    session, connection, transport = make(slider)
    connection.open(resumed=False)
    connection.receive({"type": "event", "ref": slider.view_ref, "name": "value",
                        "value": 99})
    assert slider.value == 1 and not session.busy
    error, resync = transport.sent[-2:]
    assert error["type"] == "error" and error["code"] == "invalid_value"
    assert "within [start, end] = [0, 10], got 99" in error["message"]
    assert resync["type"] == "patch" and resync["ops"][0]["props"]["value"] == 1
    session.destroy()


async def test_connection_unknown_component_is_a_protocol_error():
    session, connection, _ = make(pn.pane.Str("x"))
    connection.open(resumed=False)
    with pytest.raises(ProtocolError, match="No component 'v0' is displayed") as caught:
        connection.receive({"type": "event", "ref": "v0", "name": "value", "value": 1})
    assert caught.value.code == "unknown_ref"
    session.destroy()


async def test_connection_loaded_without_a_page_url_runs_onload_only():
    ran = []
    session, connection, transport = make(pn.pane.Str("x"))
    session.onload(lambda: ran.append(session.loaded))
    connection.open(resumed=False)
    future = connection.handle_loaded(None)
    assert future is not None
    await future
    assert ran == [False] and session.loaded
    assert "url" not in transport.types()  # no page URL: nothing to reconcile
    session.destroy()


async def test_connection_ping_is_answered_and_a_second_hello_refused():
    session, connection, transport = make(pn.pane.Str("x"))
    connection.receive({"type": "ping", "id": 9})
    assert transport.sent[-1] == {"type": "pong", "id": 9}
    with pytest.raises(ProtocolError, match="A 'hello' message is sent once, first"):
        connection.receive({"type": "hello", "v": 1, "token": ""})
    session.destroy()


async def test_connection_new_transport_supersedes_and_destroy_ends_it():
    session, connection, first = make(pn.pane.Str("x"))
    second = Recording()
    connection.attach(second)
    assert first.ended == ["superseded"]
    assert not connection.detach(first)  # no longer the attached one
    connection.end_reason = "shutdown"
    session.destroy()
    assert second.ended == ["shutdown"] and connection.transport is None
