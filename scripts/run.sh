#!/usr/bin/env bash
# Install panel_state and serve the example gallery on http://localhost:5006/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q -e .
exec .venv/bin/panel-state serve examples/ --setup examples/setup.py "$@"
