"""Run every ``benchmarks/bench_*.py`` module and print one table.

Usage::

    python -m benchmarks                 # everything, full sizes
    python -m benchmarks --quick         # short sizes, for CI smoke runs
    python -m benchmarks --only import --only periodic
    python -m benchmarks --json results.json

``--quick`` sets ``PANEL_STATE_BENCH_QUICK=1`` for the modules (and passes
``quick=True`` to a ``run`` that accepts it). ``--only NAME`` keeps the modules whose
name (with or without the ``bench_`` prefix) contains NAME; repeat it to keep several.
The exit status is 1 when a module failed or returned malformed rows, 2 for bad
arguments.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import QUICK_ENV, format_table, validate_row

HERE = Path(__file__).resolve().parent
PREFIX = "bench_"


@dataclass
class Outcome:
    """What running the selected modules produced."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def discover(directory: Path = HERE) -> list[str]:
    """The names of the ``bench_*.py`` modules in ``directory``, sorted."""
    return sorted(p.stem for p in directory.glob(f"{PREFIX}*.py"))


def select(names: Sequence[str], only: Sequence[str] | None) -> list[str]:
    """Keep the module names matching any ``only`` filter (all when there is none).

    Raises
    ------
    ValueError
        If a filter matches no module; the message lists the available names.
    """
    if not only:
        return list(names)
    chosen = []
    for pattern in only:
        matches = [n for n in names if pattern in n or pattern == n.removeprefix(PREFIX)]
        if not matches:
            available = ", ".join(n.removeprefix(PREFIX) for n in names) or "none"
            raise ValueError(
                f"--only {pattern!r} matches no benchmark module; available: {available}."
            )
        chosen += [m for m in matches if m not in chosen]
    return [n for n in names if n in chosen]


def run_module(module: ModuleType, quick: bool) -> list[dict[str, Any]]:
    """Call ``module.run()`` (with ``quick`` if it takes it) and validate its rows.

    Raises
    ------
    TypeError
        If the module has no callable ``run`` or returns something that is not a list
        of rows.
    ValueError
        If a row lacks a required key.
    """
    run = getattr(module, "run", None)
    name = module.__name__
    if not callable(run):
        raise TypeError(f"benchmark module {name} must define run() -> list[dict]; it has none.")
    accepts_quick = "quick" in inspect.signature(run).parameters
    rows = run(quick=quick) if accepts_quick else run()
    if not isinstance(rows, list):
        raise TypeError(
            f"{name}.run() must return a list of row dicts, got {type(rows).__name__}."
        )
    return [validate_row(r, source=name) for r in rows]


def run_modules(modules: Sequence[ModuleType], quick: bool, *,
                progress: TextIO | None = None) -> Outcome:
    """Run each module in turn; a failing module is recorded and the rest still run.

    Progress lines and tracebacks of failures go to ``progress`` when given.
    """
    outcome = Outcome()
    previous = os.environ.get(QUICK_ENV)
    os.environ[QUICK_ENV] = "1" if quick else "0"
    try:
        for module in modules:
            started = time.perf_counter()
            if progress is not None:
                print(f"running {module.__name__} ...", file=progress, flush=True)
            try:
                outcome.rows += run_module(module, quick)
            except Exception as exc:
                outcome.failures.append((module.__name__, f"{type(exc).__name__}: {exc}"))
                if progress is not None:
                    traceback.print_exc(file=progress)
            if progress is not None:
                elapsed = time.perf_counter() - started
                print(f"  {module.__name__} took {elapsed:.1f} s", file=progress, flush=True)
    finally:
        if previous is None:
            os.environ.pop(QUICK_ENV, None)
        else:
            os.environ[QUICK_ENV] = previous
    return outcome


def render(outcome: Outcome) -> str:
    """The table, followed by one line per failed module."""
    text = format_table(outcome.rows)
    if outcome.failures:
        text += "\n\nFAILED:\n" + "\n".join(f"  {name}: {why}" for name, why in outcome.failures)
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run panel_state's benchmarks beside Panel 1.9 and print one table.",
    )
    p.add_argument("--quick", action="store_true",
                   help="shrink sizes and durations (CI smoke run)")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="run only modules whose name contains NAME (repeatable)")
    p.add_argument("--json", metavar="PATH", help="also write the rows to PATH as JSON")
    return p


def main(argv: Sequence[str] | None = None, *, directory: Path = HERE,
         package: str = "benchmarks") -> int:
    """Command-line entry point; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        names = select(discover(directory), args.only)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    modules = [importlib.import_module(f"{package}.{name}") for name in names]
    outcome = run_modules(modules, args.quick, progress=sys.stderr)
    print(render(outcome))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"quick": args.quick, "rows": outcome.rows,
             "failures": [list(f) for f in outcome.failures]}, indent=2,
            ensure_ascii=False) + "\n")
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
