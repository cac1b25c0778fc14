"""The seed page as a notebook, executed headless by nbclient on a real ipykernel."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "session_state.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(nb: Any, cwd: Path, timeout: int = 60) -> Any:
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def code_cells(nb: Any) -> dict[str, Any]:
    return {cell.id: cell for cell in nb.cells if cell.cell_type == "code"}


def stdout(cell: Any) -> str:
    return "".join(o.text for o in cell.outputs
                   if o.output_type == "stream" and o.name == "stdout")


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    nb = nbformat.read(SEED, as_version=4)
    return execute(nb, tmp_path_factory.mktemp("seed"))


def test_seed_notebook_runs_every_cell_without_error(seed):
    for cell in code_cells(seed).values():
        assert [o for o in cell.outputs if o.output_type == "error"] == [], cell.source
        errors = "".join(o.text for o in cell.outputs
                         if o.output_type == "stream" and o.name == "stderr")
        assert errors == "", cell.source


def test_seed_notebook_task_prints_four_lines_a_second_apart_under_its_cell(seed):
    cells = code_cells(seed)
    [task_cell] = [c for c in cells.values() if "period='1s'" in c.source]
    lines = stdout(task_cell).splitlines()
    assert len(lines) == 4, lines
    times = [dt.datetime.fromisoformat(line.removeprefix("Task executed at: "))
             for line in lines]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert all(0.9 < gap < 1.3 for gap in gaps), gaps
    others = [c for c in cells.values() if c is not task_cell]
    assert not any("Task executed" in stdout(c) for c in others)


def test_seed_notebook_cron_task_runs_next_on_a_monday_or_friday_at_0402(seed):
    [cron_cell] = [c for c in code_cells(seed).values() if "cron=" in c.source]
    match = re.fullmatch(r"Next run: (\w+) (\d{4}-\d\d-\d\d) (\d\d:\d\d)\n", stdout(cron_cell))
    assert match, stdout(cron_cell)
    weekday, day, time = match.groups()
    assert weekday in ("Monday", "Friday") and time == "04:02"
    when = dt.datetime.fromisoformat(f"{day} {time}")
    now = dt.datetime.now()
    assert now < when <= now + dt.timedelta(days=4, hours=1)  # the next such slot


def test_seed_notebook_every_displayed_component_is_a_widget_view(seed):
    shown = {cell.id: [o for o in cell.outputs if o.output_type == "execute_result"]
             for cell in code_cells(seed).values() if ".servable(" in cell.source}
    assert len(shown) == 5
    for cell_id, outputs in shown.items():
        [output] = outputs
        assert WIDGET_VIEW in output.data, cell_id
        assert output.data["text/plain"].split("(")[0] in ("Row", "LineChart"), cell_id
        assert "panel_state output" in output.data["text/html"]
    # nbclient kept the widget state: the saved notebook knows each output's model.
    state = seed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    for outputs in shown.values():
        assert outputs[0].data[WIDGET_VIEW]["model_id"] in state


def test_notebook_timer_prints_go_to_the_cell_that_started_them(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import asyncio\nimport panel_state as pn"),
        nbformat.v4.new_code_cell(
            "ticks = pn.state.add_periodic_callback(lambda: print('tick'), 100, count=8)\n"
            "await asyncio.sleep(0.35)"),
        nbformat.v4.new_code_cell("await asyncio.sleep(0.8)\nprint('later cell')"),
        nbformat.v4.new_code_cell("print(ticks.counter)"),
    ])
    execute(nb, tmp_path)
    starter, later, count = nb.cells[1], nb.cells[2], nb.cells[3]
    # The ticks while the starting cell ran are under it; none landed under the cell
    # running when the rest fired (they went to their own cell, done by then).
    assert stdout(starter).count("tick") in (3, 4)
    assert stdout(later) == "later cell\n"
    assert stdout(count) == "8\n"
