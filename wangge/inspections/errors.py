"""The codes of the refusals of 巡查体检 (checklists, schedules, rounds).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- checklists and schedules
    INVALID_CHECKLIST = "invalid_checklist"  # a checklist without items, a repeated key, a bad range or category
    INVALID_SCHEDULE = "invalid_schedule"  # a season date that does not exist, no point type nor point, a bad value
    NOT_TEMPLATE_EDITOR = "not_template_editor"  # editing the checklists without the command-centre or admin role
    SCHEDULE_OUT_OF_SCOPE = "schedule_out_of_scope"  # a schedule over a territory the actor does not manage

    # -- rounds
    ROUND_NOT_FOUND = "round_not_found"  # the round does not exist or lies outside the actor's scope
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the round workflow does not declare
    INVALID_RESULTS = "invalid_results"  # an item missing, unknown, or of the wrong kind, or a photo missing
    TOO_MANY_PHOTOS = "too_many_photos"  # more photos in one round than twice the per-upload limit
    NOT_PAST_DUE = "not_past_due"  # marking a round missed before it closed
    SELF_SPOT_CHECK = "self_spot_check"  # spot-checking a round one submitted oneself
