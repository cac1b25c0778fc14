"""The wire protocol between the server and the browser client, defined once.

Every message is a JSON object with a ``type``. The protocol version travels in the
handshake: the client's ``hello`` carries ``v`` and the server's ``render`` answers
with its own; a client speaking another version is refused. ``static/core.js``
mirrors :data:`SPEC` (a test checks the two agree).

Client -> server
    ``hello {v, token}``            first message; opens or resumes the session
    ``loaded {url}``                the first render is on screen; ``url`` is the
                                    browser's ``{pathname, search, hash}``, or null
                                    where the client has no page URL (a notebook)
    ``event {ref, name, value}``    a widget changed ``name`` of component ``ref``
    ``url {pathname, search, hash}``the browser URL changed (back/forward, hash)
    ``browser {info}``              what the browser reports about itself (timezone,
                                    language, dark mode, screen and window size...)
    ``ping {id}``                   liveness / latency probe

Server -> client
    ``render {v, session, title, roots, resumed, error}``  the whole tree
    ``patch {ops}``                 ordered changes, each op one of
                                    ``{ref, props}`` (changed props only),
                                    ``{ref, children}`` (new child list: full nodes for
                                    new children, ``{ref}`` stubs for kept ones),
                                    ``{ref, emit}`` (a component message, e.g. stream)
    ``url {action, url}``           push / replace the browser URL, or navigate
    ``cookie {name, value, max_age, path}``  store a cookie (``Session.set_cookie``)
    ``notification {action, id, message, kind, duration, background, icon}``
                                    show, dismiss or clear toasts (shown as text)
    ``notifications {position, max, disconnect}``  where toasts go, how many at once,
                                    and the toast to show while disconnected (or null)
    ``error {code, message, ref}``  a refused message or session; state is unchanged
    ``pong {id}``                   answer to ``ping``
    ``reload {token}``              ``--dev``: the app's code changed. Open a fresh
                                    session with ``token`` (a new connection, a new
                                    ``hello``) and swap its render in place of this one
                                    if it rendered without error; the server then ends
                                    the old session (close code ``reloaded``)
    ``exception {kind, what, name, message, file, line, traceback}``  ``--dev``: user
                                    code raised ``name`` (the exception class); ``kind``
                                    is ``app`` while running the app, ``setup`` for the
                                    setup script, else the callback's kind. All text

A node is ``{ref, kind, props, children}``. Encoding and decoding here are pure
functions of their inputs; nothing in this module touches sockets or the loop.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

PROTOCOL_VERSION = 1

#: Largest incoming message accepted, in bytes (bigger ones get a ``too_large`` error).
MAX_MESSAGE_SIZE = 1024 * 1024

#: Deepest nesting of arrays and objects accepted in an incoming message.
MAX_DEPTH = 64

#: Field name -> JSON type ("string", "object", "any", ...) for each message type.
CLIENT_MESSAGES: dict[str, dict[str, str]] = {
    "hello": {"v": "integer", "token": "string"},
    "loaded": {"url": "object|null"},
    "event": {"ref": "string", "name": "string", "value": "any"},
    "url": {"pathname": "string", "search": "string", "hash": "string"},
    "browser": {"info": "object"},
    "ping": {"id": "any"},
}

SERVER_MESSAGES: dict[str, dict[str, str]] = {
    "render": {
        "v": "integer", "session": "string", "title": "string|null", "roots": "array",
        "resumed": "boolean", "error": "string|null",
    },
    "patch": {"ops": "array"},
    "url": {"action": "string", "url": "string"},
    "cookie": {"name": "string", "value": "string", "max_age": "integer|null",
               "path": "string"},
    "error": {"code": "string", "message": "string", "ref": "string|null"},
    "pong": {"id": "any"},
    "notification": {"action": "string", "id": "integer|null", "message": "string",
                     "kind": "string", "duration": "integer", "background": "string|null",
                     "icon": "string|null"},
    "notifications": {"position": "string", "max": "integer", "disconnect": "string|null"},
    "reload": {"token": "string"},
    "exception": {"kind": "string", "what": "string", "name": "string", "message": "string",
                  "file": "string|null", "line": "integer|null", "traceback": "string"},
}

#: The keys that name what a patch op does (exactly one per op, besides ``ref``).
PATCH_OPS = ("props", "children", "emit")

#: How the browser applies a ``url`` message.
URL_ACTIONS = ("push", "replace", "navigate")

#: What a ``notification`` message does.
NOTIFICATION_ACTIONS = ("show", "dismiss", "clear")

#: Error codes of ``error`` messages.
ERRORS = {
    "bad_json": "the message is not a JSON object",
    "too_large": "the message exceeds the size limit",
    "unknown_type": "the message type is not part of the protocol",
    "bad_message": "a field is missing or has the wrong type",
    "bad_version": "the client speaks another protocol version",
    "not_open": "the session is not open yet (send hello first)",
    "bad_token": "the session token is forged, tampered or malformed",
    "session_expired": "the session is gone; reload the page",
    "unknown_ref": "no component with this id is displayed",
    "invalid_value": "the component rejected the value",
    "app_error": "the app raised while handling the message",
    "server_full": "the server has no room for another session now; try again later",
    "flood": "the client sent more messages than its budget allows",
}

#: Websocket close codes the server uses (4000-4999 are free for applications).
CLOSE_CODES = {
    "refused": 4001,      # bad token or version: do not reconnect
    "expired": 4002,      # session gone: show "session expired - reload"
    "superseded": 4003,   # another connection took over this session
    "slow": 4004,         # the client did not keep up with its outgoing buffer
    "full": 4005,         # max_sessions reached: show "server is full, try again"
    "flood": 4006,        # over its event budget for too long: session closed
    "timeout": 4007,      # no hello in time / no pong: reconnect
    "shutdown": 1001,     # server going away: reconnect (and then likely expire)
    "reloaded": 4008,     # --dev: this session was replaced by a fresh run in place
}

SPEC: dict[str, Any] = {
    "version": PROTOCOL_VERSION,
    "client": CLIENT_MESSAGES,
    "server": SERVER_MESSAGES,
    "patchOps": list(PATCH_OPS),
    "urlActions": list(URL_ACTIONS),
    "notificationActions": list(NOTIFICATION_ACTIONS),
    "errors": sorted(ERRORS),
    "closeCodes": CLOSE_CODES,
}


class ProtocolError(ValueError):
    """An incoming message the server refuses; ``code`` is a key of :data:`ERRORS`."""

    def __init__(self, code: str, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.ref = ref


# -- decoding --------------------------------------------------------------------------

_CHECKS = {
    "null": lambda v: v is None,
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "any": lambda v: True,
}

_URL_FIELDS = CLIENT_MESSAGES["url"]


def _check_fields(kind: str, msg: dict[str, Any], fields: dict[str, str]) -> None:
    for field, jtype in fields.items():
        if field not in msg:
            raise ProtocolError(
                "bad_message", f"A {kind!r} message needs the field {field!r}; got fields "
                f"{sorted(msg)}.")
        if not any(_CHECKS[t](msg[field]) for t in jtype.split("|")):
            raise ProtocolError(
                "bad_message", f"Field {field!r} of a {kind!r} message must be a JSON {jtype}, "
                f"got {type(msg[field]).__name__} {_short(msg[field])}.")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_TOO_DEEP = object()


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists and dicts more than ``limit`` levels (no recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def decode(data: str | bytes, max_size: int = MAX_MESSAGE_SIZE) -> dict[str, Any]:
    """Parse and validate one client message.

    Parameters
    ----------
    data : str or bytes
        The raw websocket message.
    max_size : int
        Size limit in bytes.

    Returns
    -------
    dict
        The message, with every field of its type present and well typed.

    Raises
    ------
    ProtocolError
        With the error code and a message naming the problem.

    Examples
    --------
    >>> decode('{"type": "ping", "id": 1}')
    {'type': 'ping', 'id': 1}
    """
    size = len(data)
    if size > max_size:
        raise ProtocolError(
            "too_large", f"Message of {size} bytes exceeds the limit of {max_size} bytes; "
            "send smaller updates.")
    try:
        msg = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("bad_json", f"Message is not valid JSON: {exc}.") from None
    except RecursionError:
        msg = _TOO_DEEP  # nested beyond the parser's stack: refused just below
    if msg is _TOO_DEEP or _too_deep(msg):
        # Deep values would later blow the stack of whatever walks them (repr, ==, encode).
        raise ProtocolError(
            "bad_json", f"Message nests arrays and objects deeper than {MAX_DEPTH} levels; "
            "send flatter values.")
    if not isinstance(msg, dict):
        raise ProtocolError(
            "bad_json", f"Message must be a JSON object, got {type(msg).__name__} {_short(msg)}.")
    kind = msg.get("type")
    fields = CLIENT_MESSAGES.get(kind) if isinstance(kind, str) else None
    if fields is None or not isinstance(kind, str):
        raise ProtocolError(
            "unknown_type", f"Unknown message type {_short(kind)}; the protocol knows "
            f"{sorted(CLIENT_MESSAGES)}.")
    _check_fields(kind, msg, fields)
    if kind == "loaded" and msg["url"] is not None:
        _check_fields("loaded.url", msg["url"], _URL_FIELDS)
    return msg


# -- encoding --------------------------------------------------------------------------


def _default(value: Any) -> Any:
    """JSON fallback for values components commonly hold (numpy, dates, sets)."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"Cannot send a {type(value).__name__} to the browser: {_short(value)}.")


def _finite(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) with None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def encode(msg: dict[str, Any]) -> str:
    """Serialise a server message to compact JSON that browsers can parse.

    NaN and infinities become ``null``; numpy scalars and arrays, dates and sets are
    converted.

    Examples
    --------
    >>> encode({"type": "pong", "id": float("nan")})
    '{"type":"pong","id":null}'
    """
    try:
        return json.dumps(msg, separators=(",", ":"), allow_nan=False, default=_default)
    except ValueError:
        normal = json.loads(json.dumps(msg, default=_default))
        return json.dumps(_finite(normal), separators=(",", ":"), allow_nan=False)


def render_message(session: str, roots: list[dict[str, Any]], title: str | None = None,
                   resumed: bool = False, error: str | None = None) -> dict[str, Any]:
    """The full-render message."""
    return {"type": "render", "v": PROTOCOL_VERSION, "session": session, "title": title,
            "roots": roots, "resumed": resumed, "error": error}


def patch_message(ops: list[dict[str, Any]]) -> dict[str, Any]:
    """A patch message with ordered ops."""
    return {"type": "patch", "ops": ops}


def url_message(action: str, url: str) -> dict[str, Any]:
    """Tell the browser to push/replace its URL or navigate.

    Raises
    ------
    ValueError
        For an action outside :data:`URL_ACTIONS`.
    """
    if action not in URL_ACTIONS:
        raise ValueError(f"URL action must be one of {URL_ACTIONS}, got {action!r}.")
    return {"type": "url", "action": action, "url": url}


def error_message(code: str, message: str, ref: str | None = None) -> dict[str, Any]:
    """An error reply; ``code`` must be a key of :data:`ERRORS`."""
    if code not in ERRORS:
        raise ValueError(f"Error code must be one of {sorted(ERRORS)}, got {code!r}.")
    return {"type": "error", "code": code, "message": message, "ref": ref}


def notification_message(action: str, id: int | None = None, message: str = "",
                         kind: str = "default", duration: int = 0,
                         background: str | None = None,
                         icon: str | None = None) -> dict[str, Any]:
    """Show (``id`` new), dismiss (``id``) or clear (all) toasts.

    Raises
    ------
    ValueError
        For an action outside :data:`NOTIFICATION_ACTIONS`.
    """
    if action not in NOTIFICATION_ACTIONS:
        raise ValueError(f"Notification action must be one of {NOTIFICATION_ACTIONS}, got "
                         f"{action!r}.")
    return {"type": "notification", "action": action, "id": id, "message": message,
            "kind": kind, "duration": duration, "background": background, "icon": icon}


def notifications_message(position: str, max: int, disconnect: str | None) -> dict[str, Any]:
    """The page's notification settings."""
    return {"type": "notifications", "position": position, "max": max,
            "disconnect": disconnect}


def pong_message(ping_id: Any) -> dict[str, Any]:
    """The answer to a ``ping``."""
    return {"type": "pong", "id": ping_id}


def reload_message(token: str) -> dict[str, Any]:
    """Tell the page to swap to a fresh session opened with ``token`` (``--dev``)."""
    return {"type": "reload", "token": token}


def exception_message(kind: str, what: str, report: dict[str, Any]) -> dict[str, Any]:
    """Show an exception of user code in the page (``--dev``).

    ``report`` is :func:`panel_state.tracebacks.summarize`'s dict; its ``type`` (the
    exception class) travels as ``name``, since ``type`` names the message.
    """
    return {"type": "exception", "kind": kind, "what": what, "name": report["type"],
            "message": report["message"], "file": report["file"], "line": report["line"],
            "traceback": report["traceback"]}
