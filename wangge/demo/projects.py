"""Demo data of 湛河区 8 个道路项目和 30 个民生项目."""

from __future__ import annotations

from typing import Any


def projects_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    return 0, 0
