"""The codes of the 重点人员 ledger's refusals (``details[].error`` as well). Part of the API contract: never
change one, add a new member for a new rule."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    KEY_PERSON_NOT_FOUND = "key_person_not_found"  # no such key person, or not within the actor's key-person grants
    RESIDENT_NOT_FOUND = "resident_not_found"  # the resident does not exist or lies outside the actor's grants
    RESIDENT_ARCHIVED = "resident_archived"  # the resident has died or moved away (archived in the 基础台账)
    CATEGORY_INACTIVE = "category_inactive"  # a category switched off in the dictionary
    ALREADY_ACTIVE = "already_active"  # the resident is already under 管控 in this category
    RELEASED = "released"  # a visit, change or release of a key person already released
    INVALID_INTERVAL = "invalid_interval"  # a visit interval outside 1..366 days
    INVALID_DATE = "invalid_date"  # a start, visit or end date in the future or before the start
    UNKNOWN_HELPER = "unknown_helper"  # a 帮扶责任人 account that does not exist or is inactive
    REQUIRED = "required"  # a visit without its situation, a release without its reason
    TOO_LONG = "too_long"  # a text longer than its column allows
    INVALID_CHOICE = "invalid_choice"  # an attention level or visit method that is not one of the list
    INVALID_COORDINATES = "invalid_coordinates"  # a longitude without a latitude (or back), or out of range
