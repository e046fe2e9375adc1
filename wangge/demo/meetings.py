"""Demo data of 每日 18:00 调度会及其交办事项."""

from __future__ import annotations

from typing import Any


def meetings_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    return 0, 0
