"""Panel's own tests that failed against panel_state, ported with ``import panel_state as pn``.

Each is Panel 1.9's test of the same name (``panel/tests/io/test_state.py``,
``io/test_cache.py``, ``test_server.py``, ``widgets/test_button.py``,
``widgets/test_base.py``), with Bokeh documents replaced by panel_state sessions.
Where Panel's test sleeps to make threads overlap, a barrier proves the overlap instead
(a serial run breaks it), and ``ttl`` runs on the virtual clock.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import panel_state as pn
from panel_state import caching
from panel_state.server.testclient import ProtocolClient
from panel_state.testing import virtual_clock, wait_until

state = pn.state


# -- io/test_state.py: as_cached ------------------------------------------------------------


def test_as_cached_key_only():
    def test_fn(i=[0]):  # noqa: B006 - Panel's test counts calls in the default
        i[0] += 1
        return i[0]

    assert state.as_cached("test", test_fn) == 1
    assert state.as_cached("test", test_fn) == 1


def test_as_cached_key_and_kwarg():
    def test_fn(a, i=[0]):  # noqa: B006
        i[0] += 1
        return i[0]

    assert state.as_cached("test", test_fn, a=1) == 1
    assert state.as_cached("test", test_fn, a=1) == 1
    assert state.as_cached("test", test_fn, a=2) == 2
    assert state.as_cached("test", test_fn, a=1) == 1
    assert state.as_cached("test", test_fn, a=2) == 2


def test_as_cached_thread_locks():
    entered = threading.Event()
    release = threading.Event()

    def test_fn(i=[0]):  # noqa: B006
        i[0] += 1
        entered.set()
        release.wait(5)  # Panel sleeps 0.1 s here so the other threads pile up
        return i[0]

    results = []
    with ThreadPoolExecutor(max_workers=4) as executor:
        for _ in range(4):
            results.append(executor.submit(state.as_cached, "test", test_fn))
        entered.wait(5)
        release.set()
    assert [r.result() for r in results] == [1, 1, 1, 1]
    assert caching.lock_count() == 0


def test_as_cached_ttl():
    def test_fn(i=[0]):  # noqa: B006
        i[0] += 1
        return i[0]

    with virtual_clock() as clock:
        assert state.as_cached("test", test_fn, ttl=0.1) == 1
        clock.advance(0.11)  # Panel: time.sleep(0.11)
        assert state.as_cached("test", test_fn, ttl=0.1) == 2


# -- io/test_cache.py: pn.cache -------------------------------------------------------------

OFFSET: dict[tuple, int] = {}


def function_with_args(a, b):
    offset = OFFSET.get((a, b), 0)
    result = a + b + offset
    OFFSET[(a, b)] = offset + 1
    return result


def test_cache_with_args():
    OFFSET.clear()
    fn = pn.cache(function_with_args)
    assert fn(0, 0) == 0
    assert fn(0, 0) == 0


def test_cache_clear():
    OFFSET.clear()
    fn = pn.cache(function_with_args)
    assert fn(0, 0) == 0
    fn.clear()
    assert fn(0, 0) == 1


def test_cache_ttl():
    OFFSET.clear()
    fn = pn.cache(function_with_args, ttl=0.1)
    with virtual_clock() as clock:
        assert fn(0, 0) == 0
        clock.advance(0.2)  # Panel: time.sleep(0.2)
        assert fn(0, 0) == 1


# -- test_server.py: the thread pool --------------------------------------------------------


def serve_and_request(app, n: int = 1, click: bool = False):
    """Panel's test helper: serve ``app`` on a thread and open ``n`` tabs (each clicking
    every Button with ``click``); returns the server."""
    server = pn.serve(app, threaded=True)

    async def tabs() -> None:
        for _ in range(n):
            client = await ProtocolClient.open(server.url)
            for ref in client.find_all("Button") if click else []:
                await client.event(ref, "clicks", 1)
            await client.ping()
            await client.close()

    asyncio.run(tabs())
    return server


def test_server_thread_pool_change_event():
    pn.config.nthreads = 2  # Panel's ``threads`` fixture
    met = threading.Barrier(2)
    counts = []

    def cb(event, count=[0]):  # noqa: B006
        count[0] += 1
        counts.append(count[0])
        met.wait(5)  # Panel: time.sleep(0.5); a serial run breaks the barrier instead
        count[0] -= 1

    button = pn.widgets.Button(label="Click")
    button2 = pn.widgets.Button(label="Click")
    button.on_click(cb)
    button2.on_click(cb)
    layout = pn.Row(button, button2)

    server = serve_and_request(layout, click=True)
    try:
        # Checks whether Button on_click callback was executed concurrently
        wait_until(lambda: len(counts) > 1 and max(counts) > 1)
    finally:
        server.stop()


def test_server_thread_pool_onload():
    pn.config.nthreads = 2
    met = threading.Barrier(2)
    counts = []

    def app(count=[0]):  # noqa: B006
        button = pn.widgets.Button(label="Click")

        def onload():
            count[0] += 1
            counts.append(count[0])
            met.wait(5)  # Panel: time.sleep(2)
            count[0] -= 1

        state.onload(onload)
        return button

    server = serve_and_request(app, n=2)
    try:
        # Checks whether onload callbacks were executed concurrently
        wait_until(lambda: len(counts) > 1 and max(counts) > 1)
    finally:
        server.stop()


# -- widgets/test_button.py, widgets/test_base.py -------------------------------------------


def test_button_on_click_kwarg():
    events = []
    button = pn.widgets.Button(label="Button", on_click=lambda e: events.append(e))
    button.apply_client_change("clicks", None)  # Panel: button._process_event(None)
    assert len(events) == 1


def test_widget_label_kwarg():
    text = pn.widgets.TextInput(value="ABC", label="Text:")
    assert text.label == "Text:" and text.name == "Text:"
