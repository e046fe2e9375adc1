"""Demo data of ``wangge.workforce``."""

from __future__ import annotations

from typing import Any


def workforce_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
