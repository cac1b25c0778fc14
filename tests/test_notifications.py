"""pn.state.notifications: toasts queued for the session's client, checked, dismissable."""

from __future__ import annotations

import pytest

import panel_state as pn
from panel_state import notifications as notes
from panel_state.testing import session


def sent(s):
    return [c for c in s.take_commands() if c["type"] in ("notification", "notifications")]


@pytest.mark.parametrize("kind", ["info", "success", "warning", "error"])
def test_notifications_each_kind_queues_a_toast_for_the_client(kind):
    with session() as s:
        note = getattr(pn.state.notifications, kind)("Saved <b>x</b>", duration=1500)
        assert sent(s) == [{"type": "notification", "action": "show", "id": note.id,
                            "message": "Saved <b>x</b>", "kind": kind, "duration": 1500,
                            "background": None, "icon": None}]
        assert (note.message, note.duration, note.notification_type) == (
            "Saved <b>x</b>", 1500, kind)
        assert pn.state.notifications.notifications == [note]


def test_notifications_send_takes_a_background_and_an_icon():
    with session() as s:
        note = pn.state.notifications.send("Hi", duration=0, background="#ff8800", icon="☀")
        (msg,) = sent(s)
        assert (msg["kind"], msg["duration"], msg["background"], msg["icon"]) == (
            "default", 0, "#ff8800", "☀")
        assert note.notification_type is None


def test_notification_destroy_dismisses_it_once():
    with session() as s:
        area = pn.state.notifications
        note = area.info("x")
        sent(s)
        note.destroy()
        note.destroy()
        assert sent(s) == [{"type": "notification", "action": "dismiss", "id": note.id,
                            "message": "", "kind": "default", "duration": 0,
                            "background": None, "icon": None}]
        assert note.destroyed and area.notifications == []


def test_notifications_clear_dismisses_every_toast():
    with session() as s:
        area = pn.state.notifications
        first, second = area.info("a"), area.error("b")
        sent(s)
        area.clear()
        assert [m["action"] for m in sent(s)] == ["clear"]
        assert first.destroyed and second.destroyed and area.notifications == []


def test_notifications_settings_changes_go_to_the_client():
    with session() as s:
        area = pn.state.notifications
        area.position = "top-center"
        assert sent(s) == [{"type": "notifications", "position": "top-center", "max": 5,
                            "disconnect": None}]


def test_notifications_remember_only_the_last_ones():
    with session():
        area = pn.state.notifications
        for i in range(notes.KEEP + 5):
            area.info(str(i), duration=10)
        assert len(area.notifications) == notes.KEEP
        assert area.notifications[0].message == "5"


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda a: a.info(3), TypeError, "Notification message must be a string, got int 3"),
    (lambda a: a.info("x", duration=-5), ValueError,
     r"Notification duration must be milliseconds >= 0 \(0 keeps it until dismissed\), "
     r"got -5"),
    (lambda a: a.send("x", type="fatal"), ValueError, r"Notification type must be one of "
     r"\['info', 'success', 'warning', 'error'\] or None, got 'fatal'"),
    (lambda a: a.send("x", background="red; background-image: url(x)"), ValueError,
     "Notification background must be a CSS colour"),
    (lambda a: a.send("x", icon="x" * 50), ValueError,
     "Notification icon must be at most 16 characters, got 50"),
])
def test_notifications_refuse_bad_input_and_send_nothing(call, error, message):
    with session() as s:
        area = pn.state.notifications
        with pytest.raises(error, match=message):
            call(area)
        assert sent(s) == [] and area.notifications == []


def test_notifications_outside_a_session_say_they_need_one():
    with pytest.raises(RuntimeError, match=r"pn\.state\.notifications needs a session to show "
                                           r"a toast in"):
        pn.state.notifications.info("hello")
    assert pn.state.notifications.notifications == []


def test_notifications_are_none_when_config_turns_them_off():
    pn.config.notifications = False
    with session():
        assert pn.state.notifications is None


def test_notification_area_does_not_keep_its_session_alive():
    import gc
    import weakref

    with session() as s:
        area = pn.state.notifications
        ref = weakref.ref(s)
    del s
    gc.collect()
    assert ref() is None
    area.info("after the session")  # goes nowhere, raises nothing
