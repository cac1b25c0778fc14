"""Notebook tests: a real ipykernel per module, with the test as its front end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from frontend import Front


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    """One kernel for the module (cells of one test do not see another test's names)."""
    kernel = Front(tmp_path_factory.mktemp("kernel"))
    try:
        kernel.run("import panel_state as pn")
        yield kernel
    finally:
        kernel.stop()
