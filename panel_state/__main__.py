"""``python -m panel_state serve ...``: the same as ``panel-state serve ...``."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
