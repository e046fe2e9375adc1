"""The codes of the demo data's refusals. The values are part of the API contract: never change one."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    DEMO_BOUNDARIES_INCOMPLETE = "demo_boundaries_incomplete"  # the boundary file lacks a demo district
    DEMO_TOO_FEW_WORKERS = "demo_too_few_workers"  # a district has fewer grid workers than grids to staff
    WEAK_PASSWORD = "weak_password"  # the demo password fails the password policy
