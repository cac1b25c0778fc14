"""A protocol client for tests: a browser tab without the browser.

It fetches an app page, opens the websocket with the page's token, and keeps a mirror
of the rendered tree up to date from ``render`` and ``patch`` messages, so tests can
find components, send widget events and wait for the server's answer.

Examples
--------
::

    import panel_state as pn
    from panel_state.testing import ProtocolClient

    async def test_button_counts():
        server = pn.serve(app, start=False)          # attaches to the test's loop
        client = await ProtocolClient.open(server.url + "?user=ann")
        button = client.find("Button")
        await client.event(button, "clicks", 1)
        await client.wait_for(lambda c: c.props(client.find("Str"))["text"] == "1")
        await client.close()
        await server.astop()
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from ..wire import protocol

__all__ = ["ProtocolClient"]

_TOKEN = re.compile(r'data-token="([^"]*)"')
_WS = re.compile(r'data-ws="([^"]*)"')


class ProtocolClient:
    """One simulated tab. Create it with :meth:`open`.

    Attributes
    ----------
    token : str
        The page's session token.
    session : str
        The session id from the last ``render``.
    nodes : dict
        ``ref -> {'kind', 'props', 'children': [ref, ...]}`` for every displayed node.
    roots : list of str
        Root refs, in order.
    messages : list of dict
        Every message received, in order.
    errors : list of dict
        The ``error`` messages received.
    urls : list of dict
        The ``url`` messages received (``{action, url}``).
    notifications : list of dict
        The ``notification`` and ``notifications`` messages received (toasts, settings).
    emits : dict
        ``ref -> [message, ...]`` emitted by components.
    close_code : int or None
        Set once the server closed the socket.
    """

    def __init__(self, url: str, *, cookies: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, origin: str | None = None) -> None:
        self.url = url
        self.cookies = dict(cookies or {})
        self.headers = dict(headers or {})
        self.origin = origin
        self.token = ""
        self.page = ""
        self.ws_path = "/_ps/ws"
        self.session = ""
        self.title: str | None = None
        self.render_error: str | None = None
        self.nodes: dict[str, dict[str, Any]] = {}
        self.roots: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.urls: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.emits: dict[str, list[dict[str, Any]]] = {}
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self._ws: WebSocketClientConnection | None = None
        self._pings = 0

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    async def open(cls, url: str, *, cookies: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None, origin: str | None = None,
                   load: bool = True, timeout: float = 5.0) -> ProtocolClient:
        """Fetch the page at ``url``, open its session and (with ``load``) acknowledge it.

        Raises
        ------
        AssertionError
            When the server refuses the session or does not render in time.
        """
        client = cls(url, cookies=cookies, headers=headers, origin=origin)
        await client.fetch()
        await client.connect()
        await client.hello(timeout=timeout)
        if load:
            await client.ack_load()
        return client

    async def fetch(self) -> str:
        """GET the page and read its token; returns the HTML."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            response = await AsyncHTTPClient().fetch(HTTPRequest(self.url, headers=headers))
        except HTTPClientError as exc:
            raise AssertionError(f"GET {self.url} failed: {exc}") from None
        self.url = response.effective_url
        self.page = response.body.decode()
        match = _TOKEN.search(self.page)
        if match is None:
            raise AssertionError(f"The page at {self.url} has no session token.")
        self.token = html.unescape(match.group(1))
        ws = _WS.search(self.page)
        if ws is not None:
            self.ws_path = html.unescape(ws.group(1))
        return self.page

    @property
    def ws_url(self) -> str:
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return urlunsplit((scheme, parts.netloc, self.ws_path, "", ""))

    async def connect(self) -> None:
        """Open a websocket (without saying hello)."""
        headers = {}
        if self.origin is not None:
            headers["Origin"] = self.origin
        self.close_code = self.close_reason = None
        self._ws = await websocket_connect(HTTPRequest(self.ws_url, headers=headers))
        # As browsers do: without it, a message the server does not answer holds the
        # next one back until the delayed ACK (Nagle), ~40 ms on loopback.
        self._ws.protocol.stream.set_nodelay(True)  # type: ignore[union-attr]

    async def hello(self, token: str | None = None, timeout: float = 5.0) -> dict[str, Any]:
        """Send ``hello`` and wait for the render (AssertionError on refusal)."""
        await self.send({"type": "hello", "v": protocol.PROTOCOL_VERSION,
                         "token": self.token if token is None else token})
        msg = await self.expect("render", timeout=timeout)
        return msg

    async def ack_load(self, pathname: str | None = None, search: str | None = None,
                       hash: str = "") -> None:
        """Tell the server the first render is on screen, with the browser URL."""
        parts = urlsplit(self.url)
        await self.send({"type": "loaded", "url": {
            "pathname": parts.path if pathname is None else pathname,
            "search": (f"?{parts.query}" if parts.query else "") if search is None else search,
            "hash": hash}})

    # -- sending -----------------------------------------------------------------------------
    async def send(self, message: dict[str, Any]) -> None:
        """Send one message."""
        await self.send_raw(json.dumps(message))

    async def send_raw(self, text: str | bytes) -> None:
        """Send raw text (to test validation)."""
        if self._ws is None:
            raise AssertionError("Not connected; call connect() first.")
        await self._ws.write_message(text, binary=isinstance(text, bytes))

    async def event(self, ref: str, name: str, value: Any) -> None:
        """Send a widget event, as the browser does when the user changes a widget."""
        node = self.nodes.get(ref)
        if node is not None and name in node["props"]:
            node["props"][name] = value
        await self.send({"type": "event", "ref": ref, "name": name, "value": value})

    async def browse(self, pathname: str, search: str = "", hash: str = "") -> None:
        """Report a browser URL change (back/forward, hash change)."""
        await self.send({"type": "url", "pathname": pathname, "search": search, "hash": hash})

    async def report_browser(self, **info: Any) -> None:
        """Report browser facts (``timezone='Europe/Paris'``...), as the page does."""
        await self.send({"type": "browser", "info": info})

    async def ping(self, timeout: float = 5.0) -> float:
        """Round-trip time of a ping, in seconds."""
        self._pings += 1
        ping_id = self._pings
        start = time.perf_counter()
        await self.send({"type": "ping", "id": ping_id})
        await self.expect("pong", timeout=timeout, where=lambda m: m["id"] == ping_id)
        return time.perf_counter() - start

    async def settle(self, timeout: float = 5.0) -> None:
        """Two ping round trips: a barrier for negative checks.

        The server handles one socket's messages in order and sends what a message
        changed in the loop iteration after it, so once the second pong is here,
        every message the server sent in answer to anything sent before has arrived
        (and is in :attr:`messages`). Use it instead of sleeping before asserting that
        nothing happened.
        """
        await self.ping(timeout)
        await self.ping(timeout)

    # -- receiving ---------------------------------------------------------------------------
    async def receive(self, timeout: float = 5.0) -> dict[str, Any] | None:
        """Read one message (None once closed) and apply it to the mirror."""
        if self._ws is None:
            return None
        try:
            raw = await asyncio.wait_for(self._ws.read_message(), timeout)
        except TimeoutError:
            raise AssertionError(f"No message from the server within {timeout} s.") from None
        if raw is None:
            self.close_code = self._ws.close_code
            self.close_reason = self._ws.close_reason
            self._ws.close()  # release the connection object (tornado warns otherwise)
            self._ws = None
            return None
        msg = json.loads(raw)
        self.messages.append(msg)
        self._apply(msg)
        return msg

    async def expect(self, type: str, timeout: float = 5.0,
                     where: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
        """Read messages until one of ``type`` (matching ``where``) arrives."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"No {type!r} message within {timeout} s; last messages: "
                                     f"{self.messages[-3:]}")
            msg = await self.receive(remaining)
            if msg is None:
                raise AssertionError(f"Connection closed ({self.close_code} {self.close_reason}) "
                                     f"while waiting for {type!r}; last messages: "
                                     f"{self.messages[-3:]}")
            if msg["type"] == type and (where is None or where(msg)):
                return msg

    async def wait_for(self, predicate: Callable[[ProtocolClient], bool],
                       timeout: float = 5.0) -> None:
        """Read messages until ``predicate(client)`` is true."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"Condition not met within {timeout} s; last messages: "
                                     f"{self.messages[-3:]}")
            if await self.receive(remaining) is None:
                raise AssertionError(f"Connection closed ({self.close_code}) before the "
                                     "condition was met.")

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        """Read until the server closes the socket; returns the close code."""
        deadline = time.monotonic() + timeout
        while await self.receive(max(0.01, deadline - time.monotonic())) is not None:
            pass
        return self.close_code

    # -- mirror ------------------------------------------------------------------------------
    def _apply(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "render":
            self.session = msg["session"]
            self.title = msg["title"]
            self.render_error = msg["error"]
            self.nodes = {}
            self.roots = [self._add(node) for node in msg["roots"]]
        elif kind == "patch":
            for op in msg["ops"]:
                node = self.nodes.get(op["ref"])
                if node is None:
                    continue
                if "props" in op:
                    node["props"].update(op["props"])
                elif "children" in op:
                    node["children"] = [self._add(c) if "kind" in c else c["ref"]
                                        for c in op["children"]]
                    self._prune()
                else:
                    self.emits.setdefault(op["ref"], []).append(op["emit"])
        elif kind == "error":
            self.errors.append(msg)
        elif kind == "url":
            self.urls.append(msg)
        elif kind in ("notification", "notifications"):
            self.notifications.append(msg)

    def _add(self, node: dict[str, Any]) -> str:
        self.nodes[node["ref"]] = {
            "kind": node["kind"], "props": dict(node["props"]),
            "children": [self._add(c) for c in node["children"]]}
        return str(node["ref"])

    def _prune(self) -> None:
        seen: set[str] = set()
        stack = list(self.roots)
        while stack:
            ref = stack.pop()
            if ref in seen or ref not in self.nodes:
                continue
            seen.add(ref)
            stack.extend(self.nodes[ref]["children"])
        self.nodes = {ref: node for ref, node in self.nodes.items() if ref in seen}

    def find_all(self, kind: str | None = None, **props: Any) -> list[str]:
        """Refs of displayed nodes of ``kind`` whose props match ``props``, in tree order."""
        out: list[str] = []

        def walk(ref: str) -> None:
            node = self.nodes.get(ref)
            if node is None:
                return
            if (kind is None or node["kind"] == kind) and all(
                    node["props"].get(k) == v for k, v in props.items()):
                out.append(ref)
            for child in node["children"]:
                walk(child)

        for root in self.roots:
            walk(root)
        return out

    def find(self, kind: str | None = None, **props: Any) -> str:
        """The first displayed node matching; AssertionError if none."""
        found = self.find_all(kind, **props)
        if not found:
            kinds = sorted({n["kind"] for n in self.nodes.values()})
            raise AssertionError(f"No {kind or 'node'} with props {props} is displayed; "
                                 f"kinds shown: {kinds}.")
        return found[0]

    def props(self, ref: str) -> dict[str, Any]:
        """The client-side props of node ``ref``."""
        return self.nodes[ref]["props"]

    # -- closing -----------------------------------------------------------------------------
    async def drop(self) -> None:
        """Drop the socket as a vanished tab would (the session stays, unused)."""
        if self._ws is not None:
            self._ws.close()
            await self.wait_closed()

    async def reconnect(self, timeout: float = 5.0) -> dict[str, Any]:
        """Open a new socket with the same token, as the browser client does."""
        await self.connect()
        return await self.hello(timeout=timeout)

    async def follow_reload(self, timeout: float = 5.0, load: bool = True) -> ProtocolClient:
        """Do what the page does with a ``--dev`` ``reload``: open the fresh session.

        Waits for the ``reload`` message, opens its token's session on a new socket
        (acknowledging the load with this client's URL if it rendered without error)
        and returns the new client. Close both when done.
        """
        msg = await self.expect("reload", timeout=timeout)
        new = ProtocolClient(self.url, cookies=self.cookies, headers=self.headers,
                             origin=self.origin)
        new.token, new.ws_path, new.page = msg["token"], self.ws_path, self.page
        await new.connect()
        await new.hello(timeout=timeout)
        if load and new.render_error is None:
            await new.ack_load()
        return new

    async def close(self) -> None:
        """Close the socket."""
        await self.drop()
