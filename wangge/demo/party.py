"""Demo data of ``wangge.party``."""

from __future__ import annotations

from typing import Any


def party_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    return 0, 0
