"""The codes of the refusals of 值班备勤 and 防汛备汛 (rosters, swaps, check-ins, supplies, plans, drills, 会商).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum

from wangge.core.errors import DomainError


class ErrorCode(StrEnum):
    # -- rosters and shifts
    ROSTER_NOT_FOUND = "roster_not_found"  # the roster does not exist or lies outside the actor's scope
    INVALID_ROSTER = "invalid_roster"  # a roster's name, node or unit is missing or wrong
    INVALID_PERIOD = "invalid_period"  # a generation period that ends before it starts or is too long
    EMPTY_ROTATION = "empty_rotation"  # no 带班领导 or no 值班员 to rotate
    INVALID_PERSON = "invalid_person"  # a person named without a name, or with a phone that is no phone
    NO_SHIFT_PATTERN = "no_shift_pattern"  # no active shift pattern for a kind of day of the period
    SHIFT_NOT_FOUND = "shift_not_found"  # the shift or duty assignment does not exist or lies out of scope
    LAST_ON_DUTY = "last_on_duty"  # removing the only 带班领导 or the only 值班员 of a shift
    # -- swaps (换班)
    SWAP_SHIFT_OVER = "swap_shift_over"  # the shift has already ended
    SWAP_CHECKED_IN = "swap_checked_in"  # the person on duty has already checked in
    SWAP_SAME_PERSON = "swap_same_person"  # the replacement is the person already on duty
    SWAP_DOUBLE_BOOKED = "swap_double_booked"  # the replacement is on duty on an overlapping shift
    SWAP_REASON_REQUIRED = "swap_reason_required"  # a swap without a reason
    # -- on-post check-in (到岗签到)
    CHECK_IN_NOT_YOURS = "check_in_not_yours"  # checking in for a duty assigned to someone else
    CHECK_IN_TOO_EARLY = "check_in_too_early"  # before the shift's check-in window opens
    CHECK_IN_SHIFT_OVER = "check_in_shift_over"  # after the shift has ended
    ALREADY_CHECKED_IN = "already_checked_in"  # a second check-in for the same duty
    INVALID_POSITION = "invalid_position"  # a check-in position with one coordinate or outside the globe
    # -- supplies
    DEPOT_NOT_FOUND = "depot_not_found"  # the depot does not exist or lies outside the actor's scope
    INVALID_DEPOT = "invalid_depot"  # a depot's name or node is missing or wrong
    UNKNOWN_ITEM = "unknown_item"  # a supply item that does not exist or is switched off
    INVALID_QUANTITY = "invalid_quantity"  # a negative, zero (for a movement) or malformed quantity
    STOCK_NEGATIVE = "stock_negative"  # an issue larger than the stock: stock never goes below zero
    REASON_REQUIRED = "reason_required"  # a movement without a reason
    STOCKTAKE_IN_FUTURE = "stocktake_in_future"  # a stock-take dated after today
    STOCKTAKE_EMPTY = "stocktake_empty"  # a stock-take that counts no item
    INVALID_NORM = "invalid_norm"  # a norm for neither or both of a depot kind and a depot
    # -- forces, plans, drills, 会商
    INVALID_TEAM = "invalid_team"  # a team's name, kind, node or count is missing or wrong
    PLAN_NOT_FOUND = "plan_not_found"  # the plan does not exist or lies outside the actor's scope
    INVALID_PLAN = "invalid_plan"  # a plan's title, kind, node, version or date is missing or wrong
    DUPLICATE_VERSION = "duplicate_version"  # a plan version label already used for that plan
    INVALID_DRILL = "invalid_drill"  # a drill's date, title, node or count is missing or wrong
    INVALID_CONSULTATION = "invalid_consultation"  # a 会商 record's time, convener or topic is missing
    NODE_OUT_OF_SCOPE = "node_out_of_scope"  # a node, unit or record the actor may not keep


class StateRefused(DomainError):
    """The rule depends on the record's present state (a shift already over, a duty already checked in, stock that
    would go below zero): the request was well formed but cannot be done now."""

    http_status = 409
