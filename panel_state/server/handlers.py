"""HTTP handlers: the page shell of each app and the index of several.

A GET of an app path returns a small HTML page -- title, the client's stylesheet and
ES module from ``/_ps/static/`` (served from the package only), and a signed token.
No session exists until the page's websocket presents that token.
"""

from __future__ import annotations

import html
import json
import time
from typing import TYPE_CHECKING

from tornado.web import RequestHandler

from .tokens import MAX_TOKEN_LENGTH

if TYPE_CHECKING:
    from .application import ServerContext

WS_PATH = "/_ps/ws"
STATIC_PREFIX = "/_ps/static/"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}" type="image/svg+xml">
<script type="module" src="{js}"></script>
</head>
<body>
<div id="ps-root" data-token="{token}" data-ws="{ws}">
<div class="ps-spinner" role="status" aria-label="Loading"></div>
</div>
</body>
</html>
"""

_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}" type="image/svg+xml">
</head>
<body>
<main class="ps-index"><h1>{title}</h1><ul>{items}</ul></main>
</body>
</html>
"""


_FULL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}">
<title>Server is full</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}" type="image/svg+xml">
</head>
<body>
<main class="ps-index ps-full" role="alert"><h1>The server is full</h1>
<p>{title} has as many visitors as it can serve right now. This page tries again by
itself in {retry} seconds, or <a href="">try again now</a>.</p></main>
</body>
</html>
"""

#: Seconds a "server is full" page waits before it reloads (and its Retry-After).
FULL_RETRY = 10


class _Base(RequestHandler):
    def initialize(self, context: ServerContext, route: str = "/") -> None:
        self.context = context
        self.route = route

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")

    def asset(self, name: str) -> str:
        """The versioned URL of a client asset (computed once per server)."""
        urls = self.context.static_urls
        url = urls.get(name)
        if url is None:
            url = urls[name] = self.static_url(name)
        return url


class PageHandler(_Base):
    """``GET /<app>``: the HTML shell with a fresh session token."""

    def get(self) -> None:
        if self.context.manager.full:
            self._full()
            return
        request = self.request
        headers = dict(request.headers)
        uri = request.uri or self.route
        token = self.context.issue_token(
            app=self.route, protocol=request.protocol, host=request.host,
            uri=uri, headers=headers, now=time.time())
        if len(token) > MAX_TOKEN_LENGTH:
            # The websocket would refuse this token; say why now instead.
            header_bytes = sum(len(k) + len(v) for k, v in headers.items())
            status = 414 if len(uri) >= header_bytes else 431
            self.set_status(status)
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.finish(f"The page URL and request headers ({len(uri)} + {header_bytes} "
                        f"bytes) are too large to open a session: its token would be "
                        f"{len(token)} bytes, over the limit of {MAX_TOKEN_LENGTH}. Shorten "
                        "the query string or clear this site's cookies.\n")
            return
        title = self.context.title_for(self.route)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(_PAGE.format(
            title=html.escape(title), css=self.asset("client.css"), js=self.asset("client.js"),
            icon=self.asset("favicon.svg"),
            token=html.escape(token), ws=WS_PATH))


    def _full(self) -> None:
        """``503``: a friendly page that retries, instead of a session the server
        would refuse."""
        self.context.counters["refused_full_pages"] += 1
        self.set_status(503)
        self.set_header("Retry-After", str(FULL_RETRY))
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(_FULL.format(
            title=html.escape(self.context.title_for(self.route)), retry=FULL_RETRY,
            css=self.asset("client.css"), icon=self.asset("favicon.svg")))


class LivenessHandler(_Base):
    """``GET /liveness``: 200 and ``{route: true}`` per app while the server serves.

    ``?endpoint=/app`` asks about one route: 200 if it is served, 404 if not.
    """

    def get(self) -> None:
        endpoint = self.get_argument("endpoint", None)
        routes = sorted(self.context.apps)
        if endpoint is not None:
            served = endpoint in self.context.apps
            self.set_status(200 if served else 404)
            body = {endpoint: served}
        else:
            body = {route: True for route in routes}
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class IndexHandler(_Base):
    """``GET /`` with several apps: a list of links."""

    def _description(self, route: str) -> str:
        text = getattr(self.context.apps[route], "description", "")
        return f' <span class="ps-index-note">{html.escape(text)}</span>' if text else ""

    def get(self) -> None:
        items = "".join(
            f'<li><a href="{html.escape(route)}">{html.escape(self.context.title_for(route))}'
            f"</a>{self._description(route)}</li>"
            for route in sorted(self.context.apps))
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(_INDEX.format(title="panel_state apps", items=items,
                                  css=self.asset("client.css"), icon=self.asset("favicon.svg")))
