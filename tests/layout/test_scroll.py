"""Scrolling layouts: Panel's scroll keywords on Row, Column, Card and Tabs, checked and sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import panel_state as pn
from panel_state.layout.base import SCROLL_MODES, scroll_mode
from panel_state.session import Session
from panel_state.wire.render import Renderer


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


def shown(*roots: Any) -> tuple[Session, list[dict[str, Any]], list[dict[str, Any]]]:
    session = Session("http://localhost/app")
    sent: list[dict[str, Any]] = []
    nodes = Renderer(session, sent.append).render(list(roots))
    return session, sent, nodes


def test_scroll_defaults_send_no_scrolling():
    col = pn.Column("a")
    assert (col.scroll, col.scroll_position, col.auto_scroll_limit,
            col.scroll_button_threshold, col.view_latest) == (False, 0, 0, 0, False)
    assert col.view_props() == {"visible": True, "scroll": "", "scroll_position": 0,
                                "auto_scroll_limit": 0, "scroll_button_threshold": 0,
                                "view_latest": False}


@pytest.mark.parametrize("value", SCROLL_MODES)
def test_scroll_takes_every_panel_value(value):
    for layout in (pn.Row(), pn.Column(), pn.Tabs(), pn.Card()):
        layout.scroll = value
        assert layout.scroll == value


def test_scroll_true_follows_the_layouts_direction():
    assert pn.Column(scroll=True).view_props()["scroll"] == "y-auto"
    assert pn.Row(scroll=True).view_props()["scroll"] == "x-auto"
    assert pn.Tabs(scroll=True).view_props()["scroll"] == "both-auto"
    assert pn.Card(scroll="x").view_props()["scroll"] == "x"
    assert [scroll_mode(v, "y-auto") for v in SCROLL_MODES] == [
        "", "y-auto", "both-auto", "y-auto", "x-auto", "both", "x", "y"]


def test_scroll_rejects_other_values_unchanged():
    col = pn.Column(scroll="both")
    with pytest.raises(ValueError, match=r"Column.scroll.*does not accept 'x-axis'"):
        col.scroll = "x-axis"
    with pytest.raises(ValueError, match=r"Row.scroll.*does not accept 'sideways'"):
        pn.Row(scroll="sideways")
    assert col.scroll == "both"


@pytest.mark.parametrize("name", ["scroll_position", "auto_scroll_limit",
                                  "scroll_button_threshold"])
def test_scroll_pixel_params_must_be_non_negative_ints(name):
    col = pn.Column(**{name: 10})
    with pytest.raises(ValueError, match=rf"Column.{name}.*-5"):
        setattr(col, name, -5)
    with pytest.raises(ValueError, match=rf"Column.{name}"):
        setattr(col, name, "10px")
    assert getattr(col, name) == 10


def test_scroll_keywords_only_where_panel_has_them():
    with pytest.raises(TypeError, match="scroll_position"):
        pn.Row(scroll_position=10)
    with pytest.raises(TypeError, match="view_latest"):
        pn.Tabs(view_latest=True)
    assert "scroll" not in pn.FlexBox.param


@pytest.mark.parametrize("params", [{"auto_scroll_limit": 10},
                                    {"scroll_button_threshold": 20},
                                    {"view_latest": True}, {"scroll_position": 5}])
def test_scroll_turns_on_with_any_scroll_keyword(params):
    assert pn.Column(**params).scroll is True
    assert pn.Column(scroll="x", **params).scroll == "x"  # an axis given stays


def test_scroll_turns_on_when_set_later():
    col = pn.Column("a")
    col.auto_scroll_limit = 50
    assert col.scroll is True and col.view_props()["scroll"] == "y-auto"


def test_scroll_position_follows_the_client_and_refuses_bad_values():
    col = pn.Column(*range(20), height=100, scroll=True)
    col.apply_client_change("scroll_position", 240)
    assert col.scroll_position == 240
    with pytest.raises(ValueError, match="scroll_position"):
        col.apply_client_change("scroll_position", -1)
    with pytest.raises(ValueError, match="does not accept client changes to 'view_latest'"):
        col.apply_client_change("view_latest", True)
    card = pn.Card("x", scroll=True)
    card.apply_client_change("scroll_position", 7)
    assert col.scroll_position == 240 and card.scroll_position == 7


async def test_scroll_changes_reach_the_client_as_props():
    col = pn.Column("a", "b", height=100)
    session, sent, nodes = shown(col)
    assert nodes[0]["props"]["scroll"] == "" and nodes[0]["props"]["scroll_position"] == 0
    col.param.update(scroll_position=300, auto_scroll_limit=60)
    await settle()
    assert sent[-1]["ops"] == [{"ref": col.view_ref, "props": {
        "scroll_position": 300, "auto_scroll_limit": 60, "scroll": "y-auto"}}]
    session.destroy()


async def test_scroll_to_sends_the_childs_ref():
    col = pn.Column("a", "b", "c", scroll=True)
    session, sent, _ = shown(col)
    col.scroll_to(2)
    col.scroll_to(-3)
    await settle()
    assert sent[-1]["ops"] == [
        {"ref": col.view_ref, "emit": {"op": "scroll_to", "ref": col[2].view_ref}},
        {"ref": col.view_ref, "emit": {"op": "scroll_to", "ref": col[0].view_ref}}]
    with pytest.raises(IndexError, match=r"Column.scroll_to index 3 out of range for 3"):
        col.scroll_to(3)
    session.destroy()
