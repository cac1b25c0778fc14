"""Apps and setup scripts: discovery, per-session execution, clear errors."""

from __future__ import annotations

import sys
import textwrap

import pytest

import panel_state as pn
from panel_state.server.loader import (
    APP_MODULE_PREFIX,
    AppError,
    ScriptApp,
    discover,
    make_app,
    run_setup,
)
from panel_state.session import Session


def write(path, source: str = "import panel_state as pn\npn.pane.Str('x').servable()\n"):
    path.write_text(textwrap.dedent(source))
    return path


def test_loader_prefix_is_the_one_tasks_refuse():
    from panel_state import tasks

    assert APP_MODULE_PREFIX == tasks.APP_MODULE_PREFIX == "panel_state_app_"


def test_discover_maps_scripts_and_folders_to_routes(tmp_path):
    write(tmp_path / "solo.py")
    folder = tmp_path / "apps"
    folder.mkdir()
    write(folder / "a.py")
    write(folder / "b.py")
    write(folder / "_helper.py")
    apps = discover([tmp_path / "solo.py", folder])
    assert sorted(apps) == ["/a", "/b", "/solo"]
    assert all(isinstance(app, ScriptApp) for app in apps.values())


@pytest.mark.parametrize(("setup", "match"), [
    (lambda p: [p / "missing.py"], r"App script '.*missing.py' does not exist\."),
    (lambda p: [write(p / "notes.txt", "hi")], r"must be a \.py script or \.ipynb notebook"),
    (lambda p: [write(p / "bad.py", "def (:\n")], r"bad.py' has a syntax error at line 1"),
    (lambda p: [(p / "empty").mkdir() or p / "empty"],
     r"contains no \.py scripts or \.ipynb notebooks"),
    (lambda p: [write(p / "x.py"), (p / "d").mkdir() or write(p / "d" / "x.py")],
     r"Two apps would be served at '/x'"),
    (lambda p: [], "No app given"),
])
def test_discover_reports_unservable_apps_in_one_line(tmp_path, setup, match):
    with pytest.raises(AppError, match=match) as info:
        discover(setup(tmp_path))
    assert "\n" not in str(info.value)


def test_script_app_runs_in_a_fresh_module_per_session(tmp_path):
    app = make_app(str(write(tmp_path / "app.py", """
        import panel_state as pn
        widget = pn.widgets.TextInput(name=__name__)
        widget.servable(title="T")
    """)))
    roots = []
    for _ in range(2):
        session = Session("http://localhost/app")
        (root,) = app.run(session)
        assert root.name.startswith(APP_MODULE_PREFIX) and root.name in sys.modules
        assert session.title == "T"
        roots.append(root)
        session.destroy()
        assert root.name not in sys.modules
    assert roots[0] is not roots[1] and roots[0].name != roots[1].name


def test_script_app_task_callback_is_refused_naming_setup(tmp_path):
    app = make_app(str(write(tmp_path / "app.py", """
        import panel_state as pn
        def job():
            pass
        pn.state.schedule_task("job", job, period="1s")
    """)))
    session = Session("http://localhost/app")
    with pytest.raises(RuntimeError, match=r"served app script.*--setup"):
        app.run(session)
    session.destroy()
    assert pn.state.tasks == {}


def test_function_app_result_becomes_the_root():
    session = Session("http://localhost/app")
    (root,) = make_app(lambda: "some *markdown*").run(session)
    assert root.view_kind == "Markdown"
    session.destroy()


def test_setup_script_runs_in_its_own_module_and_may_schedule_tasks(tmp_path):
    setup = write(tmp_path / "setup.py", """
        import panel_state as pn
        assert __name__ == "panel_state_setup"
        def job():
            pass
        TASK = pn.state.schedule_task("job", job, at=None, period="1h")
        if __name__ == "__main__":
            raise SystemExit("must not run")
    """)
    import asyncio

    async def go():
        run_setup(str(setup))
        assert "job" in pn.state.tasks
        pn.state.cancel_task("job")

    asyncio.run(go())


def test_setup_script_missing_or_broken_is_an_app_error(tmp_path):
    with pytest.raises(AppError, match=r"Setup script '.*nope.py' does not exist"):
        run_setup(str(tmp_path / "nope.py"))
    with pytest.raises(AppError, match="syntax error"):
        run_setup(str(write(tmp_path / "s.py", "x = (\n")))


def test_script_app_deferring_errors_serves_a_broken_script_until_it_is_fixed(tmp_path):
    path = write(tmp_path / "app.py", "import panel_state as pn\nx = (\n")
    with pytest.raises(AppError, match="has a syntax error at line 2"):
        ScriptApp(path)
    app = discover([path], defer_errors=True)["/app"]
    assert app.sources() == (path.resolve(),)
    for _ in range(2):  # the same error, with the same traceback, every run
        session = Session("http://localhost/app")
        with pytest.raises(SyntaxError, match="was never closed") as info:
            app.run(session)
        assert info.value.lineno == 2
        session.destroy()
    write(path)
    app.reload()
    session = Session("http://localhost/app")
    (root,) = app.run(session)
    assert root.object == "x"
    session.destroy()


def test_function_app_of_a_module_reloads_the_module_afresh(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "dev_views.py").write_text("def view():\n    return 'first'\n")
    import dev_views

    try:
        app = make_app(dev_views.view)
        assert app.sources() == ((tmp_path / "dev_views.py").resolve(),)
        (tmp_path / "dev_views.py").write_text("def view():\n    return 'second!'\n")
        app.reload()
        session = Session("http://localhost/")
        assert app.run(session)[0].object == "second!"
        session.destroy()
        (tmp_path / "dev_views.py").write_text("def view(:\n")
        app.reload()
        session = Session("http://localhost/")
        with pytest.raises(SyntaxError):
            app.run(session)
        session.destroy()
    finally:
        sys.modules.pop("dev_views", None)
    assert make_app(lambda: "x").sources() == ()  # not a module's top-level function


ANNOTATED = """
    import panel_state as pn
    def f(x: int) -> None:
        pass
    pn.pane.Str(repr(f.__annotations__["x"])).servable()
"""


@pytest.mark.parametrize("defer_errors", [False, True])
def test_script_app_runs_as_plain_python_without_the_loaders_future_imports(
        tmp_path, defer_errors):
    # The loader has ``from __future__ import annotations``; the script must not
    # inherit it: its annotations are evaluated, as ``python app.py`` does.
    app = discover([write(tmp_path / "app.py", ANNOTATED)], defer_errors=defer_errors)["/app"]
    session = Session("http://localhost/app")
    (root,) = app.run(session)
    assert root.object == "<class 'int'>"
    session.destroy()


def test_script_app_annotation_naming_nothing_fails_as_in_plain_python(tmp_path):
    app = make_app(str(write(tmp_path / "app.py", """
        def f(x: NotDefinedAnywhere):
            pass
    """)))
    session = Session("http://localhost/app")
    with pytest.raises(NameError, match="NotDefinedAnywhere"):
        app.run(session)
    session.destroy()


def test_setup_script_runs_as_plain_python_without_the_loaders_future_imports(tmp_path):
    run_setup(str(write(tmp_path / "setup.py", """
        import panel_state as pn
        def f(x: int) -> None:
            pass
        pn.state.cache["annotation"] = f.__annotations__["x"]
    """)))
    assert pn.state.cache["annotation"] is int


def test_script_app_with_a_config_template_shows_the_template(tmp_path):
    app = make_app(str(write(tmp_path / "app.py", """
        import panel_state as pn
        pn.extension(template="material")
        pn.state.template.title = "Material app"
        pn.pane.Str("side").servable(area="sidebar")
        pn.pane.Str("body").servable()
    """)))
    session = Session("http://localhost/app")
    (root,) = app.run(session)
    assert type(root) is pn.template.MaterialTemplate and session.template is root
    assert [o.object for o in root.sidebar] == ["side"] and [o.object for o in root.main] == [
        "body"]
    session.destroy()


def test_function_app_returning_a_template_makes_it_the_sessions_template():
    template = pn.template.VanillaTemplate(main=["shared"])
    session = Session("http://localhost/app")
    (root,) = make_app(template).run(session)
    with session.activate():
        assert root is template and pn.state.template is template
    session.destroy()
