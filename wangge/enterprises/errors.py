"""The codes of the refusals of 助企包联 (enterprises, liaisons, visits, service days, matchmaking).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- enterprises and liaisons
    NOT_ENTERPRISE_KEEPER = "not_enterprise_keeper"  # keeping an enterprise outside the territory one manages
    INVALID_ENTERPRISE = "invalid_enterprise"  # a missing name, a bad credit code, scale or figure, a non-grid node
    DUPLICATE_ENTERPRISE = "duplicate_enterprise"  # a credit code or merchant already on another enterprise
    INVALID_LIAISON = "invalid_liaison"  # a level without its cadre or unit, a cadre of the wrong rank
    DUPLICATE_LIAISON = "duplicate_liaison"  # a second district leader or department, or the same cadre twice

    # -- visits and issues
    NOT_VISITOR = "not_visitor"  # recording a visit to an enterprise one neither liaises with nor manages
    INVALID_VISIT = "invalid_visit"  # a visit in the future, without findings, or a problem without text
    NOT_CLOSED = "not_closed"  # rating an enterprise's case before it is closed, or a second time
    NOT_RATER = "not_rater"  # rating a case by someone neither liaising with the enterprise nor keeping it
    INVALID_RATING = "invalid_rating"  # a rating outside 1–5

    # -- service days and matchmaking
    NOT_ORGANISER = "not_organiser"  # organising a service day or matchmaking outside one's territory
    INVALID_SERVICE_DAY = "invalid_service_day"  # a bad period or kind, attendance of an enterprise out of scope
    INVALID_FINANCING = "invalid_financing"  # a negative amount, loans above the credit, a bank not at the event
