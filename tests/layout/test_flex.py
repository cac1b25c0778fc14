"""FlexBox: every flex option is one of CSS's values; gap is one or two lengths."""

from __future__ import annotations

import pytest

import panel_state as pn


def test_flexbox_props_carry_every_option():
    box = pn.FlexBox("a", "b", flex_direction="column", flex_wrap="nowrap",
                     justify_content="space-between", align_items="center",
                     align_content="stretch", gap="1em 2%")
    assert box.view_kind == "FlexBox" and len(box) == 2
    assert box.view_props() == {
        "visible": True, "flex_direction": "column", "flex_wrap": "nowrap",
        "justify_content": "space-between", "align_items": "center",
        "align_content": "stretch", "gap": "1em 2%"}


def test_flexbox_defaults_match_panel():
    box = pn.FlexBox()
    assert (box.flex_direction, box.flex_wrap, box.justify_content, box.align_items,
            box.align_content, box.gap) == ("row", "wrap", "flex-start", "flex-start",
                                            "flex-start", "")


@pytest.mark.parametrize(("name", "value"), [
    ("flex_direction", "diagonal"), ("flex_wrap", "yes"),
    ("justify_content", "middle"), ("align_items", "top"), ("align_content", "x")])
def test_flexbox_rejects_values_css_does_not_have(name, value):
    box = pn.FlexBox()
    before = getattr(box, name)
    with pytest.raises(ValueError, match=name):
        setattr(box, name, value)
    assert getattr(box, name) == before


@pytest.mark.parametrize("gap", ["10px; color: red", "url(x)", "10", "1px 2px 3px", 5])
def test_flexbox_gap_must_be_lengths(gap):
    box = pn.FlexBox(gap="4px")
    with pytest.raises(ValueError, match=r"FlexBox\.gap must be '' or one or two CSS lengths"):
        box.gap = gap
    assert box.gap == "4px"
