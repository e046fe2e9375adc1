"""Demo data of 公共法律服务."""

from __future__ import annotations

from typing import Any


def legalservice_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo's 公共法律服务 rows; returns (created, unchanged)."""
    return 0, 0
