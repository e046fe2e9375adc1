"""Demo data of ``wangge.hall``."""

from __future__ import annotations

from typing import Any


def hall_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
