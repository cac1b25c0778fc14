"""Location: the page URL as watchable, bookmarkable, loss-free state.

``pn.state.location`` is one :class:`Location` per session, built from the page
request before the app code runs (outside a session, one process-wide Location that
works the same way). Its ``pathname``, ``search`` and ``hash`` are writable params;
``sync`` keeps params of any Parameterized in two-way sync with query keys. The query
codec lives in :mod:`panel_state.query`; this module wires it to param.

The server talks to a Location through three methods: :meth:`Location._listen` (be
told when the URL changed on the Python side), :meth:`Location._client_action` (what the
browser must do after a batch of Python-side work) and
:meth:`Location._apply_client_url` (the browser moved: load, back/forward, hash).

Thread-safety: a Location is not thread-safe; use it on its session's loop
(``pn.state.execute`` gets you there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import param

from ._params import set_readonly
from .execution import describe, run_isolated
from .query import (
    Query,
    compose_href,
    encode_value,
    location_parts,
    parse_search,
    parse_value,
    update_search,
)
from .session import current_session
from .urlsync import URLSync, _Synced

log = logging.getLogger("panel_state.location")

_PLAIN = param.Parameter()


def part_problem(name: str, value: str) -> str | None:
    """Why ``value`` is not a valid ``Location.<name>``, or None when it is."""
    if name == "pathname":
        if value and value != "srcdoc" and not value.startswith("/"):
            return (f"Location.pathname must be '', start with '/' or be 'srcdoc', got "
                    f"{value!r}. Use {'/' + value!r}.")
        if "?" in value or "#" in value:
            return (f"Location.pathname must not contain '?' or '#', got {value!r}. Set "
                    f"the query with `search` and the fragment with `hash`.")
    elif name == "search":
        if value and not value.startswith("?"):
            return (f"Location.search must be '' or start with '?', got {value!r}. "
                    f"Use {'?' + value!r}.")
        if "#" in value:
            return (f"Location.search must not contain '#', got {value!r}. Set the "
                    f"fragment with `hash`, or write '#' as '%23' inside a value.")
    elif name == "hash" and value and not value.startswith("#"):
        return (f"Location.hash must be '' or start with '#', got {value!r}. "
                f"Use {'#' + value!r}.")
    return None


class _URLPart(param.String):
    """A writable URL part; the rule it enforces is chosen by its name."""

    def _validate_value(self, value: Any, allow_None: bool) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Location.{self.name} must be a string, got "
                            f"{type(value).__name__} {value!r}.")
        problem = part_problem(self.name or "", value)
        if problem:
            raise ValueError(problem)


class Location(URLSync, param.Parameterized):
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
    pathname = _URLPart(default="", doc="""
        Path of the page: ``''``, starting with ``'/'`` (e.g. ``'/user_guide/app'``)
        or ``'srcdoc'``.""")
    search = _URLPart(default="", doc="""
        Query part of the URL: ``''`` or starting with ``'?'``, e.g. ``'?color=blue'``.
        Synced objects follow it.""")
    hash = _URLPart(default="", doc="""
        Fragment of the URL: ``''`` or starting with ``'#'``, e.g. ``'#interact'``.""")
    reload = param.Boolean(default=False, doc="""
        Navigate with a full page load when ``pathname`` or ``search`` changes
        (multi-page apps), instead of updating the browser history in place
        (single-page apps). Setting it before or after the URL both work.""")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._synced: list[_Synced] = []
        self._by_key: dict[str, list[tuple[_Synced, str]]] = {}
        # (id(obj), param name) -> the value this Location is setting from the URL, so
        # the object's watcher does not write it back (and re-encode '007' as '7').
        self._applying: dict[tuple[int, str], Any] = {}
        # Who is changing a URL part right now: None (user code: a history push),
        # 'push'/'replace' (a write from this Location), 'client' (the browser).
        self._origin: str | None = None
        self._pending_push = False
        self._closed = False
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
            targets = self._by_key.get(key)
            parameter = targets[0][0].params[targets[0][1]] if targets else _PLAIN
            try:
                updates[key] = encode_value(parameter, value)
            except TypeError as exc:
                raise TypeError(f"Location.update_query({key}=...): {exc}") from None
        self._write(updates, "push", None)

    def _write(self, updates: Mapping[str, str | None], mode: str, source: _Synced | None) -> None:
        current = self._current_query()
        new = update_search(current, updates)
        if new is current:
            return
        self._query = new
        if self._only_we_watch_search():
            # Nobody else observes `search`: store it and do what _on_parts would,
            # without param's event dispatch (the hot path of every synced change).
            self._param__private.values["search"] = new.text
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
        by_key = self._by_key
        touched: dict[int, tuple[_Synced, list[str]]] = {}
        for key in updates:
            for synced, pname in by_key.get(key, ()):
                if synced is not source:
                    touched.setdefault(id(synced), (synced, []))[1].append(pname)
        for synced, names in touched.values():
            self._apply(synced, names)

    def _only_we_watch_search(self) -> bool:
        watchers = self._param__private.watchers.get("search")
        if not watchers or len(watchers) != 1:
            return False
        own = watchers.get("value")
        return (own is not None and len(own) == 1 and own[0] is self._parts_watcher
                and not type(self).param["search"].watchers)

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
            if not changed:
                return
            for synced in list(self._synced):
                names = [p for p, q in synced.mapping.items() if q in changed]
                if names:
                    self._apply(synced, names)

    # -- server contract ----------------------------------------------------------------
    def _client_action(self) -> tuple[str, str] | None:
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

    def _listen(self, callback: Callable[[], Any]) -> Callable[[], None]:
        """Call ``callback()`` after every Python-side change of the URL parts or reload.

        For the server: it flushes the URL (:meth:`_client_action`) when called. Unlike
        a param watcher on ``search``, a listener keeps synced changes on their fast
        path. Changes applied with :meth:`_apply_client_url` are not reported. Returns
        a function that removes the listener.
        """
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def _notify(self) -> None:
        for callback in list(self._listeners):
            run_isolated(callback, session=current_session(),
                         what=f"Location listener {describe(callback)}")

    def _apply_client_url(self, pathname: str, search: str, hash: str) -> None:
        """Take the URL the browser shows (page load, back/forward, hash change).

        The parts and the synced objects follow; nothing is left pending for
        :meth:`_client_action`, as the browser already shows this URL.

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

    def _teardown(self) -> None:
        """Unsync everything and drop references (the session was destroyed).

        The URL is left as it is. Afterwards no synced object holds a reference to this
        Location, and :meth:`sync` raises.
        """
        for synced in self._synced:
            self._unwatch(synced)
        self._synced = []
        self._by_key = {}
        self._applying = {}
        self._listeners = []
        self._closed = True
