"""Spacers and Divider: empty room of a size, or room that fills the row or column."""

from __future__ import annotations

import pytest

import panel_state as pn


def test_spacers_have_a_kind_each_and_sizes():
    assert pn.Spacer(width=40, height=10).view_props() == {
        "visible": True, "width": 40, "height": 10}
    assert [cls().view_kind for cls in (pn.Spacer, pn.HSpacer, pn.VSpacer,
                                        pn.layout.Divider)] == [
        "Spacer", "HSpacer", "VSpacer", "Divider"]
    assert pn.Row("a", pn.HSpacer(), "b")[1].view_children() == []


def test_spacer_sizes_are_whole_non_negative_pixels():
    with pytest.raises(ValueError, match="width"):
        pn.Spacer(width=-1)
    with pytest.raises(ValueError, match="height"):
        pn.Spacer(height="10px")
