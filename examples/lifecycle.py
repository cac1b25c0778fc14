"""Lifecycle: a live count of open sessions, kept by hooks in the ``--setup`` script.

Open and close tabs: the count goes up at once, and down a few seconds after a tab is
closed (the unused-session lifetime), when its ``on_session_destroyed`` hooks run.
"""

import panel_state as pn

visitors = pn.state.cache.get("visitors")

if visitors is None:
    pn.Column(
        "## Lifecycle",
        "This example needs its setup script: "
        "`panel-state serve examples/lifecycle.py --setup examples/setup.py`.",
    ).servable(title="Lifecycle")
else:
    def count(open_, total):
        return f"### {open_} session(s) open\n\n{total} opened since the server started."

    closed = []
    pn.state.on_session_destroyed(lambda session: closed.append(session.id))

    pn.Column(
        "## Lifecycle",
        pn.bind(count, visitors.param.open, visitors.param.total),
        pn.pane.Str(f"This session: {pn.state.curdoc.id[:8]}"),
    ).servable(title="Lifecycle")
