"""Demo data of 值班表、防汛物资、抢险队伍、预案、演练与会商记录."""

from __future__ import annotations

from typing import Any


def duty_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    return 0, 0
