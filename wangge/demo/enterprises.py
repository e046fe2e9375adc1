"""Demo data of ``wangge.enterprises``."""

from __future__ import annotations

from typing import Any


def enterprises_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
