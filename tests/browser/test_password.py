"""PasswordInput in Chromium: masked, typed text reaches Python, Python's reaches the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import panel_state as pn

pytestmark = pytest.mark.browser


def test_browser_password_input_round_trip_disabled_and_hidden(serve, tab):
    made: dict[str, pn.widgets.PasswordInput] = {}

    def app():
        secret = made["secret"] = pn.widgets.PasswordInput(name="Password")
        steps = iter([{"value": "from python"}, {"disabled": True}, {"visible": False}])
        act = pn.widgets.Button(name="Next")
        act.on_click(lambda event: secret.param.update(next(steps)))
        return pn.Column(secret, pn.bind(lambda v: f"length {len(v)}", secret), act)

    page = tab.page
    page.goto(serve(app).url)
    field = page.get_by_label("Password")
    expect(field).to_have_attribute("type", "password")
    field.fill("s3cret <b>")
    field.press("Enter")
    expect(page.get_by_text("length 10")).to_be_visible()
    assert made["secret"].value == "s3cret <b>"
    next_step = page.get_by_role("button", name="Next")
    next_step.click()
    expect(field).to_have_value("from python")
    expect(page.get_by_text("length 11")).to_be_visible()
    next_step.click()
    expect(field).to_be_disabled()
    next_step.click()
    expect(field).to_be_hidden()
    assert tab.errors == []
