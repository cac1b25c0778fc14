"""``pn.serve`` takes Panel's and Bokeh's keywords: mapped, warned once, or refused."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import pytest
import tornado.web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.ioloop import IOLoop

import panel_state as pn
from panel_state.compat import UnsupportedWarning
from panel_state.server import keywords
from panel_state.server.testclient import ProtocolClient
from panel_state.session import live_sessions

ROOT = Path(__file__).resolve().parents[2]

#: The keyword names of Panel 1.9.4's pn.serve / get_server and of the Bokeh server
#: they pass the rest to (Server, its options, BokehTornado), read from their
#: signatures; ``scripts/check_panel_names.py`` re-reads them from an installed Panel.
PANEL_NAMES = frozenset("""
absolute_url address admin allow_websocket_origin auth_provider basic_auth
check_unused_sessions_milliseconds cookie_path cookie_secret exclude_cookies
exclude_headers extra_patterns extra_websocket_origins generate_session_ids ico_path
include_cookies include_headers index keep_alive_milliseconds liveness location
login_endpoint login_template logout_endpoint logout_template loop
mem_log_frequency_milliseconds num_procs oauth_encryption_key oauth_error_template
oauth_extra_params oauth_guest_endpoints oauth_jwt_user oauth_key oauth_optional
oauth_provider oauth_redirect_uri oauth_refresh_tokens oauth_secret port prefix
redirect_root root_path secret_key session_history session_token_expiration show
sign_sessions ssl_certfile ssl_keyfile ssl_password start static_dirs
stats_log_frequency_milliseconds threaded title unix_socket
unused_session_lifetime_milliseconds use_index use_xheaders verbose warm
websocket_compression_level websocket_compression_mem_level websocket_max_message_size
websocket_max_message_size_bytes websocket_origin xsrf_cookies io_loop
http_server_kwargs server_id basic_login_template
""".split())

#: pn.serve's own named arguments.
ARGUMENTS = {"port", "address", "websocket_origin", "threaded", "show", "start", "title",
             "setup"}


def app():
    return pn.pane.Str("hi")


def test_keywords_cover_every_panel_and_bokeh_name():
    accepted = keywords.known() | ARGUMENTS
    assert PANEL_NAMES - accepted == set()
    # Every name is sorted into exactly one treatment (or is ours).
    for name in PANEL_NAMES - ARGUMENTS:
        assert (name in keywords.OURS or name in keywords.RENAMED or name in
                keywords.AS_OURS or name in keywords.UNSUPPORTED or name in ("loop",
                "io_loop", "verbose")), name


async def test_serve_maps_bokeh_and_panel_names_onto_the_config(tmp_path):
    (tmp_path / "a.txt").write_text("A")
    server = pn.serve(
        app, start=False, check_unused_sessions_milliseconds=20,
        unused_session_lifetime_milliseconds=300, keep_alive_milliseconds=500,
        session_token_expiration=60, websocket_max_message_size_bytes=20 * 2**20,
        secret_key=b"k" * 32, allow_websocket_origin=["a.example"], websocket_origin="b.example",
        extra_websocket_origins=["c.example:8080"], num_procs=1, liveness=True,
        static_dirs={"/files": str(tmp_path)}, use_xheaders=True, warm=False,
        sign_sessions=True, generate_session_ids=True, location=True, admin=False)
    try:
        c = server.config
        assert (c.check_unused_sessions, c.unused_session_lifetime, c.keep_alive) == (
            20, 300, 500)
        assert c.token_lifetime == 60 and c.websocket_max_message_size == 20 * 2**20
        assert c.secret == b"k" * 32 and c.use_xheaders is True and c.liveness == "/liveness"
        assert set(c.allow_websocket_origin) == {"a.example", "b.example", "c.example:8080"}
        body = (await AsyncHTTPClient().fetch(server.url + "files/a.txt")).body
        assert body == b"A"
        live = await AsyncHTTPClient().fetch(server.url + "liveness")
        assert json.loads(live.body) == {"/": True}
        with pytest.raises(HTTPClientError, match="404"):
            await AsyncHTTPClient().fetch(server.url + "liveness?endpoint=/other")
    finally:
        await server.astop()


def test_serve_warns_once_naming_each_unsupported_name():
    names = {"oauth_provider": "github", "basic_auth": "secret", "admin": True,
             "prefix": "/dash", "ssl_certfile": "cert.pem", "debug": True, "location": False,
             "session_history": 10, "stats_log_frequency_milliseconds": 100}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = pn.serve(app, start=False, **names)
        second = pn.serve(app, start=False, **names)
    first.stop()
    second.stop()
    messages = [str(w.message) for w in caught]
    assert all(w.category is UnsupportedWarning for w in caught)
    assert len(messages) == len(names)  # once per name and process, not per call
    for name in names:
        (message,) = [m for m in messages if f"Panel's {name!r}" in m]
        assert message.startswith("pn.serve: Panel's") and "is ignored" in message
    assert any("authentication" in m for m in messages if "oauth_provider" in m)


def test_serve_accepts_panel_defaults_silently_and_refuses_unknown_names():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pn.serve(app, start=False, sign_sessions=True, location=True, admin=False,
                 use_index=True, redirect_root=True).stop()
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['colour', 'oauth'\]; "
                                        r"panel_state's are \["):
        pn.serve(app, start=False, colour="red", oauth="x")


async def test_serve_verbose_prints_the_address(capsys):
    server = pn.serve(app, start=False, verbose=True)
    try:
        assert capsys.readouterr().out == f"Launching server at {server.url}\n"
    finally:
        await server.astop()


async def test_serve_extra_patterns_are_routed_first():
    class Health(tornado.web.RequestHandler):
        def get(self):
            self.write({"ok": True})

    server = pn.serve(app, start=False, extra_patterns=[(r"/health", Health)])
    try:
        response = await AsyncHTTPClient().fetch(server.url + "health")
        assert json.loads(response.body) == {"ok": True}
    finally:
        await server.astop()


def _running_loop() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="panel_state-test-loop")
    thread.start()
    return loop, thread


def test_serve_on_a_loop_running_in_another_thread():
    loop, thread = _running_loop()
    try:
        server = pn.serve(app, start=False, loop=loop)
        assert server.loop is loop and server.state == "running"
        async def get():
            return await AsyncHTTPClient().fetch(server.url)

        page = asyncio.run_coroutine_threadsafe(get(), loop).result(5)
        assert page.code == 200
        server.stop()
        assert server.state == "stopped"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_serve_on_a_loop_that_starts_later_and_on_a_tornado_ioloop():
    loop = asyncio.new_event_loop()
    server = pn.serve(app, start=False, loop=loop)
    assert server.state == "new"  # bound; serves once the loop runs
    thread = threading.Thread(target=loop.run_forever, name="panel_state-test-later")
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(5)
        assert server.state == "running" and server.loop is loop
        server.stop()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
    ioloop = IOLoop(make_current=False)
    threaded = pn.serve(app, threaded=True, io_loop=ioloop)
    try:
        assert threaded.loop is ioloop.asyncio_loop
    finally:
        threaded.stop()
        ioloop.close()


async def test_serve_warm_runs_each_app_and_its_onload_once_before_any_visitor(until):
    runs: list[str] = []

    def counted():
        runs.append("app")
        pn.state.onload(lambda: runs.append("onload"))
        return pn.pane.Str("warm")

    server = pn.serve({"/a": counted}, start=False, warm=True)
    try:
        await until(lambda: runs == ["app", "onload"] and live_sessions() == [])
        assert server.sessions == []  # the warm-up session is gone, never listed
        tab = await ProtocolClient.open(server.url + "a")  # the first visitor: a session
        await until(lambda: runs == ["app", "onload"] * 2)  # of its own, as before
        await tab.close()
    finally:
        await server.astop()


def test_serve_num_procs_needs_a_blocking_call():
    with pytest.raises(ValueError, match=r"serve\(num_procs=2\) forks processes and blocks"):
        pn.serve(app, threaded=True, num_procs=2)


@pytest.mark.slow
async def test_serve_num_procs_forks_processes_that_share_the_port(tmp_path):
    script = tmp_path / "serve2.py"
    script.write_text(textwrap.dedent("""
        import os, sys
        import panel_state as pn
        pn.serve(lambda: pn.pane.Str(f"pid={os.getpid()}"), port=int(sys.argv[1]),
                 num_procs=2, verbose=True)
        print("stopped", flush=True)
    """))
    from benchmarks._sessions import free_port

    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(script), str(port), stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line.startswith("Launching server at http://")
        pids = set()
        for _ in range(200):
            try:
                tab = await ProtocolClient.open(f"http://127.0.0.1:{port}/")
            except AssertionError:
                await asyncio.sleep(0.05)  # the other worker is still starting
                continue
            pids.add(re.search(r"pid=(\d+)", tab.props(tab.find("Str"))["text"]).group(1))
            await tab.close()
            if len(pids) == 2:
                break
        assert len(pids) == 2 and str(proc.pid) not in pids
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = (await asyncio.wait_for(proc.stdout.read(), 20)).decode()
        assert await proc.wait() == 0
    assert rest.strip().endswith("stopped")
