"""Demo data of 专项整治: 湛河区 29 座桥涵的整治专项及其整治量."""

from __future__ import annotations

from typing import Any


def campaigns_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    return 0, 0
