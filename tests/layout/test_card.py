"""Card: title or header component, collapsed both ways, colours and classes checked."""

from __future__ import annotations

import pytest

import panel_state as pn


def test_card_children_sit_under_a_header_slot():
    card = pn.Card("text", pn.widgets.Button(name="Go"), title="Settings")
    header_row, *rest = card.view_children()
    assert header_row.view_kind == "Row" and header_row.objects == []
    assert rest == card.objects and len(card) == 2
    props = card.view_props()
    assert props["title"] == "Settings" and props["has_header"] is False
    assert props["collapsed"] is False and props["collapsible"] is True


def test_card_header_component_replaces_the_title():
    card = pn.Card("body", title="T", header="**Custom**")
    header_row = card.view_children()[0]
    assert [type(o).__name__ for o in header_row.objects] == ["Markdown"]
    assert card.view_props()["has_header"] is True
    card.header = None
    assert header_row.objects == [] and card.view_props()["has_header"] is False


def test_card_cannot_hold_itself_in_its_header():
    card = pn.Card()
    with pytest.raises(ValueError, match="Card cannot contain itself"):
        card.header = pn.Row(card)
    outer = pn.Column()
    with pytest.raises(ValueError, match="Column cannot contain itself"):
        outer.append(pn.Card(header=outer))
    assert card.header is None


def test_card_collapsed_from_the_client():
    card = pn.Card("x")
    card.apply_client_change("collapsed", True)
    assert card.collapsed is True
    with pytest.raises((ValueError, TypeError)):
        card.apply_client_change("collapsed", "yes")
    with pytest.raises(ValueError, match="does not accept client changes to 'title'"):
        card.apply_client_change("title", "new")
    assert card.collapsed is True and card.title == ""


@pytest.mark.parametrize("value", ["red; background: url(x)", "expression(alert(1))",
                                   "#zzz", "rgb(1,2,3)) ; x"])
def test_card_colours_must_be_css_colours(value):
    card = pn.Card(header_background="#336699")
    with pytest.raises(ValueError, match=r"Card\.header_background must be a CSS colour"):
        card.header_background = value
    assert card.header_background == "#336699"


def test_card_class_lists_must_be_class_names():
    card = pn.Card(header_css_classes=["card-header", "mine"])
    assert card.view_props()["header_css_classes"] == ["card-header", "mine"]
    with pytest.raises(ValueError, match=r"entries must be CSS class names .* got 'a b'"):
        card.title_css_classes = ["a b"]
    with pytest.raises(ValueError, match="must be a list of CSS class names"):
        pn.Card(button_css_classes="card-button")
