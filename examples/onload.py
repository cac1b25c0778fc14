"""Onload and defer_load: get something on screen first, load the slow parts after.

The Select's options arrive from an ``onload`` callback after the first paint; the
summary below is rendered with ``defer_load=True``: a spinner until the page has loaded,
then the slow function's output. Both are coroutines: while they wait, the server
keeps serving other tabs.
"""

import asyncio

import panel_state as pn

pn.extension()

select = pn.widgets.Select(name="Database tables")


async def fill_options():
    await asyncio.sleep(1)  # emulate a slow database query
    select.options = ["customers", "orders", "invoices"]


pn.state.onload(fill_options)


async def slow_summary():
    await asyncio.sleep(1.5)  # emulate an expensive computation
    return "**Summary ready:** 3 tables, 12,345 rows."


pn.Column(
    "## Onload and defer_load",
    select,
    pn.panel(slow_summary, defer_load=True),
).servable(title="Onload")
