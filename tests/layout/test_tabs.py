"""Tabs: titles from pairs or names, ``active`` kept in range, client changes checked."""

from __future__ import annotations

import asyncio

import pytest

import panel_state as pn
from panel_state.layout.tabs import title_of
from panel_state.pane import Markdown
from panel_state.session import Session
from panel_state.wire.render import Renderer


def titles(tabs):
    return tabs.view_props()["titles"]


def test_tabs_titles_come_from_pairs_or_names():
    button = pn.widgets.Button(name="Go")
    tabs = pn.Tabs(("Intro", "# Hello"), button, "plain text", pn.widgets.Toggle())
    assert titles(tabs) == ["Intro", "Go", "Markdown", "Toggle"]
    assert tabs[1] is button and isinstance(tabs[0], Markdown)
    assert tabs.view_kind == "Tabs" and tabs.view_children() == tabs.objects


def test_tabs_title_of_drops_params_counter():
    assert title_of(pn.pane.Str(1)) == "Str"
    assert title_of(pn.pane.Str(1, name="Numbers")) == "Numbers"
    assert title_of(pn.pane.Str(1, name="Plot 2024")) == "Plot 2024"


def test_tabs_list_methods_take_pairs_and_keep_titles():
    tabs = pn.Tabs(("A", "a"), ("B", "b"))
    first = tabs[0]
    tabs.append(("C", "c"))
    tabs.insert(0, ("Z", "z"))
    tabs[2] = ("B2", "b2")
    assert titles(tabs) == ["Z", "A", "B2", "C"]
    tabs.remove(first)
    assert titles(tabs) == ["Z", "B2", "C"]
    tabs.objects = list(reversed(tabs.objects))
    assert titles(tabs) == ["C", "B2", "Z"]
    tabs.extend([("D", "d")])
    tabs.clear()
    assert titles(tabs) == [] and len(tabs) == 0


def test_tabs_objects_keyword_takes_pairs():
    tabs = pn.Tabs(objects=[("One", 1), ("Two", 2)])
    assert titles(tabs) == ["One", "Two"]


def test_tabs_rejects_bad_pairs_unchanged():
    tabs = pn.Tabs(("A", "a"))
    with pytest.raises(TypeError, match=r"\(title, object\) with a string title, got \(1, 'x'\)"):
        tabs.append((1, "x"))
    with pytest.raises(TypeError, match="must be a list of objects"):
        tabs.objects = "abc"
    assert titles(tabs) == ["A"] and len(tabs) == 1


def test_tabs_active_follows_the_shown_child_when_others_go():
    tabs = pn.Tabs(("A", "a"), ("B", "b"), ("C", "c"))
    tabs.active = 2
    tabs.pop(0)
    assert tabs.active == 1 and titles(tabs)[tabs.active] == "C"
    tabs.pop()  # the shown one: the last remaining shows
    assert tabs.active == 0 and titles(tabs) == ["B"]
    tabs.insert(0, ("Z", "z"))
    assert titles(tabs)[tabs.active] == "B"


def test_tabs_active_must_be_in_range():
    tabs = pn.Tabs(("A", "a"), ("B", "b"))
    with pytest.raises(ValueError, match="active"):
        tabs.active = 2
    tabs.active = -1
    assert tabs.active == -1


def test_tabs_client_sets_active_and_bad_values_change_nothing():
    tabs = pn.Tabs(("A", "a"), ("B", "b"))
    seen = []
    tabs.param.watch(lambda e: seen.append(e.new), "active")
    tabs.apply_client_change("active", 1)
    assert tabs.active == 1 and seen == [1]
    for bad in (5, "1", None):
        with pytest.raises((ValueError, TypeError)):
            tabs.apply_client_change("active", bad)
    with pytest.raises(ValueError, match="does not accept client changes to 'objects'"):
        tabs.apply_client_change("objects", [])
    assert tabs.active == 1 and seen == [1]


def test_tabs_close_from_the_client_only_when_closable():
    tabs = pn.Tabs(("A", "a"), ("B", "b"))
    with pytest.raises(ValueError, match="not closable"):
        tabs.apply_client_change("close", 0)
    tabs.closable = True
    with pytest.raises(ValueError, match=r"close index must be an int in \[0, 2\), got 7"):
        tabs.apply_client_change("close", 7)
    tabs.apply_client_change("close", 0)
    assert titles(tabs) == ["B"]


def test_tabs_location_is_checked():
    tabs = pn.Tabs(("A", "a"), tabs_location="left")
    assert tabs.view_props()["tabs_location"] == "left"
    with pytest.raises(ValueError, match="tabs_location"):
        pn.Tabs(tabs_location="top")


def test_tabs_dynamic_holds_only_the_shown_child():
    tabs = pn.Tabs(("A", "a"), ("B", "b"), ("C", "c"), dynamic=True)
    a, b, c = tabs.objects
    assert tabs.view_children() == [a]
    props = tabs.view_props()
    assert props["dynamic"] is True and props["shown"] == 0 and props["titles"] == ["A", "B", "C"]
    tabs.active = 2
    assert tabs.view_children() == [c] and tabs.view_props()["shown"] == 2
    tabs.pop(2)  # the shown one goes: the last remaining shows
    assert tabs.view_children() == [b] and tabs.active == 1
    tabs.active = -1
    assert tabs.view_children() == [] and tabs.view_props()["shown"] == -1
    tabs.dynamic = False
    assert tabs.view_children() == [a, b] and tabs.view_props()["shown"] == -1
    with pytest.raises(ValueError, match="dynamic"):
        tabs.dynamic = "yes"


async def test_tabs_dynamic_sends_the_newly_shown_child_as_it_is_now():
    text = pn.widgets.TextInput(value="old")
    tabs = pn.Tabs(("A", "a"), ("B", text), dynamic=True)
    session = Session("http://localhost/app")
    sent: list = []
    renderer = Renderer(session, sent.append)
    (node,) = renderer.render([tabs])
    assert [child["ref"] for child in node["children"]] == [tabs[0].view_ref]
    assert renderer.lookup(text.view_ref) is None  # a hidden child costs nothing

    text.value = "changed while hidden"
    for _ in range(3):
        await asyncio.sleep(0)
    assert sent == []
    tabs.apply_client_change("active", 1)
    for _ in range(3):
        await asyncio.sleep(0)
    ops = sent[-1]["ops"]
    children = next(op["children"] for op in ops if "children" in op)
    assert [child["ref"] for child in children] == [text.view_ref]
    assert children[0]["props"]["value"] == "changed while hidden"
    assert {"ref": tabs.view_ref, "props": {"active": 1, "shown": 1}} in ops
    assert renderer.lookup(tabs[0].view_ref) is None and renderer.lookup(text.view_ref) is text
    session.destroy()


def test_tabs_repr_shows_titles():
    assert repr(pn.Tabs(("A", "a"))) == "Tabs(('A', Markdown('a')))"
