"""``autoreload``: watchfiles' events fed to a live server's reloader, tabs as protocol clients.

Each test serves a temporary app folder with ``autoreload=True`` on the test's loop,
stops the reloader's own file watcher (tests/server/test_watcher.py covers it) and
hands the reloader the events watchfiles would deliver, as sets of ``(Change, path)``.
The protocol client follows the ``reload`` message as the page does.
"""

from __future__ import annotations

import gc
import os
import sys
import textwrap
import weakref
from pathlib import Path

import pytest
from watchfiles import Change

import panel_state as pn
from panel_state.periodic import running_callbacks
from panel_state.server.watcher import Debouncer
from panel_state.session import live_sessions
from panel_state.tasks import scheduled_tasks
from panel_state.wire import protocol

APP = """
import panel_state as pn
pn.pane.Str("{text}").servable()
"""


def save(path: Path, text: str) -> None:
    """Save as editors do: a temporary file renamed over the original."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(textwrap.dedent(text))
    os.replace(tmp, path)


def events(path: Path) -> set[tuple[Change, str]]:
    """What watchfiles reports for one such save."""
    tmp = str(path.with_name(f".{path.name}.swp"))
    return {(Change.added, tmp), (Change.modified, tmp), (Change.deleted, tmp),
            (Change.added, str(path))}


@pytest.fixture
def dev(serve):
    """``dev(apps, **kwargs)``: an autoreload server whose events the test feeds."""

    def start(apps, **kwargs):
        server = serve(apps, autoreload=True, **kwargs)
        server.reloader.watcher.stop()
        return server

    return start


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for name in [n for n, m in sys.modules.items()
                 if str(getattr(m, "__file__", "") or "").startswith(str(tmp_path))]:
        del sys.modules[name]


@pytest.fixture
def dev_tab(dev, folder, open_client):
    """``app, server, client = await dev_tab(source, **kwargs)``: ``app.py`` saved with
    ``source``, served at ``/app`` with autoreload, and one tab open on it."""

    async def start(source, load=True, **kwargs):
        app = folder / "app.py"
        save(app, source)
        server = dev({"/app": str(app)}, **kwargs)
        return app, server, await open_client(server.url + "app", load=load)

    return start


def text_of(client) -> str:
    return client.props(client.find("Str"))["text"]


async def test_reload_an_edited_script_swaps_the_tab_and_ends_the_old_session_once(dev_tab, folder):
    app, server, client = await dev_tab(APP.format(text="one") + textwrap.dedent("""
        pn.state.add_periodic_callback(lambda: None, period=60_000)
        pn.state.on_session_destroyed(lambda ctx: pn.state.cache.setdefault(
            "ended", []).append(ctx.id))
    """))
    old = client.session
    save(app, APP.format(text="two"))
    server.reloader.changes(events(app))
    new = await client.follow_reload()
    assert text_of(new) == "two" and new.session != old
    assert await client.wait_closed() == protocol.CLOSE_CODES["reloaded"]
    assert pn.state.cache["ended"] == [old]  # hooks ran once, for the old session only
    assert running_callbacks() == []  # the old session's periodic callback stopped
    assert [s.id for s in live_sessions()] == [new.session]
    await new.close()


async def test_reload_ignores_files_it_does_not_watch_and_debounces_a_burst(dev_tab, folder):
    app, server, client = await dev_tab(APP.format(text="one"))
    reloader = server.reloader
    reloader.changes({(Change.modified, str(folder / "notes.txt")),
                      (Change.added, str(folder / ".app.py.swp"))})
    await client.settle()
    assert reloader.debouncer.deadline is None and reloader.reloads == 0
    save(app, APP.format(text="two"))
    for _ in range(20):  # twenty batches in one loop turn: one reload
        reloader.changes(events(app))
    new = await client.follow_reload()
    await new.settle()
    assert reloader.reloads == 1 and text_of(new) == "two"
    await new.close()


def test_reload_debouncer_one_batch_per_burst_and_at_most_two_per_second():
    d = Debouncer(quiet=0.03, max_wait=1.0, interval=1.0)
    assert d.add(["a.py"], now=0.0) == pytest.approx(0.03)
    assert d.add(["a.py", "b.py"], now=0.01) == pytest.approx(0.04)
    assert d.take(now=0.039) is None
    assert d.take(now=0.04) == {"a.py", "b.py"}
    taken = []
    for i in range(20):  # twenty saves within the second after that reload
        now = 0.05 + i * 0.045
        d.add(["a.py"], now)
        batch = d.take(now)
        if batch:
            taken.append(now)
    assert taken == [] and d.deadline == pytest.approx(1.04)
    assert d.take(now=1.04) == {"a.py"} and d.deadline is None
    stream = Debouncer(quiet=0.1, max_wait=0.5, interval=0)
    for i in range(10):  # events every 50 ms: due at max_wait, not never
        stream.add(["log.py"], now=i * 0.05)
    assert stream.deadline == pytest.approx(0.5)
    with pytest.raises(ValueError, match="0 < quiet <= max_wait"):
        Debouncer(quiet=2, max_wait=1)


async def test_reload_a_syntax_error_keeps_the_tab_on_its_last_good_session(dev_tab, folder):
    app, server, client = await dev_tab(APP.format(text="good"))
    save(app, "import panel_state as pn\nx = (\n")
    server.reloader.changes(events(app))
    failed = await client.follow_reload()
    shown = await failed.expect("exception")
    assert failed.render_error and "SyntaxError" in failed.render_error
    assert shown["kind"] == "app" and shown["name"] == "SyntaxError"
    assert (shown["file"], shown["line"]) == (str(app), 2)
    assert "x = (" in shown["traceback"] and "panel_state" not in shown["traceback"]
    assert await failed.wait_closed() == protocol.CLOSE_CODES["reloaded"]
    await client.settle()  # the old session lives on, showing the last good UI
    assert text_of(client) == "good" and [s.id for s in live_sessions()] == [client.session]
    assert server.reloader.swaps.failed == 1
    save(app, APP.format(text="fixed"))
    server.reloader.debouncer = Debouncer(quiet=0.001, max_wait=0.01, interval=0)
    server.reloader.changes(events(app))
    new = await client.follow_reload()
    assert text_of(new) == "fixed" and server.reloader.swaps.completed == 1
    await new.close()


async def test_reload_a_new_tab_on_a_broken_app_gets_the_exception_not_a_blank_page(dev_tab):
    app, _server, client = await dev_tab("import panel_state as pn\nimport missing_helper\n",
                                         load=False)
    shown = await client.expect("exception")
    assert "ModuleNotFoundError" in client.render_error
    assert shown["name"] == "ModuleNotFoundError" and shown["what"] == "app at /app"
    assert (shown["file"], shown["line"]) == (str(app), 2)


async def test_reload_an_edited_local_module_is_imported_afresh(dev_tab, folder):
    (folder / "helper.py").write_text("def word():\n    return 'alpha'\n")
    _app, server, client = await dev_tab(
        "import helper\nimport panel_state as pn\npn.pane.Str(helper.word()).servable()\n")
    assert text_of(client) == "alpha"
    assert folder / "helper.py" in server.reloader.files()
    first = sys.modules["helper"]
    # The same size within the same second: a stale .pyc would still say 'alpha'.
    save(folder / "helper.py", "def word():\n    return 'omega'\n")
    server.reloader.changes(events(folder / "helper.py"))
    new = await client.follow_reload()
    assert text_of(new) == "omega" and sys.modules["helper"] is not first
    await new.close()


async def test_reload_keeps_the_url_state_of_the_tab(dev_tab, folder):
    app, server, client = await dev_tab("""
        import panel_state as pn
        n = pn.widgets.IntSlider(name="n", start=0, end=10, value=1)
        pn.state.location.sync(n, {"value": "n"})
        pn.Column(pn.pane.Str("v1"), n).servable()
    """)
    await client.event(client.find("IntSlider"), "value", 7)
    await client.wait_for(lambda c: any("n=7" in u["url"] for u in c.urls))
    save(app, (folder / "app.py").read_text().replace("v1", "v2"))
    server.reloader.changes(events(app))
    new = await client.follow_reload(load=False)
    await new.ack_load(search="?n=7")
    assert new.props(new.find("IntSlider"))["value"] == 7 and text_of(new) == "v2"
    await new.close()


async def test_reload_a_tab_whose_socket_was_down_swaps_when_it_returns(dev_tab, folder):
    app, server, client = await dev_tab(APP.format(text="before"))
    await client.drop()
    save(app, APP.format(text="after"))
    server.reloader.reload({app})
    await client.reconnect()
    assert text_of(client) == "before"  # its own session, resumed, then told to swap
    new = await client.follow_reload()
    assert text_of(new) == "after"
    await new.close()


async def test_reload_an_edited_setup_script_reruns_it_in_process(dev_tab, folder):
    setup = folder / "setup.py"
    setup_text = """
        import panel_state as pn
        feed = pn.state.cache.setdefault("feed", [])
        def tick():
            feed.append("{word}")
        pn.state.schedule_task("tick", tick, period="1h")
        pn.state.on_session_created(lambda s: feed.append("created-{word}"))
    """
    save(setup, setup_text.format(word="old"))
    _app, server, client = await dev_tab(APP.format(text="x"), setup=str(setup))
    first = scheduled_tasks()["tick"]
    assert pn.state.cache["feed"] == ["old", "created-old"]
    save(setup, setup_text.format(word="new"))
    server.reloader.changes(events(setup))
    new = await client.follow_reload()
    task = scheduled_tasks()["tick"]
    assert task is not first and not first.scheduled  # cancelled, scheduled again
    # The new task ran the new code; the new session saw only the new hook.
    assert pn.state.cache["feed"] == ["old", "created-old", "new", "created-new"]
    save(setup, "x = (\n")
    server.reloader.debouncer = Debouncer(quiet=0.001, max_wait=0.01, interval=0)
    server.reloader.changes(events(setup))
    shown = await new.expect("exception")
    assert shown["kind"] == "setup" and shown["line"] == 1
    assert scheduled_tasks()["tick"] is task and task.scheduled  # the old setup runs on
    await new.close()


async def test_reload_shows_callback_exceptions_in_dev_and_only_logs_them_otherwise(
        serve, dev, folder, open_client, caplog):
    app = folder / "app.py"
    save(app, """
        import panel_state as pn
        def fail(event):
            raise ValueError("<img src=x onerror=alert(1)>")
        button = pn.widgets.Button(name="go")
        button.on_click(fail)
        button.servable()
    """)
    for server, shown in [(dev({"/app": str(app)}), True), (serve({"/app": str(app)}), False)]:
        client = await open_client(server.url + "app")
        await client.event(client.find("Button"), "clicks", 1)
        await client.settle()
        sent = [m for m in client.messages if m["type"] == "exception"]
        assert bool(sent) is shown
        if shown:
            assert sent[0]["kind"] == "event" and sent[0]["line"] == 4
            assert sent[0]["message"] == "<img src=x onerror=alert(1)>"  # text, for textContent
        await client.close()
    assert caplog.text.count("onerror=alert(1)") >= 2  # both servers logged it


async def test_reload_census_after_50_reloads_nothing_of_the_old_runs_survives(
        dev, folder, open_client):
    app = folder / "app.py"
    save(app, """
        import helper
        import panel_state as pn
        slider = pn.widgets.IntSlider(name="s", start=0, end=9)
        cb = pn.state.add_periodic_callback(lambda: None, period=60_000)
        pn.state.cache["last"] = (slider, cb)
        pn.Column(pn.pane.Str(helper.label()), slider).servable()
    """)
    server = dev({"/app": str(app)})
    reloader = server.reloader
    sessions, widgets, callbacks, modules = [], [], [], []
    client = None
    for n in range(51):
        save(folder / "helper.py", f"def label():\n    return 'run {n}'\n")
        if client is None:
            client = await open_client(server.url + "app")
        else:
            reloader.reload({app, folder / "helper.py"})
            old, client = client, await client.follow_reload()
            await old.wait_closed()
        assert text_of(client) == f"run {n}"
        session = live_sessions()[0]
        slider, cb = pn.state.cache.pop("last")
        sessions.append(weakref.ref(session))
        widgets.append(weakref.ref(slider))
        callbacks.append(weakref.ref(cb))
        modules.append(weakref.ref(sys.modules["helper"]))
        del session, slider, cb
    gc.collect()
    alive = [[r() is not None for r in refs[:-1]]
             for refs in (sessions, widgets, callbacks, modules)]
    assert alive == [[False] * 50] * 4
    assert len(running_callbacks()) == 1 and len(live_sessions()) == 1
    assert reloader.swaps.completed == 50
    await client.close()


async def test_reload_pn_config_autoreload_is_the_default_of_pn_serve(serve, folder):
    app = folder / "app.py"
    save(app, APP.format(text="x"))
    assert serve({"/app": str(app)}).reloader is None
    pn.config.autoreload = True
    server = serve({"/app": str(app)})
    assert server.reloader is not None and server.reloader.files() == {app}
    assert serve({"/app": str(app)}, autoreload=False).reloader is None


async def test_reload_keeps_what_setup_imported_when_only_an_app_module_changed(
        dev, folder, open_client):
    (folder / "shared.py").write_text("value = 'unset'\n")
    (folder / "helper.py").write_text("word = 'one'\n")
    setup = folder / "setup.py"
    save(setup, "import shared\nshared.value = 'set by setup'\n")
    app = folder / "app.py"
    save(app, """
        import helper, shared
        import panel_state as pn
        pn.pane.Str(f"{helper.word} {shared.value}").servable()
    """)
    server = dev({"/app": str(app)}, setup=str(setup))
    assert server.reloader.setup_modules == {"shared"}
    client = await open_client(server.url + "app")
    assert text_of(client) == "one set by setup"
    save(folder / "helper.py", "word = 'two'\n")
    server.reloader.changes(events(folder / "helper.py"))
    new = await client.follow_reload()
    assert text_of(new) == "two set by setup"  # the same shared module, not a fresh one
    await new.close()
