"""Demo data of 矛盾纠纷调解."""

from __future__ import annotations

from typing import Any


def mediation_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo's 矛盾纠纷调解 rows; returns (created, unchanged)."""
    return 0, 0
