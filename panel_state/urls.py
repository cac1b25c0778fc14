"""Page requests: the URL parts a Location holds, and the request's query arguments.

Pure functions of their inputs. :func:`location_parts` splits the protocol, host and
URI of a page request (IPv6 hosts, ``::ffff:`` prefixes and proxy URI forms included)
into the parts a Location holds, :func:`compose_href` puts them back together, and
:func:`request_args` reads a query string into ``pn.state.session_args``'s shape --
the one parser for served pages and test sessions alike.

Examples
--------
>>> request_args("phase=0.5&tag=a&tag=b&x=%FF&blank=")
{'phase': [b'0.5'], 'tag': [b'a', b'b'], 'x': [b'\\xff'], 'blank': [b'']}
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import param

__all__ = ["URLPart", "compose_href", "location_parts", "part_problem", "request_args"]

_PROXY_PREFIX = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*,)+(?=[A-Za-z][A-Za-z0-9+.-]*:|/)")
_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//")


def request_args(query: str) -> dict[str, list[bytes]]:
    """The arguments of a query string, as ``{key: [value bytes, ...]}``.

    Repeated keys keep every value in order and blank values are kept (``b''``), as
    tornado's ``request.arguments`` has them. Values are the percent-decoded bytes
    (``%FF`` is ``b'\\xff'``, ``+`` a space); keys are decoded as UTF-8. A leading
    ``?`` and a fragment are ignored.
    """
    query = query.split("#", 1)[0].removeprefix("?")
    args: dict[str, list[bytes]] = {}
    # latin-1 maps every byte to one character and back: the values stay the exact
    # bytes the URL percent-encoded.
    for key, value in parse_qsl(query, keep_blank_values=True, encoding="latin-1",
                                errors="strict"):
        name = key.encode("latin-1").decode("utf-8", "replace")
        args.setdefault(name, []).append(value.encode("latin-1"))
    return args


def _split_host(host: str) -> tuple[str, str]:
    h = host.strip()
    if h.lower().startswith("::ffff:"):
        h = h[7:]
    if h == "::1":
        return "localhost", ""
    if h.startswith("["):
        end = h.find("]")
        if end == -1:
            raise ValueError(f"Host {host!r} opens '[' without closing it; an IPv6 host "
                             f"is written '[addr]' or '[addr]:port'.")
        addr, rest = h[1:end], h[end + 1:]
        if addr.lower().startswith("::ffff:") and "." in addr:
            hostname = addr[7:]
        else:
            hostname = f"[{addr}]"
        if rest and not rest.startswith(":"):
            raise ValueError(f"Host {host!r} has {rest!r} after its IPv6 address; only "
                             f"':port' may follow ']'.")
        port = rest[1:]
    elif h.count(":") > 1:
        hostname, port = f"[{h}]", ""
    else:
        hostname, _, port = h.partition(":")
    if port and not port.isdigit():
        raise ValueError(f"Host {host!r} has port {port!r}; a port is a number.")
    return hostname, port


def location_parts(protocol: str | None, host: str | None, uri: str | None) -> dict[str, str]:
    """Split a page request into the parts of a Location.

    Parameters
    ----------
    protocol : str
        ``'http'`` or ``'https'`` (a trailing colon is accepted).
    host : str
        The Host header: ``'name'``, ``'name:port'``, ``'[v6]:port'``, a bare IPv6
        address, possibly with an ``::ffff:`` prefix (which is dropped); ``'::1'``
        reads as ``localhost``.
    uri : str
        Path, query and fragment as the server received them; proxy forms such as
        ``'https,http://host/path'`` and absolute URLs are reduced to their path.

    Returns
    -------
    dict
        ``protocol`` (with colon), ``hostname``, ``port``, ``pathname``, ``search``,
        ``hash`` and ``href``.

    Raises
    ------
    ValueError
        For a malformed host or a path that does not start with ``/``.

    Examples
    --------
    >>> location_parts("http", "::ffff:172.20.0.233", "https,http://sub.domain.dk/p")["href"]
    'http://172.20.0.233/p'
    """
    proto = (protocol or "").strip()
    if proto and not proto.endswith(":"):
        proto += ":"
    hostname, port = _split_host(host or "")
    u = _PROXY_PREFIX.sub("", (uri or "").strip())
    if _ABSOLUTE.match(u):
        parts = urlsplit(u)
        path, query, fragment = parts.path or "/", parts.query, parts.fragment
    else:
        rest, _, fragment = u.partition("#")
        path, _, query = rest.partition("?")
    if path and not path.startswith("/") and path != "srcdoc":
        raise ValueError(f"Request URI {uri!r} has path {path!r}; a page path starts "
                         f"with '/'.")
    search = f"?{query}" if query else ""
    hash_ = f"#{fragment}" if fragment else ""
    return {
        "protocol": proto,
        "hostname": hostname,
        "port": port,
        "pathname": path,
        "search": search,
        "hash": hash_,
        "href": compose_href(proto, hostname, port, path, search, hash_),
    }


def compose_href(protocol: str, hostname: str, port: str, pathname: str, search: str,
                 hash: str) -> str:
    """``protocol//hostname[:port]`` + pathname + search + hash (no origin without a host)."""
    origin = ""
    if hostname:
        origin = f"{protocol}//{hostname}:{port}" if port else f"{protocol}//{hostname}"
    return f"{origin}{pathname}{search}{hash}"


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


class URLPart(param.String):
    """A writable URL part; the rule it enforces is chosen by its name."""

    def _validate_value(self, value: Any, allow_None: bool) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Location.{self.name} must be a string, got "
                            f"{type(value).__name__} {value!r}.")
        problem = part_problem(self.name or "", value)
        if problem:
            raise ValueError(problem)
