"""The codes of the refusals of 志愿服务与岗位.

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- the register
    NOT_VOLUNTEER_MANAGER = "not_volunteer_manager"  # a write on a node where the actor holds no managing role
    NOT_ROLE_EDITOR = "not_role_editor"  # editing the roles table without the administrator role
    INVALID_VOLUNTEER = "invalid_volunteer"  # a name or phone missing or malformed, an unknown role
    DUPLICATE_VOLUNTEER = "duplicate_volunteer"  # a resident or a phone number already registered
    VOLUNTEER_NOT_FOUND = "volunteer_not_found"  # the volunteer does not exist or lies outside the actor's scope
    VOLUNTEER_LEFT = "volunteer_left"  # acting for a volunteer who has left
    INVALID_TEAM = "invalid_team"  # a leader who is not a member, a team without a name
    # -- activities and hours
    INVALID_ACTIVITY = "invalid_activity"  # a start after its end, a participant outside the team's reach
    INVALID_HOURS = "invalid_hours"  # hours not above zero or above a day
    HOURS_NOT_PENDING = "hours_not_pending"  # confirming or rejecting hours already decided
    NOT_HOURS_CONFIRMER = "not_hours_confirmer"  # neither the team's leader nor staff managing its territory
    # -- posts, rosters and check-ins
    INVALID_POST = "invalid_post"  # a post without a position, outside every territory
    INVALID_SLOT = "invalid_slot"  # a time window that ends before it starts
    SLOT_TAKEN = "slot_taken"  # the volunteer already stands at that post in that window
    INVALID_POSITION = "invalid_position"  # coordinates that are not a position
    CHECK_IN_CLOSED = "check_in_closed"  # a check-in outside the window in which the slot accepts it
    CHECKED_IN_ALREADY = "checked_in_already"  # a second check-in on the same slot
    NOT_OWN_SLOT = "not_own_slot"  # a check-in on another volunteer's slot
