"""pn.state.as_cached, pn.cache and pn.state.clear_caches: keys by content, ttl on the
injectable clock, one computation per key across threads, bad input refused."""

from __future__ import annotations

import threading
from collections import Counter

import pandas as pd
import param
import pytest

import panel_state as pn
from panel_state import caching as cache_module
from panel_state.compat import UnsupportedWarning
from panel_state.testing import session, virtual_clock


def counter():
    """A function returning 1, 2, 3... on successive calls, whatever its arguments."""
    calls = []

    def fn(**kwargs):
        calls.append(kwargs)
        return len(calls)

    return fn, calls


# -- as_cached ------------------------------------------------------------------------------


def test_as_cached_computes_once_per_key():
    fn, calls = counter()
    assert pn.state.as_cached("k", fn) == 1
    assert pn.state.as_cached("k", fn) == 1
    assert pn.state.as_cached("other", fn) == 2
    assert len(calls) == 2


def test_as_cached_keys_on_the_content_of_the_keyword_arguments():
    fn, calls = counter()
    assert pn.state.as_cached("k", fn, a=1) == 1
    assert pn.state.as_cached("k", fn, a=2) == 2
    assert pn.state.as_cached("k", fn, a=1) == 1
    # Unhashable arguments are fine, and equal content is the same key.
    frame = pd.DataFrame({"x": [1, 2]})
    assert pn.state.as_cached("k", fn, rows=[1, {"a": 2}], df=frame) == 3
    assert pn.state.as_cached("k", fn, df=frame.copy(), rows=[1, {"a": 2}]) == 3
    assert calls == [{"a": 1}, {"a": 2}, {"rows": [1, {"a": 2}], "df": frame}]


def test_as_cached_keeps_its_entries_in_state_cache():
    fn, _calls = counter()
    pn.state.as_cached("k", fn)
    assert [key[0] for key in pn.state.cache] == ["k"]
    pn.state.cache.clear()  # clearing it invalidates the entries, as in Panel
    assert pn.state.as_cached("k", fn) == 2


def test_as_cached_expires_after_ttl_seconds_on_the_virtual_clock():
    fn, _calls = counter()
    with virtual_clock() as clock:
        assert pn.state.as_cached("k", fn, ttl=10) == 1
        clock.advance(9.9)
        assert pn.state.as_cached("k", fn, ttl=10) == 1
        clock.advance(0.2)
        assert pn.state.as_cached("k", fn, ttl=10) == 2
        assert pn.state.as_cached("never", fn) == 3
        clock.advance(days=365)
        assert pn.state.as_cached("never", fn) == 3


def test_as_cached_computes_a_key_once_when_threads_ask_at_the_same_time():
    started = threading.Event()
    release = threading.Event()
    calls = []

    def slow():
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(5)
        return "value"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(pn.state.as_cached("k", slow)),
                                name=f"panel_state-test-{i}") for i in range(4)]
    for t in threads:
        t.start()
    assert started.wait(5)
    # Every other thread is now waiting on the key's lock (it exists while they wait).
    assert cache_module.lock_count() == 1
    release.set()
    for t in threads:
        t.join(5)
    assert results == ["value"] * 4 and len(calls) == 1
    assert cache_module.lock_count() == 0  # the lock goes once nobody needs it


def test_as_cached_different_keys_compute_side_by_side():
    barrier = threading.Barrier(2, timeout=5)

    def meet(**_kwargs):
        barrier.wait()  # raises BrokenBarrierError if the two keys were serialised
        return threading.current_thread().name

    results: list[str] = []
    threads = [threading.Thread(target=lambda k=k: results.append(pn.state.as_cached(k, meet)),
                                name=f"panel_state-test-{k}") for k in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert sorted(results) == ["panel_state-test-a", "panel_state-test-b"]


def test_as_cached_caches_nothing_when_the_function_raises():
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk busy")
        return "ok"

    with pytest.raises(OSError, match="disk busy"):
        pn.state.as_cached("k", flaky)
    assert pn.state.cache == {}
    assert pn.state.as_cached("k", flaky) == "ok"


@pytest.mark.parametrize("ttl", [0, -1, "10", float("nan"), float("inf"), True])
def test_as_cached_refuses_a_bad_ttl_and_changes_nothing(ttl):
    fn, calls = counter()
    with pytest.raises(ValueError, match=r"as_cached ttl must be a positive number of seconds, "
                                         r"or None for no expiry, got "):
        pn.state.as_cached("k", fn, ttl=ttl)
    assert calls == [] and pn.state.cache == {}


def test_as_cached_refuses_a_function_that_is_not_callable():
    with pytest.raises(TypeError, match="as_cached needs a callable to compute 'k', got int 3"):
        pn.state.as_cached("k", 3)  # type: ignore[arg-type]
    assert pn.state.cache == {}


# -- pn.cache ----------------------------------------------------------------------------------


def adder():
    """Panel's test function: ``a + b`` plus how often it ran before with those arguments."""
    calls = []

    def add(a, b=0):
        result = a + b + calls.count((a, b))
        calls.append((a, b))
        return result

    return add, calls


def test_cache_memoizes_by_arguments():
    add, calls = adder()
    fn = pn.cache(add)
    assert fn(1, 2) == 3 and fn(1, 2) == 3
    assert fn(a=1, b=2) == 4  # keyword arguments are another key, as in Panel
    assert fn(2, 2) == 4 and fn(2, 2) == 4
    assert calls == [(1, 2), (1, 2), (2, 2)]


async def test_cache_memoizes_async_functions():
    calls = []

    @pn.cache
    async def fetch(n):
        calls.append(n)
        return n * 2

    assert await fetch(2) == 4 and await fetch(2) == 4 and calls == [2]


def test_cache_clear_drops_the_results_of_that_function_only():
    # Panel's test_cache_clear_two_funcs (holoviz/panel#6777).
    @pn.cache()
    def get_data_1(a=[0]):  # noqa: B006 - the default counts calls, as in Panel's test
        a[0] += 1
        return a[0] - 1

    @pn.cache(max_items=5)
    def get_data_2(b=[0]):  # noqa: B006
        b[0] += 1
        return b[0] - 1

    get_data_1.clear()  # before anything is cached: harmless
    assert get_data_1() == 0 and get_data_2() == 0
    get_data_1.clear()
    assert get_data_1() == 1 and get_data_2() == 0


def test_cache_keys_a_function_by_where_it_is_written():
    # A served script defines its functions anew in every session; they share a cache.
    made = []
    for _ in range(2):
        add, calls = adder()
        made.append((pn.cache(add), calls))
    assert made[0][0](1) == 1 and made[1][0](1) == 1
    assert made[1][1] == []


def test_state_clear_caches_clears_every_function():
    add, calls = adder()
    fn = pn.cache(add)
    fn(1)
    pn.state.clear_caches()
    fn(1)
    assert calls == [(1, 0), (1, 0)]


@pytest.mark.parametrize(("policy", "calls", "expected"), [
    # Panel's test_cache_fifo / _lfu / _lru: the evicted key is computed again (+1).
    ("FIFO", [(0, 0), (0, 1), (0, 0), (0, 2), (0, 0)], [0, 1, 0, 2, 1]),
    ("lfu", [(0, 0), (0, 0), (0, 1), (0, 2), (0, 1)], [0, 0, 1, 2, 2]),
    ("LRU", [(0, 0), (0, 1), (0, 2), (0, 0), (0, 3), (0, 0), (0, 1)], [0, 1, 2, 0, 3, 0, 2]),
])
def test_cache_evicts_by_policy(policy, calls, expected):
    add, _ = adder()
    fn = pn.cache(add, max_items=2 if policy != "LRU" else 3, policy=policy)
    assert [fn(a, b) for a, b in calls] == expected


def test_cache_ttl_runs_on_the_virtual_clock():
    add, _calls = adder()
    fn = pn.cache(add, ttl=60)
    with virtual_clock() as clock:
        assert fn(1) == 1
        clock.advance(59)
        assert fn(1) == 1
        clock.advance(2)
        assert fn(1) == 2


def test_cache_per_session_keeps_one_cache_per_session_and_drops_it_at_the_end():
    add, _calls = adder()
    fn = pn.cache(add, per_session=True)
    with session() as first:
        assert fn(1) == 1 and fn(1) == 1
    with session():
        assert fn(1) == 2
    assert fn(1) == 3  # outside any session: the process cache
    assert not [k for k in cache_module._caches if k[1] == first.id]


def test_cache_shares_results_across_sessions_by_default():
    counts: Counter[str] = Counter()

    @pn.cache
    def load():
        counts[pn.state.curdoc.id if pn.state.curdoc else "-"] += 1
        return "data"

    for _ in range(3):
        with session():
            assert load() == "data"
    assert sum(counts.values()) == 1


def test_cache_on_a_parameterized_method_ignores_unrelated_params_of_self():
    class Model(param.Parameterized):
        executions = param.Integer(default=0)
        scale = param.Integer(default=2)

        @pn.cache
        def calc(self, value):
            self.executions += 1
            return self.scale * value

        @pn.cache
        @param.depends("scale")
        def scaled(self, value):
            return self.scale * value

    model = Model()
    assert model.calc(1) == 2 and model.calc(1) == 2 and model.executions == 1
    assert model.calc(2) == 4 and model.executions == 2
    assert model.scaled(3) == 6
    model.scale = 3
    assert model.scaled(3) == 9  # a declared dependency is part of the key


def test_cache_computes_a_key_once_across_threads():
    release = threading.Event()
    calls = []

    @pn.cache
    def slow(n):
        calls.append(n)
        release.wait(5)
        return n

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(slow(7)),
                                name=f"panel_state-test-{i}") for i in range(3)]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert results == [7, 7, 7] and calls == [7]


def test_cache_accepts_to_disk_with_one_warning_and_caches_in_memory(tmp_path):
    add, _calls = adder()
    with pytest.warns(UnsupportedWarning, match="pn.cache: Panel's 'to_disk' is not supported"):
        fn = pn.cache(add, to_disk=True, cache_path=str(tmp_path))
    assert fn(1) == 1 and fn(1) == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"policy": "random"},
     r"pn.cache policy must be one of \['FIFO', 'LRU', 'LFU'\], got 'random'"),
    ({"ttl": 0}, r"pn.cache ttl must be a positive number of seconds, or None for no expiry, "
                 r"got 0"),
    ({"max_items": 0}, r"pn.cache max_items must be a whole number >= 1 or None, got 0"),
])
def test_cache_refuses_bad_settings(kwargs, message):
    add, _ = adder()
    with pytest.raises(ValueError, match=message):
        pn.cache(add, **kwargs)
