"""Switch, TextAreaInput, StaticText and TextInput's max_length."""

from __future__ import annotations

import pytest

import panel_state as pn

W = pn.widgets


def test_switch_is_a_boolean_with_its_own_renderer():
    switch = W.Switch(name="Dark mode")
    assert switch.view_kind == "Switch"
    assert switch.view_props() == {"name": "Dark mode", "visible": True, "disabled": False,
                                   "value": False}
    switch.apply_client_change("value", True)
    assert switch.value is True


def test_switch_refuses_a_non_bool_from_the_client_unchanged():
    switch = W.Switch(value=True)
    with pytest.raises(ValueError, match=r"Switch\.value"):
        switch.apply_client_change("value", "off")
    assert switch.value is True


def test_text_area_props_and_multiline_value():
    area = W.TextAreaInput(name="Notes", rows=4, cols=30, placeholder="Write here",
                           auto_grow=True, max_rows=8, resizable="height")
    assert area.view_props() == {
        "name": "Notes", "visible": True, "disabled": False, "value": "",
        "placeholder": "Write here", "max_length": 5000, "rows": 4, "cols": 30,
        "auto_grow": True, "max_rows": 8, "resizable": "height"}
    area.apply_client_change("value", "one\ntwo")
    assert area.value.splitlines() == ["one", "two"]


def test_text_area_refuses_text_longer_than_max_length_unchanged():
    area = W.TextAreaInput(name="Bio", max_length=5, value="short")
    with pytest.raises(ValueError, match=r"TextAreaInput 'Bio': value must have at most "
                                         r"max_length=5 characters, got 6"):
        area.apply_client_change("value", "longer")
    assert area.value == "short"
    area.max_length = None
    area.apply_client_change("value", "x" * 10_000)
    assert len(area.value) == 10_000


def test_text_input_max_length_applies_to_the_client_too():
    text = W.TextInput(max_length=3)
    with pytest.raises(ValueError, match="at most max_length=3"):
        text.apply_client_change("value", "abcd")
    assert text.value == ""


def test_text_area_refuses_bad_keywords():
    with pytest.raises(ValueError, match="resizable"):
        W.TextAreaInput(resizable="diagonal")
    with pytest.raises(ValueError, match="rows"):
        W.TextAreaInput(rows=0)


def test_static_text_shows_any_value_as_text():
    static = W.StaticText(name="Model", value="<b>v2</b>")
    assert static.view_props() == {"name": "Model", "visible": True, "disabled": False,
                                   "text": "<b>v2</b>"}
    static.value = 3.5
    assert static.view_props()["text"] == "3.5"
    static.value = None
    assert static.view_props()["text"] == ""


def test_static_text_takes_no_client_changes():
    static = W.StaticText(value="fixed")
    with pytest.raises(ValueError, match="does not accept client changes to 'value'"):
        static.apply_client_change("value", "changed")
    assert static.value == "fixed"


def test_panel_keywords_the_widgets_ignore_warn_once_and_unknown_ones_fail(recwarn):
    W.TextAreaInput(description="Help text")
    W.TextAreaInput(description="Again")
    warned = [str(w.message) for w in recwarn.list]
    assert warned == ["pn.widgets.TextAreaInput: Panel's 'description' is not supported by "
                      "panel_state yet and is ignored."]
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        W.TextAreaInput(colour="red")


def test_password_input_is_a_text_input_the_page_masks():
    secret = W.PasswordInput(name="Password", placeholder="Enter a password", max_length=8)
    assert secret.view_kind == "PasswordInput"
    assert secret.view_props()["placeholder"] == "Enter a password"
    secret.apply_client_change("value", "hunter2")
    assert secret.value == "hunter2"
    with pytest.raises(ValueError, match=r"PasswordInput 'Password': value must have at most "
                                         r"max_length=8 characters, got 9"):
        secret.apply_client_change("value", "123456789")
    assert secret.value == "hunter2"


@pytest.mark.parametrize("cls", [W.TextInput, W.TextAreaInput])
def test_text_value_input_follows_typing_and_value(cls):
    text = cls(value="start")
    assert text.value_input == "start"
    text.apply_client_change("value_input", "typ")      # each keystroke
    assert (text.value, text.value_input) == ("start", "typ")
    text.apply_client_change("value", "typed")          # Enter or blur
    assert text.value_input == "typed"
    text.value = "from python"
    assert text.value_input == "from python"
    text.max_length = 3
    with pytest.raises(ValueError, match="at most max_length=3 characters"):
        text.apply_client_change("value_input", "long")
    assert text.value_input == "from python"


def test_text_input_enter_pressed_is_an_event_after_the_value():
    text = W.TextInput()
    seen = []
    text.param.watch(lambda event: seen.append((event.new, text.value)), "enter_pressed")
    text.apply_client_change("value", "query")
    text.apply_client_change("enter_pressed", True)
    assert seen == [(True, "query")] and text.enter_pressed is False
    assert "enter_pressed" in text.view_actions


def test_inputs_doctests():
    import doctest

    import panel_state.widgets.inputs

    assert doctest.testmod(panel_state.widgets.inputs).failed == 0
