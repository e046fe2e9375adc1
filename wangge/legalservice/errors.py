"""The codes of the public legal service's refusals (公共法律服务).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- registers
    INVALID_ENTRY = "invalid_entry"  # a required text left empty, a text longer than its column, a bad choice
    INVALID_PHONE = "invalid_phone"  # a phone that is no mainland mobile or landline
    INVALID_ID_NUMBER = "invalid_id_number"  # a 公民身份号码 of the wrong shape or with a wrong check character
    INVALID_LICENCE = "invalid_licence"  # a lawyer's licence number (执业证号) that is not 17 digits
    LICENCE_TAKEN = "licence_taken"  # another adviser already holds this licence number
    WRONG_LEVEL = "wrong_level"  # a territory of the wrong level (a community where one is needed, a grid …)
    TERRITORY_OUT_OF_SCOPE = "territory_out_of_scope"  # the node lies outside what the actor may change
    ALREADY_SERVED = "already_served"  # the adviser already serves this community
    DATE_IN_FUTURE = "date_in_future"  # a date after today (a training, a service, a consultation)
    DATES_REVERSED = "dates_reversed"  # a period that ends before it starts
    NOT_FOUND = "legal_not_found"  # the row does not exist or lies outside the actor's scope

    # -- the legal-aid workflow
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the legal-aid workflow does not declare
