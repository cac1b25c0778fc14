"""Process-wide setup for the example gallery.

Used as ``panel-state serve examples/ --setup examples/setup.py``.

Runs once per process before the server starts. It keeps two shared objects in
``pn.state.cache`` that the example apps display live in every open tab:

* ``feed``: a value refreshed every few seconds by a scheduled task, plus a cron task
  that stamps the start of every minute;
* ``visitors``: the number of open sessions, kept with lifecycle hooks.
"""

import datetime as dt
import math

import param

import panel_state as pn


class Feed(param.Parameterized):
    """A shared 'market price' that a scheduled task refreshes."""

    price = param.Number(default=100.0, doc="The latest price.")
    refreshes = param.Integer(default=0, doc="How many times the refresh task ran.")
    minute_mark = param.String(default="not yet", doc="Set by the cron task each minute.")


class Visitors(param.Parameterized):
    """How many sessions are open in this process."""

    open = param.Integer(default=0)
    total = param.Integer(default=0)


feed = Feed(name="feed")
visitors = Visitors(name="visitors")
pn.state.cache["feed"] = feed
pn.state.cache["visitors"] = visitors


async def refresh_price():
    # Async, as I/O-bound refreshes should be: it never blocks the sessions on the loop.
    n = feed.refreshes + 1
    feed.param.update(price=round(100 + 10 * math.sin(n / 3), 2), refreshes=n)


def mark_minute():
    feed.minute_mark = dt.datetime.now(dt.UTC).strftime("%H:%M UTC")


pn.state.schedule_task("refresh-price", refresh_price, period="3s")
mark_minute()
pn.state.schedule_task("minute-mark", mark_minute, cron="* * * * *")


def session_opened(session):
    visitors.param.update(open=visitors.open + 1, total=visitors.total + 1)


def session_closed(session):
    visitors.open -= 1


pn.state.on_session_created(session_opened)
pn.state.on_session_destroyed(session_closed)
