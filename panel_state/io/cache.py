"""``panel.io.cache``: the ``cache`` decorator, ``compute_hash`` and ``is_equal``."""

from __future__ import annotations

from ..caching import cache
from ..hashing import compute_hash, is_equal

__all__ = ["cache", "compute_hash", "is_equal"]
