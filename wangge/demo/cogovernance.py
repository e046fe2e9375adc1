"""Demo data of ``wangge.cogovernance``."""

from __future__ import annotations

from typing import Any


def cogovernance_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
