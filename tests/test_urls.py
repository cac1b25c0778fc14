"""Page requests: URL parts, and the one query-argument parser of sessions and servers."""

from __future__ import annotations

import pytest

from panel_state.testing import session
from panel_state.urls import compose_href, location_parts, request_args

# -- request parts ----------------------------------------------------------------------

@pytest.mark.parametrize(("protocol", "host", "uri", "expected"), [
    ("http", "127.0.0.1", "/panel",
     {"protocol": "http:", "hostname": "127.0.0.1", "pathname": "/panel",
      "href": "http://127.0.0.1/panel"}),
    ("http", "::ffff:172.20.0.233", "https,http://sub.domain.dk/some/path/panel",
     {"protocol": "http:", "hostname": "172.20.0.233", "pathname": "/some/path/panel",
      "href": "http://172.20.0.233/some/path/panel"}),
])
def test_location_parts_matches_panels_request_cases(protocol, host, uri, expected):
    parts = location_parts(protocol, host, uri)
    assert {k: parts[k] for k in expected} == expected
    assert parts["port"] == parts["search"] == parts["hash"] == ""


@pytest.mark.parametrize(("host", "hostname", "port"), [
    ("localhost:5006", "localhost", "5006"),
    ("::1", "localhost", ""),
    ("[::1]:5006", "[::1]", "5006"),
    ("[2001:db8::7]", "[2001:db8::7]", ""),
    ("2001:db8::7", "[2001:db8::7]", ""),
    ("[::ffff:10.0.0.1]:8080", "10.0.0.1", "8080"),
    ("::ffff:10.0.0.1:8080", "10.0.0.1", "8080"),
])
def test_location_parts_reads_ipv4_ipv6_and_mapped_hosts(host, hostname, port):
    parts = location_parts("https", host, "/")
    assert (parts["hostname"], parts["port"]) == (hostname, port)
    assert parts["href"] == f"https://{hostname}{':' + port if port else ''}/"


def test_location_parts_splits_query_and_fragment():
    parts = location_parts("http", "h", "/a/b?x=1&q=what?#top?x")
    assert (parts["pathname"], parts["search"], parts["hash"]) == (
        "/a/b", "?x=1&q=what?", "#top?x")
    proxied = location_parts("http", "h", "http,https://other:9/p?x=1#f")
    assert (proxied["pathname"], proxied["search"], proxied["hash"]) == ("/p", "?x=1", "#f")
    assert proxied["href"] == "http://h/p?x=1#f"


@pytest.mark.parametrize(("host", "uri", "match"), [
    ("[::1", "/", "opens '\\['"),
    ("[::1]x", "/", "only ':port'"),
    ("h:abc", "/", "port 'abc'"),
    ("h", "app", "starts with '/'"),
])
def test_location_parts_rejects_malformed_requests(host, uri, match):
    with pytest.raises(ValueError, match=match):
        location_parts("http", host, uri)


def test_compose_href_has_no_origin_without_a_host():
    assert compose_href("http:", "", "", "/p", "?a=1", "#h") == "/p?a=1#h"
    assert compose_href("http:", "h", "81", "/p", "", "") == "http://h:81/p"


def test_request_args_keep_bytes_repeats_and_blanks():
    assert request_args("?phase=0.5&tag=a&tag=b&blank=&x=%FF#frag") == {
        "phase": [b"0.5"], "tag": [b"a", b"b"], "blank": [b""], "x": [b"\xff"]}


def test_request_args_decode_plus_as_space_and_utf8_keys():
    assert request_args("caf%C3%A9=a+b%2Bc") == {"café": [b"a b+c"]}


def test_test_sessions_and_served_pages_read_a_query_alike():
    # One parser for both: a test session gives the bytes a served page would.
    with session("http://localhost/app?x=%FF&y=%C3%A9") as s:
        assert s.session_args == {"x": [b"\xff"], "y": ["é".encode()]}
