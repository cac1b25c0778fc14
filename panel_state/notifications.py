"""Notifications: toasts in the page, ``pn.state.notifications``.

Each session has one :class:`NotificationArea` (made on first use). ``info``,
``success``, ``warning``, ``error`` and ``send`` queue a ``notification`` message for
the session's client, which shows the text as a toast -- always as text, never as
markup, so a message can carry anything a user typed. A toast disappears after its
``duration`` (milliseconds; 0 keeps it until dismissed), when :meth:`Notification.destroy`
is called, or when :meth:`NotificationArea.clear` clears them all.

The area sends through the ``post`` function it is given (the session's
:meth:`~panel_state.session.Session.post`), held weakly, so a notification kept by
user code does not keep its session alive.

Examples
--------
>>> sent = []
>>> area = NotificationArea(post=sent.append)
>>> note = area.info('Saved <b>report.csv</b>', duration=2000)
>>> sent[0]['action'], sent[0]['message'], sent[0]['kind']
('show', 'Saved <b>report.csv</b>', 'info')
>>> note.destroy()
>>> sent[1]['action'], sent[1]['id'] == note.id
('dismiss', True)
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections.abc import Callable
from typing import Any

import param

from ._params import get_value, set_readonly
from .config import config
from .wire import protocol

__all__ = ["KINDS", "OUTSIDE", "POSITIONS", "Notification", "NotificationArea"]

#: The notification types the client styles; ``send(type=None)`` is a plain one.
KINDS = ("default", "info", "success", "warning", "error")

#: Where the client places the toasts (Panel's positions).
POSITIONS = ("bottom-right", "bottom-left", "bottom-center", "top-left", "top-right",
             "top-center", "center-center", "center-left", "center-right")

#: CSS colours a background may be: ``#rgb``/``#rrggbb``(``aa``), a colour name, or
#: ``rgb()``/``rgba()``/``hsl()``/``hsla()`` of plain numbers.
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|"
                     r"(?:rgb|rgba|hsl|hsla)\(\s*[0-9.%\s,/deg]{1,60}\)")

#: How many sent notifications an area remembers in ``notifications``.
KEEP = 100

_ids = itertools.count(1)
_lock = threading.Lock()


def _check_duration(duration: Any) -> int:
    if isinstance(duration, bool) or not isinstance(duration, int | float) or not (
            duration >= 0) or duration == float("inf"):
        raise ValueError(f"Notification duration must be milliseconds >= 0 (0 keeps it until "
                         f"dismissed), got {duration!r}.")
    return int(duration)


def _check_text(name: str, value: Any, limit: int = 10_000) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"Notification {name} must be a string, got "
                        f"{type(value).__name__} {value!r}.")
    if len(value) > limit:
        raise ValueError(f"Notification {name} must be at most {limit} characters, got "
                         f"{len(value)}; shorten it.")
    return value


class Notification(param.Parameterized):
    """One toast, as :meth:`NotificationArea.send` returns it."""

    message = param.String(default="", readonly=True, doc="The text shown (never as markup).")
    duration = param.Integer(default=3000, readonly=True, doc="""
        Milliseconds the toast stays; 0 keeps it until dismissed.""")
    notification_type = param.String(default=None, allow_None=True, readonly=True, doc="""
        'info', 'success', 'warning', 'error', or None for a plain toast.""")
    background = param.String(default=None, allow_None=True, readonly=True, doc="""
        A CSS colour for the toast's background, or None for the type's colour.""")
    icon = param.String(default=None, allow_None=True, readonly=True, doc="""
        A short text (an emoji, a symbol) shown before the message, or None.""")
    destroyed = param.Boolean(default=False, readonly=True, doc="""
        True once the toast was dismissed from Python (``destroy()`` or ``clear()``).""")

    def __init__(self, area: NotificationArea, id: int, **params: Any) -> None:
        super().__init__()
        for name, value in params.items():
            set_readonly(self, name, value)
        self.id = id
        self._area = weakref.ref(area)

    def destroy(self) -> None:
        """Dismiss the toast now (harmless if it is already gone)."""
        area = self._area()
        if self.destroyed or area is None:
            return
        set_readonly(self, "destroyed", True)
        area.forget(self)

    dismiss = destroy

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.notification_type or 'default'} {self.message!r}>"


class NotificationArea(param.Parameterized):
    """A session's toasts: ``pn.state.notifications``.

    Thread-safety: every method may be called from any thread; the messages go out
    with the session's next flush on its loop.

    Parameters
    ----------
    post : callable
        ``post(message)`` queues one protocol message for the client (held weakly when
        it is a bound method).
    """

    max_notifications = param.Integer(default=5, bounds=(1, 100), doc="""
        How many toasts the page shows at once; the oldest goes first.""")
    position: str = param.Selector(  # type: ignore[assignment]
        default="bottom-right", objects=list(POSITIONS), doc="Where the page shows the toasts.")
    notifications = param.List(default=[], item_type=Notification, readonly=True, doc="""
        The toasts sent and not dismissed from Python, oldest first: the last
        :data:`KEEP` of them (the page times expired ones out on its own).""")

    def __init__(self, post: Callable[[dict[str, Any]], Any], **params: Any) -> None:
        super().__init__(**params)
        self._post: Callable[[], Callable[[dict[str, Any]], Any] | None]
        if hasattr(post, "__self__"):
            self._post = weakref.WeakMethod(post)
        else:
            self._post = lambda: post
        self._lock = threading.Lock()
        self.param.watch(lambda _e: self._configure(), ["max_notifications", "position"])

    def settings(self) -> dict[str, Any]:
        """The ``notifications`` settings message for the client."""
        return protocol.notifications_message(
            self.position, self.max_notifications,
            get_value(config, "disconnect_notification"))

    def _send(self, message: dict[str, Any]) -> None:
        post = self._post()
        if post is not None:
            post(message)

    def _configure(self) -> None:
        self._send(self.settings())

    # -- sending -----------------------------------------------------------------------
    def send(self, message: str, duration: int = 3000, type: str | None = None,
             background: str | None = None, icon: str | None = None) -> Notification:
        """Show ``message`` as a toast.

        Parameters
        ----------
        message : str
            The text; shown as text, so markup appears literally.
        duration : int
            Milliseconds it stays; 0 keeps it until dismissed.
        type : {'info', 'success', 'warning', 'error'}, optional
            Its colour scheme; None for a plain toast.
        background : str, optional
            A CSS colour overriding the type's background.
        icon : str, optional
            A short text (an emoji) shown before the message.

        Returns
        -------
        Notification
            Call ``.destroy()`` on it to dismiss it early.

        Raises
        ------
        TypeError, ValueError
            For a message that is not text, a bad duration, type, background or icon;
            nothing is shown then.
        """
        text = _check_text("message", message)
        millis = _check_duration(duration)
        if type is not None and (not isinstance(type, str) or type not in KINDS):
            raise ValueError(f"Notification type must be one of {list(KINDS[1:])} or None, "
                             f"got {type!r}.")
        if background is not None and (not isinstance(background, str)
                                       or not _COLOUR.fullmatch(background)):
            raise ValueError(f"Notification background must be a CSS colour ('#d9534f', "
                             f"'teal', 'rgb(0, 128, 0)'), got {background!r}.")
        icon = _check_text("icon", icon, limit=16)
        with _lock:
            number = next(_ids)
        self._send(protocol.notification_message(
            "show", number, text or "", type or "default", millis, background, icon))
        note = Notification(self, number, message=text or "", duration=millis,
                            notification_type=type, background=background, icon=icon)
        with self._lock:
            set_readonly(self, "notifications", [*self.notifications, note][-KEEP:])
        return note

    def info(self, message: str, duration: int = 3000) -> Notification:
        """Show an info toast; see :meth:`send`."""
        return self.send(message, duration, type="info")

    def success(self, message: str, duration: int = 3000) -> Notification:
        """Show a success toast; see :meth:`send`."""
        return self.send(message, duration, type="success")

    def warning(self, message: str, duration: int = 3000) -> Notification:
        """Show a warning toast; see :meth:`send`."""
        return self.send(message, duration, type="warning")

    def error(self, message: str, duration: int = 3000) -> Notification:
        """Show an error toast; see :meth:`send`."""
        return self.send(message, duration, type="error")

    # -- dismissing ----------------------------------------------------------------------
    def forget(self, note: Notification) -> None:
        """Dismiss ``note`` in the page and drop it (``Notification.destroy`` calls this)."""
        with self._lock:
            if note not in self.notifications:
                return
            set_readonly(self, "notifications", [n for n in self.notifications if n is not note])
        self._send(protocol.notification_message("dismiss", note.id))

    def clear(self) -> None:
        """Dismiss every toast of this session."""
        with self._lock:
            notes = self.notifications
            set_readonly(self, "notifications", [])
        for note in notes:
            set_readonly(note, "destroyed", True)
        self._send(protocol.notification_message("clear"))

    def __repr__(self) -> str:
        return f"<NotificationArea {len(self.notifications)} notification(s)>"


def _outside(message: dict[str, Any]) -> None:
    raise RuntimeError(
        "pn.state.notifications needs a session to show a toast in: call it from an app "
        "or a callback served by panel-state (or pn.serve).")


#: ``pn.state.notifications`` outside any session: every toast raises, saying why.
OUTSIDE = NotificationArea(post=_outside, name="notifications_outside")
