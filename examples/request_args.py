"""Request arguments: ``?phase=0.5`` shifts the plotted sine wave.

Open ``/request_args?phase=0.5``, then ``?phase=2``; without the argument (or with one
that is not a number) the phase defaults to 0, and the page says why.
"""

import math

import panel_state as pn

pn.extension()


def read_phase() -> tuple[float, str]:
    """The ``phase`` request argument, and where the value came from."""
    values = pn.state.session_args.get("phase")
    if not values:
        return 0.0, "default: the URL has no ?phase="
    text = values[0].decode(errors="replace")
    try:
        phase = float(text)
    except ValueError:
        phase = math.nan
    if not math.isfinite(phase):
        return 0.0, f"default: ?phase={text} is not a finite number"
    return phase, f"from ?phase={text}"


phase, source = read_phase()
xs = [i / 10 for i in range(63)]
chart = pn.pane.LineChart(x=xs, y=[math.sin(x + phase) for x in xs],
                          title=f"sin(x + {phase:g})", width=500, height=220)

pn.Column(
    "## Request arguments",
    pn.pane.Str(f"phase = {phase:g} ({source})"),
    "Add `?phase=0.5` (or any number) to the URL and reload.",
    chart,
).servable(title="Request arguments")
