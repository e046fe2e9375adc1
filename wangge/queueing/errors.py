"""The codes of the refusals of 预约与叫号 (groups, slots, appointments, tickets, windows, tidal rules).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- configuration
    NOT_HALL_MANAGER = "not_hall_manager"  # changing groups, templates or rules without a manager's role over the hall
    INVALID_GROUP = "invalid_group"  # a prefix in use or malformed, an item of no group, a window of another hall
    INVALID_RULE = "invalid_rule"  # thresholds without hysteresis (lower not below upper)

    # -- appointments
    SLOT_NOT_FOUND = "slot_not_found"  # the slot does not exist, is past, or belongs to no active group
    SLOT_FULL = "slot_full"  # the slot's capacity is taken
    INVALID_BOOKING = "invalid_booking"  # a name or mobile number that cannot be right, an item of another group
    ALREADY_BOOKED = "already_booked"  # the same mobile number already holds a booking that day in the group
    APPOINTMENT_NOT_FOUND = "appointment_not_found"  # no booking with this code (or it is not today's, at the kiosk)
    APPOINTMENT_CLOSED = "appointment_closed"  # cancelling or using a booking already cancelled or used

    # -- tickets and windows
    HALL_CLOSED = "hall_closed"  # taking a ticket in a hall or group that is not active
    NOT_WINDOW_STAFF = "not_window_staff"  # acting at a window one does not staff
    WINDOW_BUSY = "window_busy"  # calling the next ticket while one is still called or served at the window
    NO_TICKET = "no_ticket"  # nobody waits for the window's groups
    TICKET_STATE = "ticket_state"  # a step the ticket's status does not allow (recall a finished ticket …)
    INVALID_TRANSFER = "invalid_transfer"  # a transfer to no target, or to a window or group of another hall
