"""The campaign workflow: every step allowed, in the wrong state and by the wrong actor; a refusal changes
nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.campaigns.choices import CampaignStatus
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import Campaign, CampaignEvent
from wangge.campaigns.services import campaign_transition, campaign_update
from wangge.campaigns.workflow import WORKFLOW
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition

from .conftest import at, make_campaign


def fingerprint(c: Campaign) -> tuple[Any, ...]:
    c.refresh_from_db()
    return (c.status, c.started_at, c.ended_at, c.summary, CampaignEvent.objects.filter(campaign=c).count())


def in_status(w: SimpleNamespace, status: str) -> Campaign:
    c = make_campaign(w)
    steps: dict[str, list[str]] = {
        CampaignStatus.DRAFT: [],
        CampaignStatus.ACTIVE: ["start"],
        CampaignStatus.ENDED: ["start", "end"],
        CampaignStatus.SUMMARISED: ["start", "end", "summarise"],
    }
    path = steps[status]
    for n, name in enumerate(path):
        extra = {"summary": "整治完成"} if name == "summarise" else {}
        c = campaign_transition(actor=w.admin, campaign=c, name=name, now=at(n + 1), **extra)
    return c


ALLOWED = [
    ("start", CampaignStatus.DRAFT, "admin", {}, CampaignStatus.ACTIVE),
    ("start", CampaignStatus.DRAFT, "zjj_handler", {}, CampaignStatus.ACTIVE),  # the lead unit
    ("end", CampaignStatus.ACTIVE, "admin", {"note": "阶段性完成"}, CampaignStatus.ENDED),
    ("reopen", CampaignStatus.ENDED, "zjj_handler", {}, CampaignStatus.ACTIVE),
    ("summarise", CampaignStatus.ENDED, "admin", {"summary": "共排查桥涵 4 座"}, CampaignStatus.SUMMARISED),
]
WRONG_STATE = [
    ("start", CampaignStatus.ACTIVE),
    ("end", CampaignStatus.DRAFT),
    ("reopen", CampaignStatus.SUMMARISED),
    ("summarise", CampaignStatus.ACTIVE),
]
WRONG_ACTOR = [
    ("start", CampaignStatus.DRAFT, "worker"),  # a grid worker sees the campaign but does not run it
    ("end", CampaignStatus.ACTIVE, "leader"),
    ("end", CampaignStatus.ACTIVE, "street_staff"),  # staff of a street do not run the district's campaign
    ("reopen", CampaignStatus.ENDED, "handler"),  # a member unit, not the lead unit
    ("summarise", CampaignStatus.ENDED, "worker2"),
]


def test_every_transition_has_an_allowed_a_wrong_state_and_a_wrong_actor_case() -> None:
    names = set(WORKFLOW.transitions)
    assert {r[0] for r in ALLOWED} == names
    assert {r[0] for r in WRONG_STATE} == names
    assert {r[0] for r in WRONG_ACTOR} == names


@pytest.mark.parametrize(("name", "status", "who", "payload", "target"), ALLOWED)
def test_allowed(cw: SimpleNamespace, name: str, status: str, who: str, payload: dict[str, Any], target: str) -> None:
    c = in_status(cw, status)
    c = campaign_transition(actor=getattr(cw, who), campaign=c, name=name, now=at(10), **payload)
    assert c.status == target
    assert CampaignEvent.objects.filter(campaign=c, action=name, to_status=target).exists()
    assert AuditEntry.objects.filter(action=f"campaigns.{name}", object_id=str(c.pk)).exists()


@pytest.mark.parametrize(("name", "status"), WRONG_STATE)
def test_wrong_state(cw: SimpleNamespace, name: str, status: str) -> None:
    c = in_status(cw, status)
    before = fingerprint(c)
    with pytest.raises(InvalidTransition):
        campaign_transition(actor=cw.admin, campaign=c, name=name, now=at(10), summary="x")
    assert fingerprint(c) == before


@pytest.mark.parametrize(("name", "status", "who"), WRONG_ACTOR)
def test_wrong_actor(cw: SimpleNamespace, name: str, status: str, who: str) -> None:
    c = in_status(cw, status)
    before = fingerprint(c)
    with pytest.raises(PermissionDenied):
        campaign_transition(actor=getattr(cw, who), campaign=c, name=name, now=at(10), summary="x")
    assert fingerprint(c) == before


def test_another_district_does_not_see_the_campaign(cw: SimpleNamespace) -> None:
    c = in_status(cw, CampaignStatus.DRAFT)
    before = fingerprint(c)
    with pytest.raises(NotFound):
        campaign_transition(actor=cw.stranger, campaign=c, name="start")
    assert fingerprint(c) == before


def test_a_campaign_without_a_checklist_cannot_start(cw: SimpleNamespace) -> None:
    c = make_campaign(cw, checklist=[])
    with pytest.raises(InvalidTransition) as exc:
        campaign_transition(actor=cw.admin, campaign=c, name="start")
    assert exc.value.code == ErrorCode.CHECKLIST_EMPTY
    assert fingerprint(c)[0] == CampaignStatus.DRAFT


def test_summarising_needs_the_summary(cw: SimpleNamespace) -> None:
    c = in_status(cw, CampaignStatus.ENDED)
    with pytest.raises(ValidationFailed):
        campaign_transition(actor=cw.admin, campaign=c, name="summarise")
    assert fingerprint(c)[0] == CampaignStatus.ENDED


def test_an_ended_campaign_can_no_longer_be_edited(cw: SimpleNamespace) -> None:
    c = in_status(cw, CampaignStatus.ENDED)
    with pytest.raises(Conflict) as exc:
        campaign_update(actor=cw.admin, campaign=c, name="改名")
    assert exc.value.code == ErrorCode.CAMPAIGN_FROZEN
