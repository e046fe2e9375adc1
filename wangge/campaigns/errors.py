"""The codes of the campaign module's refusals (专项整治).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- the campaign
    CAMPAIGN_NOT_FOUND = "campaign_not_found"  # missing, or outside the actor's scope
    INVALID_CAMPAIGN = "invalid_campaign"  # a required text empty, a text too long, an unknown kind
    INVALID_PERIOD = "invalid_period"  # the end before the start
    TERRITORY_OUT_OF_SCOPE = "territory_out_of_scope"  # the territory node is not one the actor may change
    POINT_OUTSIDE_TERRITORY = "point_outside_territory"  # an explicit point outside the campaign's territory
    UNKNOWN_QUANTITY_ITEM = "unknown_quantity_item"  # a remediation item that does not exist or is switched off
    INVALID_TARGET = "invalid_target"  # a target below zero, or a percentage above 100
    CAMPAIGN_FROZEN = "campaign_frozen"  # editing a campaign that has ended or been summarised
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the campaign workflow does not declare
    CHECKLIST_EMPTY = "checklist_empty"  # starting a campaign that has no checklist item

    # -- findings
    CAMPAIGN_NOT_ACTIVE = "campaign_not_active"  # a finding while the campaign is not under way
    POINT_NOT_IN_CAMPAIGN = "point_not_in_campaign"  # a point the campaign does not cover
    NOT_A_CAMPAIGN_INSPECTOR = "not_a_campaign_inspector"  # neither keeps the point's ledgers nor is in its units
    INVALID_RESULTS = "invalid_results"  # a checklist item of another campaign, or an unknown result
    FOUND_IN_FUTURE = "found_in_future"  # a finding dated after the moment it is recorded

    # -- tags
    CASE_OUTSIDE_CAMPAIGN = "case_outside_campaign"  # a case or hazard outside the campaign's territory
    ALREADY_TAGGED = "already_tagged"  # tagging a case or hazard already tagged with this campaign
    NOT_TAGGED = "not_tagged"  # a quantity on a case or hazard not tagged with the campaign

    # -- quantities
    INVALID_QUANTITY = "invalid_quantity"  # zero, negative or malformed
    QUANTITY_TARGET_REQUIRED = "quantity_target_required"  # none or more than one of case, finding, hazard
    CAMPAIGN_CLOSED_FOR_QUANTITIES = "campaign_closed_for_quantities"  # a draft or summarised campaign
    NOT_A_QUANTITY_RECORDER = "not_a_quantity_recorder"  # the actor answers neither for the place nor the case
