"""Live notebook outputs at the kernel: comm event round trip and patch rate.

A real ipykernel is started with jupyter_client, and the benchmark plays the front end
over the real widget comm, as the notebook tests do.

Round trip: one output shows an ``IntSlider`` and a ``pn.bind`` pane of its value. The
front end sends an ``event`` (a new value) and waits for the ``patch`` of the pane
(1,000 times, 200 with ``--quick``). Two figures: the round trip the front end sees
(through ZMQ, the kernel's shell and IOPub channels), and the part inside the kernel,
from the comm message reaching the widget to the patch leaving it (stamped in the
kernel with ``time.perf_counter``). The goal, p50 <= 2 ms, is for the kernel's part.

Patch rate: one ``LineChart`` displayed in 50 outputs, a 200 ms periodic callback
changing its ``y`` for 5 s (2 s with ``--quick``) while no cell runs; the figure is the
patches per second the front end receives over all outputs (every tick reaching every
output is 5 x 50 = 250/s), and the share of the callback's ticks that reached every one
of the 50 outputs once it stopped.

Panel: n/a. Its virtualenv (``.bench-venvs/panel``) has no ipykernel, and its notebook
comm carries BokehJS document events, which only BokehJS in a browser produces; a
faithful front end for it at this level would be a second BokehJS.

Run ``python benchmarks/bench_notebook.py`` to print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import percentile, print_table, quick, row, run_ours

GOAL_MS = 2.0
OUTPUTS = 50
PERIOD_MS = 200
PANEL_NOTE = "Panel n/a: its venv has no ipykernel; its comm speaks BokehJS events"

SCRIPT = '''
import json, queue, time
from jupyter_client.manager import start_new_kernel

ROUNDS, SECONDS, OUTPUTS, PERIOD = {rounds}, {seconds}, {outputs}, {period}
km, kc = start_new_kernel(kernel_name="python3")
views = {{}}  # comm id -> number of patches received

def pump(until, timeout=30):
    deadline = time.monotonic() + timeout
    while not until():
        try:
            msg = kc.get_iopub_msg(timeout=max(0.001, deadline - time.monotonic()))
        except queue.Empty:
            raise SystemExit("timed out waiting for the kernel")
        handle(msg)

last = {{}}
def handle(msg):
    kind, content = msg["msg_type"], msg["content"]
    if kind == "comm_open" and "_esm" in content["data"]["state"]:
        views[content["comm_id"]] = 0
    elif kind == "comm_msg" and content["comm_id"] in views:
        data = json.loads(content["data"]["content"]["ps"])
        if data["type"] == "patch":
            views[content["comm_id"]] += 1
        last[content["comm_id"]] = data

def run(code):
    msg_id = kc.execute(code)
    done = []
    def idle():
        return bool(done)
    def watch(msg):
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            done.append(1)
    deadline = time.monotonic() + 60
    while not done:
        msg = kc.get_iopub_msg(timeout=max(0.001, deadline - time.monotonic()))
        handle(msg)
        watch(msg)
        if msg["msg_type"] == "error":
            raise SystemExit("\\n".join(msg["content"]["traceback"]))
    reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "ok", reply["content"]

def send(comm_id, message):
    kc.shell_channel.send(kc.session.msg("comm_msg", {{"comm_id": comm_id, "data": {{
        "method": "custom", "content": {{"ps": json.dumps(message)}}}}}}))

def open_view(comm_id):
    send(comm_id, {{"type": "hello", "v": 1, "token": ""}})
    pump(lambda: last.get(comm_id, {{}}).get("type") == "render")
    send(comm_id, {{"type": "loaded", "url": None}})
    return last[comm_id]

try:
    run("import panel_state as pn")
    # -- round trip ------------------------------------------------------------------
    run("slider = pn.widgets.IntSlider(end=10**9)\\n"
        "pn.Column(slider, pn.bind(lambda v: v, slider))")
    [comm] = list(views)
    render = open_view(comm)
    ref = render["roots"][0]["children"][0]["ref"]
    run("""
import time
out = pn.notebook.live_outputs()[-1]
inside, arrived = [], []
handle_msg, send_patch = out.widget._handle_msg, out.widget.send
def stamped_handle(msg):
    arrived.append(time.perf_counter())
    handle_msg(msg)
def stamped_send(content, buffers=None):
    if content["ps"].startswith('{{"type":"patch"') and arrived:
        inside.append(time.perf_counter() - arrived.pop())
    send_patch(content, buffers)
out.widget.comm.on_msg(stamped_handle)
out.widget.send = stamped_send
""")
    trips = []
    for i in range(1, ROUNDS + 1):
        before = views[comm]
        start = time.perf_counter()
        send(comm, {{"type": "event", "ref": ref, "name": "value", "value": i}})
        pump(lambda: views[comm] > before)
        trips.append((time.perf_counter() - start) * 1000)
    inside_ms = []
    msg_id = kc.execute("import json\\nprint(json.dumps([t * 1000 for t in inside]))")
    while not inside_ms:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["msg_type"] == "stream" and msg["parent_header"].get("msg_id") == msg_id:
            inside_ms = json.loads(msg["content"]["text"])
    kc.get_shell_msg(timeout=30)
    # -- patch rate --------------------------------------------------------------------
    views.clear()
    run("chart = pn.pane.LineChart(x=list(range(10)), y=list(range(10)))\\n"
        f"for _ in range({{OUTPUTS}}):\\n    display(chart)")
    for comm_id in list(views):
        open_view(comm_id)
    for comm_id in views:
        views[comm_id] = 0
    run(f"cb = pn.state.add_periodic_callback("
        f"lambda: chart.param.update(y=[(v * 7 + 1) % 1000 for v in chart.y]), {{PERIOD}})")
    started = time.monotonic()
    pump(lambda: time.monotonic() - started >= SECONDS, timeout=SECONDS + 30)
    elapsed = time.monotonic() - started
    patches = sum(views.values())
    msg_id = kc.execute("cb.stop()\\nprint(cb.counter)")
    ticks = 0
    while not ticks:
        msg = kc.get_iopub_msg(timeout=30)
        handle(msg)
        if msg["msg_type"] == "stream" and msg["parent_header"].get("msg_id") == msg_id:
            ticks = int(msg["content"]["text"])
    kc.get_shell_msg(timeout=30)
    pump(lambda: min(views.values()) >= ticks, timeout=10)  # every tick reached every view
    print(json.dumps({{"trips": trips, "inside": inside_ms, "patches": patches,
                      "elapsed": elapsed, "outputs": len(views), "ticks": ticks,
                      "least": min(views.values())}}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
'''


def sizes() -> tuple[int, float]:
    """(event rounds, seconds of periodic patches)."""
    return (200, 2.0) if quick() else (1000, 5.0)


def run() -> list[dict[str, Any]]:
    """Measure and return the result rows."""
    rounds, seconds = sizes()
    result = run_ours(SCRIPT.format(rounds=rounds, seconds=seconds, outputs=OUTPUTS,
                                    period=PERIOD_MS), timeout=600)
    trips, inside = result["trips"], result["inside"]
    rate = result["patches"] / result["elapsed"]
    ideal = OUTPUTS * 1000 / PERIOD_MS
    p50 = percentile(inside, 50)
    return [
        row(f"notebook: event -> patch in the kernel p50 ({rounds} events)", p50, None,
            "ms", f"<= {GOAL_MS:g} ms; {PANEL_NOTE}", met=p50 <= GOAL_MS),
        row("notebook: event -> patch in the kernel p99", percentile(inside, 99), None, "ms",
            PANEL_NOTE),
        row("notebook: event -> patch at the front end p50 (via ZMQ)", percentile(trips, 50),
            None, "ms", PANEL_NOTE),
        row("notebook: event -> patch at the front end p99 (via ZMQ)", percentile(trips, 99),
            None, "ms", PANEL_NOTE),
        row(f"notebook: {PERIOD_MS} ms chart in {OUTPUTS} outputs: patches", rate, None,
            "patches/s", f"{ideal:g}/s = every tick in every output; {PANEL_NOTE}",
            better="higher", met=rate >= 0.9 * ideal),
        row(f"notebook: {PERIOD_MS} ms chart in {OUTPUTS} outputs: ticks in every output",
            100 * result["least"] / result["ticks"], None, f"% of {result['ticks']} ticks",
            f"100 %; {PANEL_NOTE}", better="higher", met=result["least"] >= result["ticks"]),
    ]


if __name__ == "__main__":
    print_table(run())
