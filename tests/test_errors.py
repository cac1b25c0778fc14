"""Error reports: one log line with context, the handler with or without the context."""

from __future__ import annotations

import functools
import logging

import pytest

import panel_state as pn
from panel_state import errors, execution
from panel_state.errors import ErrorContext, describe, handle_exception
from panel_state.testing import session


def test_errors_describe_names_functions_partials_and_objects():
    def refresh():
        pass

    assert describe(refresh).endswith("test_errors_describe_names_functions_partials_and_objects"
                                      ".<locals>.refresh")
    assert describe(functools.partial(refresh)) == describe(refresh)
    assert describe(len) == "len"


def test_errors_one_argument_handler_gets_the_exception(caplog):
    seen = []
    pn.config.exception_handler = seen.append
    handle_exception(ValueError("boom"), "a test callback")
    assert [str(e) for e in seen] == ["boom"]
    [record] = [r for r in caplog.records if r.name == "panel_state.errors"]
    assert record.getMessage() == "Error in a test callback: boom"
    assert record.exc_info is not None


def test_errors_two_argument_handler_gets_callback_session_and_kind():
    seen: list[tuple[BaseException, ErrorContext]] = []
    pn.config.exception_handler = lambda exc, ctx: seen.append((exc, ctx))
    with session() as s:
        handle_exception(KeyError("k"), "on_click callback app.go", s, "event")
    [(exc, ctx)] = seen
    assert isinstance(exc, KeyError)
    assert (ctx.what, ctx.kind, ctx.session, ctx.session_id) == (
        "on_click callback app.go", "event", s, s.id)


def test_errors_a_raising_handler_is_logged_not_raised(caplog):
    def handler(exc):
        raise RuntimeError("handler broke")

    pn.config.exception_handler = handler
    handle_exception(ValueError("boom"), "a test callback")
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert messages == ["Error in a test callback: boom",
                        "config.exception_handler raised while handling an error in a test "
                        "callback"]


@pytest.mark.parametrize("kind", ["periodic", "task", "onload", "hook"])
def test_errors_every_runner_kind_reaches_the_two_argument_handler(kind):
    seen: list[ErrorContext] = []
    pn.config.exception_handler = lambda exc, ctx: seen.append(ctx)
    execution.run(lambda: 1 / 0, what="user code", kind=kind)
    assert [(c.what, c.kind) for c in seen] == [("user code", kind)]


def test_errors_listeners_see_every_report_after_the_log_line_and_one_may_fail(caplog):
    seen: list[tuple[str, str]] = []

    def broken(exc, context):
        raise RuntimeError("listener bug")

    def listener(exc, context):
        seen.append((str(exc), context.kind))

    errors.add_listener(broken)
    errors.add_listener(listener)
    errors.add_listener(listener)  # once per callable
    try:
        errors.handle_exception(ValueError("boom"), "a periodic tick", kind="periodic")
    finally:
        errors.remove_listener(broken)
        errors.remove_listener(listener)
    errors.remove_listener(listener)  # not added any more: no error
    errors.handle_exception(ValueError("later"), "another tick")
    assert seen == [("boom", "periodic")]
    assert "An error listener raised while handling an error in a periodic tick" in caplog.text
