"""Renderer: full renders, minimal patches, children replacement, threads, teardown."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from typing import Any, ClassVar

import param

from panel_state.session import Session
from panel_state.viewable import Viewable
from panel_state.wire.render import Renderer


class Label(Viewable):
    view_kind = "Str"
    view_params: ClassVar[tuple[str, ...]] = ("text", "visible")
    text = param.String("")
    visible = param.Boolean(True)
    note = param.String("", doc="not rendered")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.cleaned = 0

    def release(self) -> None:
        self.cleaned += 1


class Upper(Viewable):
    """Derives its prop from a param that is not in ``view_params``."""

    view_kind = "Str"
    object = param.String("")

    def view_props(self) -> dict[str, Any]:
        return {"text": self.object.upper()}


class Box(Viewable):
    view_kind = "Column"
    view_child_params: ClassVar[tuple[str, ...]] = ("objects",)
    objects = param.List([])

    def view_children(self) -> list[Viewable]:
        return list(self.objects)


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


def make(*roots: Viewable) -> tuple[Session, Renderer, list[dict[str, Any]], list[dict]]:
    session = Session("http://localhost/app")
    sent: list[dict[str, Any]] = []
    renderer = Renderer(session, sent.append)
    nodes = renderer.render(list(roots))
    return session, renderer, sent, nodes


async def test_renderer_full_render_walks_the_tree():
    a, b = Label(text="a"), Label(text="b")
    session, renderer, _sent, nodes = make(Box(objects=[a, Box(objects=[b])]))
    assert nodes[0]["kind"] == "Column"
    inner = nodes[0]["children"][1]
    assert inner["children"][0] == {"ref": b.view_ref, "kind": "Str",
                                    "props": {"text": "b", "visible": True}, "children": []}
    assert renderer.lookup(a.view_ref) is a
    assert len(renderer) == 4
    session.destroy()


async def test_renderer_patch_carries_only_changed_props_once_per_iteration():
    a = Label(text="a")
    session, _renderer, sent, _ = make(a)
    a.text = "b"
    a.text = "c"
    a.visible = False
    a.note = "ignored by the client"
    assert sent == []  # nothing until the loop turns
    await settle()
    assert sent == [{"type": "patch", "ops": [{"ref": a.view_ref,
                                                "props": {"text": "c", "visible": False}}]}]
    session.destroy()


async def test_renderer_follows_params_read_by_derived_props():
    u = Upper(object="hi")
    session, _renderer, sent, nodes = make(u)
    assert nodes[0]["props"] == {"text": "HI"}
    u.object = "yo"
    await settle()
    assert sent[-1]["ops"] == [{"ref": u.view_ref, "props": {"text": "YO"}}]
    session.destroy()


async def test_renderer_children_replacement_sends_new_nodes_and_stubs_for_kept():
    a, b, c = Label(text="a"), Label(text="b"), Label(text="c")
    box = Box(objects=[a, b])
    session, renderer, sent, _ = make(box)
    box.objects = [b, c]
    await settle()
    (op,) = sent[-1]["ops"]
    assert op["ref"] == box.view_ref
    assert op["children"][0] == {"ref": b.view_ref}
    assert op["children"][1]["props"]["text"] == "c"
    assert renderer.lookup(a.view_ref) is None and renderer.lookup(c.view_ref) is c
    # The removed child is no longer watched: changing it sends nothing.
    a.text = "gone"
    await settle()
    assert len(sent) == 1
    c.text = "C"
    await settle()
    assert sent[-1]["ops"] == [{"ref": c.view_ref, "props": {"text": "C"}}]
    session.destroy()


async def test_renderer_object_shown_twice_stays_watched_until_both_slots_go():
    a = Label(text="a")
    box1, box2 = Box(objects=[a]), Box(objects=[a])
    session, renderer, sent, _ = make(Box(objects=[box1, box2]))
    box1.objects = []
    await settle()
    a.text = "still shown"
    await settle()
    assert sent[-1]["ops"] == [{"ref": a.view_ref, "props": {"text": "still shown"}}]
    box2.objects = []
    await settle()
    assert renderer.lookup(a.view_ref) is None
    session.destroy()


class Stream(Viewable):
    """Appends silently, then emits the new points (as LineChart.stream does)."""

    view_kind = "LineChart"
    view_params: ClassVar[tuple[str, ...]] = ("x", "title")
    x = param.List([])
    title = param.String("")

    def stream(self, points: list[int]) -> None:
        with param.parameterized.discard_events(self):
            self.x = self.x + points
        self._emit({"op": "stream", "x": points})


async def test_renderer_sends_emitted_messages_in_order_with_other_ops():
    chart, label = Stream(x=[1]), Label(text="a")
    session, _renderer, sent, _ = make(Box(objects=[label, chart]))
    label.text = "b"
    chart.stream([2])
    chart.stream([3])
    await settle()
    assert sent[-1]["ops"] == [
        {"ref": label.view_ref, "props": {"text": "b"}},
        {"ref": chart.view_ref, "emit": {"op": "stream", "x": [2]}},
        {"ref": chart.view_ref, "emit": {"op": "stream", "x": [3]}},
    ]
    # What was streamed counts as sent: a later title change does not resend x.
    chart.title = "t"
    await settle()
    assert sent[-1]["ops"] == [{"ref": chart.view_ref, "props": {"title": "t"}}]
    session.destroy()


async def test_renderer_prop_changes_mixed_with_emits_send_the_final_state_once():
    chart = Stream(x=[1])
    session, _renderer, sent, _ = make(chart)
    chart.x = [9]
    chart.stream([3])
    chart.title = "after"
    await settle()
    assert sent[-1]["ops"] == [{"ref": chart.view_ref,
                                "props": {"visible": True, "x": [9, 3], "title": "after"}}]
    session.destroy()


async def test_renderer_does_not_echo_a_value_the_client_sent():
    a = Label(text="a")
    session, renderer, sent, _ = make(a)
    renderer.expect_echo(a.view_ref, "text", "typed")
    a.text = "typed"
    await settle()
    assert sent == []
    renderer.expect_echo(a.view_ref, "text", "typed2")
    a.text = "TYPED2"  # the server changed what the client sent: it must be told
    await settle()
    assert sent[-1]["ops"] == [{"ref": a.view_ref, "props": {"text": "TYPED2"}}]
    session.destroy()


async def test_renderer_changes_from_another_thread_are_sent_on_the_loop_thread():
    a = Label(text="a")
    session = Session("http://localhost/app")
    loop_thread = threading.get_ident()
    threads: list[int] = []

    def send(msg: dict[str, Any]) -> None:
        threads.append(threading.get_ident())

    renderer = Renderer(session, send)
    renderer.render([a])
    worker = threading.Thread(target=lambda: setattr(a, "text", "from thread"),
                              name="panel_state-test-writer")
    worker.start()
    worker.join()
    for _ in range(100):
        if threads:
            break
        await asyncio.sleep(0.005)
    assert threads == [loop_thread]
    session.destroy()


async def test_renderer_disconnected_keeps_state_and_sends_nothing():
    a = Label(text="a")
    session, renderer, sent, _ = make(a)
    renderer.connected = False
    a.text = "offline"
    await settle()
    assert sent == []
    renderer.connected = True
    assert renderer.render([a])[0]["props"]["text"] == "offline"
    session.destroy()


async def test_renderer_close_unwatches_and_cleans_up_unshared_objects():
    shared, own = Label(text="shared"), Label(text="own")
    s1, r1, sent1, _ = make(Box(objects=[shared, own]))
    s2, r2, sent2, _ = make(shared)
    r1.close()
    assert own.cleaned == 1 and shared.cleaned == 0  # the other session still shows it
    shared.text = "x"
    own.text = "y"
    await settle()
    assert sent1 == []
    assert sent2[-1]["ops"] == [{"ref": shared.view_ref, "props": {"text": "x"}}]
    r2.close()
    assert shared.cleaned == 1
    s1.destroy()
    s2.destroy()


async def test_renderer_is_collectable_after_close():
    a = Label(text="a")  # outlives the renderer, like a module-level widget
    session, renderer, _sent, _ = make(Box(objects=[a]))
    ref = weakref.ref(renderer)
    renderer.close()
    session.destroy()
    del renderer, session
    gc.collect()
    assert ref() is None
