"""Server callbacks: change a served object from outside the server's thread.

Run ``python examples/server_callbacks.py``: it starts a server on its own thread with
``pn.serve(..., threaded=True)`` and then, from the main thread, rescales the chart with
``pn.state.execute``. Served with ``panel-state serve``, it shows the chart and a button
that does the same from a plain thread.
"""

import functools
import threading
import time

import panel_state as pn

chart = pn.pane.LineChart(x=[1, 2, 3], y=[1, 2, 3], title="y = x", width=400, height=220)


def rescale(power: int) -> None:
    chart.param.update(y=[x ** power for x in chart.x], title=f"y = x^{power}")


def app():
    button = pn.widgets.Button(name="Rescale from a worker thread")

    def from_thread(event):
        threading.Thread(target=lambda: pn.state.execute(lambda: rescale(2))).start()

    button.on_click(from_thread)
    return pn.Column("## Server callbacks", chart, button)


if __name__ == "__main__":
    server = pn.serve(app, port=5006, threaded=True, show=False)
    print(f"Serving on http://localhost:{server.port}/ — rescaling every 2 s, Ctrl-C to stop")
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
