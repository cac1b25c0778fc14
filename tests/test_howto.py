"""Panel's how-to patterns for callbacks, state and binding, with ``import panel_state as pn``.

One test per pattern the pages demonstrate (``doc/how_to/callbacks``, ``doc/how_to/state``,
``doc/how_to/interactivity/bind_*``): our own small apps doing what each page shows, each
asserting the behaviour the page describes. Served apps run on a real server at port 0
with :class:`~panel_state.server.testclient.ProtocolClient` as the browser tab; time-driven
ones on :func:`~panel_state.testing.virtual_clock`. Where a page uses a component we do not
ship (a Bokeh figure, an hvplot) a component we do ship stands in, and the test says so;
pictures the pages fetch over the network are URLs the browser would load.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import param
import pytest

import panel_state as pn
from panel_state.server.testclient import ProtocolClient
from panel_state.testing import async_wait_until, session, virtual_clock

# -- helpers ---------------------------------------------------------------------------------


def text(node_props: dict[str, Any]) -> str:
    """What a Markdown (its HTML, tags removed) or Str node shows."""
    if "html" in node_props:
        return re.sub(r"<[^>]+>", "", node_props["html"]).strip()
    return node_props.get("text", "")


def shown(client: ProtocolClient, kind: str, show: Any = text) -> list[Any]:
    """Everything nodes of ``kind`` showed (``show(props)``, their text by default), in
    the order the client received it."""
    seen: list[str] = []
    kinds: dict[str, str] = {}

    def visit(node: dict[str, Any]) -> None:
        kinds[node["ref"]] = node["kind"]
        if node["kind"] == kind:
            seen.append(show(node["props"]))
        for child in node["children"]:
            if "kind" in child:
                visit(child)

    for msg in client.messages:
        if msg["type"] == "render":
            for root in msg["roots"]:
                visit(root)
        elif msg["type"] == "patch":
            for op in msg["ops"]:
                if "children" in op:
                    for child in op["children"]:
                        if "kind" in child:
                            visit(child)
                elif "props" in op and kinds.get(op["ref"]) == kind and (
                        show is not text or "html" in op["props"] or "text" in op["props"]):
                    seen.append(show(op["props"]))
    return seen


def current(client: ProtocolClient, kind: str) -> list[str]:
    """What the nodes of ``kind`` show now, in page order."""
    return [text(client.props(ref)) for ref in client.find_all(kind)]


# == callbacks/async.md ======================================================================

async def test_howto_async_on_click_updates_text_while_the_work_continues():
    gates: dict[int, asyncio.Event] = {}
    button = pn.widgets.Button(label="Start")
    status = pn.widgets.StaticText(value="")

    async def long_job(event):
        gates[event.new] = asyncio.Event()
        status.value = f"Running {event.new}"
        await gates[event.new].wait()
        status.value = f"Finished {event.new}"

    button.on_click(long_job)
    button.apply_client_change("clicks", None)
    await async_wait_until(lambda: status.value == "Running 1")
    button.apply_client_change("clicks", None)  # a second job starts while the first waits
    await async_wait_until(lambda: status.value == "Running 2")
    gates[1].set()
    await async_wait_until(lambda: status.value == "Finished 1")
    gates[2].set()
    await async_wait_until(lambda: status.value == "Finished 2")


async def test_howto_async_bound_function_updates_when_it_returns(serve, open_client):
    # The page fetches a picture's address with aiohttp; a sleep stands in for the I/O.
    async def get_img(index):
        await asyncio.sleep(0.01)  # the I/O: the loop serves other work meanwhile
        return pn.pane.JPG(f"https://picsum.photos/id/{index}/200", width=200)

    def app():
        chooser = pn.widgets.IntSlider(start=0, end=10, value=2)
        return pn.Column(chooser, pn.bind(get_img, chooser))

    def src(c: ProtocolClient) -> list[str]:
        return [c.props(ref)["src"] for ref in c.find_all("Image")]

    client = await open_client(serve(app).url)
    await client.wait_for(lambda c: src(c) == ["https://picsum.photos/id/2/200"])
    await client.event(client.find("IntSlider"), "value", 7)
    await client.wait_for(lambda c: src(c) == ["https://picsum.photos/id/7/200"])


async def test_howto_async_watcher_updates_a_pane_after_awaiting():
    # The page's watcher sets a JPG pane's bytes it fetched; bytes made here stand in.
    index = pn.widgets.IntSlider(start=0, end=10)
    picture = pn.pane.JPG(None, width=100)

    def jpeg(n: int) -> bytes:
        return b"\xff\xd8\xff\xe0" + bytes([n]) + b"\xff\xd9"

    async def update_picture(event):
        await asyncio.sleep(0)
        picture.object = jpeg(event.new)

    index.param.watch(update_picture, "value")
    index.param.trigger("value")  # show the first one without waiting for a change
    await async_wait_until(lambda: picture.object == jpeg(0))
    index.value = 4
    await async_wait_until(lambda: picture.object == jpeg(4))
    assert picture.src.startswith("data:image/jpeg;base64,")


async def test_howto_async_stream_with_lock_appends_points():
    # The page streams into a Bokeh ColumnDataSource; a LineChart's stream stands in.
    chart = pn.pane.LineChart(x=[0], y=[0.0])
    button = pn.widgets.Button(label="More")

    @pn.io.with_lock
    async def add_points(event):
        await asyncio.sleep(0)
        last = chart.x[-1]
        chart.stream({"x": [last + i for i in range(1, 6)], "y": [float(event.new)] * 5})

    button.param.watch(add_points, "clicks")
    button.apply_client_change("clicks", None)
    await async_wait_until(lambda: len(chart.x) == 6)
    assert chart.x == [0, 1, 2, 3, 4, 5] and chart.y[-1] == 1.0


# == callbacks/defer_load.md =================================================================

async def test_howto_defer_load_everything_renders_the_page_first(serve, open_client):
    def slow_report():
        time.sleep(0.05)
        return "# Report ready"

    def app():
        pn.extension(defer_load=True)
        return pn.Column("# Shown at once", slow_report)

    client = await open_client(serve(app).url, load=False)
    first = client.messages[0]
    assert first["type"] == "render"
    column = first["roots"][0]
    assert text(column["children"][0]["props"]) == "Shown at once"
    assert column["children"][1]["props"]["loading"] is True  # a spinner, not the report
    await client.ack_load()
    await client.wait_for(lambda c: "Report ready" in current(c, "Markdown"))


async def test_howto_defer_load_one_function_others_render_at_once(serve, open_client):
    # The page also passes min_height/min_width, which need the layout params.
    def quick():
        return "# Quick"

    def slow():
        time.sleep(0.02)
        return "# Slow"

    def app():
        return pn.Column(quick, pn.panel(slow, defer_load=True))

    client = await open_client(serve(app).url, load=False)
    assert current(client, "Markdown") == ["Quick"]
    await client.ack_load()
    await client.wait_for(lambda c: current(c, "Markdown") == ["Quick", "Slow"])


async def test_howto_defer_load_with_threads_runs_deferred_functions_concurrently(
        serve, open_client):
    pn.config.nthreads = 2
    both = threading.Barrier(2, timeout=5)  # each waits for the other: they overlap
    threads: set[str] = set()

    def part(name):
        def render():
            threads.add(threading.current_thread().name)
            both.wait()
            return f"# {name} done"
        return render

    def app():
        return pn.Column(pn.panel(part("A"), defer_load=True), pn.panel(part("B"), defer_load=True))

    client = await open_client(serve(app).url)
    await client.wait_for(lambda c: current(c, "Markdown") == ["A done", "B done"])
    assert len(threads) == 2 and all(t.startswith("panel_state") for t in threads)


# == callbacks/load.md =======================================================================

async def test_howto_onload_runs_the_slow_task_after_the_page_is_shown(serve, open_client):
    def app():
        page = pn.pane.Markdown("# Loading...")

        def fill_in():
            time.sleep(0.02)
            page.object = "# Done"

        pn.state.onload(fill_in)
        return page

    client = await open_client(serve(app).url, load=False)
    assert current(client, "Markdown") == ["Loading..."]
    await client.ack_load()
    await client.wait_for(lambda c: current(c, "Markdown") == ["Done"])


async def test_howto_onload_orchestrates_dependent_bound_functions(serve, open_client):
    # The page shows a LoadingSpinner, a DataFrame pane and an hvplot; text stands in for
    # the plot.
    class Shared(param.Parameterized):
        data = param.List(default=None, allow_None=True, doc="Rows, once loaded.")

        def load_rows(self):
            time.sleep(0.02)
            self.data = [1, 3, 2, 4]

    def table(data):
        if data is None:
            return pn.indicators.LoadingSpinner(value=True, name="Loading data", size=25)
        return pn.pane.DataFrame(pd.DataFrame({"value": data}))

    def summary(data):
        if data is None:
            yield "Waiting for data"
            return
        yield "Transforming data"
        time.sleep(0.02)
        yield f"Total {sum(data)}"

    def app():
        shared = Shared()
        pn.state.onload(shared.load_rows)
        return pn.Column("# Shown on load", pn.bind(table, data=shared.param.data),
                         pn.bind(summary, data=shared.param.data))

    client = await open_client(serve(app).url)
    await client.wait_for(lambda c: current(c, "Markdown")[-1] == "Total 10")
    assert current(client, "Markdown") == ["Shown on load", "Total 10"]
    [frame] = client.find_all("DataFrame")
    assert re.findall(r"<td>(\d+)</td>", client.props(frame)["html"]) == ["1", "3", "2", "4"]
    spinners = shown(client, "LoadingSpinner", lambda p: (p.get("value"), p.get("name")))
    assert spinners[:1] == [(True, "Loading data")]  # before the data came
    summaries = [t for t in shown(client, "Markdown")
                 if t.startswith(("Waiting", "Transforming", "Total"))]
    assert summaries == ["Waiting for data", "Transforming data", "Total 10"]


# == callbacks/notifications.md ==============================================================

async def test_howto_connection_notifications_are_sent_and_the_app_works(serve, open_client):
    def app():
        pn.extension(disconnect_notification="Connection lost, try reloading the page!",
                     ready_notification="Application fully loaded.")
        rating = pn.widgets.IntSlider(label="Number", start=1, end=10, value=3)
        return pn.Column(rating, pn.bind(lambda n: "⭐" * n, rating)).servable(
            title="Connection Notifications")

    client = await open_client(serve(app).url)
    await client.wait_for(lambda c: any(
        "Application fully loaded." in str(m) for m in c.notifications))
    assert any("Connection lost, try reloading the page!" in str(m)
               for m in client.notifications)
    assert client.title == "Connection Notifications"
    await client.event(client.find("IntSlider"), "value", 5)
    await client.wait_for(lambda c: current(c, "Markdown") == ["⭐" * 5])


# == callbacks/periodic.md ===================================================================

def test_howto_periodic_callback_updates_until_its_timeout():
    # The page updates a Bokeh figure; a LineChart stands in.
    with virtual_clock() as clock, session():
        chart = pn.pane.LineChart(x=list(range(10)), y=[0] * 10)
        rounds = []

        def refresh():
            rounds.append(clock.now())
            chart.y = [len(rounds)] * 10

        cb = pn.state.add_periodic_callback(refresh, 200, timeout=5000)
        clock.advance(2)
        assert cb.counter == 10 and chart.y[0] == 10
        clock.advance(4)
        assert cb.running is False and cb.counter == 25  # stopped after 5 s


def test_howto_periodic_callback_stop_start_period_and_a_linked_toggle():
    with virtual_clock() as clock, session():
        ticks = []
        cb = pn.state.add_periodic_callback(lambda: ticks.append(1), 100)
        toggle = pn.widgets.Toggle(label="Toggle callback", value=True)
        toggle.link(cb, bidirectional=True, value="running")
        clock.advance(0.5)
        assert len(ticks) == 5
        toggle.value = False  # the toggle pauses the callback
        clock.advance(1)
        assert cb.running is False and len(ticks) == 5
        cb.start()  # and follows it when started from Python
        assert toggle.value is True
        cb.period = 50  # faster
        clock.advance(0.5)
        assert len(ticks) == 15
        cb.stop()
        assert toggle.value is False


async def test_howto_periodic_callback_started_inside_the_served_function(serve, open_client):
    def panel_app():
        chart = pn.pane.LineChart(x=[0], y=[0])

        def grow():
            chart.stream({"x": [len(chart.x)], "y": [len(chart.x) ** 2]})

        cb = pn.state.add_periodic_callback(grow, 10, count=3)
        toggle = pn.widgets.Toggle(label="Toggle callback", value=True)
        toggle.link(cb, bidirectional=True, value="running")
        return pn.Column(chart, toggle)

    server = serve(panel_app)
    one, two = await open_client(server.url), await open_client(server.url)
    for client in (one, two):  # each tab has its own callback
        await client.wait_for(lambda c: len(c.emits.get(c.find("LineChart"), [])) == 3)
        await client.wait_for(lambda c: c.props(c.find("Toggle"))["value"] is False)


# == callbacks/schedule.md ===================================================================

def test_howto_schedule_task_with_a_period_then_cancel_it():
    runs = []
    with virtual_clock(start=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)) as clock:
        async def housekeeping():
            runs.append(f"{clock.now():%H:%M:%S}")

        pn.state.schedule_task("housekeeping", housekeeping, period="1s")
        clock.advance(3)
        pn.state.cancel_task("housekeeping")
        clock.advance(3)
    assert runs == ["09:00:00", "09:00:01", "09:00:02", "09:00:03"]  # at once, then each second


def test_howto_schedule_task_is_idempotent_by_name():
    runs = []
    with virtual_clock() as clock:
        pn.state.schedule_task("refresh", lambda: runs.append("first"), period="10s")
        pn.state.schedule_task("refresh", lambda: runs.append("second"), period="1s")
        clock.advance(20)
        pn.state.cancel_task("refresh")
    assert set(runs) == {"first"} and len(runs) == 3


def test_howto_schedule_task_with_a_cron_expression():
    runs = []
    with virtual_clock(start=dt.datetime(2026, 3, 2, tzinfo=dt.UTC)) as clock:  # a Monday
        pn.state.schedule_task("report", lambda: runs.append(clock.now()),
                               cron="2 4 * * mon,fri")
        clock.advance(days=7)
        pn.state.cancel_task("report")
    assert [f"{t:%a %H:%M}" for t in runs] == ["Mon 04:02", "Fri 04:02"]


# == callbacks/server.md =====================================================================

async def test_howto_threaded_server_changed_from_the_main_thread_with_execute():
    # The page changes a Bokeh figure's y_range; a LineChart's data stands in.
    charts: list[Any] = []

    def app():
        chart = pn.pane.LineChart(x=[1, 2, 3], y=[1, 2, 3])
        charts.append(chart)
        return chart

    server = pn.serve(app, threaded=True)
    try:
        client = await ProtocolClient.open(server.url)
        assert server.thread is not None and server.thread is not threading.current_thread()
        pn.state.execute(lambda: charts[0].param.update(y=[0, 2, 4]))
        await client.wait_for(lambda c: c.props(c.find("LineChart"))["y"] == [0, 2, 4])
        await client.close()
    finally:
        server.stop()


# == callbacks/session.md ====================================================================

async def test_howto_session_created_and_destroyed_hooks(serve, open_client):
    created, destroyed = [], []

    def on_created(session_context):
        created.append(session_context.request.uri)

    pn.state.on_session_created(on_created)
    pn.state.on_session_destroyed(lambda session_context: destroyed.append("global"))

    def app():
        pn.state.on_session_destroyed(lambda session_context: destroyed.append("mine"))
        with pytest.raises(RuntimeError, match="on_session_created"):
            pn.state.on_session_created(on_created)  # only before sessions exist
        return pn.pane.Str("hello")

    server = serve(app)
    client = await open_client(server.url + "?user=ann")
    await client.close()
    await server.astop()
    assert created == ["/?user=ann"]
    assert sorted(destroyed) == ["global", "mine"]


# == state/busy.md ===========================================================================

async def test_howto_busy_indicator_bound_to_state_busy(serve, open_client):
    def app():
        def processing(event):
            time.sleep(0.05)

        button = pn.widgets.Button(label="Click me!", on_click=processing)

        def indicator(busy):
            return "I'm busy" if busy else "I'm idle"

        return pn.Row(button, pn.bind(indicator, pn.state.param.busy))

    client = await open_client(serve(app).url)
    assert current(client, "Markdown") == ["I'm idle"]
    await client.event(client.find("Button"), "clicks", None)
    await client.wait_for(lambda c: shown(c, "Markdown")[-2:] == ["I'm busy", "I'm idle"])


async def test_howto_sync_busy_keeps_a_boolean_indicator_in_step(serve, open_client):
    def app():
        button = pn.widgets.Button(label="Work", on_click=lambda event: time.sleep(0.05))
        spinner = pn.indicators.LoadingSpinner(value=False, size=25)
        pn.state.sync_busy(spinner)
        return pn.Row(button, spinner)

    client = await open_client(serve(app).url)
    await client.event(client.find("Button"), "clicks", None)
    await client.wait_for(lambda c: c.props(c.find("LoadingSpinner"))["value"] is True)
    await client.wait_for(lambda c: c.props(c.find("LoadingSpinner"))["value"] is False)


# == state/request.md ========================================================================

async def test_howto_request_arguments_cookies_and_headers(serve, open_client):
    def app():
        try:
            phase = int(pn.state.session_args.get("phase")[0])
        except Exception:
            phase = 1
        return pn.pane.Str(f"phase={phase} user={pn.state.cookies.get('user')} "
                           f"agent={pn.state.headers.get('User-Agent')}")

    server = serve(app)
    given = await open_client(server.url + "?phase=3", cookies={"user": "ann"},
                      headers={"User-Agent": "tests"})
    assert current(given, "Str") == ["phase=3 user=ann agent=tests"]
    fallback = await open_client(server.url + "?phase=0.5")  # not an int: the app falls back
    assert current(fallback, "Str")[0].startswith("phase=1 user=None")


# == state/url.md ============================================================================

async def test_howto_location_parts_and_query_params(serve, open_client):
    seen: dict[str, Any] = {}

    def app():
        seen["location"] = pn.state.location
        return pn.pane.Str(pn.state.location.param.search)

    client = await open_client(serve(app).url + "?color=blue&size=3", load=False)
    await client.ack_load(hash="#margin")
    location = seen["location"]
    await async_wait_until(lambda: location.hash == "#margin")
    assert (location.pathname, location.search) == ("/", "?color=blue&size=3")
    assert location.protocol == "http:" and location.port == str(urlsplit(client.url).port)
    assert location.href == client.url + "#margin"
    assert location.query_params == {"color": "blue", "size": 3}
    assert location.reload is False


async def test_howto_location_sync_and_unsync_a_parameterized(serve, open_client):
    class Settings(param.Parameterized):
        integer = param.Integer(default=1, bounds=(0, 10), doc="In the URL as int.")
        string = param.String(default="A string", doc="In the URL as str.")
        dont_sync = param.String(default="A string", doc="Never in the URL.")

    made: list[Any] = []

    def app():
        settings = Settings()
        made.append((settings, pn.state.location))
        pn.state.location.sync(settings, {"integer": "int", "string": "str"})
        return pn.pane.Str(settings.param.integer)

    client = await open_client(serve(app).url + "?int=4&str=hello")
    settings, location = made[0]
    await async_wait_until(lambda: settings.integer == 4)
    assert settings.string == "hello" and settings.dont_sync == "A string"
    settings.integer = 7
    await client.wait_for(lambda c: any("int=7" in u["url"] for u in c.urls))
    assert "str=hello" in client.urls[-1]["url"]
    location.unsync(settings)  # its keys leave the URL; later changes stay out of it
    await client.wait_for(lambda c: c.urls[-1]["url"] == "/")
    before = len(client.urls)
    settings.integer = 9
    await client.settle()
    assert len(client.urls) == before


# == state/examples/sync_url.md ==============================================================

async def test_howto_sync_widgets_with_the_url(serve, open_client):
    # The page adds a RangeSlider and a material template, which are not here yet.
    def app():
        slider = pn.widgets.FloatSlider(label="Slider", start=0, end=10)
        text = pn.widgets.TextInput(label="Text")
        if pn.state.location:
            pn.state.location.sync(slider, {"value": "slider_value"})
            pn.state.location.sync(text, {"value": "text_value"})
        return pn.Column(slider, text)

    client = await open_client(serve(app).url + "?slider_value=2.5&text_value=hi")
    await client.wait_for(lambda c: c.props(c.find("FloatSlider"))["value"] == 2.5)
    await client.wait_for(lambda c: c.props(c.find("TextInput"))["value"] == "hi")
    await client.event(client.find("FloatSlider"), "value", 6.0)
    await client.wait_for(lambda c: any("slider_value=6.0" in u["url"] for u in c.urls))


# == interactivity/bind_function.md ==========================================================

async def test_howto_bind_function_to_a_widget_in_a_layout(serve, open_client):
    def star_creator(number):
        return "⭐" * number

    made: list[Any] = []

    def app():
        slider = pn.widgets.IntSlider(value=5, start=1, end=10)
        column = pn.Column(slider, pn.bind(star_creator, slider))
        made.append(column)
        return column

    client = await open_client(serve(app).url)
    assert type(made[0][1]).__name__ == "ParamFunction"  # the wrapper the page names
    assert current(client, "Markdown") == ["⭐" * 5]
    await client.event(client.find("IntSlider"), "value", 2)
    await client.wait_for(lambda c: current(c, "Markdown") == ["⭐⭐"])


# == interactivity/bind_component.md =========================================================

async def test_howto_bind_a_function_to_a_pane_param(serve, open_client):
    def object_creator(string, number):
        return string * number

    made: list[Any] = []

    def app():
        slider = pn.widgets.IntSlider(value=5, start=1, end=10)
        select = pn.widgets.Select(value="⭐", options=["⭐", "🐘"])
        pane = pn.pane.Markdown(pn.bind(object_creator, select, slider))
        made.append(pane)
        return pn.Row(slider, select, pane)

    client = await open_client(serve(app).url)
    assert current(client, "Markdown") == ["⭐" * 5]
    pane_ref = client.find("Markdown")
    await client.event(client.find("Select"), "value", "🐘")
    await client.wait_for(lambda c: current(c, "Markdown") == ["🐘" * 5])
    await client.event(client.find("IntSlider"), "value", 2)
    await client.wait_for(lambda c: current(c, "Markdown") == ["🐘" * 2])
    assert client.find("Markdown") == pane_ref  # the same pane, only its object changed


async def test_howto_refs_updates_several_params_at_once(serve, open_client):
    # The page sets object and styles (with a RadioButtonGroup); object and visible here.
    def app():
        slider = pn.widgets.IntSlider(value=5, start=0, end=10, label="Number")
        select = pn.widgets.Select(value="⭐", options=["⭐", "🐘"], label="String")

        def refs(string, number):
            return {"object": string * number, "visible": number > 0}

        return pn.Row(slider, select, pn.pane.Markdown(refs=pn.bind(refs, select, slider)))

    client = await open_client(serve(app).url)
    markdown = client.find("Markdown")
    await client.event(client.find("IntSlider"), "value", 0)
    await client.wait_for(lambda c: c.props(markdown)["visible"] is False)
    together = [op["props"] for m in client.messages if m["type"] == "patch"
                for op in m["ops"] if op["ref"] == markdown]
    assert together == [{"visible": False, "html": ""}]  # one op, both params


async def test_howto_bound_function_as_a_widget_value_instead_of_watch(serve, open_client):
    # The page uses a StaticText; a TextInput's value takes the reference the same way.
    calls: list[str] = []

    def update_value(select_value, slider_value):
        calls.append(f"{select_value}{slider_value}")
        return select_value * slider_value

    made: list[Any] = []

    def app():
        slider = pn.widgets.IntSlider(value=2, start=1, end=10)
        select = pn.widgets.Select(value="a", options=["a", "b"])
        shown_text = pn.widgets.TextInput(value=pn.bind(update_value, select, slider))
        made.append(shown_text)
        return pn.Column(slider, select, shown_text)

    client = await open_client(serve(app).url)
    widget_ref = client.find("TextInput")
    assert client.props(widget_ref)["value"] == "aa"
    await client.event(client.find("IntSlider"), "value", 3)
    await client.wait_for(lambda c: c.props(widget_ref)["value"] == "aaa")
    assert client.find("TextInput") == widget_ref  # updated in place, not recreated


def test_howto_bind_with_watch_true_runs_on_every_change():
    slider = pn.widgets.IntSlider(value=1, start=1, end=10)
    select = pn.widgets.Select(value="x", options=["x", "y"])
    results = []
    pn.bind(lambda s, n: results.append(s * n), select, slider, watch=True)
    slider.value = 3
    select.value = "y"
    assert results == ["xxx", "yyy"]


# == interactivity/bind_generators.md ========================================================

async def test_howto_generator_bound_to_a_button_shows_each_step(serve, open_client):
    def runner(run):
        if not run:
            yield "Calculation did not run yet"
            return
        for i in range(0, 101, 25):
            time.sleep(0.005)  # some blocking calculation, off the event loop
            yield pn.Column(f"Running ({i}/100%)", pn.indicators.Progress(value=i, width=300))
        yield "Success ✅︎"

    def app():
        run = pn.widgets.Button(label="Press to run calculation", align="center")
        return pn.Row(run, pn.bind(runner, run))

    client = await open_client(serve(app).url)
    await client.wait_for(lambda c: current(c, "Markdown") == ["Calculation did not run yet"])
    await client.event(client.find("Button"), "clicks", None)
    await client.wait_for(lambda c: current(c, "Markdown") == ["Success ✅︎"])
    assert shown(client, "Markdown") == [
        "Calculation did not run yet", "Running (0/100%)", "Running (25/100%)",
        "Running (50/100%)", "Running (75/100%)", "Running (100/100%)", "Success ✅︎"]
    assert shown(client, "Progress", lambda p: p["value"]) == [0, 25, 50, 75, 100]


async def test_howto_async_generator_streams_into_a_row(serve, open_client):
    # The page yields JPG panes of pictures it fetched; their addresses stand in.
    async def slideshow():
        index = 0
        while True:
            await asyncio.sleep(0.01)
            yield pn.pane.JPG(f"https://picsum.photos/id/{index}/200", width=200)
            index = (index + 1) % 3

    client = await open_client(serve(lambda: pn.Row(slideshow)).url)
    await client.wait_for(lambda c: len(shown(c, "Image", lambda p: p["src"])) >= 4)
    assert [src.rsplit("/", 2)[1] for src in shown(client, "Image", lambda p: p["src"])[:4]] \
        == ["0", "1", "2", "0"]

