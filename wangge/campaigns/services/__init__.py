"""Writes of 专项整治: the campaign and its steps, findings at its points (opening cases through the one intake),
tags on cases and hazard findings, and remediation quantities. Every write is atomic and audited; a refusal
writes nothing."""

from wangge.campaigns.services.campaign import campaign_create, campaign_transition, campaign_update
from wangge.campaigns.services.findings import finding_record
from wangge.campaigns.services.quantities import quantity_record
from wangge.campaigns.services.tags import campaign_tag_case, campaign_tag_hazard

__all__ = [
    "campaign_create",
    "campaign_tag_case",
    "campaign_tag_hazard",
    "campaign_transition",
    "campaign_update",
    "finding_record",
    "quantity_record",
]
