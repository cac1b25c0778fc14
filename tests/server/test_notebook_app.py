"""Notebooks as apps: ``panel-state serve notebook.ipynb``, cells in order, magics skipped,
top-level await; served over a real server on port 0 to the protocol client."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import panel_state as pn
from panel_state.server.loader import AppError, discover, make_app
from panel_state.server.notebook_app import NotebookApp, notebook_cells, strip_magics

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def notebook(path: Path, *cells: str | tuple[str, str]) -> Path:
    """Write an nbformat-4 notebook; a cell is code, or ``(kind, source)``."""
    data = {"cells": [
        {"cell_type": c[0], "metadata": {}, "source": c[1].splitlines(keepends=True),
         **({"outputs": [], "execution_count": None} if c[0] == "code" else {})}
        if isinstance(c, tuple) else
        {"cell_type": "code", "metadata": {}, "source": c, "outputs": [],
         "execution_count": None}
        for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data))
    return path


async def served(serve, open_client, path: Path):
    """Serve the notebook at ``path`` and open a client on it."""
    server = serve({path.stem: str(path)})
    return await open_client(server.url + path.stem)


def strings(client) -> list[str]:
    return [client.props(ref)["text"] for ref in client.find_all("Str")]


def test_strip_magics_skips_cell_magics_whole_and_line_magics_in_place(caplog):
    caplog.set_level(logging.INFO, logger="panel_state")
    assert strip_magics("%%html\n<b>hi</b>", "cell 2") == ""
    assert strip_magics("if True:\n    %time x = 1\n!ls\ny = 2", "cell 3") == (
        "if True:\n    pass\npass\ny = 2")
    assert [r.getMessage() for r in caplog.records] == [
        "Skipping IPython cell magic %%html in cell 2",
        "Skipping IPython magic %time x = 1 in cell 3",
        "Skipping IPython magic !ls in cell 3"]
    assert all(r.levelno == logging.INFO for r in caplog.records)


def test_notebook_cells_keeps_code_in_order_and_takes_the_first_heading():
    text = json.dumps({"cells": [
        {"cell_type": "markdown", "source": ["# My *notebook*\n", "more text"]},
        {"cell_type": "code", "source": ["a = 1\n", "b = 2"]},
        {"cell_type": "raw", "source": "not code"},
        {"cell_type": "code", "source": "c = a + b"}]})
    cells, description = notebook_cells(text, "n.ipynb")
    assert [(c.number, c.source) for c in cells] == [(1, "a = 1\nb = 2"), (2, "c = a + b")]
    assert description == "My *notebook*"


@pytest.mark.parametrize(("text", "match"), [
    ("{not json", r"App notebook 'n.ipynb' is not valid JSON"),
    ('{"cells": 3}', r"App notebook 'n.ipynb' has no list of cells"),
    ("[1, 2]", r"has no list of cells; is it a Jupyter notebook"),
])
def test_notebook_cells_refuses_what_is_not_a_notebook(text, match):
    with pytest.raises(AppError, match=match):
        notebook_cells(text, "n.ipynb")


def test_notebook_app_reports_a_syntax_error_with_its_cell(tmp_path):
    path = notebook(tmp_path / "bad.ipynb", "x = 1", "def (:\n")
    with pytest.raises(AppError, match=r"bad.ipynb' has a syntax error in code cell 2, line 1"):
        NotebookApp(path)


def test_discover_serves_notebooks_next_to_scripts(tmp_path):
    notebook(tmp_path / "note.ipynb", ("markdown", "# Notes"), "import panel_state as pn")
    (tmp_path / "script.py").write_text("x = 1\n")
    (tmp_path / "_hidden.ipynb").write_text("{}")
    apps = discover([tmp_path])
    assert sorted(apps) == ["/note", "/script"]
    assert isinstance(apps["/note"], NotebookApp)
    assert apps["/note"].description == "Notes"
    assert isinstance(make_app(str(tmp_path / "note.ipynb")), NotebookApp)


def test_discover_serves_the_seed_notebook_of_the_gallery():
    apps = discover([EXAMPLES], exclude=[EXAMPLES / "setup.py"])
    assert isinstance(apps["/session_state"], NotebookApp)
    assert apps["/session_state"].description == "Session State and Callbacks"


async def test_served_notebook_shows_what_its_cells_mark_servable(serve, open_client,
                                                                  tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="panel_state")
    path = notebook(
        tmp_path / "app.ipynb", ("markdown", "# App"),
        "%load_ext autoreload\nimport panel_state as pn\n"
        "count = pn.widgets.IntSlider(name='n', end=9)",
        "%%bash\necho not python",
        "pn.Column(count, pn.bind(lambda n: f'n is {n}', count)).servable(title='Nb')",
        "pn.pane.Str('not servable')")
    client = await served(serve, open_client, path)
    assert client.title == "Nb"
    assert client.props(client.find("Markdown"))["html"] == "<p>n is 0</p>\n"
    assert client.find_all("Str") == []
    await client.event(client.find("IntSlider"), "value", 4)
    await client.wait_for(lambda c: c.props(c.find("Markdown"))["html"] == "<p>n is 4</p>\n")
    skipped = [r.getMessage() for r in caplog.records if "Skipping" in r.getMessage()]
    assert skipped == ["Skipping IPython magic %load_ext autoreload in code cell 1 of app.ipynb",
                       "Skipping IPython cell magic %%bash in code cell 2 of app.ipynb"]


async def test_served_notebook_awaits_at_top_level(serve, open_client, tmp_path):
    path = notebook(
        tmp_path / "waits.ipynb",
        "import asyncio\nimport panel_state as pn\npn.pane.Str('first').servable()",
        "async def ready():\n    return 'no real wait'\nquick = await ready()",
        "pn.pane.Str(quick).servable()",
        "await asyncio.sleep(0.05)\nlater = 'after a wait'",
        "pn.pane.Str(later).servable()\npn.pane.Str('and the next').servable()")
    client = await served(serve, open_client, path)
    assert strings(client) == ["first", "no real wait"]  # a wait done at once: no split
    await client.wait_for(lambda c: len(c.find_all("Str")) == 4)
    assert strings(client) == ["first", "no real wait", "after a wait", "and the next"]


async def test_served_notebook_error_after_a_wait_is_reported(serve, open_client, tmp_path,
                                                              errors, until):
    path = notebook(
        tmp_path / "fails.ipynb",
        "import asyncio\nimport panel_state as pn\npn.pane.Str('shown').servable()",
        "await asyncio.sleep(0.01)\nraise KeyError('cell 2 broke')",
        "pn.pane.Str('never').servable()")
    client = await served(serve, open_client, path)
    await until(lambda: bool(errors))
    assert isinstance(errors[0], KeyError) and "cell 2 broke" in str(errors[0])
    assert strings(client) == ["shown"]
    assert pn.state.curdoc is None


def test_notebook_app_reloads_its_cells_for_the_dev_loop(tmp_path):
    path = notebook(tmp_path / "nb.ipynb", "import panel_state as pn",
                    "pn.pane.Str('one').servable()")
    app = NotebookApp(path)
    assert app.sources() == (path.resolve(),)
    notebook(path, "import panel_state as pn", "pn.pane.Str('two').servable()")
    app.reload()
    s = pn.Session("http://localhost/nb")
    [root] = app.run(s)
    assert root.object == "two"
    s.destroy()


def test_notebook_app_broken_under_dev_is_served_and_raises_until_fixed(tmp_path):
    path = notebook(tmp_path / "nb.ipynb", "import panel_state as pn", "def broken(:")
    with pytest.raises(AppError, match="syntax error in code cell 2"):
        NotebookApp(path)
    app = discover([path], defer_errors=True)["/nb"]
    s = pn.Session("http://localhost/nb")
    with pytest.raises(AppError, match="syntax error in code cell 2"):
        app.run(s)
    notebook(path, "import panel_state as pn", "pn.pane.Str('fixed').servable()")
    app.reload()
    [root] = app.run(s)
    assert root.object == "fixed"
    s.destroy()
