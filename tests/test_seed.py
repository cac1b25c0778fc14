"""The seed page's snippets, as written there, with ``import panel_state as pn``.

Bokeh figures become ``pn.pane.LineChart`` (a ColumnDataSource ``.stream`` becomes the
chart's ``stream``); everything else is the page's code. Sessions and time come from
``panel_state.testing``, which is what a served tab and the clock would provide.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from functools import partial

import numpy as np

import panel_state as pn
from panel_state import execution
from panel_state.testing import load, session, virtual_clock


def test_seed_request_arguments():
    def app():
        try:
            phase = int(pn.state.session_args.get('phase')[0])
        except Exception:
            phase = 1
        return phase

    with session('http://localhost:8001/app?phase=5'):
        assert app() == 5
    with session('http://localhost:8001/app'):
        assert app() == 1


def test_seed_cookies_headers_and_location():
    with session('http://localhost:8001/app?color=blue#interact',
                 cookies={'user': 'ann'}, headers={'Host': 'localhost:8001'}):
        assert pn.state.cookies == {'user': 'ann'}
        assert pn.state.headers['Host'] == 'localhost:8001'
        location = pn.state.location
        assert location.pathname == '/app'
        assert location.search == '?color=blue'
        assert location.hash == '#interact'
        assert location.protocol == 'http:'
        assert location.port == '8001'
        assert location.href == 'http://localhost:8001/app?color=blue#interact'
        assert location.reload is False


def test_seed_busy_indicator():
    with session() as tab:
        def processing(event):
            # Some longer running task
            time.sleep(0.05)
            seen.append(indicator_pane.child.object)

        seen: list[str] = []
        button = pn.widgets.Button(name='Click me!')
        button.on_click(processing)

        def indicator(busy):
            return "I'm busy" if busy else "I'm idle"

        row = pn.Row(button, pn.bind(indicator, pn.state.param.busy))
        indicator_pane = row[1]
        assert indicator_pane.child.object == "I'm idle"
        # What the server does with the browser's click event:
        execution.run(button.apply_client_change, 'clicks', None, session=tab, busy=True)
        assert seen == ["I'm busy"]
        assert indicator_pane.child.object == "I'm idle"


def test_seed_schedule_task_every_second(capsys):
    start = dt.datetime(2023, 3, 3, 21, 20, 6, tzinfo=dt.UTC)
    with virtual_clock(start=start) as clock:
        async def task():
            print(f'Task executed at: {clock.now():%Y-%m-%d %H:%M:%S}')

        pn.state.schedule_task('task', task, period='1s')
        clock.run(asyncio.sleep(3))
        pn.state.cancel_task('task')
    assert capsys.readouterr().out.splitlines() == [
        'Task executed at: 2023-03-03 21:20:06',
        'Task executed at: 2023-03-03 21:20:07',
        'Task executed at: 2023-03-03 21:20:08',
        'Task executed at: 2023-03-03 21:20:09',
    ]


def test_seed_schedule_task_cron_monday_and_friday():
    runs = []
    monday = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    with virtual_clock(start=monday) as clock:
        def task():
            runs.append(clock.now())

        pn.state.schedule_task('task', task, cron='2 4 * * mon,fri')
        clock.advance(weeks=2)
        pn.state.cancel_task('task')
    assert [f'{t:%a %d %H:%M}' for t in runs] == [
        'Mon 23 04:02', 'Fri 27 04:02', 'Mon 30 04:02', 'Fri 04 04:02']


def test_seed_onload():
    def app():
        widget = pn.widgets.Select()

        def on_load():
            time.sleep(0.01)  # Emulate some long running process
            widget.options = ['A', 'B', 'C']

        pn.state.onload(on_load)
        return widget

    with session() as tab:
        widget = app()
        assert widget.options == []
        load(tab)
        assert widget.options == ['A', 'B', 'C']
        assert widget.value == 'A'


def test_seed_defer_load():
    def render_on_load():
        return pn.widgets.Select(options=['A', 'B', 'C'])

    with session() as tab:
        row = pn.Row(pn.panel(render_on_load, defer_load=True))
        deferred = row[0]
        assert deferred.view_props()['loading'] is True
        load(tab)
        assert deferred.view_props()['loading'] is False
        assert deferred.child.options == ['A', 'B', 'C']


def test_seed_periodic_callback_with_timeout_counter_and_toggle():
    with virtual_clock() as clock, session():
        chart = pn.pane.LineChart(x=list(range(10)), y=list(range(10)))

        def update():
            data = np.random.randint(0, 2 ** 31, 10)
            chart.stream({'x': list(range(chart.x[-1] + 1, chart.x[-1] + 11)),
                          'y': data.tolist()}, rollover=50)

        cb = pn.state.add_periodic_callback(update, 200, timeout=5000)
        toggle = pn.widgets.Toggle(name='Toggle callback', value=True)
        toggle.link(cb, bidirectional=True, value='running')

        clock.advance(1.1)
        assert cb.counter == 5 and len(chart.x) == 50
        toggle.value = False
        clock.advance(1)
        assert cb.counter == 5 and cb.running is False
        cb.start()
        assert toggle.value is True
        clock.advance(6)
        assert cb.counter == 25 and cb.running is False and toggle.value is False


def test_seed_periodic_callback_in_a_wrapping_function():
    def update(source):
        data = np.random.randint(0, 2 ** 31, 10)
        source.stream({'x': list(range(source.x[-1] + 1, source.x[-1] + 11)),
                       'y': data.tolist()})

    def panel_app():
        source = pn.pane.LineChart(x=list(range(10)), y=list(range(10)))
        pn.state.add_periodic_callback(partial(update, source), 200, timeout=5000)
        return source

    with virtual_clock() as clock, session():
        chart = panel_app()
        clock.advance(5.5)
        assert len(chart.x) == 10 + 25 * 10
