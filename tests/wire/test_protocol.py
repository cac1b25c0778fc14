"""The wire protocol: validation of client messages, encoding, and the JS mirror."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from panel_state.wire import protocol
from panel_state.wire.protocol import ProtocolError, decode, encode

STATIC = Path(protocol.__file__).resolve().parent.parent / "static"
CORE_JS = STATIC / "core.js"
PAGE_JS = STATIC / "client.js"


def test_protocol_core_js_mirrors_spec():
    source = CORE_JS.read_text()
    match = re.search(r"/\*PROTOCOL\*/(.*?)/\*END PROTOCOL\*/", source, re.S)
    assert match, "core.js must embed the protocol between /*PROTOCOL*/ markers"
    assert json.loads(match.group(1)) == json.loads(json.dumps(protocol.SPEC))


def test_protocol_core_js_handles_every_server_message_and_op():
    source = CORE_JS.read_text()
    for kind in protocol.SERVER_MESSAGES:
        assert f'case "{kind}"' in source, kind
    for op in protocol.PATCH_OPS:
        assert f'"{op}" in op' in source, op


def test_protocol_page_host_applies_every_url_action():
    source = PAGE_JS.read_text()
    for action in protocol.URL_ACTIONS:
        assert f'"{action}"' in source.split("  url(action, url) {", 1)[1], action


@pytest.mark.parametrize("msg", [
    {"type": "hello", "v": 1, "token": "t"},
    {"type": "loaded", "url": {"pathname": "/", "search": "", "hash": ""}},
    {"type": "event", "ref": "v1", "name": "value", "value": [1, {"a": None}]},
    {"type": "url", "pathname": "/a", "search": "?x=1", "hash": "#h"},
    {"type": "ping", "id": 7},
])
def test_decode_accepts_every_client_message(msg):
    assert decode(json.dumps(msg)) == msg


@pytest.mark.parametrize(("raw", "code", "match"), [
    ("{not json", "bad_json", "not valid JSON"),
    ("[1, 2]", "bad_json", "must be a JSON object, got list"),
    ('{"type": "launch"}', "unknown_type", "Unknown message type 'launch'"),
    ('{"ref": "v1"}', "unknown_type", "Unknown message type None"),
    ('{"type": "event", "ref": "v1", "value": 1}', "bad_message", "needs the field 'name'"),
    ('{"type": "event", "ref": 3, "name": "v", "value": 1}', "bad_message",
     "'ref' of a 'event' message must be a JSON string, got int 3"),
    ('{"type": "hello", "v": true, "token": "t"}', "bad_message", "JSON integer"),
    ('{"type": "loaded", "url": {"pathname": "/"}}', "bad_message", "needs the field 'search'"),
    ('{"type": "url", "pathname": "/", "search": null, "hash": ""}', "bad_message",
     "'search'"),
])
def test_decode_rejects_bad_messages_with_a_named_code(raw, code, match):
    with pytest.raises(ProtocolError, match=match) as info:
        decode(raw)
    assert info.value.code == code
    assert code in protocol.ERRORS


def test_decode_rejects_oversized_message_before_parsing():
    raw = json.dumps({"type": "ping", "id": "x" * 200})
    with pytest.raises(ProtocolError, match=r"exceeds the limit of 100 bytes") as info:
        decode(raw, max_size=100)
    assert info.value.code == "too_large"


def test_encode_is_compact_json_browsers_accept():
    text = encode({"type": "patch", "ops": [{"ref": "v1", "props": {
        "x": [1.0, float("nan"), float("inf")], "n": np.int64(3), "arr": np.arange(2)}}]})
    assert " " not in text
    assert json.loads(text)["ops"][0]["props"] == {"x": [1.0, None, None], "n": 3, "arr": [0, 1]}
    assert "NaN" not in text and "Infinity" not in text


def test_encode_refuses_unserialisable_values_with_their_type():
    with pytest.raises(TypeError, match="Cannot send a object to the browser"):
        encode({"type": "pong", "id": object()})


def test_url_and_error_messages_check_their_vocabulary():
    assert protocol.url_message("push", "/a?x=1") == {"type": "url", "action": "push",
                                                      "url": "/a?x=1"}
    with pytest.raises(ValueError, match="URL action must be one of"):
        protocol.url_message("jump", "/")
    with pytest.raises(ValueError, match="Error code must be one of"):
        protocol.error_message("oops", "x")


def test_close_codes_are_distinct_application_codes():
    codes = list(protocol.CLOSE_CODES.values())
    assert len(set(codes)) == len(codes), protocol.CLOSE_CODES
    # Ours are application codes; "shutdown" is the standard "going away".
    assert protocol.CLOSE_CODES["shutdown"] == 1001
    assert all(4000 <= code <= 4999 for name, code in protocol.CLOSE_CODES.items()
               if name != "shutdown")
