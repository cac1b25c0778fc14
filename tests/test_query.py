"""The pure URL codec: query strings and values."""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import parse_qsl

import param
import pytest
from hypothesis import given
from hypothesis import strategies as st

from panel_state.query import (
    decode_value,
    encode_value,
    parse_search,
    parse_value,
    update_search,
)

# -- parse_search / update_search -------------------------------------------------------

def test_parse_search_decodes_keys_and_values_and_keeps_repeats():
    q = parse_search("?a=1&b=x+y&a=2&c=&flag&k%26=v%3D")
    assert q.get("a") == "2"
    assert q.get_all("a") == ["1", "2"]
    assert q.get("b") == "x y"
    assert q.get("c") == ""
    assert q.get("flag") == ""
    assert q.get("k&") == "v="
    assert q.get("missing") is None
    assert list(q) == ["a", "b", "c", "flag", "k&"]


def test_parse_search_accepts_empty_and_bare_question_mark():
    assert parse_search("").text == ""
    assert len(parse_search("")) == 0
    assert parse_search("?").text == "?"
    assert len(parse_search("?")) == 0


def test_update_search_changes_only_the_named_key_byte_for_byte():
    q = parse_search("?zip=007&flag=true&x=1.50&arr=[1,2]")
    assert update_search(q, {"flag": "false"}).text == "?zip=007&flag=false&x=1.50&arr=[1,2]"
    assert update_search(q, {"new": "v"}).text == "?zip=007&flag=true&x=1.50&arr=[1,2]&new=v"


def test_update_search_keeps_repeated_and_blank_keys_it_does_not_touch():
    q = parse_search("?a=1&a=2&blank=&bare&b=x")
    assert update_search(q, {"b": "y"}).text == "?a=1&a=2&blank=&bare&b=y"


def test_update_search_collapses_repeats_of_the_key_it_sets():
    q = parse_search("?phase=0.5&x=1&phase=0.7")
    new = update_search(q, {"phase": "0.9"})
    assert new.text == "?phase=0.9&x=1"
    assert new.get_all("phase") == ["0.9"]


def test_update_search_removes_keys_set_to_none():
    q = parse_search("?a=1&b=2&a=3")
    assert update_search(q, {"a": None}).text == "?b=2"
    assert update_search(q, {"a": None, "b": None}).text == ""


def test_update_search_returns_the_same_query_when_nothing_changes():
    q = parse_search("?a=%31&b=x")
    assert update_search(q, {"a": "1"}) is q
    assert update_search(q, {"gone": None}) is q
    assert update_search(q, {}) is q
    assert update_search(parse_search(""), {}).text == ""


def test_update_search_escapes_what_would_break_the_query():
    q = update_search(parse_search(""), {"k y": "a&b=c#d%e+f 'g\""})
    assert q.text == "?k+y=a%26b%3Dc%23d%25e%2Bf+%27g%22"
    assert parse_search(q.text).get("k y") == "a&b=c#d%e+f 'g\""


def test_update_search_writes_json_punctuation_and_non_ascii_readably():
    q = update_search(parse_search(""), {"l": '["é",1]', "e": "🎉"})
    assert q.text == "?l=[%22%C3%A9%22,1]&e=%F0%9F%8E%89"


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_keys = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)


@given(st.dictionaries(_keys, _text, max_size=6), st.dictionaries(_keys, st.none() | _text,
                                                                   max_size=4))
def test_update_search_reads_back_what_it_wrote_and_keeps_the_rest(initial, updates):
    start = update_search(parse_search(""), initial)
    new = update_search(start, updates)
    for key, value in updates.items():
        assert new.get(key) == value
    untouched = [seg for seg, key in zip(start.raw, start.keys, strict=True)
                 if key not in updates]
    assert [s for s, k in zip(new.raw, new.keys, strict=True) if k not in updates] == untouched
    # The standard library reads the same pairs.
    assert dict(parse_qsl(new.text[1:], keep_blank_values=True)) == {
        k: new.get(k) for k in new
    }


# -- values -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("7", 7), ("007", 7), ("-3", -3), ("1.5", 1.5), ("1.50", 1.5), ("-.5", -0.5),
    ("1e3", 1000.0), ("true", True), ("FALSE", False), ("[1,2]", [1, 2]),
    ('{"a":1}', {"a": 1}), ("abc", "abc"), ("", ""), ("nan", "nan"), ("inf", "inf"),
    ("1_000", "1_000"), ("[broken", "[broken"), ("null", "null"),
])
def test_parse_value_reads_the_most_specific_plain_type(text, expected):
    value = parse_value(text)
    assert value == expected
    assert type(value) is type(expected)


def test_parse_value_keeps_oversized_integers_as_text():
    digits = "9" * 5000
    assert parse_value(digits) == digits


@pytest.mark.parametrize(("parameter", "value", "text"), [
    (param.Integer(), 5, "5"),
    (param.Number(), 1.5, "1.5"),
    (param.Boolean(), True, "true"),
    (param.String(), "a b", "a b"),
    (param.List(), [1, "a"], '[1,"a"]'),
    (param.Tuple(default=(1, 2)), (1, 2), "[1,2]"),
    (param.Dict(), {"é": 1}, '{"é":1}'),
    (param.CalendarDate(), dt.date(2024, 2, 29), "2024-02-29"),
    (param.Integer(), None, None),
])
def test_encode_value_uses_serialize_then_compact_json(parameter, value, text):
    assert encode_value(parameter, value) == text


def test_encode_value_rejects_values_json_cannot_hold():
    with pytest.raises(TypeError, match=r"Cannot write .* into the URL"):
        encode_value(param.Parameter(), object())


def test_decode_value_gives_string_parameters_the_raw_text():
    for text in ("007", "true", "[1, 2]", '{"a": 1}', "-3"):
        assert decode_value(param.String(), text) == text


def test_decode_value_deserializes_containers_and_dates():
    assert decode_value(param.Tuple(default=(0, 0)), "[1,2]") == (1, 2)
    assert decode_value(param.Date(), "2024-01-02T03:04:05") == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert decode_value(param.Date(), "2024-01-02") == dt.datetime(2024, 1, 2)
    assert decode_value(param.CalendarDate(), "2024-01-02") == dt.date(2024, 1, 2)
    assert decode_value(param.Date(), "soon") == "soon"


def test_decode_value_reads_nan_and_inf_only_for_numbers():
    assert math.isnan(decode_value(param.Number(), "nan"))
    assert decode_value(param.Number(), "-inf") == -math.inf
    assert decode_value(param.Parameter(), "nan") == "nan"


def test_decode_value_picks_the_selector_object_that_matches():
    assert decode_value(param.Selector(objects=["007", "x"]), "007") == "007"
    assert decode_value(param.Selector(objects=[1, 2]), "2") == 2
    assert decode_value(param.Selector(objects={"one": 1, "two": 2}), "2") == 2
    assert decode_value(param.Selector(objects=[1, 2]), "9") == 9
