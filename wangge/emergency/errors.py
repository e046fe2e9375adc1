"""The codes of the warnings' refusals. The values are part of the API contract: never change one, add a new
member for a new rule."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    WARNING_NOT_FOUND = "warning_not_found"  # the warning does not exist or lies outside the actor's scope
    INVALID_WARNING = "invalid_warning"  # a type, level, text or validity that is missing or wrong
    SCOPE_REQUIRED = "scope_required"  # no territory node named
    SCOPE_FORBIDDEN = "scope_forbidden"  # a node the actor may not issue warnings over
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the warning workflow does not declare
    LEVEL_NOT_HIGHER = "level_not_higher"  # 升级 to a level that is not higher than the current one
    LEVEL_NOT_LOWER = "level_not_lower"  # 降级 to a level that is not lower than the current one
    NOT_A_RECIPIENT = "not_a_recipient"  # acknowledging a warning the actor did not receive
    WARNING_LIFTED = "warning_lifted"  # acknowledging a warning already lifted
