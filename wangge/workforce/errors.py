"""The codes of the refusals of the grid workforce (网格队伍).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    FORBIDDEN = "workforce_forbidden"  # managing the workforce of a grid without a community or street role over it
    NOT_FOUND = "workforce_not_found"  # the object does not exist or lies outside the actor's scope
    INVALID_ASSIGNMENT = "invalid_assignment"  # a role on the wrong level of the tree, no person, bad dates
    INVALID_PROFILE = "invalid_profile"  # a grid worker's profile on a node that is not a grid, or a bad value
    INVALID_SUNK_STAFF = "invalid_sunk_staff"  # 下沉人员 from a unit that is no department or company, bad dates
    INVALID_TASK = "invalid_task"  # a special task without title, grid or a valid deadline
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the task workflow does not declare
    SELF_CONFIRM = "self_confirm"  # confirming a task one reported oneself
    INVALID_RECORD = "invalid_record"  # a reward or penalty without reason, or a negative amount
    LADDER_FORBIDDEN = "ladder_forbidden"  # settling a street's ladder without the street role
    INVALID_MONTH = "invalid_month"  # a month that is not YYYY-MM
