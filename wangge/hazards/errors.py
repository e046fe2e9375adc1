"""The codes of the hazard ledger's refusals (治安隐患排查整治台账).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- reporting a finding
    HAZARD_NOT_FOUND = "hazard_not_found"  # the finding does not exist or lies outside the actor's scope
    UNKNOWN_HAZARD_TYPE = "unknown_hazard_type"  # a hazard type that does not exist or is switched off
    PLACE_REQUIRED = "place_required"  # no point, building, merchant, grid or position says where it is
    PLACE_MISMATCH = "place_mismatch"  # the point, building, merchant or grid given lie in different grids
    OUTSIDE_TERRITORY = "outside_territory"  # the position lies in no grid of the platform
    PLACE_OUT_OF_SCOPE = "place_out_of_scope"  # the place lies outside the grids the actor keeps the ledgers of
    INVALID_HAZARD = "invalid_hazard"  # a required text left empty, or a text longer than its column
    INVALID_PHONE = "invalid_phone"  # the rectification owner's phone is no mainland mobile or landline
    INVALID_DEADLINE = "invalid_deadline"  # a deadline outside 1-365 working days
    FOUND_IN_FUTURE = "found_in_future"  # a finding dated after the moment it is reported

    # -- the workflow's steps
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the hazard workflow does not declare
    SELF_VERIFICATION = "self_verification"  # verifying a rectification one submitted oneself
    CASE_ALREADY_OPENED = "case_already_opened"  # opening a work order for a finding that already has one
