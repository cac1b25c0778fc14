#!/usr/bin/env python
"""Check that the keyword table in tests/server/test_keywords.py lists every name
Panel's ``pn.serve`` and the Bokeh server accept.

Usage: ``python scripts/check_panel_names.py [PANEL_PYTHON]`` -- the interpreter of a
virtualenv with Panel installed (default: ``.bench-venvs/panel/bin/python``, the one the
benchmarks use). Prints the names the table lacks and exits 1 when there are any.
"""

from __future__ import annotations

import ast
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




def table() -> set[str]:
    tree = ast.parse((ROOT / "tests" / "server" / "test_keywords.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PANEL_NAMES":
            return set(ast.literal_eval(node.value.args[0].func.value).split())
    raise SystemExit("PANEL_NAMES not found in tests/server/test_keywords.py")


def main() -> int:
    python = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".bench-venvs/panel/bin/python")
    out = subprocess.run([python, "-c", SOURCE], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    missing = set(ast.literal_eval(out)) - table()
    for name in sorted(missing):
        print(name)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
