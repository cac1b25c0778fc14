"""Controls for params: a periodic callback and a scheduled task as live widgets (pn.Param).

The callback's ``period``, ``running``, ``count`` and ``timeout`` are widgets linked both
ways: type a period, switch it off and on, give it a count and watch it stop by itself.
The task (scheduled by ``--setup examples/setup.py``) shows its run state read-only:
its params are read-only, so their widgets are disabled and follow it.
"""

import panel_state as pn

pn.extension()

bar = pn.indicators.Progress(name="Ticks", value=0, max=20, width=300)


def tick():
    bar.value = cb.counter % (bar.max + 1)


cb = pn.state.add_periodic_callback(tick, period=500)

callback_controls = pn.Param(
    cb, name="Periodic callback", parameters=["period", "running", "count", "timeout"],
    widgets={"running": pn.widgets.Toggle})


def readout(counter, running, period):
    return (f"Ticks so far: {counter} · {'running' if running else 'stopped'} · "
            f"every {period} ms")


task = pn.state.tasks.get("refresh-price")
if task is None:
    task_controls = pn.pane.Markdown(
        "The scheduled task needs the setup script: "
        "`panel-state serve examples/controls.py --setup examples/setup.py`.")
else:
    task_controls = pn.Param(
        task, name="Scheduled task 'refresh-price'",
        parameters=["scheduled", "running", "run_count", "last_run", "next_run"],
        widgets={"last_run": pn.widgets.StaticText, "next_run": pn.widgets.StaticText})

pn.Column(
    "## Controls for params",
    pn.Row(
        pn.Column(callback_controls, bar,
                  pn.bind(readout, cb.param.counter, cb.param.running, cb.param.period)),
        task_controls,
    ),
).servable(title="Controls for params")
