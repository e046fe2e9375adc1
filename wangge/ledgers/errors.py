"""The codes of the 基础台账's refusals, and of the problems of one record (``details[].error``).

A refusal for a record's own faults takes the code of its first problem, so the record codes are refusal codes
too. The values are part of the API contract: never change one, add a new member for a new rule (and raise it:
``core/tests/test_error_codes.py`` refuses a declared code nobody raises).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- where a row is, and who may keep it
    GRID_NOT_FOUND = "grid_not_found"  # the grid does not exist or lies outside the actor's scope
    NOT_A_GRID = "not_a_grid"  # a territory node that is not a grid where a grid is needed
    COMMUNITY_NOT_FOUND = "community_not_found"  # the community does not exist or lies outside the actor's scope
    NOT_A_COMMUNITY = "not_a_community"  # a territory node that is not a community (or village) for an estate
    RECORD_DENIED = "record_denied"  # the actor sees the row (or place) but may not keep the ledger there
    ADMIN_REQUIRED = "admin_required"  # changing the tag dictionary without an administrator's grant
    ESTATE_NOT_FOUND = "estate_not_found"  # the estate does not exist or lies outside the actor's scope
    BUILDING_NOT_FOUND = "building_not_found"  # the building does not exist or lies outside the actor's scope
    HOUSEHOLD_NOT_FOUND = "household_not_found"  # the household does not exist or lies outside the actor's scope
    RESIDENT_NOT_FOUND = "resident_not_found"  # the resident does not exist or lies outside the actor's scope
    MERCHANT_NOT_FOUND = "merchant_not_found"  # the merchant does not exist or lies outside the actor's scope
    POINT_NOT_FOUND = "point_not_found"  # the responsibility point does not exist or lies outside the scope
    GRID_MISMATCH = "grid_mismatch"  # a grid given with a building/household/point that lies in another grid
    ESTATE_ELSEWHERE = "estate_elsewhere"  # a building put in an estate of another community

    # -- one record (a row's fields, a line of an import)
    REQUIRED = "required"  # a required value left empty (name; building+room or house number; a grid)
    TOO_LONG = "too_long"  # a text longer than its column allows
    NOT_A_NUMBER = "not_a_number"  # floors, units or a coordinate that is not a number
    OUT_OF_RANGE = "out_of_range"  # floors/units below 1 or too many, a coordinate outside ±180/±90
    COORDINATES_INCOMPLETE = "coordinates_incomplete"  # a longitude without a latitude, or back
    INVALID_ID_NUMBER = "invalid_id_number"  # not 18 characters, a wrong GB 11643 check digit, no such birth date
    ID_NUMBER_MISMATCH = "id_number_mismatch"  # a gender or birth date that disagrees with the ID number
    INVALID_GENDER = "invalid_gender"  # a gender that is neither M/F nor 男/女
    INVALID_DATE = "invalid_date"  # a date that is not a date (birth date, licence dates)
    INVALID_PHONE = "invalid_phone"  # not a mainland mobile or landline number
    MASKED_VALUE = "masked_value"  # a masked number (138****1234) that is not the one stored
    UNKNOWN_RELATION = "unknown_relation"  # a relation to the head that is neither a value nor a label
    UNKNOWN_RESIDENCE_TYPE = "unknown_residence_type"  # not 户籍/常住/流动/寄住 (or the values)
    UNKNOWN_TAG = "unknown_tag"  # a tag that is neither the key nor the name of a dictionary entry
    UNKNOWN_USE = "unknown_use"  # a household use that is neither a value nor a label
    UNKNOWN_KIND = "unknown_kind"  # a merchant type that is neither a value nor a label
    UNKNOWN_STATUS = "unknown_status"  # a status that is neither a value nor a label
    INVALID_CREDIT_CODE = "invalid_credit_code"  # not 18 GB 32100 characters or a wrong check character
    LICENCE_DATES = "licence_dates"  # a licence that expires before it was issued

    # -- rules over several rows
    RESIDENT_EXISTS = "resident_exists"  # an ID number already in the ledger (one record per person)
    CREDIT_CODE_TAKEN = "credit_code_taken"  # a credit code already registered by another merchant
    CODE_TAKEN = "code_taken"  # an estate, building or household code already used
    ROOM_TAKEN = "room_taken"  # a household already registered at this building, unit and room
    TAG_KEY_TAKEN = "tag_key_taken"  # a tag key already in the dictionary
    HEAD_TAKEN = "head_taken"  # a second 户主 for a household that has one
    HEAD_NOT_MEMBER = "head_not_member"  # a head (or successor) who is not a current member of the household
    HOUSEHOLD_ARCHIVED = "household_archived"  # adding or moving someone into an archived household
    SAME_HOUSEHOLD = "same_household"  # moving a resident into the household they live in
    RESIDENT_ARCHIVED = "resident_archived"  # moving or archiving a resident who is no longer current
    RESIDENT_NOT_ARCHIVED = "resident_not_archived"  # restoring a resident who is current
    INVALID_ARCHIVE_REASON = "invalid_archive_reason"  # an archive reason other than moved_away or deceased
    MERCHANT_CLOSED = "merchant_closed"  # closing a merchant already closed
