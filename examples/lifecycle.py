"""Lifecycle: a live count of open sessions, kept by hooks in the ``--setup`` script.

Open and close tabs: the count goes up at once, and down a few seconds after a tab is
closed (the unused-session lifetime), when its ``on_session_destroyed`` hooks run. This
app adds a per-session hook too: it logs how long the tab was open.
"""

import time

import panel_state as pn

pn.extension()

visitors = pn.state.cache.get("visitors")

if visitors is None:
    pn.Column(
        "## Lifecycle",
        "This example needs its setup script: "
        "`panel-state serve examples/lifecycle.py --setup examples/setup.py`.",
    ).servable(title="Lifecycle")
else:
    def count(open_, total):
        sessions = "1 session" if open_ == 1 else f"{open_} sessions"
        return f"### {sessions} open\n\n{total} opened since the server started."

    opened = time.monotonic()
    pn.state.on_session_destroyed(
        lambda session: pn.state.log(f"closed after {time.monotonic() - opened:.1f} s"))

    pn.Column(
        "## Lifecycle",
        pn.bind(count, visitors.param.open, visitors.param.total),
        pn.pane.Str(f"This session: {pn.state.curdoc.id[:8]}"),
        "Open this page in another tab, then close it: the count follows.",
    ).servable(title="Lifecycle")
