"""Scheduled tasks: values refreshed by tasks from the ``--setup`` script, live in every tab.

Serve with ``panel-state serve examples/scheduled.py --setup examples/setup.py``: a task
refreshes the price every 3 seconds and a cron task stamps every minute. Open two tabs —
both update together, because the tasks are process-wide, not per session.
"""

import panel_state as pn

pn.extension()

feed = pn.state.cache.get("feed")

if feed is None:
    pn.Column(
        "## Scheduled tasks",
        "This example needs its setup script: "
        "`panel-state serve examples/scheduled.py --setup examples/setup.py`.",
    ).servable(title="Scheduled tasks")
else:
    task = pn.state.tasks["refresh-price"]

    def price(value, refreshes):
        return f"### Price: {value:.2f} CHF\n\nRefreshed {refreshes} times (every 3 s)."

    def status(last_run, next_run):
        last = f"{last_run:%H:%M:%S} UTC" if last_run else "never"
        nxt = f"{next_run:%H:%M:%S} UTC" if next_run else "-"
        return f"Last run: {last} · next run: {nxt}"

    pn.Column(
        "## Scheduled tasks",
        pn.bind(price, feed.param.price, feed.param.refreshes),
        pn.bind(status, task.param.last_run, task.param.next_run),
        pn.bind(lambda mark: f"Cron task (every minute) last marked: {mark}",
                feed.param.minute_mark),
    ).servable(title="Scheduled tasks")
