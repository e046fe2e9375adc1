"""Demo data of ``wangge.evaluations``."""

from __future__ import annotations

from typing import Any


def evaluations_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
