"""``panel-state serve``: the command line. It builds a ServerConfig and serves it.

``python -m panel_state serve ...`` is the same command. The command line only parses
flags into a :class:`~panel_state.server.config.ServerConfig`; serving is
:class:`~panel_state.server.serving.Server`'s, forking workers
:mod:`~panel_state.server.processes`'.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence

from .cli_flags import LOG_LEVELS, add_server_flags, config_flags, log_level, number
from .config import config
from .server.config import ServerConfig
from .server.launch import open_browser
from .server.loader import AppError, discover
from .server.processes import run_workers
from .server.serving import Server

__all__ = ["PROG", "build_parser", "main", "serve_command"]

PROG = "panel-state"

log = logging.getLogger(__name__)


def _positive(name: str, minimum: int = 1) -> type[int]:
    return number(name, minimum)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``panel-state --help``, ``panel-state serve --help``)."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Serve panel_state apps: Panel-style sessions, URL state, "
        "periodic callbacks and scheduled tasks on tornado.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = commands.add_parser(
        "serve", help="serve one or more apps",
        description="Serve app scripts. Each APP is a .py script (served at /<name>) or a "
        "folder of scripts; several apps get an index page at /. Each browser tab runs the "
        "script afresh in its own session; .servable() marks what is shown.",
        epilog="Environment: PANEL_STATE_SECRET sets the session-token signing secret "
        "(give every process or host behind one address the same value).")
    serve.add_argument("apps", nargs="+", metavar="APP", help=".py script or folder of scripts")
    serve.add_argument("--setup", metavar="SETUP.py", help="script run once per process before "
                       "serving: schedule_task, on_session_created and global "
                       "on_session_destroyed go here")
    serve.add_argument("--port", type=_positive("--port", 0), default=5006,
                       help="port to listen on (0 picks a free port; default 5006)")
    serve.add_argument("--address", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; 0.0.0.0 for all interfaces)")
    serve.add_argument("--allow-websocket-origin", action="append", default=[],
                       metavar="HOST[:PORT]", help="also accept websockets from pages served "
                       "at this origin (repeatable; '*' for any); same origin is always allowed")
    serve.add_argument("--num-procs", type=_positive("--num-procs", 0), default=1, metavar="N",
                       help="fork N processes sharing the port; 0 means one per CPU core "
                       "(default 1)")
    serve.add_argument("--num-threads", type=_positive("--num-threads", 0), default=None,
                       metavar="N", help="size of the thread pool for threaded callbacks "
                       "(sets pn.config.nthreads; 0 means Python's default)")
    serve.add_argument("--unused-session-lifetime", type=_positive("--unused-session-lifetime", 0),
                       default=None, metavar="MS", help="milliseconds a session is kept after "
                       f"its tab is gone (default {config.unused_session_lifetime})")
    serve.add_argument("--check-unused-sessions", type=_positive("--check-unused-sessions", 10),
                       default=None, metavar="MS", help="milliseconds between checks for "
                       f"unused sessions (default {config.check_unused_sessions})")
    serve.add_argument("--autoreload", "--dev", action="store_true", dest="autoreload",
                       help="development mode: after a save, every open tab swaps in place "
                       "to a fresh run of the app (local modules and --setup included) and "
                       "exceptions show in the page (needs the [dev] extra: watchfiles)")
    serve.add_argument("--show", action="store_true", help="open the app in a web browser")
    serve.add_argument("--log-level", default="info", choices=LOG_LEVELS,
                       help="one of trace, debug, info, warning, error, critical (default "
                       "info)")
    add_server_flags(serve)
    return parser


def _error(message: str) -> int:
    print(f"{PROG} serve: error: {message}", file=sys.stderr)
    return 1


def serve_command(args: argparse.Namespace) -> int:
    """Run ``serve`` with parsed ``args``; returns the exit code."""
    logging.basicConfig(level=log_level(args.log_level),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.setup is not None and not os.path.isfile(args.setup):
        return _error(f"setup script {args.setup!r} does not exist.")
    if args.autoreload and args.num_procs > 1:
        return _error(f"--autoreload (--dev) reloads apps inside one process and cannot be "
                      f"combined with --num-procs {args.num_procs}; drop --num-procs while "
                      "developing.")
    if args.autoreload and importlib.util.find_spec("watchfiles") is None:
        return _error("--autoreload (--dev) needs watchfiles; install it with "
                      "pip install 'panel_state[dev]'.")
    try:
        apps = discover(args.apps, exclude=[args.setup] if args.setup else [],
                        defer_errors=args.autoreload, argv=args.args)
    except AppError as exc:
        return _error(str(exc))
    try:
        cfg = ServerConfig(
            apps=apps, port=args.port, address=args.address,
            allow_websocket_origin=tuple(args.allow_websocket_origin), setup=args.setup,
            unused_session_lifetime=args.unused_session_lifetime,
            check_unused_sessions=args.check_unused_sessions, nthreads=args.num_threads,
            num_procs=args.num_procs, show=args.show, autoreload=args.autoreload,
            **config_flags(args))
    except (ValueError, TypeError) as exc:
        return _error(str(exc).rstrip("."))
    if cfg.autoreload:  # as `panel serve --dev` does: app code may ask pn.config
        config.autoreload = True
    server = Server(cfg)
    try:
        server.bind()
    except OSError as exc:
        return _error(f"cannot listen on {args.address}:{args.port}: {exc}")
    if cfg.num_procs > 1:
        return run_workers(cfg.num_procs, lambda _index: _run(server))
    return _run(server)


def _run(server: Server) -> int:
    """Serve until a signal stops the server; returns the exit status."""

    def ready() -> None:
        for route in sorted(server.apps):
            log.info("App %s at %s", route, server.url.rstrip("/") + route)
        if server.config.show:
            open_browser(server.url)

    try:
        server.start(install_signal_handlers=True, on_ready=ready)
    except AppError as exc:  # includes SetupError: its traceback was logged above
        return _error(str(exc))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``panel-state``; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve_command(args)
    return 2  # pragma: no cover - argparse requires a command
