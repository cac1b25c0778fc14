"""pn.state: process-wide values outside sessions, per-session values inside."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import weakref

import param
import pytest

import panel_state as pn
from panel_state import busy, execution, pool
from panel_state.session import Session
from panel_state.testing import load, session, virtual_clock


class Indicator(param.Parameterized):
    value = param.Boolean(default=False)


def test_state_outside_session_gives_process_values():
    assert pn.state.curdoc is None
    assert pn.state.session_args == {}
    assert pn.state.cookies == {}
    assert pn.state.headers == {}
    assert pn.state.loaded is True
    assert pn.state.busy is False


def test_state_inside_session_gives_request_data():
    with session(
        "http://localhost:5006/app?phase=0.5&phase=0.7",
        cookies={"theme": "dark"},
        headers={"User-Agent": "pytest"},
    ) as s:
        assert pn.state.curdoc is s
        assert pn.state.session_args == {"phase": [b"0.5", b"0.7"]}
        assert pn.state.cookies == {"theme": "dark"}
        assert pn.state.headers["User-Agent"] == "pytest"
        assert pn.state.loaded is False
    assert pn.state.curdoc is None


def test_state_seed_request_arguments_snippet():
    def read_phase():
        try:
            phase = int(pn.state.session_args.get("phase")[0])
        except Exception:
            phase = 1
        return phase

    with session("http://localhost:5006/app?phase=3"):
        assert read_phase() == 3
    with session("http://localhost:5006/app"):
        assert read_phase() == 1


def test_state_busy_is_per_session():
    s1 = Session("http://localhost/a")
    s2 = Session("http://localhost/b")
    seen1, seen2, inside = [], [], []
    with s1.activate():
        pn.state.param.watch(lambda e: seen1.append(e.new), "busy")
        assert pn.state.param.busy.owner is s1
    with s2.activate():
        pn.state.param.watch(lambda e: seen2.append(e.new), "busy")

    def work():
        inside.append((pn.state.busy, s1.busy, s2.busy, pn.state.process_busy))

    execution.run(work, session=s1, busy=True)
    assert inside == [(True, True, False, True)]
    assert seen1 == [True, False]
    assert seen2 == []
    assert not s1.busy and not pn.state.process_busy
    s1.destroy()
    s2.destroy()


def test_state_bind_to_busy_follows_the_current_session():
    s1 = Session("http://localhost/a")
    s2 = Session("http://localhost/b")
    with s1.activate():
        bound = pn.bind(lambda busy: "I'm busy" if busy else "I'm idle", pn.state.param.busy)
    results = []
    execution.run(lambda: results.append(bound()), session=s2, busy=True)
    execution.run(lambda: results.append(bound()), session=s1, busy=True)
    assert results == ["I'm idle", "I'm busy"]
    s1.destroy()
    s2.destroy()


def test_state_busy_returns_to_false_after_exceptions(errors):
    with session() as s:
        def boom():
            assert pn.state.busy
            raise RuntimeError("boom")

        execution.run(boom, session=s, busy=True)
        assert s.busy is False
    assert [str(e) for e in errors] == ["boom"]


def test_state_busy_covers_async_callbacks_until_they_finish():
    with virtual_clock() as clock, session() as s:
        observed = []

        async def slow():
            await asyncio.sleep(1)
            observed.append(pn.state.busy)

        execution.run(slow, session=s, busy=True)
        assert s.busy is True
        clock.advance(0.5)
        assert s.busy is True
        clock.advance(1)
        assert observed == [True]
        assert s.busy is False


def test_state_busy_covers_threaded_callbacks_until_they_finish():
    pn.config.nthreads = 2
    release = threading.Event()
    with virtual_clock() as clock, session() as s:
        execution.submit(release.wait, 5, session=s, what="wait", busy=True)
        assert s.busy is True
        release.set()
        clock.advance(0.1)  # the virtual clock waits for pool work before jumping
        assert s.busy is False


def test_state_sync_busy_links_indicator_for_current_session_only():
    indicator = Indicator()
    s1 = Session("http://localhost/a")
    s2 = Session("http://localhost/b")
    with s1.activate():
        pn.state.sync_busy(indicator)
    execution.run(lambda: None, session=s2, busy=True)
    values = []
    execution.run(lambda: values.append(indicator.value), session=s1, busy=True)
    assert values == [True]
    assert indicator.value is False
    s1.destroy()
    s2.destroy()


def test_state_sync_busy_rejects_objects_without_boolean_value():
    class Slider(param.Parameterized):
        value = param.Number(0.0)

    with pytest.raises(ValueError, match="Busy indicator must have a Boolean value parameter"):
        pn.state.sync_busy(Slider())


def test_state_onload_outside_session_runs_now():
    calls = []
    pn.state.onload(lambda: calls.append(pn.state.loaded))
    assert calls == [True]


def test_state_onload_runs_in_order_isolated_then_loaded(errors):
    calls = []
    with session() as s:
        pn.state.onload(lambda: calls.append(("a", pn.state.loaded)))
        pn.state.onload(lambda: 1 / 0)
        pn.state.onload(lambda: calls.append(("c", pn.state.loaded)))
        assert calls == []
        load(s)
        assert calls == [("a", False), ("c", False)]
        assert pn.state.loaded is True
        pn.state.onload(lambda: calls.append(("late", pn.state.loaded)))
        assert calls[-1] == ("late", True)
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)


def test_state_onload_registered_during_load_runs_before_loaded():
    calls = []
    with session() as s:
        def first():
            pn.state.onload(lambda: calls.append(("nested", pn.state.loaded)))
            calls.append(("first", pn.state.loaded))

        pn.state.onload(first)
        load(s)
        assert calls == [("first", False), ("nested", False)]
        assert s.loaded


def test_state_onload_threaded_without_pool_is_reported_and_others_run(errors):
    calls = []
    with session() as s:
        pn.state.onload(lambda: calls.append("threaded"), threaded=True)
        pn.state.onload(lambda: calls.append("inline"))
        load(s)
        assert calls == ["inline"]
        assert s.loaded
    assert "no thread pool" in str(errors[0])


def test_state_onload_threaded_runs_on_pool_before_loaded():
    pn.config.nthreads = 2
    calls = []
    with virtual_clock(), session() as s:
        pn.state.onload(lambda: calls.append((threading.current_thread().name, pn.state.curdoc)),
                        threaded=True)
        load(s)
        assert calls[0][0].startswith("panel_state")
        assert calls[0][1] is s
        assert s.loaded


def test_state_on_session_created_refused_inside_session():
    with session(), pytest.raises(RuntimeError, match="--setup script"):
        pn.state.on_session_created(lambda s: None)


def test_state_on_session_created_hooks_run_before_the_app():
    seen = []
    pn.state.on_session_created(lambda s: seen.append((s.session_args, pn.state.curdoc is s)))
    with session("http://localhost/app?user=ann"):
        assert seen == [({"user": [b"ann"]}, True)]


def test_state_on_session_destroyed_inside_session_is_for_that_session_only():
    seen = []
    s1 = Session("http://localhost/a?who=1")
    s2 = Session("http://localhost/b?who=2")
    with s1.activate():
        pn.state.on_session_destroyed(lambda ctx: seen.append(ctx.session_args["who"]))
    s2.destroy()
    s1.destroy()
    s1.destroy()
    assert seen == [[b"1"]]


def test_state_global_on_session_destroyed_covers_open_sessions_once(errors):
    seen = []
    opened = Session("http://localhost/a?who=early")
    pn.state.on_session_destroyed(lambda ctx: 1 / 0)
    pn.state.on_session_destroyed(
        lambda ctx: seen.append((ctx.request.arguments["who"], pn.state.curdoc is ctx)))
    later = Session("http://localhost/a?who=late")
    opened.destroy()
    later.destroy()
    later.destroy()
    assert seen == [([b"early"], True), ([b"late"], True)]
    assert len(errors) == 2


def test_state_add_periodic_callback_in_session_stops_on_destroy():
    with virtual_clock() as clock:
        with session() as s:
            cb = pn.state.add_periodic_callback(lambda: None, period=100)
            clock.advance(0.35)
            assert cb.counter == 3 and cb.running
        assert s.phase == "destroyed"
        assert cb.running is False
        clock.advance(1)
        assert cb.counter == 3


def test_state_session_is_collectable_after_destroy():
    with virtual_clock() as clock:
        s = Session("http://localhost/app?x=1")
        with s.activate():
            pn.state.add_periodic_callback(lambda: None, period=50)
            pn.state.on_session_destroyed(lambda ctx: None)
            pn.state.onload(lambda: None)
        clock.advance(0.2)
        ref = weakref.ref(s)
        s.destroy()
        del s
        clock.advance(0.2)
    gc.collect()
    assert ref() is None


def test_state_execute_auto_runs_now_outside_session():
    calls = []
    pn.state.execute(lambda: calls.append(threading.current_thread()))
    assert calls == [threading.current_thread()]


def test_state_execute_thread_without_pool_raises():
    with pytest.raises(RuntimeError, match=r"no thread pool\. Set pn\.config\.nthreads"):
        pn.state.execute(lambda: None, schedule="thread")


def test_state_execute_rejects_unknown_schedule():
    with pytest.raises(ValueError, match="schedule must be 'auto', 'thread', True or False"):
        pn.state.execute(lambda: None, schedule="later")


def test_state_execute_true_defers_to_next_iteration():
    calls = []
    with virtual_clock() as clock, session() as s:
        pn.state.execute(lambda: calls.append(pn.state.curdoc), schedule=True)
        assert calls == []
        clock.advance(0)
        assert calls == [s]


async def test_state_execute_from_foreign_thread_runs_on_session_loop():
    s = Session("http://localhost/app")
    loop_thread = threading.current_thread()
    seen = []
    done = asyncio.Event()
    loop = asyncio.get_running_loop()

    def callback():
        seen.append((threading.current_thread(), pn.state.curdoc))
        loop.call_soon(done.set)

    threading.Thread(target=execution.execute, args=(callback,),
                     kwargs={"session": s}).start()
    await asyncio.wait_for(done.wait(), 5)
    assert seen == [(loop_thread, s)]
    s.destroy()


def test_state_execute_coroutine_runs_on_loop_with_session():
    seen = []
    with virtual_clock() as clock, session() as s:
        async def work():
            await asyncio.sleep(0.1)
            seen.append(pn.state.curdoc)

        pn.state.execute(work)
        clock.advance(0.2)
        assert seen == [s]


def test_state_execute_thread_runs_on_pool_with_session():
    pn.config.nthreads = 1
    seen = []
    with virtual_clock() as clock, session() as s:
        pn.state.execute(lambda: seen.append((threading.current_thread().name, pn.state.curdoc)),
                         schedule="thread")
        while not seen:
            clock.advance(0.01)
        assert seen[0][0].startswith("panel_state") and seen[0][1] is s


def test_state_log_prefixes_session(caplog):
    caplog.set_level(logging.INFO, logger="panel_state")
    with session() as s:
        pn.state.log("hello")
    pn.state.log("outside", level="warning")
    messages = [r.getMessage() for r in caplog.records]
    assert f"Session {s.id[:8]} hello" in messages
    assert "outside" in messages


def test_state_reset_clears_hooks_cache_and_pool():
    pn.state.cache["k"] = 1
    pn.state.on_session_created(lambda s: None)
    pn.config.nthreads = 2
    assert pool.thread_pool() is not None
    pn.state.reset()
    assert pn.state.cache == {}
    assert pn.config.nthreads is None
    assert pool.thread_pool() is None
    seen = []
    with session():
        seen.append(1)
    assert seen == [1]


def test_state_reset_destroys_live_sessions():
    s = Session("http://localhost/app")
    hooks = []
    s.on_session_destroyed(lambda ctx: hooks.append(ctx.id))
    pn.state.reset()
    assert hooks == [s.id]
    assert pn.state.sessions == []


def test_state_blocking_callback_is_named_in_a_warning(caplog):
    pn.config.block_warning_threshold = 0.01
    import time

    def slow_handler():
        time.sleep(0.03)

    with virtual_clock() as clock, session():
        pn.state.execute(slow_handler, schedule=True)
        clock.advance(0)
    pn.config.block_warning_threshold = 1.0
    assert any("slow_handler blocked the event loop" in r.getMessage() for r in caplog.records)


def test_state_reset_restores_every_config_default():
    pn.config.block_warning_threshold = 5
    pn.config.unused_session_lifetime = 1
    pn.config.defer_load = True
    pn.state.reset()
    assert pn.config.block_warning_threshold == 1.0
    assert pn.config.unused_session_lifetime == 5000
    assert pn.config.defer_load is False


def test_state_param_methods_all_see_the_session():
    # Every param method of pn.state resolves names the same way: inside a session,
    # busy is the session's (watch_values used to reach the process State).
    seen_watch, seen_values = [], []
    with session() as s:
        w1 = pn.state.param.watch(lambda e: seen_watch.append(e.obj), "busy")
        w2 = pn.state.param.watch_values(lambda **kw: seen_values.append(kw), ["busy"])
        assert pn.state.param["busy"].owner is s and pn.state.param.busy.owner is s
        assert pn.state.param.values()["busy"] is False
        busy.enter(s)
        busy.exit(s)
        assert seen_watch == [s, s]
        assert seen_values == [{"busy": True}, {"busy": False}]
        pn.state.param.unwatch(w1)
        pn.state.param.unwatch(w2)
        busy.enter(s)
        busy.exit(s)
        assert len(seen_watch) == 2 and len(seen_values) == 2
    busy.enter(None)  # another scope's busy reaches neither
    busy.exit(None)
    assert len(seen_watch) == 2


def test_state_param_outside_a_session_is_the_process_scope():
    seen = []
    watcher = pn.state.param.watch_values(lambda **kw: seen.append(kw), ["busy"])
    busy.enter(None)
    busy.exit(None)
    assert seen == [{"busy": True}, {"busy": False}]
    assert "process_busy" in pn.state.param and "cache" in list(pn.state.param)
    pn.state.param.unwatch(watcher)


def test_state_param_refuses_to_mix_owners_in_one_call():
    with session():
        with pytest.raises(ValueError, match="cannot mix"):
            pn.state.param.watch(lambda e: None, ["busy", "cache"])


def test_state_panel_session_surface_outside_a_session():
    assert (pn.state.served, pn.state.app_url, pn.state.base_url, pn.state.rel_path) == (
        False, None, "/", "")
    assert (pn.state.user, pn.state.user_info, pn.state.access_token,
            pn.state.refresh_token) == (None, None, None, None)


def test_state_panel_session_surface_inside_a_session():
    with session("http://localhost:5006/dashboards/sales?x=1") as s:
        assert (pn.state.app_url, pn.state.rel_path) == ("/dashboards/sales", "..")
        s.app_path = "/dashboards/sales"
        assert pn.state.app_url == "/dashboards/sales"
        assert pn.state.user is None


def test_state_served_is_true_in_a_served_script_only():
    import types

    app = types.ModuleType("panel_state_app_5678")
    app.__dict__["pn"] = pn
    exec("served = pn.state.served", app.__dict__)
    assert app.served is True and pn.state.served is False


def test_state_reset_clears_function_caches_and_session_info():
    calls = []
    fn = pn.cache(lambda: calls.append(1))
    fn()
    with session():
        pass
    pn.state.reset()
    fn()
    assert calls == [1, 1] and pn.state.session_info["total"] == 0
