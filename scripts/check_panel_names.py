#!/usr/bin/env python
"""Check that panel_state accepts the keyword names Panel accepts.

Two checks against an installed Panel:

1. the keyword table in tests/server/test_keywords.py lists every name Panel's
   ``pn.serve`` and the Bokeh server accept;
2. every class in ``pn.widgets``, ``pn.pane``, ``pn.indicators`` and ``pn.layout``'s
   ``__all__`` that Panel also has declares every param Panel's class has.

Usage: ``python scripts/check_panel_names.py [PANEL_PYTHON]`` -- the interpreter of a
virtualenv with Panel installed (default: ``.bench-venvs/panel/bin/python``, the one the
benchmarks use). Prints the names missing here, one a line (``serve: name`` or
``pn.widgets.Button: name``), and exits 1 when there are any.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SOURCE = """
import inspect
from bokeh.server.server import Server, _ServerOpts
from bokeh.server.tornado import BokehTornado
from panel.io.server import get_server, serve
names = set(_ServerOpts.properties())
for f in (serve, get_server, Server.__init__, BokehTornado.__init__):
    names |= {p.name for p in inspect.signature(f).parameters.values()
              if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
print(sorted(names - {"self", "panels", "panel", "applications"}))
"""

# Reads {module: [class names]} on stdin; prints {"module.Class": [param names]} for the
# classes Panel also has.
PARAMS_SOURCE = """
import json, sys
import param
import panel
wanted = json.load(sys.stdin)
out = {}
for module, names in wanted.items():
    for name in names:
        cls = getattr(getattr(panel, module), name, None)
        if isinstance(cls, type) and issubclass(cls, param.Parameterized):
            out[f"{module}.{name}"] = sorted(cls.param)
print(json.dumps(out))
"""
MODULES = ("widgets", "pane", "indicators", "layout")


def table() -> set[str]:
    tree = ast.parse((ROOT / "tests" / "server" / "test_keywords.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PANEL_NAMES":
            return set(ast.literal_eval(node.value.args[0].func.value).split())
    raise SystemExit("PANEL_NAMES not found in tests/server/test_keywords.py")


def missing_serve_names(python: str) -> list[str]:
    """Names Panel's ``serve`` takes that the keyword table lacks."""
    out = subprocess.run([python, "-c", SOURCE], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return sorted(set(ast.literal_eval(out)) - table())


def missing_params(python: str) -> dict[str, list[str]]:
    """``{"pn.module.Class": [Panel's param names the class here lacks]}``, non-empty only.

    A widget's ``_panel_ignored`` names (taken and ignored with a warning) count as
    accepted; Panel's private params (``_name``) are not part of the contract.
    """
    sys.path.insert(0, str(ROOT))
    import panel_state as pn

    ours = {module: {name: getattr(getattr(pn, module), name)
                     for name in getattr(pn, module).__all__} for module in MODULES}
    wanted = {module: sorted(classes) for module, classes in ours.items()}
    out = subprocess.run([python, "-c", PARAMS_SOURCE], input=json.dumps(wanted),
                         capture_output=True, text=True, timeout=120, check=True).stdout
    missing: dict[str, list[str]] = {}
    for key, names in json.loads(out).items():
        module, name = key.split(".")
        cls = ours[module][name]
        accepted = set(getattr(cls, "param", ())) | getattr(cls, "_panel_ignored", set())
        lacking = sorted(n for n in set(names) - accepted if not n.startswith("_"))
        if lacking:
            missing[f"pn.{key}"] = lacking
    return missing


def main() -> int:
    python = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".bench-venvs/panel/bin/python")
    lines = [f"serve: {name}" for name in missing_serve_names(python)]
    for key, names in missing_params(python).items():
        lines += [f"{key}: {name}" for name in names]
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
