"""``static_dirs`` and ``index``: files served safely, bad specs refused clearly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

import panel_state as pn
from panel_state.server.config import ServerConfig
from panel_state.server.loader import make_app
from panel_state.server.statics import parse_static_dir

APPS = {"/app": make_app(lambda: pn.pane.Str("app")),
        "/other": make_app(lambda: pn.pane.Str("other"))}
SECRET = "TOP SECRET outside the static folder"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(SECRET)
    root = tmp_path / "public"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("A")
    (root / "sub" / "b.css").write_text("b {}")
    (root / ".env").write_text(SECRET)
    (root / "sub" / ".git").mkdir()
    (root / "sub" / ".git" / "config").write_text(SECRET)
    os.symlink(tmp_path / "secret.txt", root / "out.txt")  # points outside
    os.symlink(root / "a.txt", root / "in.txt")  # points inside
    os.symlink(tmp_path, root / "up")  # a folder outside
    return root


async def get(url: str) -> tuple[int, bytes]:
    try:
        response = await AsyncHTTPClient().fetch(url, follow_redirects=False)
    except HTTPClientError as exc:
        return exc.code, exc.response.body if exc.response is not None else b""
    return response.code, response.body


async def test_static_dirs_serve_files_inside_the_folder_only(serve, folder):
    server = serve(APPS, static_dirs={"assets": str(folder)})
    base = server.url + "assets/"
    assert await get(base + "a.txt") == (200, b"A")
    assert await get(base + "sub/b.css") == (200, b"b {}")
    assert await get(base + "in.txt") == (200, b"A")  # a symlink that stays inside
    for path in ("out.txt", "up/secret.txt", ".env", "sub/.git/config", "", "sub", "sub/",
                 "../secret.txt", "%2e%2e/secret.txt", "..%2fsecret.txt",
                 "%2e%2e%2fsecret.txt", "sub/../../secret.txt", "sub%2f..%2f..%2fsecret.txt",
                 "..%5csecret.txt", "%252e%252e%252fsecret.txt", "%00", "a.txt%00.png",
                 "%c0%ae%c0%ae/secret.txt", "missing.txt"):
        code, body = await get(base + path)
        assert 400 <= code < 500, (path, code)
        assert SECRET.encode() not in body, path


@pytest.mark.parametrize(("spec", "message"), [
    ("assets", r"--static-dirs takes ROUTE=FOLDER \(e.g. assets=./static\), got 'assets'"),
    ("=static", "takes ROUTE=FOLDER"),
    ("assets=", "takes ROUTE=FOLDER"),
    ("a b=static", r"Static route 'a b' must be a path of letters"),
    ("../x=static", r"Static route '../x' must be a path"),
    ("_ps=static", r"Static route '_ps' is reserved for panel_state's own files"),
])
def test_static_dir_spec_errors_name_the_spec(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_static_dir(spec)


def test_static_dirs_refuse_routes_of_apps_and_missing_folders(folder):
    with pytest.raises(ValueError, match=r"Static route '/app' is already an app's route"):
        ServerConfig(apps=APPS, static_dirs={"/app": str(folder)})
    with pytest.raises(ValueError, match=r"Static folder '/nope' for '/x' is not an "
                                         r"existing directory"):
        ServerConfig(apps=APPS, static_dirs={"x": "/nope"})
    with pytest.raises(TypeError, match="static_dirs must be a mapping of route -> folder"):
        ServerConfig(apps=APPS, static_dirs=["x=/tmp"])  # type: ignore[arg-type]
    cfg = ServerConfig(apps=APPS, static_dirs={"x/": str(folder)})
    assert dict(cfg.static_dirs) == {"/x": os.path.realpath(folder)}


async def test_index_html_file_is_served_at_the_root(serve, tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<h1>Dashboards</h1>")
    server = serve(APPS, index=str(page))
    assert await get(server.url) == (200, b"<h1>Dashboards</h1>")
    page.write_text("<h1>Edited</h1>")  # read at each request
    assert await get(server.url) == (200, b"<h1>Edited</h1>")


@pytest.mark.parametrize("name", ["other", "/other", "other.py", "apps/other.py"])
async def test_index_naming_an_app_shows_that_app_at_the_root(serve, open_client, name):
    server = serve(APPS, index=name)
    assert server.config.index == "/other"
    tab = await open_client(server.url)
    assert tab.props(tab.find("Str"))["text"] == "other"
    assert tab.url == server.url  # served at /, not redirected


def test_index_errors_name_the_value(tmp_path):
    with pytest.raises(ValueError, match=r"index 'nope' names no app served here; give one "
                                         r"of \['app', 'other'\] or an .html file"):
        ServerConfig(apps=APPS, index="nope")
    with pytest.raises(ValueError, match=r"index page '.*missing.html' does not exist"):
        ServerConfig(apps=APPS, index=str(tmp_path / "missing.html"))
    root = {"/": make_app(lambda: "root")}
    with pytest.raises(ValueError, match="an app is already served at '/'"):
        ServerConfig(apps=root, index="x.html")
