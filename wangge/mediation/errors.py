"""The codes of the dispute ledger's and the mediation workflow's refusals (三调联动).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- registering a dispute
    DISPUTE_NOT_FOUND = "dispute_not_found"  # the dispute does not exist or lies outside the actor's scope
    UNKNOWN_DISPUTE_TYPE = "unknown_dispute_type"  # a type that does not exist or is switched off
    INVALID_DISPUTE = "invalid_dispute"  # a required text left empty, too long, or a number out of range
    PARTIES_REQUIRED = "parties_required"  # fewer than two parties, or a party without a name
    INVALID_ID_NUMBER = "invalid_id_number"  # a party's 公民身份号码 that fails GB 11643
    INVALID_PHONE = "invalid_phone"  # a party's phone that is no mainland mobile or landline
    PLACE_REQUIRED = "place_required"  # neither a grid nor a position says where the dispute is
    OUTSIDE_TERRITORY = "outside_territory"  # the position lies in no grid of the platform
    PLACE_MISMATCH = "place_mismatch"  # the grid named and the position lie in different grids
    PLACE_OUT_OF_SCOPE = "place_out_of_scope"  # the grid is not one the actor keeps the ledgers of
    FOUND_IN_FUTURE = "found_in_future"  # a dispute dated after the moment it is registered
    WORK_ORDER_ALREADY_CONVERTED = "work_order_already_converted"  # the work order already has a dispute

    # -- organisations and mediators
    INVALID_ORGANISATION = "invalid_organisation"  # an organisation missing, switched off, or out of reach
    INVALID_MEDIATOR = "invalid_mediator"  # a mediator missing, switched off, or not of the organisation
    MEDIATOR_CONFLICT = "mediator_conflict"  # the mediator declared a conflict with a party of the dispute
    TRACK_MISMATCH = "track_mismatch"  # the organisation does not mediate on the track asked for

    # -- the workflow's steps
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the mediation workflow does not declare
    INVALID_SESSION = "invalid_session"  # a session date that is no date, or lies in the future
    CONSENT_REQUIRED = "consent_required"  # extending the time limit without the parties' consent
    INVALID_EXTENSION = "invalid_extension"  # an extension outside 1-90 days
    TERMS_REQUIRED = "terms_required"  # a written agreement without its terms
    NOT_WRITTEN_AGREEMENT = "not_written_agreement"  # 司法确认 asked for an agreement that is not written
    CONFIRMATION_ALREADY_REQUESTED = "confirmation_already_requested"  # 司法确认 already asked for
    NO_CONFIRMATION_PENDING = "no_confirmation_pending"  # recording a 司法确认 result never asked for
    NOT_HIGH_RISK = "not_high_risk"  # escalating a dispute that is not high-risk
    ALREADY_ESCALATED = "already_escalated"  # escalating a dispute already with the command centre
    ALREADY_SUPERVISED = "already_supervised"  # 督办 of a dispute already under 督办
    NO_AGREEMENT = "no_agreement"  # the agreement document of a dispute without a written agreement
