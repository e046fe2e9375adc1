"""The codes of the refusals of 共商共治 (meetings and their tasks, 红色物业, 分包).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_CONVENER = "cogov_not_convener"  # the actor does not convene meetings or keep records in this territory
    INVALID_MEETING = "cogov_invalid_meeting"  # a missing title, a bad kind or date, an estate of another community
    INVALID_TASK = "cogov_invalid_task"  # a task without a title, a deadline before the meeting, too many days
    TASK_NOT_FOUND = "cogov_task_not_found"  # the task does not exist or lies outside the actor's scope
    UNKNOWN_TRANSITION = "cogov_unknown_transition"  # a step name the task workflow does not declare
    INVALID_PROPERTY = "cogov_invalid_property"  # a 红色物业 record without a company, or a second one for a 小区
    INVALID_REVIEW = "cogov_invalid_review"  # a 述职评议 score outside 0–100, a missing period
    INVALID_RATING = "cogov_invalid_rating"  # stars outside 1–5, a staff member of another 小区
    RATING_LIMITED = "cogov_rating_limited"  # too many ratings from one address in the window
    INVALID_ASSIGNMENT = "cogov_invalid_assignment"  # no leader nor unit, a bad place or line
