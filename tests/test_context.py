"""The current session: entering and leaving it, and contexts without it."""

from __future__ import annotations

import contextvars

from panel_state import context
from panel_state.session import Session

CELL = contextvars.ContextVar("cell", default=None)


def test_context_activate_nests_and_restores():
    a, b = Session("http://localhost/a"), Session("http://localhost/b")
    assert context.current_session() is None
    with context.activate(a):
        with context.activate(b):
            assert context.current_session() is b
        assert context.current_session() is a
    assert context.current_session() is None
    a.destroy(), b.destroy()


def test_context_enter_leave_restore_even_after_an_error():
    s = Session("http://localhost/a")
    token = context.enter(s)
    try:
        raise ValueError("user code failed")
    except ValueError:
        pass
    finally:
        context.leave(token)
    assert context.current_session() is None
    s.destroy()


def test_context_detached_keeps_other_variables_but_drops_the_session():
    s = Session("http://localhost/a")
    CELL.set("cell 7")
    with s.activate():
        ctx = context.detached_context()
    assert ctx.run(context.current_session) is None
    assert ctx.run(CELL.get) == "cell 7"
    s.destroy()
