"""compute_hash: equal content hashes alike, different content apart, any value works."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import threading

import numpy as np
import pandas as pd
import pytest

from panel_state.hashing import compute_hash, is_equal

DF1 = pd.DataFrame({"x": [1]})
DF2 = pd.DataFrame({"y": [1]})


@pytest.mark.parametrize(("value", "same", "different"), [
    (1, 1, 1.0),
    ("a", "a", b"a"),
    (None, None, 0),
    (True, True, 1),
    ([1, [2, 3]], [1, [2, 3]], [1, [3, 2]]),
    ((1, 2), (1, 2), [1, 2]),
    ({"a": 1, "b": [2]}, {"b": [2], "a": 1}, {"a": 1, "b": [3]}),
    ({3, 1, 2}, {1, 2, 3}, {1, 2}),
    (dt.date(2026, 1, 2), dt.date(2026, 1, 2), dt.date(2026, 1, 3)),
    (dt.datetime(2026, 1, 2, 3), dt.datetime(2026, 1, 2, 3), dt.datetime(2026, 1, 2, 4)),
    (pathlib.Path("/a/b"), pathlib.Path("/a/b"), pathlib.Path("/a/c")),
    (io.StringIO("abc"), io.StringIO("abc"), io.StringIO("abd")),
    (io.BytesIO(b"abc"), io.BytesIO(b"abc"), io.BytesIO(b"abd")),
    (np.arange(6).reshape(2, 3), np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)),
    (DF1, DF1.copy(), DF2),
    (pd.Series([1, 2], name="s"), pd.Series([1, 2], name="s"), pd.Series([1, 2], name="t")),
    (slice(1, 5), slice(1, 5), slice(1, 6)),
])
def test_compute_hash_follows_content(value, same, different):
    assert compute_hash(value) == compute_hash(same)
    assert compute_hash(value) != compute_hash(different)


def test_compute_hash_survives_cycles():
    a: list[object] = [1]
    a.append(a)
    b: list[object] = [1]
    b.append(b)
    assert compute_hash(a) == compute_hash(b)


def test_compute_hash_falls_back_to_identity_for_what_cannot_be_pickled():
    lock1, lock2 = threading.Lock(), threading.Lock()
    assert compute_hash(lock1) == compute_hash(lock1) != compute_hash(lock2)


def test_compute_hash_uses_custom_hash_functions_for_a_type_and_its_subclasses():
    class Doc:
        def __init__(self, key: str, noise: float) -> None:
            self.key, self.noise = key, noise

    class Sub(Doc):
        pass

    funcs = {Doc: lambda d: d.key.encode()}
    assert compute_hash(Doc("a", 1.0), funcs) == compute_hash(Sub("a", 2.0), funcs)
    assert compute_hash(Doc("a", 1.0), funcs) != compute_hash(Doc("b", 1.0), funcs)


@pytest.mark.parametrize(("value", "other", "expected"), [
    (None, None, True), (True, False, False), (1, 1, True), (1, "1", False),
    ("a", "a", True), (None, DF1, False), (DF1, DF1.copy(), True), (DF1, DF2, False),
])
def test_is_equal_compares_content(value, other, expected):
    # Panel's test_is_equal.
    assert is_equal(value, other) is expected
