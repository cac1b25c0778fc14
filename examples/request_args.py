"""Request arguments: ``?phase=0.5`` shifts the plotted sine wave.

Open ``/request_args?phase=0.5``, then ``?phase=2``; without the argument the phase
defaults to 0.
"""

import math

import panel_state as pn


def read_phase() -> float:
    try:
        return float(pn.state.session_args.get("phase")[0])
    except Exception:
        return 0.0


phase = read_phase()
xs = [i / 10 for i in range(63)]
chart = pn.pane.LineChart(x=xs, y=[math.sin(x + phase) for x in xs],
                          title=f"sin(x + {phase})", width=500, height=220)

pn.Column(
    "## Request arguments",
    pn.pane.Str(f"phase = {phase}"),
    "Add `?phase=0.5` (or any number) to the URL and reload.",
    chart,
).servable(title="Request arguments")
