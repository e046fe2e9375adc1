"""The codes of the refusals of 党建引领 (organisations, members, 党员联户, 干部包片, 红色管家).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_ORGANISER = "party_not_organiser"  # the actor does not keep the party organisations of this territory
    INVALID_ORGANISATION = "party_invalid_organisation"  # a level under the wrong parent, or on the wrong place
    ORGANISATION_EXISTS = "party_organisation_exists"  # a second committee, group or 中心户 on the same place
    ORGANISATION_NOT_EMPTY = "party_organisation_not_empty"  # removing an organisation with members or children
    INVALID_MEMBER = "party_invalid_member"  # a resident who moved out, or outside the organisation's territory
    MEMBER_EXISTS = "party_member_exists"  # a resident already enrolled
    OUTSIDE_AREA = "party_outside_area"  # a household, building or node outside the organisation's territory
    LINK_EXISTS = "party_link_exists"  # the member already looks after this household
