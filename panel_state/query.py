"""The URL codec behind :class:`~panel_state.Location`: pure functions, no state.

Three jobs, each a function of explicit inputs:

* **Query strings, loss-free.** :func:`parse_search` splits a ``search`` string into
  segments and remembers each segment's raw text; :func:`update_search` rewrites only
  the keys it is given, so every other segment keeps its exact bytes and position
  (``?zip=007&x=1.50`` stays ``?zip=007&x=1.50`` when another key changes), repeated
  and blank keys included.
* **Values.** :func:`encode_value` turns a param value into query text
  (``param.serialize``; strings raw, everything else compact JSON);
  :func:`parse_value` reads text as the most specific plain type (int, float, bool,
  JSON list/object, else str); :func:`decode_value` reads text for one Parameter
  (raw text for ``String``, the typed value otherwise, then ``param.deserialize``).

Splitting a page request into the parts of a Location is :mod:`panel_state.urls`.

Examples
--------
>>> q = parse_search("?zip=007&flag=true&x=1.50")
>>> update_search(q, {"flag": "false", "new": "a b"}).text
'?zip=007&flag=false&x=1.50&new=a+b'
>>> parse_value("007"), parse_value("1.50"), parse_value("[1,2]"), parse_value("x")
(7, 1.5, [1, 2], 'x')
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import param

log = logging.getLogger(__name__)

__all__ = [
    "Query",
    "decode_value",
    "encode_component",
    "encode_value",
    "parse_search",
    "parse_value",
    "update_search",
]

#: Characters written unescaped in keys and values besides letters, digits and ``_.-~``.
#: Browsers leave all of them alone in a query, so the URL the browser shows is the
#: one Python wrote; ``&``, ``=``, ``+``, ``#``, ``%``, ``'``, ``"``, space, ``<`` and
#: ``>`` are always escaped.
SAFE = "[]{},:/@!$()*;?"

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf,
                   "infinity": math.inf, "-infinity": -math.inf}


def encode_component(text: str) -> str:
    """Percent-encode a query key or value (space as ``+``; see :data:`SAFE`)."""
    return quote_plus(text, safe=SAFE)


class Query:
    """An immutable, parsed ``search`` string that remembers every segment's raw text.

    Build one with :func:`parse_search`; derive changed copies with
    :func:`update_search`. ``text`` is the search string itself (``''`` or
    ``'?...'``).
    """

    __slots__ = ("index", "keys", "raw", "raw_keys", "text", "values")

    def __init__(self, text: str, raw: tuple[str, ...], raw_keys: tuple[str, ...],
                 keys: tuple[str, ...], values: tuple[str, ...],
                 index: dict[str, tuple[int, ...]]) -> None:
        self.text = text
        self.raw = raw
        self.raw_keys = raw_keys
        self.keys = keys
        self.values = values
        self.index = index

    def __contains__(self, key: object) -> bool:
        return key in self.index

    def __len__(self) -> int:
        return len(self.index)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def get(self, key: str) -> str | None:
        """The decoded value of ``key`` (the last one when repeated), or None."""
        idx = self.index.get(key)
        return None if idx is None else self.values[idx[-1]]

    def get_all(self, key: str) -> list[str]:
        """Every decoded value of ``key``, in order."""
        return [self.values[i] for i in self.index.get(key, ())]

    def __repr__(self) -> str:
        return f"Query({self.text!r})"


def _index(keys: tuple[str, ...], raw: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if raw[i]:
            index.setdefault(key, []).append(i)
    return {k: tuple(v) for k, v in index.items()}


def _unquote(text: str) -> str:
    return unquote_plus(text) if "%" in text or "+" in text else text


@functools.lru_cache(maxsize=256)
def parse_search(search: str) -> Query:
    """Parse a ``search`` string (``''``, ``'?'`` or ``'?a=1&b=2'``) into a :class:`Query`.

    Keys and values are decoded like a form (``+`` is a space, ``%XX`` escapes are
    UTF-8); a segment without ``=`` has the value ``''``; empty segments are kept as
    they are but name no key. A leading ``?`` is optional.
    """
    body = search[1:] if search.startswith("?") else search
    raw = tuple(body.split("&")) if body else ()
    raw_keys: list[str] = []
    keys: list[str] = []
    values: list[str] = []
    for segment in raw:
        key, sep, value = segment.partition("=")
        raw_keys.append(key)
        keys.append(_unquote(key))
        values.append(_unquote(value) if sep else "")
    text = f"?{body}" if search else ""
    k = tuple(keys)
    return Query(text, raw, tuple(raw_keys), k, tuple(values), _index(k, raw))


def update_search(query: Query, updates: Mapping[str, str | None]) -> Query:
    """Return ``query`` with the keys in ``updates`` set (text) or removed (None).

    Only the named keys change. A key that exists keeps its position (its first
    occurrence; later repeats of it are dropped, so it reads back as the new value);
    a new key is appended. Every other segment keeps its exact raw text. When nothing
    changes, ``query`` itself is returned, so ``result is query`` means "no change".

    Examples
    --------
    >>> q = parse_search("?a=1&b=x&a=2&c=")
    >>> update_search(q, {"a": "3"}).text
    '?a=3&b=x&c='
    >>> update_search(q, {"b": None}).text
    '?a=1&a=2&c='
    >>> update_search(q, {"b": "x"}) is q
    True
    """
    raw: list[str] | None = None
    values: list[str] | None = None
    drop: set[int] = set()
    appended: list[tuple[str, str]] = []
    index = query.index
    for key, text in updates.items():
        idx = index.get(key)
        if idx is None:
            if text is not None:
                appended.append((key, text))
            continue
        if text is None:
            drop.update(idx)
            continue
        first = idx[0]
        if query.values[first] != text:
            if raw is None:
                raw, values = list(query.raw), list(query.values)
            assert values is not None
            raw[first] = f"{query.raw_keys[first]}={encode_component(text)}"
            values[first] = text
        if len(idx) > 1:
            drop.update(idx[1:])
    if raw is None and not drop and not appended:
        return query
    raw_t = tuple(raw) if raw is not None else query.raw
    values_t = tuple(values) if values is not None else query.values
    if not drop and not appended:
        # Same keys in the same places: the index is still right.
        return Query(_text(raw_t), raw_t, query.raw_keys, query.keys, values_t, index)
    keep = [i for i in range(len(raw_t)) if i not in drop]
    new_raw = [raw_t[i] for i in keep]
    new_raw_keys = [query.raw_keys[i] for i in keep]
    new_keys = [query.keys[i] for i in keep]
    new_values = [values_t[i] for i in keep]
    for key, text in appended:
        raw_key = encode_component(key)
        new_raw.append(f"{raw_key}={encode_component(text)}")
        new_raw_keys.append(raw_key)
        new_keys.append(key)
        new_values.append(text)
    if not any(new_raw):  # only empty segments are left: no query at all
        return _EMPTY
    r, keys_t = tuple(new_raw), tuple(new_keys)
    return Query(_text(r), r, tuple(new_raw_keys), keys_t, tuple(new_values), _index(keys_t, r))


def _text(raw: tuple[str, ...]) -> str:
    return "?" + "&".join(raw) if raw else ""


_EMPTY = Query("", (), (), (), (), {})


# -- values -----------------------------------------------------------------------------

def parse_value(text: str) -> Any:
    """Read query text as the most specific plain value.

    ``-?digits`` is an int, a decimal or exponent number a float, ``true``/``false``
    (any case) a bool, text starting with ``[`` or ``{`` that is valid JSON a list or
    dict; everything else (``nan``, ``1_000``, ``[broken``) stays the string it is.
    """
    if _INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than int() accepts from a string
            return text
    if _FLOAT.fullmatch(text):
        return float(text)
    low = text.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if text and text[0] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def encode_value(parameter: param.Parameter, value: Any) -> str | None:
    """Encode ``value`` of ``parameter`` as query text; None means "no key".

    ``parameter.serialize(value)`` first; a string result is used as it is, anything
    else becomes compact JSON (``true``, ``1.5``, ``[1,2]``, ``{"a":1}``).

    Raises
    ------
    TypeError
        When the serialized value is not JSON-compatible.
    """
    if value is None:
        return None
    if type(value) is str:
        return value
    serialized = parameter.serialize(value)
    if isinstance(serialized, str):
        return serialized
    if serialized is True:
        return "true"
    if serialized is False:
        return "false"
    if type(serialized) is int:
        return str(serialized)
    try:
        return json.dumps(serialized, ensure_ascii=False, separators=(",", ":"),
                          default=_plain)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Cannot write {value!r} into the URL: {exc}. Only values that "
            f"param.serialize turns into JSON-compatible data can be synced."
        ) from None


def _plain(obj: Any) -> Any:
    # numpy scalars and arrays nested in lists or dicts
    for attr in ("tolist", "item"):
        convert = getattr(obj, attr, None)
        if callable(convert):
            return convert()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _decode_date(parameter: param.Parameter, text: str) -> Any:
    try:
        return parameter.deserialize(text)
    except (TypeError, ValueError):
        pass
    try:
        if isinstance(parameter, param.CalendarDate):
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


def _choose(options: Any, typed: Any, text: str) -> Any:
    if isinstance(options, Mapping):
        options = options.values()
    try:
        if any(o is typed or (type(o) is type(typed) and o == typed) for o in options):
            return typed
        if text in options:
            return text
    except Exception:  # exotic objects whose == misbehaves: fall back to the typed value
        log.debug("Comparing %r with the options raised; keeping the typed value", typed,
                  exc_info=True)
    return typed


def decode_value(parameter: param.Parameter, text: str) -> Any:
    """Read query ``text`` as a value for ``parameter`` (not validated).

    ``String`` parameters get the text unchanged (``'007'``, ``'true'`` and
    ``'[1, 2]'`` stay strings). Others get :func:`parse_value`'s typed value, passed
    through ``parameter.deserialize`` when it is a JSON list or object (Tuple from a
    list, DataFrame from records...). ``Date``/``CalendarDate`` read ISO text;
    ``Number`` also reads ``nan``/``inf``; a ``Selector`` takes the typed value if it
    is one of its objects, else the raw text if that is. The caller validates.
    """
    if isinstance(parameter, param.String):
        return text
    if isinstance(parameter, (param.Date, param.CalendarDate)):
        return _decode_date(parameter, text)
    typed = parse_value(text)
    if isinstance(typed, str):
        if isinstance(parameter, param.Number) and typed.lower() in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[typed.lower()]
        if isinstance(parameter, param.Selector) and not isinstance(
            parameter, param.ListSelector
        ):
            return _choose(parameter.objects, typed, text)
        return typed
    if isinstance(parameter, param.Selector) and not isinstance(parameter, param.ListSelector):
        return _choose(parameter.objects, typed, text)
    if isinstance(typed, (list, dict)):
        try:
            return parameter.deserialize(typed)
        except Exception:  # let validation report the value as it was given
            log.debug("%s could not deserialize %r; validation will report it",
                      type(parameter).__name__, typed, exc_info=True)
            return typed
    return typed
