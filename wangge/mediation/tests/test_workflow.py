"""Every mediation step allowed and forbidden; a refused step changes nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.workflow import REGISTRY, InvalidTransition
from wangge.mediation.choices import DisputeStatus, RiskLevel
from wangge.mediation.models import Dispute, DisputeEvent, DisputeSession, DisputeStint
from wangge.mediation.workflow import TRANSITIONS, available

from .conftest import at, mediating, register, step

S = DisputeStatus
HIGH = "mediating+high"  # 调解中, level 重大
ESCALATED = "mediating+escalated"  # 调解中, 重大 and already with the command centre
WRITTEN = "resolved+written"  # 调解成功 with a written agreement
REQUESTED = "resolved+requested"  # … whose 司法确认 was asked for


def at_state(w: SimpleNamespace, state: str) -> Dispute:
    if state in (HIGH, ESCALATED):
        d = mediating(w, threat_of_violence=True)
        if state == ESCALATED:
            d = step(w, d, "escalate", hours=3, note="扬言报复")
        return d
    d = register(w)
    if state == S.REGISTERED:
        return d
    if state == S.REJECTED:
        return step(w, d, "reject", note="不属于民间纠纷")
    step(w, d, "accept", hours=1)
    if state == S.ACCEPTED:
        return Dispute.objects.get(pk=d.pk)
    step(w, d, "assign", hours=2, track="people", organisation=w.committee.pk, mediator=w.mediator.pk)
    if state == S.MEDIATING:
        return Dispute.objects.get(pk=d.pk)
    if state in (S.FAILED, S.REFERRED):
        step(w, d, "fail", hours=3, note="分歧大")
        if state == S.FAILED:
            return Dispute.objects.get(pk=d.pk)
        return step(w, d, "refer", hours=4, referral="litigation")
    kind = "oral" if state == S.RESOLVED else "written"
    step(w, d, "agree", hours=3, agreement_kind=kind, terms="赔偿 3000 元" if kind == "written" else "")
    if state in (S.RESOLVED, WRITTEN):
        return Dispute.objects.get(pk=d.pk)
    if state == REQUESTED:
        return step(w, d, "request_confirmation", hours=4)
    return step(w, d, "follow_up", hours=5, performed=True)


def fingerprint(d: Dispute) -> tuple[Any, ...]:
    fresh = Dispute.objects.get(pk=d.pk)
    return (
        fresh.status,
        fresh.track,
        fresh.organisation_id,
        fresh.mediator_id,
        fresh.due_at,
        fresh.outcome,
        fresh.resolved_at,
        fresh.confirmation,
        fresh.escalated_at,
        fresh.supervised,
        fresh.closed_at,
        DisputeEvent.objects.filter(dispute=fresh).count(),
        DisputeStint.objects.filter(dispute=fresh).count(),
        DisputeSession.objects.count(),
    )


# (step, starting state, actor, payload, status after)
ALLOWED: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("accept", S.REGISTERED, "community_staff", {}, S.ACCEPTED),
    ("reject", S.REGISTERED, "street_staff", {"note": "不属于民间纠纷"}, S.REJECTED),
    (
        "assign",
        S.ACCEPTED,
        "community_staff",
        {"track": "people", "organisation": "committee", "mediator": "mediator"},
        S.MEDIATING,
    ),
    (
        "record_session",
        S.MEDIATING,
        "community_staff",
        {"held_on": "2025-06-03", "place": "社区调解室", "attendees": "双方、调解员"},
        S.MEDIATING,
    ),
    ("extend", S.MEDIATING, "street_staff", {"days": 15, "consent": True}, S.MEDIATING),
    ("agree", S.MEDIATING, "community_staff", {"agreement_kind": "written", "terms": "赔偿 3000 元"}, S.RESOLVED),
    ("agree", S.MEDIATING, "community_staff", {"agreement_kind": "oral"}, S.RESOLVED),
    ("fail", S.MEDIATING, "community_staff", {"note": "分歧大"}, S.FAILED),
    (
        "refer",
        S.FAILED,
        "community_staff",
        {"referral": "judicial", "organisation": "court", "mediator": "judge_mediator"},
        S.MEDIATING,
    ),
    ("refer", S.FAILED, "street_staff", {"referral": "arbitration"}, S.REFERRED),
    ("request_confirmation", WRITTEN, "community_staff", {}, S.RESOLVED),
    ("record_confirmation", REQUESTED, "community_staff", {"confirmed": True}, S.RESOLVED),
    ("follow_up", S.RESOLVED, "community_staff", {"performed": True}, S.CLOSED),
    ("escalate", HIGH, "grid_leader", {"note": "扬言报复"}, S.MEDIATING),
    ("supervise", ESCALATED, "dispatcher", {"note": "重大风险，限期化解"}, S.MEDIATING),
]


def _payload(w: SimpleNamespace, p: dict[str, Any]) -> dict[str, Any]:
    out = dict(p)
    for key in ("organisation", "mediator"):
        if isinstance(out.get(key), str):
            out[key] = getattr(w, out[key]).pk
    return out


@pytest.mark.parametrize(("name", "state", "who", "payload", "after"), ALLOWED, ids=lambda v: str(v)[:20])
def test_allowed_step(
    mw: SimpleNamespace, name: str, state: str, who: str, payload: dict[str, Any], after: str
) -> None:
    d = at_state(mw, state)
    before = d.status
    result = step(mw, d, name, who=who, hours=6, **_payload(mw, payload))
    assert result.status == after
    event = DisputeEvent.objects.filter(dispute=d).last()
    assert event is not None and event.action == name and event.from_status == before and event.to_status == after
    assert event.actor == getattr(mw, who) and event.at == at(6)


def test_every_step_has_an_allowed_case() -> None:
    assert {a[0] for a in ALLOWED} == set(TRANSITIONS)


def test_the_workflow_is_declared_once_in_the_registry() -> None:
    wf = REGISTRY.workflows["mediation"]
    assert wf.transitions is TRANSITIONS
    assert {name: (set(t.sources), set(t.targets)) for name, t in TRANSITIONS.items()}["refer"] == (
        {S.FAILED},
        {S.MEDIATING, S.REFERRED},
    )


WRONG_STATES = [
    ("accept", S.MEDIATING),
    ("assign", S.REGISTERED),
    ("agree", S.ACCEPTED),
    ("fail", S.RESOLVED),
    ("refer", S.MEDIATING),
    ("follow_up", S.MEDIATING),
    ("record_session", S.CLOSED),
    ("extend", S.FAILED),
    ("escalate", S.CLOSED),
    ("request_confirmation", S.MEDIATING),
]


@pytest.mark.parametrize(("name", "state"), WRONG_STATES, ids=lambda v: str(v))
def test_step_from_wrong_state_changes_nothing(mw: SimpleNamespace, name: str, state: str) -> None:
    d = at_state(mw, state)
    before = fingerprint(d)
    with pytest.raises(InvalidTransition):
        step(mw, d, name, who="street_staff", hours=6, note="x", referral="litigation")
    assert fingerprint(d) == before


# (step, state, a user who may not take it, error)
WRONG_ACTOR = [
    ("accept", S.REGISTERED, "worker", PermissionDenied),  # a grid worker files, community staff accept
    ("accept", S.REGISTERED, "other_staff", NotFound),  # another district: not there at all
    ("supervise", ESCALATED, "community_staff", PermissionDenied),  # 督办 is the command centre's
    ("escalate", HIGH, "worker", PermissionDenied),
    ("assign", S.ACCEPTED, "dispatcher", PermissionDenied),
    ("follow_up", S.RESOLVED, "other_staff", NotFound),
]


@pytest.mark.parametrize(("name", "state", "who", "error"), WRONG_ACTOR, ids=lambda v: str(v)[:20])
def test_step_by_wrong_actor_changes_nothing(
    mw: SimpleNamespace, name: str, state: str, who: str, error: type[Exception]
) -> None:
    d = at_state(mw, state)
    before = fingerprint(d)
    with pytest.raises(error):
        step(
            mw,
            d,
            name,
            who=who,
            hours=6,
            note="x",
            performed=True,
            track="people",
            organisation=mw.committee.pk,
            mediator=mw.mediator.pk,
        )
    assert fingerprint(d) == before


GUARDED = [
    ("escalate", S.MEDIATING, "not_high_risk"),
    ("escalate", ESCALATED, "already_escalated"),
    ("request_confirmation", S.RESOLVED, "not_written_agreement"),  # an oral agreement
    ("request_confirmation", REQUESTED, "confirmation_already_requested"),
    ("record_confirmation", WRITTEN, "no_confirmation_pending"),
]


@pytest.mark.parametrize(("name", "state", "code"), GUARDED, ids=lambda v: str(v))
def test_guard_refuses_and_changes_nothing(mw: SimpleNamespace, name: str, state: str, code: str) -> None:
    d = at_state(mw, state)
    before = fingerprint(d)
    with pytest.raises(InvalidTransition) as refused:
        step(mw, d, name, hours=6, note="x", confirmed=True)
    assert refused.value.code == code
    assert fingerprint(d) == before
    assert name not in {t.name for t in available(mw.street_staff, Dispute.objects.get(pk=d.pk))}


def test_missing_inputs_are_refused(mw: SimpleNamespace) -> None:
    d = at_state(mw, S.ACCEPTED)
    before = fingerprint(d)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "assign", hours=6, track="people")
    assert refused.value.code == "missing_fields"
    assert {x["field"] for x in refused.value.details} == {"organisation", "mediator"}
    assert fingerprint(d) == before


def test_default_time_limit_is_thirty_natural_days_for_people_mediation(mw: SimpleNamespace) -> None:
    d = mediating(mw)
    assert d.time_limit_days == 30
    assert d.due_at == at(2) + __import__("datetime").timedelta(days=30)


def test_time_limit_is_configurable(mw: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_MEDIATION_TIME_LIMITS = {"people": 20}
    assert mediating(mw).time_limit_days == 20


def test_extension_needs_the_parties_consent_and_is_recorded(mw: SimpleNamespace) -> None:
    d = mediating(mw)
    before = fingerprint(d)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "extend", hours=3, days=10, consent=False)
    assert refused.value.code == "consent_required"
    assert fingerprint(d) == before
    d = step(mw, d, "extend", hours=3, days=10, consent=True, note="双方同意再协商")
    assert d.extended_days == 10 and d.due_at == at(2) + __import__("datetime").timedelta(days=40)
    event = d.events.get(action="extend")
    assert event.data["consent"] is True and event.data["days"] == 10


def test_a_written_agreement_needs_its_terms(mw: SimpleNamespace) -> None:
    d = mediating(mw)
    before = fingerprint(d)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "agree", hours=3, agreement_kind="written")
    assert refused.value.code == "terms_required"
    assert fingerprint(d) == before


def test_a_session_is_recorded_and_refused_in_the_future(mw: SimpleNamespace) -> None:
    d = mediating(mw)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "record_session", hours=3, held_on="2030-01-01", place="调解室", attendees="双方")
    assert refused.value.code == "invalid_session"
    with pytest.raises(ValidationFailed):
        step(mw, d, "record_session", hours=3, held_on="六月三日", place="调解室", attendees="双方")
    assert not DisputeSession.objects.exists()
    step(
        mw,
        d,
        "record_session",
        hours=3,
        held_on="2025-06-03",
        place="调解室",
        attendees="双方、张调解",
        minutes="释法说理",
    )
    session = DisputeSession.objects.get()
    assert session.place == "调解室" and session.notes == "释法说理" and session.stint is not None


def test_a_mediator_with_a_declared_conflict_is_refused(mw: SimpleNamespace) -> None:
    from wangge.mediation.services import mediator_declare_conflict

    mediator_declare_conflict(
        actor=mw.community_staff, mediator=mw.mediator, person_name="赵大明", relation="亲属", id_number=mw.id_a
    )
    d = at_state(mw, S.ACCEPTED)
    before = fingerprint(d)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "assign", hours=3, track="people", organisation=mw.committee.pk, mediator=mw.mediator.pk)
    assert refused.value.code == "mediator_conflict"
    assert "张调解" in refused.value.message and "赵大明" in refused.value.message and "回避" in refused.value.message
    assert fingerprint(d) == before
    d = step(mw, d, "assign", hours=3, track="people", organisation=mw.committee.pk, mediator=mw.mediator2.pk)
    assert d.mediator == mw.mediator2


def test_a_conflict_declared_by_name_only_matches_the_name(mw: SimpleNamespace) -> None:
    from wangge.mediation.services import mediator_declare_conflict

    mediator_declare_conflict(actor=mw.community_staff, mediator=mw.mediator2, person_name="钱小红", relation="同事")
    d = at_state(mw, S.ACCEPTED)
    with pytest.raises(ValidationFailed):
        step(mw, d, "assign", hours=3, track="people", organisation=mw.committee.pk, mediator=mw.mediator2.pk)


def test_an_organisation_must_mediate_on_the_track_asked(mw: SimpleNamespace) -> None:
    d = at_state(mw, S.ACCEPTED)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "assign", hours=3, track="judicial", organisation=mw.committee.pk, mediator=mw.mediator.pk)
    assert refused.value.code == "track_mismatch"
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "assign", hours=3, track="people", organisation=mw.committee.pk, mediator=mw.judge_mediator.pk)
    assert refused.value.code == "invalid_mediator"


def test_failed_people_mediation_referred_to_the_court_keeps_one_history(mw: SimpleNamespace) -> None:
    d = mediating(mw)
    step(mw, d, "fail", hours=3, note="双方分歧大")
    step(mw, d, "refer", hours=4, referral="judicial", organisation=mw.court.pk, mediator=mw.judge_mediator.pk)
    d = step(mw, d, "agree", hours=5, agreement_kind="written", terms="赔偿 3000 元，分两期支付")
    assert Dispute.objects.count() == 1
    tracks = list(d.stints.order_by("started_at").values_list("track", "outcome"))
    assert tracks == [("people", "failed"), ("judicial", "written")]
    actions = list(d.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["register", "accept", "assign", "fail", "refer", "agree"]
    assert d.track == "judicial" and d.organisation == mw.court and d.status == S.RESOLVED


def test_escalation_and_supervision_of_a_high_risk_dispute(mw: SimpleNamespace) -> None:
    d = at_state(mw, HIGH)
    assert d.risk_level == RiskLevel.HIGH
    assert "escalate" in {t.name for t in available(mw.grid_leader, d)}
    d = step(mw, d, "escalate", who="grid_leader", hours=3, note="扬言报复")
    d = step(mw, d, "supervise", who="dispatcher", hours=4, note="限期化解")
    assert d.escalated_at == at(3) and d.supervised and d.supervised_at == at(4)
    with pytest.raises(InvalidTransition):
        step(mw, d, "supervise", who="leader", hours=5, note="再次督办")


def test_follow_up_closes_and_records_performance(mw: SimpleNamespace) -> None:
    d = at_state(mw, S.RESOLVED)
    d = step(mw, d, "follow_up", hours=8, performed=False, note="尚未支付")
    assert d.status == S.CLOSED and d.performed is False and d.followed_up_at == at(8)


def test_unknown_step(mw: SimpleNamespace) -> None:
    d = register(mw)
    with pytest.raises(ValidationFailed) as refused:
        step(mw, d, "teleport")
    assert refused.value.code == "unknown_transition"


def test_escalation_reaches_the_command_centre_and_supervision_the_mediation_staff(mw: SimpleNamespace) -> None:
    from wangge.notifications.models import Notification

    d = at_state(mw, HIGH)
    assert not Notification.objects.exists()
    step(mw, d, "escalate", who="grid_leader", hours=3, note="扬言报复")
    heard = Notification.objects.get()
    assert heard.recipient == mw.dispatcher and d.code in heard.subject and "上报指挥中心" in heard.subject
    assert heard.link == f"/mediation/disputes/{d.pk}/"
    step(mw, d, "supervise", who="dispatcher", hours=4, note="限期化解")
    staff = set(Notification.objects.exclude(pk=heard.pk).values_list("recipient__username", flat=True))
    assert staff == {"community_staff", "street_staff"}
    assert mw.other_staff.username not in staff
