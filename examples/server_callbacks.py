"""Server callbacks: change a served object from outside the server's thread.

Run ``python examples/server_callbacks.py [--port 5006]``: it starts a server on its own
thread with ``pn.serve(..., threaded=True)`` and then, from the main thread, rescales the
chart with ``pn.state.execute`` every 2 seconds (``--port 0`` picks a free port). Served
with ``panel-state serve``, it shows the chart and a button that does the same from a
plain thread.
"""

import argparse
import functools
import threading
import time

import panel_state as pn

pn.extension()

POWERS = {1: "", 2: "²", 3: "³"}
xs = [i / 4 for i in range(13)]
chart = pn.pane.LineChart(x=xs, y=xs, title="y = x", width=400, height=220)


def rescale(power: int) -> None:
    chart.param.update(y=[x ** power for x in chart.x], title=f"y = x{POWERS[power]}")


def app():
    button = pn.widgets.Button(name="Rescale from a worker thread")

    def from_thread(event):
        threading.Thread(target=lambda: pn.state.execute(lambda: rescale(2))).start()

    button.on_click(from_thread)
    return pn.Column("## Server callbacks", chart, button)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve the chart and rescale it every 2 s.")
    parser.add_argument("--port", type=int, default=5006, help="0 picks a free port")
    args = parser.parse_args()
    server = pn.serve(app, port=args.port, threaded=True, show=False)
    print(f"Serving on {server.url} — rescaling every 2 s, Ctrl-C to stop", flush=True)
    try:
        power = 1
        while True:
            time.sleep(2)
            power = power % 3 + 1
            pn.state.execute(functools.partial(rescale, power))
    except KeyboardInterrupt:
        server.stop()
else:
    app().servable(title="Server callbacks")
