"""The codes of the refusals of 好差评, their rectification and appeals, and the monthly callbacks.

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- ratings
    APPLICATION_NOT_FOUND = "application_not_found"  # no such 办件, or the check (phone digits, receipt code) failed
    NOT_FINISHED = "not_finished"  # rating a 办件 that is not finished (办结)
    ALREADY_RATED = "already_rated"  # 一次一评: the 办件 has its rating
    INVALID_RATING = "invalid_rating"  # a level outside 1–5, an unknown reason, a complaint without name and phone
    TOO_MANY_TRIES = "too_many_tries"  # too many failed checks of one 办件's phone digits, or ratings from one address
    WRONG_WINDOW = "wrong_window"  # a 办件 rated through the QR code of another hall's window
    LINK_INVALID = "link_invalid"  # an online rating link that is forged or expired

    # -- rectifications and appeals
    RECTIFICATION_NOT_FOUND = "rectification_not_found"
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the workflow does not declare
    APPEAL_EXISTS = "appeal_exists"  # a rating has one appeal
    APPEAL_NOT_ALLOWED = "appeal_not_allowed"  # appealing a rating that is no 差评, or one already excluded
    APPEAL_NOT_FOUND = "appeal_not_found"
    SELF_REVIEW = "self_review"  # reviewing one's own appeal

    # -- callbacks
    DRAW_EXISTS = "draw_exists"  # the month was drawn with other parameters
    INVALID_DRAW = "invalid_draw"  # a share outside (0, 1], a month not yet over, a bad seed
    TASK_NOT_FOUND = "task_not_found"
    TASK_DONE = "task_done"  # recording an outcome of a task already done
    INVALID_OUTCOME = "invalid_outcome"  # reached without satisfied, problems without a description
    NOT_CALLER = "not_caller"  # drawing or calling back without a hall role
