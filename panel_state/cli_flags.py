"""The server flags of ``panel-state serve``, and the ServerConfig settings they give.

:func:`add_server_flags` adds them to the ``serve`` parser; :func:`config_flags`
turns the parsed values into :class:`~panel_state.server.config.ServerConfig`
keywords -- only the flags given, so every default lives in ServerConfig, once.
Values are checked twice: their form here (argparse's one-line error, exit status
2), their meaning by ServerConfig (``panel-state serve: error: ...``, status 1).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
from typing import Any

from .server.config import ServerConfig
from .server.statics import parse_static_dir

__all__ = ["LOG_LEVELS", "TRACE", "add_server_flags", "config_flags", "log_level", "number"]

#: Panel's ``--log-level`` names; ``trace`` is below ``debug``.
LOG_LEVELS = ("trace", "debug", "info", "warning", "error", "critical")
TRACE = 5

_DEFAULTS = {f.name: f.default for f in dataclasses.fields(ServerConfig)}


def number(flag: str, minimum: float = 1, integer: bool = True) -> Any:
    """An argparse type: a number of at least ``minimum``, named ``flag`` in errors."""
    kind = "an integer" if integer else "a number"

    def parse(text: str) -> int | float:
        try:
            value: int | float = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be {kind}, got {text!r}") from None
        if not value >= minimum or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{flag} must be at least {minimum:g}, got {text}")
        return value

    return parse


def _static_dir(text: str) -> tuple[str, str]:
    try:
        return parse_static_dir(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


#: flag -> (ServerConfig field, argparse keywords); help texts name the defaults.
_FLAGS: dict[str, tuple[str, dict[str, Any]]] = {
    "--session-token-expiration": ("token_lifetime", dict(
        type=number("--session-token-expiration", 1, False), metavar="SECONDS",
        help="seconds a page's session token stays valid before its websocket opens "
             "(default {})")),
    "--websocket-max-message-size": ("websocket_max_message_size", dict(
        type=number("--websocket-max-message-size"), metavar="BYTES",
        help="an incoming websocket message over this closes its connection (default: "
             "4 x the 1 MiB message limit, at least 10 MiB)")),
    "--keep-alive": ("keep_alive", dict(
        type=number("--keep-alive", 0), metavar="MS",
        help="milliseconds between the server's websocket pings; a peer that has not "
             "answered by the next one is dropped; 0 turns pings off (default {})")),
    "--index": ("index", dict(
        metavar="INDEX", help="what / shows: an app (its name or script) or an .html "
                              "file served as it is")),
    "--static-dirs": ("static_dirs", dict(
        type=_static_dir, nargs="+", action="extend", metavar="ROUTE=FOLDER",
        help="serve the files of FOLDER under /ROUTE/ (repeatable); nothing outside "
             "FOLDER, no hidden files, no listings")),
    "--warm": ("warm", dict(
        action="store_true", default=None,
        help="run each app once at startup, without a browser, to fill its caches")),
    "--use-xheaders": ("use_xheaders", dict(
        action="store_true", default=None,
        help="trust X-Real-IP/X-Forwarded-For/X-Forwarded-Proto for the client address "
             "and scheme; only behind a reverse proxy that sets them")),
    "--websocket-hello-timeout": ("websocket_hello_timeout", dict(
        type=number("--websocket-hello-timeout", 0, False), metavar="SECONDS",
        help="close a websocket that has not opened its session by then; 0 waits "
             "forever (default {})")),
    "--http-header-timeout": ("http_header_timeout", dict(
        type=number("--http-header-timeout", 0, False), metavar="SECONDS",
        help="close a connection whose request headers have not arrived by then "
             "(default {})")),
    "--http-idle-timeout": ("http_idle_timeout", dict(
        type=number("--http-idle-timeout", 0, False), metavar="SECONDS",
        help="close an idle keep-alive HTTP connection after this long; also bounds a "
             "request body (default {}; 0 means tornado's hour)")),
    "--max-body-size": ("max_body_size", dict(
        type=number("--max-body-size"), metavar="BYTES",
        help="largest HTTP request body accepted (default {})")),
    "--max-sessions": ("max_sessions", dict(
        type=number("--max-sessions", 0), metavar="N",
        help="live sessions at most; further visitors get a 'server is full, try again' "
             "page (default {}: no limit)")),
    "--max-connections-per-ip": ("max_connections_per_ip", dict(
        type=number("--max-connections-per-ip", 0), metavar="N",
        help="open connections at most from one client address (with --use-xheaders: "
             "websockets per forwarded address) (default {}: no limit)")),
    "--max-event-rate": ("event_rate", dict(
        type=number("--max-event-rate", 0, False), metavar="N",
        help="messages per second a session may send, sustained; over it the server "
             "reads that socket more slowly; 0 turns the budget off (default {})")),
    "--max-event-burst": ("event_burst", dict(
        type=number("--max-event-burst"), metavar="N",
        help="messages a session may send at once before its rate applies (default {})")),
    "--flood-timeout": ("flood_timeout", dict(
        type=number("--flood-timeout", 0, False), metavar="SECONDS",
        help="close a session that stays over its event budget this long; 0: never "
             "(default {})")),
    "--message-batch": ("message_batch", dict(
        type=number("--message-batch", 0), metavar="N",
        help="messages handled from one socket before the others get their turn "
             "(default {}; 0 leaves it to tornado)")),
}


def add_server_flags(parser: argparse.ArgumentParser) -> None:
    """Add the flags of :data:`_FLAGS` and ``--args`` to the ``serve`` parser."""
    for flag, (field, options) in _FLAGS.items():
        options = dict(options)
        options["help"] = options["help"].format(_DEFAULTS.get(field))
        options.setdefault("default", None)
        parser.add_argument(flag, dest=field, **options)
    parser.add_argument("--args", nargs=argparse.REMAINDER, default=[], metavar="ARGS",
                        help="everything after --args is passed to each app script as "
                             "sys.argv[1:] (put it last)")


def config_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The ServerConfig keywords of the flags given on the command line."""
    out = {field: getattr(args, field) for field, _ in _FLAGS.values()
           if getattr(args, field) is not None}
    if "static_dirs" in out:
        out["static_dirs"] = dict(out["static_dirs"])
    return out


def log_level(name: str) -> int:
    """The logging level of one of :data:`LOG_LEVELS`."""
    logging.addLevelName(TRACE, "TRACE")
    return TRACE if name == "trace" else int(getattr(logging, name.upper()))
