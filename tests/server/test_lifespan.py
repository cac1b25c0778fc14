"""A server's lifespan: what its setup started stops with it, and nothing else does."""

from __future__ import annotations

import sys
import textwrap

import panel_state as pn
from panel_state.periodic import running_callbacks
from panel_state.tasks import scheduled_tasks


async def test_lifespan_stop_ends_the_tasks_callbacks_and_hooks_setup_started(serve, tmp_path,
                                                                           open_client):
    ran: list[str] = []

    def setup():
        pn.state.schedule_task("setup-refresh", lambda: ran.append("task"), period="1h")
        pn.state.add_periodic_callback(lambda: None, period=1000)
        pn.state.on_session_created(lambda session: ran.append("created"))
        pn.state.on_session_destroyed(lambda session: ran.append("destroyed"))

    mine = pn.state.schedule_task("not-setups", lambda: None, period="1h")  # the test's own
    server = serve(lambda: pn.pane.Str("x"), setup=setup)
    assert set(scheduled_tasks()) == {"setup-refresh", "not-setups"}
    assert len(running_callbacks()) == 1
    await open_client(server.url)
    await server.astop()
    assert ran == ["task", "created", "destroyed"]
    # The setup's task, callback and hooks are gone; the test's own task is untouched.
    assert set(scheduled_tasks()) == {"not-setups"} and mine.scheduled
    assert running_callbacks() == []
    later = serve(lambda: pn.pane.Str("y"))
    await open_client(later.url)
    await later.astop()
    assert ran == ["task", "created", "destroyed"]  # no hook of the first server ran again
    pn.state.cancel_task("not-setups")


async def test_lifespan_stop_takes_the_apps_folders_off_sys_path(serve, tmp_path, open_client):
    folder = tmp_path / "apps"
    folder.mkdir()
    (folder / "helper.py").write_text("GREETING = 'hello from a neighbour'\n")
    (folder / "app.py").write_text(textwrap.dedent("""
        import helper
        import panel_state as pn
        pn.pane.Str(helper.GREETING).servable()
    """))
    (folder / "setup.py").write_text("x = 1\n")
    before = list(sys.path)
    server = serve(str(folder / "app.py"), setup=str(folder / "setup.py"))
    assert str(folder) in sys.path
    client = await open_client(server.url)
    assert client.props(client.find("Str"))["text"] == "hello from a neighbour"
    await server.astop()
    assert sys.path == before
    sys.modules.pop("helper", None)
