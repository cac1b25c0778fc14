"""Periodic callbacks: a chart streaming every 200 ms for 5 s.

The counter shows how many updates ran; the toggle is linked both ways to the callback's
``running`` (it switches off by itself when the 5 s timeout ends), and the slider sets its
``period``.
"""

import random

import panel_state as pn

pn.extension()

chart = pn.pane.LineChart(x=list(range(10)), y=[random.randint(0, 100) for _ in range(10)],
                          title="Random walk", width=600, height=250)


def update():
    x = chart.x[-1] + 1
    y = max(0, min(100, chart.y[-1] + random.randint(-10, 10)))
    chart.stream({"x": [x], "y": [y]}, rollover=100)


cb = pn.state.add_periodic_callback(update, period=200, timeout=5000)

toggle = pn.widgets.Toggle(name="Toggle callback", value=True)
toggle.link(cb, bidirectional=True, value="running")

period = pn.widgets.IntSlider(name="Period (ms)", start=50, end=1000, step=50, value=200)
period.link(cb, value="period")

pn.Column(
    "## Periodic callbacks",
    chart,
    pn.bind(lambda n: f"Updates so far: {n}", cb.param.counter),
    pn.Row(toggle, period),
).servable(title="Periodic callbacks")
