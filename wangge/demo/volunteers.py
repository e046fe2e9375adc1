"""Demo data of ``wangge.volunteers``."""

from __future__ import annotations

from typing import Any


def volunteers_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
