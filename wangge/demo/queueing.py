"""Demo data of ``wangge.queueing``."""

from __future__ import annotations

from typing import Any


def queueing_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
