"""Row and Column: children through panel(), list mutations, servable()."""

from __future__ import annotations

import gc
import weakref

import pytest

import panel_state as pn
from panel_state.pane import Markdown, Str
from panel_state.reactive import ParamFunction
from panel_state.testing import session


def objects_events(layout):
    events = []
    layout.param.watch(lambda e: events.append([type(o).__name__ for o in e.new]), "objects")
    return events


def test_layout_converts_raw_children_with_panel():
    button = pn.widgets.Button(name="Click me!")

    def indicator(busy):
        return "I'm busy" if busy else "I'm idle"

    row = pn.Row(button, pn.bind(indicator, pn.state.param.busy), "**md**", 3)
    assert [type(o) for o in row] == [pn.widgets.Button, ParamFunction, Markdown, Str]
    assert row[0] is button
    assert row.view_children() == row.objects
    assert row.view_kind == "Row" and pn.Column().view_kind == "Column"
    assert row.view_child_params == ("objects",)
    assert row.view_props() == {"visible": True, "scroll": ""}


def test_layout_objects_keyword_and_assignment_convert_too():
    col = pn.Column(objects=["a"])
    assert isinstance(col[0], Markdown)
    col.objects = ["b", 2]
    assert [type(o) for o in col] == [Markdown, Str]


def test_layout_rejects_both_positional_and_objects():
    with pytest.raises(ValueError, match="either positionally or as objects"):
        pn.Row("a", objects=["b"])


def test_layout_rejects_non_list_objects_unchanged():
    row = pn.Row("a")
    with pytest.raises(TypeError, match=r"Row\.objects must be a list of objects to display, "
                                        "got str 'abc'"):
        row.objects = "abc"
    assert len(row) == 1


def test_layout_rejects_containing_itself():
    outer = pn.Column()
    inner = pn.Row(outer)
    with pytest.raises(ValueError, match="Column cannot contain itself"):
        outer.append(inner)
    with pytest.raises(ValueError, match="Row cannot contain itself"):
        inner.append(inner)
    assert len(outer) == 0 and len(inner) == 1


def test_layout_append_extend_insert_each_send_one_change():
    row = pn.Row("a")
    events = objects_events(row)
    first = row[0]
    row.append("b")
    row.extend(["c", 4])
    row.insert(0, pn.widgets.Toggle())
    assert events == [
        ["Markdown", "Markdown"],
        ["Markdown", "Markdown", "Markdown", "Str"],
        ["Toggle", "Markdown", "Markdown", "Markdown", "Str"],
    ]
    assert row[1] is first and len(row) == 5


def test_layout_remove_pop_clear():
    a, b, c = pn.widgets.Button(), pn.widgets.Toggle(), pn.widgets.Checkbox()
    col = pn.Column(a, b, c)
    events = objects_events(col)
    col.remove(b)
    assert list(col) == [a, c]
    assert col.pop() is c and list(col) == [a]
    assert col.pop(0) is a and len(col) == 0
    with pytest.raises(IndexError, match=r"Column\.pop index -1 out of range for 0 children"):
        col.pop()
    with pytest.raises(ValueError, match="is not one of its children"):
        col.remove(b)
    col.extend([a, b])
    col.clear()
    assert len(col) == 0
    assert len(events) == 5


def test_layout_setitem_getitem_delitem_and_contains():
    a, b = pn.widgets.Button(), pn.widgets.Toggle()
    row = pn.Row(a, "x")
    events = objects_events(row)
    row[1] = b
    assert row[1] is b and b in row and "x" not in row
    row[0:1] = ["new", "two"]
    assert [type(o) for o in row] == [Markdown, Markdown, pn.widgets.Toggle]
    assert row[-2:] == row.objects[-2:]
    del row[0]
    assert len(row) == 2
    assert len(events) == 3


def test_layout_mutation_methods_make_new_lists():
    row = pn.Row("a")
    before = row.objects
    row.append("b")
    assert before is not row.objects and len(before) == 1


def test_layout_nested_layouts():
    inner = pn.Column("a", "b")
    outer = pn.Row(inner, pn.Column(pn.widgets.Button()))
    assert outer[0] is inner and outer.view_children()[1].view_children()[0].view_kind == "Button"


def test_layout_servable_adds_root_and_title():
    with session() as s:
        row = pn.Row("hello").servable(title="My app")
        button = pn.widgets.Button().servable()
        assert s.roots == [row, button]
        assert s.title == "My app"
        row.servable()
        assert s.roots == [row, button]


def test_servable_outside_session_returns_object():
    md = pn.pane.Markdown("x")
    assert md.servable() is md
    assert pn.panel(lambda: 1).servable().view_kind == "ParamFunction"


def test_layout_session_objects_are_freed_after_destroy():
    def indicator(busy):
        return "I'm busy" if busy else "I'm idle"

    with session() as s:
        button = pn.widgets.Button(name="Click me!")
        button.on_click(lambda event: None)
        row = pn.Row(button, pn.bind(indicator, pn.state.param.busy)).servable()
        refs = [weakref.ref(o) for o in (s, button, row, row[1], row[1].child)]
    del s, button, row
    gc.collect()
    assert [r() for r in refs] == [None] * len(refs)
