"""``panel-state serve``'s server flags: parsed into ServerConfig, bad ones one clear line."""

from __future__ import annotations

import logging
import os
import re

import pytest

from panel_state.cli import build_parser
from panel_state.cli_flags import TRACE, config_flags, log_level
from panel_state.server.config import ServerConfig
from panel_state.server.loader import make_app
from panel_state.server.testclient import ProtocolClient
from tests.test_cli import Served, run, write

APPS = {"/app": make_app(lambda: "hi")}


def parse(*flags: str):
    return build_parser().parse_args(["serve", "app.py", *flags])


def test_flags_become_server_config_settings(tmp_path):
    args = parse(
        "--session-token-expiration", "60", "--websocket-max-message-size", "20000000",
        "--keep-alive", "5000", "--index", "app", "--static-dirs", f"a={tmp_path}",
        f"b={tmp_path}", "--warm", "--use-xheaders", "--websocket-hello-timeout", "2.5",
        "--http-header-timeout", "3", "--http-idle-timeout", "20", "--max-body-size", "4096",
        "--max-sessions", "50", "--max-connections-per-ip", "100", "--max-event-rate", "50",
        "--max-event-burst", "300", "--flood-timeout", "0", "--message-batch", "4",
        "--args", "--flag", "x")
    settings = config_flags(args)
    assert settings == {
        "token_lifetime": 60.0, "websocket_max_message_size": 20_000_000, "keep_alive": 5000,
        "index": "app", "static_dirs": {"/a": str(tmp_path), "/b": str(tmp_path)},
        "warm": True, "use_xheaders": True, "websocket_hello_timeout": 2.5,
        "http_header_timeout": 3.0, "http_idle_timeout": 20.0, "max_body_size": 4096,
        "max_sessions": 50, "max_connections_per_ip": 100, "event_rate": 50.0,
        "event_burst": 300, "flood_timeout": 0.0, "message_batch": 4}
    assert args.args == ["--flag", "x"]
    cfg = ServerConfig(apps=APPS, **settings)  # every value is one ServerConfig takes
    assert cfg.index == "/app" and cfg.max_sessions == 50


def test_flags_left_out_leave_every_default_to_server_config():
    args = parse()
    assert config_flags(args) == {} and args.args == []
    assert args.num_procs == 1 and args.log_level == "info"


def test_num_procs_zero_is_one_process_per_core():
    args = parse("--num-procs", "0")
    cfg = ServerConfig(apps=APPS, num_procs=args.num_procs)
    assert cfg.num_procs == (os.cpu_count() or 1)


@pytest.mark.parametrize(("name", "level"), [
    ("trace", TRACE), ("debug", logging.DEBUG), ("info", logging.INFO),
    ("warning", logging.WARNING), ("error", logging.ERROR), ("critical", logging.CRITICAL)])
def test_log_level_takes_panel_s_names(name, level):
    assert parse("--log-level", name).log_level == name
    assert log_level(name) == level
    assert logging.getLevelName(TRACE) == "TRACE"


@pytest.mark.parametrize(("flags", "message"), [
    (["--max-sessions", "-1"], "argument --max-sessions: --max-sessions must be at least 0, "
                               "got -1"),
    (["--keep-alive", "soon"], "argument --keep-alive: --keep-alive must be an integer, got "
                               "'soon'"),
    (["--websocket-hello-timeout", "inf"], "--websocket-hello-timeout must be at least 0, "
                                           "got inf"),
    (["--static-dirs", "assets"], r"argument --static-dirs: --static-dirs takes ROUTE=FOLDER "
                                  r"\(e.g. assets=./static\), got 'assets'"),
    (["--log-level", "loud"], "argument --log-level: invalid choice: 'loud'"),
    (["--num-procs", "-2"], "--num-procs must be at least 0, got -2"),
])
def test_bad_flag_values_are_argparse_errors_exit_2(tmp_path, flags, message):
    result = run("serve", write(tmp_path / "app.py", "x = 1\n"), *flags)
    assert result.returncode == 2
    assert re.search(message, result.stderr.strip().splitlines()[-1]), result.stderr


@pytest.mark.parametrize(("flags", "message"), [
    (["--static-dirs", "a=/does/not/exist"], "Static folder '/does/not/exist' for '/a' is not "
                                             "an existing directory"),
    (["--static-dirs", "app=."], "Static route '/app' is already an app's route"),
    (["--index", "nope"], r"index 'nope' names no app served here"),
    (["--websocket-max-message-size", "10"], "websocket_max_message_size must be an integer "
                                             "of at least max_message_size"),
])
def test_bad_flag_meanings_are_one_line_exit_1(tmp_path, flags, message):
    result = run("serve", write(tmp_path / "app.py", "x = 1\n"), "--port", "0", *flags)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("panel-state serve: error: "), lines
    assert re.search(message, lines[0]), lines[0]


@pytest.mark.slow
async def test_cli_args_warm_index_and_static_dirs_in_a_real_process(tmp_path):
    ran = tmp_path / "ran.txt"
    app = write(tmp_path / "app.py", f"""
        import sys
        import panel_state as pn
        with open({str(ran)!r}, "a") as f:
            f.write("ran\\n")
        pn.pane.Str(f"argv0={{sys.argv[0].endswith('app.py')}} rest={{sys.argv[1:]}}").servable()
    """)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.txt").write_text("logo")
    (tmp_path / "home.html").write_text("<p>home</p>")
    served = await Served.start(app, "--warm", "--static-dirs", f"files={tmp_path / 'assets'}",
                                "--index", str(tmp_path / "home.html"), "--log-level", "trace",
                                "--args", "--colour", "red")
    try:
        assert ran.read_text() == "ran\n"  # warmed before any visitor
        assert any(" DEBUG " in line for line in served.log)  # trace shows debug and below
        tab = await ProtocolClient.open(served.urls["/app"])
        assert tab.props(tab.find("Str"))["text"] == "argv0=True rest=['--colour', 'red']"
        await tab.close()
        assert ran.read_text() == "ran\nran\n"
        base = served.urls["/app"].rsplit("/", 1)[0]
        from tornado.httpclient import AsyncHTTPClient

        assert (await AsyncHTTPClient().fetch(base + "/files/logo.txt")).body == b"logo"
        assert (await AsyncHTTPClient().fetch(base + "/")).body == b"<p>home</p>"
    finally:
        assert await served.stop() == 0
