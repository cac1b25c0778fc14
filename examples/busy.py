"""Busy: a slow button and a global busy indicator bound to ``pn.state.param.busy``.

Busy is per tab: open this page twice and click in one tab; the other stays idle.
"""

import time

import panel_state as pn


def processing(event):
    time.sleep(1.5)  # some longer running task


button = pn.widgets.Button(name="Click me!", button_type="primary")
button.on_click(processing)


def indicator(busy):
    return "I'm busy" if busy else "I'm idle"


pn.Column(
    "## Busy",
    pn.Row(button, pn.bind(indicator, pn.state.param.busy)),
    pn.bind(lambda clicks: f"Clicks so far: {clicks}", button.param.clicks),
).servable(title="Busy")
