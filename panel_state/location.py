"""Location: the page URL as watchable, bookmarkable, loss-free state.

``pn.state.location`` is one :class:`Location` per session, built from the page
request before the app code runs (outside a session, one process-wide Location that
works the same way). Its ``pathname``, ``search`` and ``hash`` are writable params;
``sync`` keeps params of any Parameterized in two-way sync with query keys. The query
codec lives in :mod:`panel_state.query`; this module wires it to param.

A connection to a client talks to a Location through the
:class:`~panel_state.contracts.LocationChannel` contract: :meth:`Location.listen` (be
told when the URL changed on the Python side), :meth:`Location.take_client_action`
(what the browser must do after a batch of Python-side work),
:meth:`Location.apply_browser_url` (the browser moved: load, back/forward, hash) and
:meth:`Location.close` (the session ended). The validation rules of the URL parts and
the request parsing live in :mod:`panel_state.urls`.

Thread-safety: a Location is meant to be used on its session's loop (``pn.state.execute``
gets you there). One exception keeps thread-pool handlers safe: a param change of a
synced object made on another thread (a browser event handled on the pool with
``pn.config.nthreads``) is written to the URL on the session's loop, in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import param

from . import loops
from ._params import only_watcher, set_readonly, store
from .context import current_session
from .errors import describe
from .execution import run
from .query import Query, encode_value, parse_search, parse_value, update_search
from .urls import URLPart, compose_href, location_parts, part_problem
from .urlsync import History, QuerySync, Synced

__all__ = ["Location"]

_PLAIN = param.Parameter()


class Location(param.Parameterized):
    """The URL of the page: read it, change it, and sync params with its query.

    ``href``, ``hostname``, ``protocol`` and ``port`` are read-only; ``pathname``,
    ``search`` and ``hash`` are writable and validated; ``href`` follows every change.
    Writes only touch the keys they change: the rest of the query keeps its exact text.

    Examples
    --------
    >>> import param
    >>> from panel_state import Location
    >>> class Controls(param.Parameterized):
    ...     page = param.Integer(1)
    ...     sort = param.String("name")
    >>> loc = Location.from_request("http", "localhost:5006", "/app?page=3&utm=x%20y")
    >>> controls = Controls()
    >>> loc.sync(controls)
    >>> controls.page, loc.search
    (3, '?page=3&utm=x%20y&sort=name')
    >>> controls.sort = "date"
    >>> loc.href
    'http://localhost:5006/app?page=3&utm=x%20y&sort=date'
    """

    href = param.String(default="", readonly=True, doc="""
        The full URL, ``protocol//hostname[:port]`` + pathname + search + hash, e.g.
        ``'https://example.org:8443/app?color=blue#top'``. Follows every change.""")
    hostname = param.String(default="", readonly=True, doc="""
        Host name of the page, e.g. ``'example.org'`` (IPv6 addresses in brackets).""")
    protocol = param.String(default="", readonly=True, doc="""
        Protocol of the page with its colon, e.g. ``'http:'`` or ``'https:'``.""")
    port = param.String(default="", readonly=True, doc="""
        Port of the page as a string, e.g. ``'5006'``; ``''`` for the default port.""")
    pathname = URLPart(default="", doc="""
        Path of the page: ``''``, starting with ``'/'`` (e.g. ``'/user_guide/app'``)
        or ``'srcdoc'``.""")
    search = URLPart(default="", doc="""
        Query part of the URL: ``''`` or starting with ``'?'``, e.g. ``'?color=blue'``.
        Synced objects follow it.""")
    hash = URLPart(default="", doc="""
        Fragment of the URL: ``''`` or starting with ``'#'``, e.g. ``'#interact'``.""")
    reload = param.Boolean(default=False, doc="""
        Navigate with a full page load when ``pathname`` or ``search`` changes
        (multi-page apps), instead of updating the browser history in place
        (single-page apps). Setting it before or after the URL both work.""")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._query_sync = QuerySync(self._current_query, self._write)
        self._loop: asyncio.AbstractEventLoop | None = None
        # Who is changing a URL part right now: None (user code: a history push),
        # 'push'/'replace' (a write from this Location), 'client' (the browser).
        self._origin: str | None = None
        self._pending_push = False
        self._listeners: list[Callable[[], Any]] = []
        self._origin_text = compose_href(self.protocol, self.hostname, self.port, "", "", "")
        self._query: Query = parse_search(self.search)
        self._shown = (self.pathname, self.search, self.hash)
        set_readonly(self, "href", self._compose())
        self._parts_watcher = self.param.watch(self._on_parts, ["pathname", "search", "hash"])
        self.param.watch(self._on_reload, "reload")

    @classmethod
    def from_request(cls, protocol: str, host: str, uri: str) -> Location:
        """Build the Location of a page request.

        Parameters
        ----------
        protocol : str
            ``'http'`` or ``'https'`` (no colon needed).
        host : str
            The Host header, possibly with a port, an IPv6 address or an ``::ffff:``
            prefix.
        uri : str
            Path, query and fragment; proxy forms (``'https,http://host/path'``) and
            absolute URLs are reduced to their path.

        Raises
        ------
        ValueError
            For a malformed host or a path that does not start with ``/``.

        Examples
        --------
        >>> loc = Location.from_request("http", "[::1]:5006", "/app?a=1")
        >>> loc.hostname, loc.port, loc.pathname, loc.search
        ('[::1]', '5006', '/app', '?a=1')
        """
        parts = location_parts(protocol, host, uri)
        loc = cls(pathname=parts["pathname"], search=parts["search"], hash=parts["hash"])
        for name in ("protocol", "hostname", "port"):
            set_readonly(loc, name, parts[name])
        loc._origin_text = compose_href(parts["protocol"], parts["hostname"], parts["port"],
                                        "", "", "")
        set_readonly(loc, "href", loc._compose())
        return loc

    # -- reading ------------------------------------------------------------------------
    @property
    def query_params(self) -> dict[str, Any]:
        """The query as typed values: ints, floats, booleans, JSON lists/objects, strings.

        A repeated key reads as its last value; a key without a value as ``''``.
        """
        q = self._current_query()
        return {key: parse_value(q.values[idx[-1]]) for key, idx in q.index.items()}

    def _compose(self) -> str:
        return f"{self._origin_text}{self.pathname}{self.search}{self.hash}"

    def _current_query(self) -> Query:
        # self._query is the query the synced objects reflect; it moves only when this
        # Location writes or applies the URL, so a read never hides a pending change.
        q, search = self._query, self.search
        if q.text is search or q.text == search:
            return q
        return parse_search(search)

    # -- writing ------------------------------------------------------------------------
    def update_query(self, **kwargs: Any) -> None:
        """Set (or, with None, remove) query keys; every other key is left untouched.

        Strings are written as they are, other values as JSON (``True`` ->
        ``true``, ``[1, 2]`` -> ``[1,2]``); a key synced to a param is encoded the way
        that param is. Synced objects follow. Counts as a history push.

        Raises
        ------
        TypeError
            For a value that cannot be written as JSON; nothing changes then.

        Examples
        --------
        >>> loc = Location(search="?zip=007&x=1.50")
        >>> loc.update_query(x=2, flag=True)
        >>> loc.search
        '?zip=007&x=2&flag=true'
        """
        updates: dict[str, str | None] = {}
        for key, value in kwargs.items():
            parameter = self._query_sync.parameter_for(key) or _PLAIN
            try:
                updates[key] = encode_value(parameter, value)
            except TypeError as exc:
                raise TypeError(f"Location.update_query({key}=...): {exc}") from None
        self._write(updates, "push", None)

    def set_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """The loop this Location lives on (its session's); writes from other threads go there."""
        self._loop = loop

    def _write(self, updates: Mapping[str, str | None], mode: str, source: Synced | None) -> None:
        loop = self._loop
        if loop is not None and loop.is_running() and loops.running_loop() is not loop:
            # A synced param changed on a pool thread: write on the loop, in order.
            loops.call_on(loop, self._write, dict(updates), mode, source)
            return
        current = self._current_query()
        new = update_search(current, updates)
        if new is current:
            return
        self._query = new
        if self._only_we_watch_search():
            # Nobody else observes `search`: store it and do what _on_parts would,
            # without param's event dispatch (the hot path of every synced change).
            store(self, "search", new.text)
            set_readonly(self, "href", self._compose())
            if mode == "push":
                self._pending_push = True
            if self._listeners:
                self._notify()
        else:
            previous, self._origin = self._origin, mode
            try:
                self.search = new.text
            finally:
                self._origin = previous
        # Other synced objects reading the keys just written follow them.
        self._query_sync.follow(updates, source)

    def _only_we_watch_search(self) -> bool:
        return only_watcher(self, "search", self._parts_watcher)

    def _on_parts(self, *events: param.parameterized.Event) -> None:
        set_readonly(self, "href", self._compose())
        origin, self._origin = self._origin, None
        if origin is None or origin == "push":
            self._pending_push = True
        if origin != "client" and self._listeners:
            self._notify()
        if origin in (None, "client") and any(e.name == "search" for e in events):
            # Synced objects already reflect the previous query: only keys whose value
            # changed need applying (keys that disappeared leave their params alone).
            old = self._query
            new = self._query = self._current_query()
            changed = {k for k in new.index if old.get(k) != new.get(k)}
            if changed:
                self._query_sync.follow_changed(changed)

    # -- server contract ----------------------------------------------------------------
    def take_client_action(self) -> tuple[str, str] | None:
        """What the browser must do now: ``(action, url)`` or None; clears what is pending.

        ``url`` is pathname + search + hash. ``action`` is ``'navigate'`` when
        ``reload`` is True and the pathname or search differs from what the browser
        shows, else ``'push'`` when any change since the last call was a push, else
        ``'replace'``. None when the URL is what the browser already shows.
        """
        current = (self.pathname, self.search, self.hash)
        push, self._pending_push = self._pending_push, False
        shown, self._shown = self._shown, current
        if current == shown:
            return None
        if self.reload and current[:2] != shown[:2]:
            action = "navigate"
        else:
            action = "push" if push else "replace"
        return action, "".join(current)

    def _on_reload(self, event: param.parameterized.Event) -> None:
        if self._listeners:
            self._notify()

    def listen(self, callback: Callable[[], Any]) -> Callable[[], None]:
        """Call ``callback()`` after every Python-side change of the URL parts or reload.

        For the server: it flushes the URL (:meth:`take_client_action`) when called. Unlike
        a param watcher on ``search``, a listener keeps synced changes on their fast
        path. Changes applied with :meth:`apply_browser_url` are not reported. Returns
        a function that removes the listener.
        """
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def _notify(self) -> None:
        for callback in list(self._listeners):
            run(callback, session=current_session(), kind="callback",
                what=f"Location listener {describe(callback)}")

    def apply_browser_url(self, pathname: str, search: str, hash: str) -> None:
        """Take the URL the browser shows (page load, back/forward, hash change).

        The parts and the synced objects follow; nothing is left pending for
        :meth:`take_client_action`, as the browser already shows this URL.

        Raises
        ------
        TypeError, ValueError
            For parts that are not strings or break their rule; nothing changes then.
        """
        parts = {"pathname": pathname, "search": search, "hash": hash}
        for name, value in parts.items():
            if not isinstance(value, str):
                raise TypeError(f"Location.{name} from the client must be a string, got "
                                f"{type(value).__name__} {value!r}.")
            problem = part_problem(name, value)
            if problem:
                raise ValueError(problem)
        self._shown = (pathname, search, hash)
        self._pending_push = False
        self._origin = "client"
        try:
            self.param.update(**parts)
        finally:
            self._origin = None

    def close(self) -> None:
        """Unsync everything and drop references (the session was destroyed).

        The URL is left as it is. Afterwards no synced object holds a reference to this
        Location, and :meth:`sync` raises.
        """
        self._query_sync.close()
        self._listeners = []

    # -- sync -----------------------------------------------------------------------------
    def sync(self, parameterized: param.Parameterized | type[param.Parameterized],
             parameters: Iterable[str] | Mapping[str, str] | None = None,
             on_error: Callable[[dict[str, str]], Any] | None = None,
             history: History = "push") -> None:
        """Keep params of ``parameterized`` in two-way sync with query keys.

        The URL wins at sync time: keys already in the URL set the params, then the
        remaining params are written to the URL (replacing the current history
        entry). From then on, param changes update the URL and URL changes (user code,
        ``update_query``, the browser's back/forward) update the params. Syncing the
        same object again adds to what is synced.

        Parameters
        ----------
        parameterized : param.Parameterized or a subclass
            The object (or class) to sync.
        parameters : list of str or dict, optional
            Param names (query key = param name) or ``{param: query_key}``. Default:
            every param except ``name`` and constant or read-only ones.
        on_error : callable, optional
            Called with ``{param: text}`` for URL values a param rejects (the rest
            still apply). Without it such values are logged as a warning.
        history : {'push', 'replace'}
            Whether each later param change adds a browser history entry (``'push'``)
            or replaces the current one (``'replace'``, sensible for sliders).

        Raises
        ------
        TypeError
            For a non-Parameterized target, a non-callable ``on_error``, or a param
            whose value cannot be written as JSON.
        ValueError
            For unknown, constant or read-only params, a query key used twice, or an
            invalid ``history``. Nothing is synced then.
        RuntimeError
            When the Location has been torn down (its session was destroyed).
        """
        self._query_sync.sync(parameterized, parameters, on_error, history)

    def unsync(self, parameterized: Any, parameters: Iterable[str] | None = None) -> None:
        """Stop syncing ``parameterized`` (or only ``parameters`` of it).

        The unsynced params' keys are removed from the URL (unless another synced object
        still uses them; recorded with the sync's ``history`` mode); every other key is
        left untouched, and the rest of the object stays synced.

        Raises
        ------
        ValueError
            If the object was never synced, or for names that are not synced on it.
        """
        self._query_sync.unsync(parameterized, parameters)
