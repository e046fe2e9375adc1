"""Demo data of 巡查体检: 卫东区 105 处防汛隐患点汛期一周的日巡查（部分漏巡、不合格转工单）."""

from __future__ import annotations

from typing import Any


def inspections_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    return 0, 0
