"""The codes of the reports' refusals (日通报, 一日志, 一考评).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- 日通报
    SCOPE_NOT_FOUND = "scope_not_found"  # a bulletin for a territory or unit code that is unknown or out of scope
    WEEK_INVALID = "week_invalid"  # a 周通报 week that is not written YYYY-Www or does not exist

    # -- 一日志: check-ins and daily logs
    NOT_GRID_WORKER = "not_grid_worker"  # checking in, logging or being assessed without a grid worker's grant
    OUTSIDE_TERRITORY = "outside_territory"  # a check-in position in no territory node of the platform
    FUTURE_DATE = "future_date"  # a daily log for a day still to come
    LOG_CLOSED = "log_closed"  # a daily log of a month already archived
    SUMMARY_REQUIRED = "summary_required"  # a daily log without its summary
    TOO_LONG = "too_long"  # a daily log summary over 5000 characters

    # -- 一考评: monthly assessments and the ladder
    INVALID_PERIOD = "invalid_period"  # a year and month that are no month
    GRID_OUTSIDE_TREE = "grid_outside_tree"  # the worker's grid is not under a community and a street
    ASSESSMENT_FORBIDDEN = "assessment_forbidden"  # drafting, scoring, confirming or ranking without the role
    ALREADY_CONFIRMED = "already_confirmed"  # scoring an assessment the street has confirmed
    NOT_SCORED = "not_scored"  # confirming or returning an assessment the community has not scored
    NOTE_REQUIRED = "note_required"  # returning an assessment without saying why
    ASSESSMENTS_PENDING = "assessments_pending"  # ranking a street while some of its assessments are unconfirmed
    NO_ASSESSMENTS = "no_assessments"  # ranking a street that has no assessment for the month
