"""Demo data of 预警: 卫东区一次橙色暴雨预警及部分确认."""

from __future__ import annotations

from typing import Any


def emergency_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    return 0, 0
