"""The legal-aid workflow: each step allowed, from the wrong state, by the wrong actor — a refusal changes nothing;
the review's timeliness is frozen when it is made."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.workflow import InvalidTransition
from wangge.legalservice.choices import AidOutcome, AidStatus
from wangge.legalservice.errors import ErrorCode
from wangge.legalservice.models import LegalAidCase
from wangge.legalservice.services import legal_aid_transition
from wangge.legalservice.tests.conftest import apply, local
from wangge.legalservice.workflow import TRANSITIONS, WORKFLOW, available

PAYLOAD: dict[str, dict[str, Any]] = {
    "aid_accept": {"note": "符合经济困难标准"},
    "aid_reject": {"reason": "不属于法律援助事项范围"},
    "aid_assign": {"lawyer_name": "王立新", "lawyer_firm": "河南鹰城律师事务所"},
    "aid_reassign": {"lawyer_name": "李春雷", "lawyer_firm": "河南平安律师事务所"},
    "aid_close": {"aid_outcome": AidOutcome.MEDIATED, "note": "调解后支付全部工资"},
}
# The status a case must be in for each step, and how to bring it there.
PATH: dict[str, list[str]] = {
    AidStatus.APPLIED: [],
    AidStatus.ACCEPTED: ["aid_accept"],
    AidStatus.ASSIGNED: ["aid_accept", "aid_assign"],
    AidStatus.CLOSED: ["aid_accept", "aid_assign", "aid_close"],
    AidStatus.REJECTED: ["aid_reject"],
}


def case_in(w: SimpleNamespace, status: str) -> LegalAidCase:
    case = apply(w)
    for i, step in enumerate(PATH[status]):
        case = legal_aid_transition(
            actor=w.street_staff, case=case, name=step, now=local(2025, 6, 4, 9 + i), **PAYLOAD[step]
        )
    assert case.status == status
    return case


def fingerprint(case: LegalAidCase) -> tuple[Any, ...]:
    fresh = LegalAidCase.objects.get(pk=case.pk)
    return (fresh.status, fresh.version, fresh.lawyer_name, fresh.outcome, fresh.reviewed_at, fresh.events.count())


ALLOWED = [
    ("aid_accept", AidStatus.APPLIED, AidStatus.ACCEPTED),
    ("aid_reject", AidStatus.APPLIED, AidStatus.REJECTED),
    ("aid_assign", AidStatus.ACCEPTED, AidStatus.ASSIGNED),
    ("aid_reassign", AidStatus.ASSIGNED, AidStatus.ASSIGNED),
    ("aid_close", AidStatus.ASSIGNED, AidStatus.CLOSED),
]
WRONG_STATE = [
    ("aid_accept", AidStatus.ACCEPTED),
    ("aid_reject", AidStatus.ASSIGNED),
    ("aid_assign", AidStatus.APPLIED),
    ("aid_reassign", AidStatus.CLOSED),
    ("aid_close", AidStatus.REJECTED),
]
WRONG_ACTOR = [
    ("aid_accept", AidStatus.APPLIED, "community_staff"),
    ("aid_reject", AidStatus.APPLIED, "leader"),
    ("aid_assign", AidStatus.ACCEPTED, "community_staff"),
    ("aid_reassign", AidStatus.ASSIGNED, "community_staff"),
    ("aid_close", AidStatus.ASSIGNED, "leader"),
]


def test_every_step_has_an_allowed_a_wrong_state_and_a_wrong_actor_case() -> None:
    names = set(TRANSITIONS)
    assert {a[0] for a in ALLOWED} == names
    assert {a[0] for a in WRONG_STATE} == names
    assert {a[0] for a in WRONG_ACTOR} == names


@pytest.mark.parametrize(("name", "source", "target"), ALLOWED)
def test_allowed(lw: SimpleNamespace, name: str, source: str, target: str) -> None:
    case = case_in(lw, source)
    done = legal_aid_transition(actor=lw.street_staff, case=case, name=name, now=local(2025, 6, 5, 10), **PAYLOAD[name])
    assert done.status == target
    assert done.events.order_by("-at", "-id").first().action == name  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "source"), WRONG_STATE)
def test_wrong_state_changes_nothing(lw: SimpleNamespace, name: str, source: str) -> None:
    case = case_in(lw, source)
    before = fingerprint(case)
    with pytest.raises(InvalidTransition):
        legal_aid_transition(actor=lw.street_staff, case=case, name=name, **PAYLOAD[name])
    assert fingerprint(case) == before


@pytest.mark.parametrize(("name", "source", "who"), WRONG_ACTOR)
def test_wrong_actor_changes_nothing(lw: SimpleNamespace, name: str, source: str, who: str) -> None:
    case = case_in(lw, source)
    before = fingerprint(case)
    with pytest.raises(PermissionDenied):
        legal_aid_transition(actor=getattr(lw, who), case=case, name=name, **PAYLOAD[name])
    assert fingerprint(case) == before


def test_staff_of_another_street_do_not_find_the_case(lw: SimpleNamespace) -> None:
    case = case_in(lw, AidStatus.APPLIED)
    with pytest.raises(NotFound):
        legal_aid_transition(actor=lw.other_street, case=case, name="aid_accept")
    assert fingerprint(case)[0] == AidStatus.APPLIED


def test_rejecting_needs_a_reason_and_closing_an_outcome(lw: SimpleNamespace) -> None:
    case = case_in(lw, AidStatus.APPLIED)
    with pytest.raises(ValidationFailed) as exc:
        legal_aid_transition(actor=lw.street_staff, case=case, name="aid_reject")
    assert exc.value.details == [{"field": "reason", "reason": "required"}]
    assigned = case_in(lw, AidStatus.ASSIGNED)
    before = fingerprint(assigned)
    with pytest.raises(ValidationFailed) as bad:
        legal_aid_transition(actor=lw.street_staff, case=assigned, name="aid_close", aid_outcome="won_lottery")
    assert bad.value.code == ErrorCode.INVALID_ENTRY
    assert fingerprint(assigned) == before


def test_the_review_is_frozen_on_time_or_late(lw: SimpleNamespace) -> None:
    on_time = legal_aid_transition(actor=lw.street_staff, case=apply(lw), name="aid_accept", now=local(2025, 6, 12, 9))
    late = legal_aid_transition(
        actor=lw.street_staff, case=apply(lw), name="aid_reject", now=local(2025, 6, 13, 9), reason="材料不全"
    )
    assert (on_time.reviewed_on_time, late.reviewed_on_time) == (True, False)
    assert late.rejection_reason == "材料不全"


def test_a_closed_case_keeps_its_lawyer_outcome_and_history(lw: SimpleNamespace) -> None:
    case = case_in(lw, AidStatus.CLOSED)
    assert (case.lawyer_name, case.outcome) == ("王立新", AidOutcome.MEDIATED)
    assert list(case.events.values_list("action", flat=True)) == ["create", "aid_accept", "aid_assign", "aid_close"]
    assert str(WORKFLOW.labels()["aid_close"]) == "办结"


def test_the_buttons_follow_role_and_state(lw: SimpleNamespace) -> None:
    case = case_in(lw, AidStatus.APPLIED)
    assert [t.name for t in available(lw.street_staff, case)] == ["aid_accept", "aid_reject"]
    assert available(lw.community_staff, case) == []
    assert [t.name for t in available(lw.admin, case_in(lw, AidStatus.ASSIGNED))] == ["aid_reassign", "aid_close"]
