"""Busy: a slow button and a global busy indicator bound to ``pn.state.param.busy``.

Busy is per tab: open this page twice and click in one tab; the other stays idle.
The task awaits instead of calling ``time.sleep``, so the server keeps serving every
other tab while it runs (a blocking sleep would hold them all, and the server would
log a warning naming the callback).
"""

import asyncio

import panel_state as pn

pn.extension()


async def processing(event):
    await asyncio.sleep(1.5)  # some longer running task, e.g. a database query


button = pn.widgets.Button(name="Click me!", button_type="primary")
button.on_click(processing)


def indicator(busy):
    return "I'm busy" if busy else "I'm idle"


pn.Column(
    "## Busy",
    pn.Row(button, pn.bind(indicator, pn.state.param.busy)),
    pn.bind(lambda clicks: f"Clicks so far: {clicks}", button.param.clicks),
).servable(title="Busy")
