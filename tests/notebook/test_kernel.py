"""Live outputs at the kernel: a real ipykernel, the test playing the front end over the
real widget comm (jupyter_client), as anywidget's model does in a browser."""

from __future__ import annotations

import re

from frontend import Front


def node(render: dict, *path: int) -> dict:
    """The node at ``path`` (child indexes) under the render's first root."""
    found = render["roots"][0]
    for index in path:
        found = found["children"][index]
    return found


def test_kernel_display_opens_a_widget_with_the_joined_module(front: Front):
    cell = front.run("pn.Row(pn.widgets.Button(name='Go'), pn.pane.Markdown('**hi**'))")
    [output] = [o for o in cell.outputs if "text/plain" in o["data"]]
    assert output["data"]["text/plain"].startswith("Row(Button(")
    assert "a live panel_state output" in output["data"]["text/html"]
    view = front.view(cell)
    assert "export class Core" in view.state["_esm"]
    assert "export default {render};" in view.state["_esm"]
    assert 'from "./core.js"' not in view.state["_esm"]
    assert "html, body" not in view.state["_css"] and ".ps-button" in view.state["_css"]


def test_kernel_hello_renders_the_tree_and_loaded_runs_onload(front: Front):
    cell = front.run("""
select = pn.widgets.Select(name='Table')
box = pn.Column(select, pn.panel(lambda: pn.widgets.Select(options=['A', 'B', 'C']),
                                 defer_load=True))
box
""")
    view = front.view(cell)
    render = view.hello()
    assert render["error"] is None and render["resumed"] is False
    assert node(render)["kind"] == "Column"
    assert [c["kind"] for c in node(render)["children"]] == ["Select", "ParamFunction"]
    deferred = node(render, 1)
    assert deferred["props"]["loading"] is True and deferred["children"] == []
    start = view.barrier()
    view.send({"type": "loaded", "url": None})
    children = view.wait_for(lambda m: m["type"] == "patch" and any(
        "children" in op for op in m["ops"]), start=start)
    [op] = [op for op in children["ops"] if "children" in op]
    assert op["ref"] == deferred["ref"]
    assert op["children"][0]["kind"] == "Select"
    assert op["children"][0]["props"]["options"] == ["A", "B", "C"]
    assert front.print("print(pn.notebook.live_outputs()[-1].session.loaded)") == "True\n"


def test_kernel_event_patches_the_other_output_and_not_the_sender(front: Front):
    first = front.run("slider = pn.widgets.IntSlider(name='n', start=0, end=10)\nslider")
    second = front.run("slider")
    a, b = front.view(first), front.view(second)
    assert a.id != b.id  # one Python object, two outputs
    ref = node(a.hello())["ref"]
    b.hello()
    start_a, start_b = a.barrier(), b.barrier()
    a.event(ref, "value", 7)
    b.wait_for(lambda m: m["type"] == "patch", start=start_b)
    assert b.props(ref, start_b) == [{"value": 7}]
    a.barrier()
    assert a.props(ref, start_a) == []  # the sender shows 7 already: no echo
    assert front.print("print(slider.value)") == "7\n"


def test_kernel_change_from_a_later_cell_patches_the_earlier_output(front: Front):
    cell = front.run("md = pn.pane.Markdown('before')\nmd")
    view = front.view(cell)
    ref = node(view.hello())["ref"]
    start = view.barrier()
    front.run("md.object = 'after *this*'")
    view.wait_for(lambda m: m["type"] == "patch", start=start)
    assert view.props(ref, start) == [{"html": "<p>after <em>this</em></p>\n"}]


def test_kernel_change_from_a_thread_is_marshalled_to_the_output(front: Front):
    cell = front.run("chart = pn.pane.LineChart(x=[1, 2, 3], y=[1, 2, 3])\nchart")
    view = front.view(cell)
    ref = node(view.hello())["ref"]
    start = view.barrier()
    front.run("""
import threading
worker = threading.Thread(target=lambda: chart.param.update(y=[0, 2, 4]))
worker.start()
worker.join()
""")
    view.wait_for(lambda m: m["type"] == "patch", start=start)
    assert view.props(ref, start) == [{"y": [0, 2, 4]}]


def test_kernel_periodic_callback_patches_while_the_kernel_is_idle(front: Front):
    cell = front.run("""
count = pn.pane.Str(0)
def bump():
    count.object += 1
ticker = pn.state.add_periodic_callback(bump, 100, count=6)
count
""")
    view = front.view(cell)
    ref = node(view.hello())["ref"]
    # No cell runs now: the kernel's loop delivers the ticks on its own.
    view.wait_for(lambda m: any(op.get("props", {}).get("text") == "6"
                                for op in m.get("ops", [])), timeout=10)
    texts = [p["text"] for p in view.props(ref)]
    assert texts == sorted(texts, key=int) and texts[-1] == "6" and len(texts) >= 3
    assert front.print("print(ticker.counter, ticker.running)") == "6 False\n"


def test_kernel_click_is_busy_in_its_output_then_idle(front: Front):
    cell = front.run("""
import time
def processing(event):
    print('busy inside:', pn.state.busy)
    time.sleep(0.3)
button = pn.widgets.Button(name='Click me!')
button.on_click(processing)
def indicator(busy):
    return "I'm busy" if busy else "I'm idle"
pn.Row(button, pn.bind(indicator, pn.state.param.busy))
""")
    view = front.view(cell)
    render = view.hello()
    button, pane = node(render, 0), node(render, 1)
    text = node(render, 1, 0)
    assert text["props"]["html"] == "<p>I'm idle</p>\n"
    start = view.barrier()
    view.event(button["ref"], "clicks", 1)
    view.wait_for(lambda m: m["type"] == "patch" and "idle" in str(m), start=start)
    shown = [p["html"] for p in view.props(text["ref"], start)]
    assert shown == ["<p>I'm busy</p>\n", "<p>I'm idle</p>\n"]
    # The handler's print lands under the cell that displayed the output.
    front.pump_until(lambda: "busy inside" in front.printed(cell))
    assert front.printed(cell) == "busy inside: True\n"
    assert pane["kind"] == "ParamFunction"


def test_kernel_prints_from_callbacks_and_tasks_land_under_their_cell(front: Front):
    starter = front.run("""
def tick():
    print('tick', ticks.counter)
ticks = pn.state.add_periodic_callback(tick, 100, count=4)
def chore():
    print('chore')
pn.state.schedule_task('chore', chore, period='0.15s')
""")
    other = front.run("import asyncio\nawait asyncio.sleep(0.8)\nprint('slept')")
    front.run("pn.state.cancel_task('chore')")
    assert front.printed(other) == "slept\n"
    printed = front.printed(starter)
    assert re.findall(r"tick \d", printed) == ["tick 1", "tick 2", "tick 3", "tick 4"]
    assert printed.count("chore") >= 3
    # They were printed while the other cell ran, yet carry the starting cell's id.
    times = [s.at for s in front.streams if s.parent == starter.msg_id]
    assert max(times) > starter.ended


def test_kernel_exception_in_a_callback_shows_under_its_cell_and_the_loop_goes_on(
        front: Front):
    cell = front.run("""
def broken():
    raise ZeroDivisionError('tick failed')
def fine():
    fine.runs = getattr(fine, 'runs', 0) + 1
bad = pn.state.add_periodic_callback(broken, 50, count=3)
good = pn.state.add_periodic_callback(fine, 50, count=5)
""")
    front.pump_until(lambda: front.printed(cell, "stderr").count("ZeroDivisionError") >= 3)
    assert "tick failed" in front.printed(cell, "stderr")
    front.pump_for(0.5)
    assert front.print("print(bad.counter, fine.runs)") == "3 5\n"


def test_kernel_bad_message_gets_an_error_and_the_output_keeps_working(front: Front):
    cell = front.run("flag = pn.widgets.Checkbox(name='on')\nflag")
    view = front.view(cell)
    ref = node(view.hello())["ref"]
    start = len(view.messages)
    view.send_raw({"ps": "{not json"})
    view.send_raw(["not", "a", "dict"])
    view.event("v-missing", "value", True)
    view.event(ref, "value", "yes")  # a Boolean refuses text
    view.barrier()
    codes = [m["code"] for m in view.messages[start:] if m["type"] == "error"]
    assert codes == ["bad_json", "bad_json", "unknown_ref", "invalid_value"]
    view.event(ref, "value", True)
    assert front.print("print(flag.value)") == "True\n"


def test_kernel_comm_close_releases_the_view_and_the_session(front: Front):
    cell = front.run("""
import gc, weakref
closed = []
pn.state.on_session_destroyed(lambda session: closed.append(session.id))
leak_md = pn.pane.Markdown('short-lived')
leak_md
""")
    view = front.view(cell)
    view.hello()
    front.run("""
out = pn.notebook.live_outputs()[-1]
sid = out.session.id
refs = [weakref.ref(o) for o in (out, out.session, out.connection, out.widget,
                                  out.connection.renderer)]
del out
""")
    view.close()  # the cell below runs after the kernel handled the close
    assert front.print("""
gc.collect()
print([r() is None for r in refs], closed.count(sid),
      sum(len(ws) for what in leak_md.param.watchers.values() for ws in what.values()))
""") == "[True, True, True, True, True] 1 0\n"


def test_kernel_rerunning_a_cell_closes_its_previous_output(front: Front):
    first = front.run("pn.pane.Str('run 1')", cell_id="cell-rerun")
    old = front.view(first)
    old.hello()
    front.run("old_sid = pn.notebook.live_outputs()[-1].session.id")
    second = front.run("pn.pane.Str('run 2')", cell_id="cell-rerun")
    new = front.view(second)
    front.pump_until(lambda: old.closed)
    assert not new.closed
    assert node(new.hello())["props"]["text"] == "run 2"
    assert front.print("""
print(old_sid in closed, [o.session.id == old_sid for o in pn.notebook.live_outputs()])
""").startswith("True [False")


def test_kernel_second_view_of_one_output_gets_the_current_tree(front: Front):
    cell = front.run("shared = pn.pane.Str('one')\nshared")
    view = front.view(cell)
    view.hello()
    front.run("shared.object = 'two'")
    again = view.hello()  # a second view of the same output (the same model)
    assert again["resumed"] is True
    assert node(again)["props"]["text"] == "two"


def test_kernel_snapshot_from_the_front_end_is_the_next_display_html_fallback(front: Front):
    cell = front.run("snap = pn.pane.Str('snapshot me')\nsnap")
    [first] = [o for o in cell.outputs if "text/html" in o["data"]]
    assert "a live panel_state output" in first["data"]["text/html"]
    view = front.view(cell)
    view.hello()
    view.set_state(snapshot='<pre class="ps-str">snapshot me</pre>')
    again = front.run("snap")
    [second] = [o for o in again.outputs if "text/html" in o["data"]]
    assert second["data"]["text/html"] == (
        '<div class="ps-root ps-notebook ps-snapshot"><pre class="ps-str">snapshot me</pre>'
        "</div>")


def test_kernel_output_session_has_no_request_and_no_page_url(front: Front):
    cell = front.run("""
probe = pn.widgets.Button(name='probe')
def report(event):
    loc = pn.state.location
    print(pn.state.curdoc is not None, pn.state.session_args, pn.state.cookies,
          pn.state.headers, repr(loc.pathname), repr(loc.search), repr(loc.hash))
probe.on_click(report)
probe
""")
    view = front.view(cell)
    ref = node(view.hello())["ref"]
    view.send({"type": "loaded", "url": None})
    start = view.barrier()
    view.event(ref, "clicks", 1)
    front.pump_until(lambda: "True" in front.printed(cell))
    assert front.printed(cell) == "True {} {} {} '' '' ''\n"
    view.barrier()
    assert [m for m in view.messages[start:] if m["type"] == "url"] == []


def test_kernel_shutdown_destroys_every_output_once(tmp_path):
    front = Front(tmp_path)
    try:
        record = tmp_path / "destroyed.txt"
        cell = front.run(f"""
import panel_state as pn
def note(session):
    with open({str(record)!r}, 'a') as f:
        f.write(session.id + chr(10))
pn.state.on_session_destroyed(note)
pn.Column(pn.pane.Str('a'), pn.widgets.Toggle(name='b'))
""")
        front.view(cell).hello()
        front.run("pn.pane.Str('second output')")
        sids = front.print("print(*sorted(o.session.id for o in pn.notebook.live_outputs()))")
    finally:
        front.stop()  # a graceful shutdown request, as a kernel restart sends
    assert sorted(record.read_text().split()) == sids.split()
