"""Every transition allowed and forbidden; forbidden ones change nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.core.actors import CITIZEN, SYSTEM, CitizenActor, SystemActor
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.tests.images import PNG
from wangge.notifications.models import Notification
from wangge.workorders.choices import Relation, Status
from wangge.workorders.models import Attachment, Event, StepClock, WorkOrder
from wangge.workorders.services import InvalidTransition
from wangge.workorders.workflow import TRANSITIONS, available

from .conftest import act, local, new_case, to_closed

T0 = local(2025, 6, 3, 9, 0)  # a Tuesday
EXTENSION_PENDING = "handling+extension"  # 办理中 with a 延期 request awaiting approval
CONSULTATION = "registered+consult"  # 待派遣, a 咨询 (what 直接答复 answers)
CONVERTED = "handling+dispute"  # 办理中, with the dispute filed from it (what 转调解 closes)


def photo(name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def at_state(w: SimpleNamespace, status: str) -> WorkOrder:
    if status == CONSULTATION:
        return new_case(w, at=T0, appeal_type="consult")
    wo = new_case(w, at=T0)
    t = T0 + dt.timedelta(minutes=5)
    if status == Status.REGISTERED:
        return wo
    if status == Status.INVALID:
        return act(w, wo, "invalidate", "caller", t, note="测试电话")
    if status == Status.MERGED:
        parent = new_case(w, at=T0)
        return act(w, wo, "merge", "caller", t, parent=parent)
    act(w, wo, "dispatch", "dispatcher", t, unit=w.dept)
    if status == Status.DISPATCHED:
        return WorkOrder.objects.get(pk=wo.pk)
    if status == Status.RETURNED:
        return act(w, wo, "return", "handler", t, note="不属于本单位职责")
    act(w, wo, "accept", "handler", t)
    if status == Status.HANDLING:
        return WorkOrder.objects.get(pk=wo.pk)
    if status == Status.SUSPENDED:
        return act(w, wo, "suspend", "handler", t, note="等待产权单位确认")
    if status == CONVERTED:
        from wangge.mediation.models import Dispute, DisputeType

        kind = DisputeType.objects.get(key="neighbour")
        Dispute.objects.create(
            code="TJ202506030001", title=wo.title, source="hotline", cause_class="citizen", type=kind,
            grid=w.grid1, found_at=T0, work_order=wo,
        )  # fmt: skip
        return WorkOrder.objects.get(pk=wo.pk)
    if status == EXTENSION_PENDING:
        return act(w, wo, "request_extension", "handler", t, amount=3, unit_of_time="working_days", note="需采购材料")
    act(w, wo, "reply", "handler", t, text="已处理", result="resolved")
    if status == Status.REPLIED:
        return WorkOrder.objects.get(pk=wo.pk)
    act(w, wo, "verify_pass", "inspector", t)
    if status == Status.CALLBACK:
        return WorkOrder.objects.get(pk=wo.pk)
    act(w, wo, "callback", "caller", t, rating=1, resolved=False)
    if status == Status.TO_CLOSE:
        return WorkOrder.objects.get(pk=wo.pk)
    return act(w, wo, "close", "dispatcher", t)


def fingerprint(wo: WorkOrder) -> tuple[Any, ...]:
    """Everything a transition could touch: the case, its clocks, events, files, other cases, messages."""
    fresh = WorkOrder.objects.get(pk=wo.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.due_at,
        fresh.step_due_at,
        fresh.step_warn_at,
        fresh.assigned_unit_id,
        fresh.assignee_id,
        fresh.parent_id,
        fresh.relation,
        fresh.supervision,
        fresh.extension_pending,
        fresh.paused_at,
        fresh.reply_text,
        fresh.rating,
        fresh.resolved,
        fresh.closed_at,
        fresh.invalid_reason,
        fresh.rework_count,
        fresh.return_count,
        fresh.extension_count,
        fresh.reopen_count,
        list(StepClock.objects.filter(work_order=fresh).values_list("step", "due_at", "ended_at", "on_time")),
        Event.objects.filter(work_order=fresh).count(),
        Attachment.objects.count(),
        WorkOrder.objects.count(),
        Notification.objects.count(),
    )


# (transition, starting state, actor, payload, expected status after)
ALLOWED: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("dispatch", Status.REGISTERED, "dispatcher", {"unit": "dept"}, Status.DISPATCHED),
    ("dispatch", Status.RETURNED, "dispatcher", {"unit": "dept2"}, Status.DISPATCHED),
    ("redispatch", Status.DISPATCHED, "dispatcher", {"unit": "dept2", "note": "职责属生态环境"}, Status.DISPATCHED),
    ("recall", Status.DISPATCHED, "dispatcher", {"note": "派错单位"}, Status.REGISTERED),
    ("accept", Status.DISPATCHED, "handler", {}, Status.HANDLING),
    ("return", Status.DISPATCHED, "handler", {"note": "非本单位职责"}, Status.RETURNED),
    ("return", Status.HANDLING, "handler", {"note": "非本单位职责"}, Status.RETURNED),
    (
        "request_extension",
        Status.HANDLING,
        "handler",
        {"amount": 3, "unit_of_time": "working_days", "note": "需采购"},
        Status.HANDLING,
    ),
    ("suspend", Status.HANDLING, "handler", {"note": "等待鉴定"}, Status.SUSPENDED),
    ("resume", Status.SUSPENDED, "handler", {}, Status.HANDLING),
    ("reply", Status.HANDLING, "handler", {"text": "已处理", "result": "explained"}, Status.REPLIED),
    ("verify_pass", Status.REPLIED, "inspector", {}, Status.CALLBACK),
    ("verify_fail", Status.REPLIED, "worker", {"note": "现场仍有彩钢棚"}, Status.HANDLING),
    ("callback", Status.CALLBACK, "caller", {"rating": 4, "resolved": True}, Status.TO_CLOSE),
    ("close", Status.TO_CLOSE, "dispatcher", {}, Status.CLOSED),
    ("reopen", Status.TO_CLOSE, "dispatcher", {"note": "群众反映未解决"}, Status.HANDLING),
    ("reopen", Status.CLOSED, "dispatcher", {"note": "群众反映未解决"}, Status.HANDLING),
    ("merge", Status.REGISTERED, "caller", {"parent": "other"}, Status.MERGED),
    ("invalidate", Status.REGISTERED, "caller", {"note": "骚扰电话"}, Status.INVALID),
    ("supervise", Status.HANDLING, "leader", {"level": "yellow", "note": "群众反映强烈"}, Status.HANDLING),
    ("supervise", Status.DISPATCHED, "inspector", {"level": "red", "note": "超期未签收"}, Status.DISPATCHED),
    ("approve_extension", EXTENSION_PENDING, "dispatcher", {}, Status.HANDLING),
    ("reject_extension", EXTENSION_PENDING, "dispatcher", {"note": "时限内可完成"}, Status.HANDLING),
    ("resolve_on_site", Status.REGISTERED, "worker", {"text": "已清理", "photos": True}, Status.CLOSED),
    ("answer_direct", CONSULTATION, "caller", {"text": "请到社保网点办理"}, Status.CLOSED),
    ("refer_to_mediation", CONVERTED, "dispatcher", {"note": "邻里纠纷转人民调解"}, Status.CLOSED),
]


def _payload(w: SimpleNamespace, p: dict[str, Any]) -> dict[str, Any]:
    out = dict(p)
    if out.get("unit") in {"dept", "dept2"}:
        out["unit"] = getattr(w, out["unit"])
    if out.get("parent") == "other":
        out["parent"] = new_case(w, at=T0)
    if out.pop("photos", False):
        out["before_photos"], out["after_photos"] = [photo("b.png")], [photo("a.png")]
    return out


@pytest.mark.parametrize(("name", "state", "who", "payload", "after"), ALLOWED, ids=lambda v: str(v)[:20])
def test_allowed_transition(
    world: SimpleNamespace, settings: Any, name: str, state: str, who: str, payload: dict[str, Any], after: str
) -> None:
    settings.WANGGE_ONSITE_SAMPLE_RATE = 0.0  # the sampled path has its own tests
    wo = at_state(world, state)
    version, status = wo.version, wo.status
    result = act(world, wo, name, who, T0 + dt.timedelta(hours=1), **_payload(world, payload))
    assert result.status == after
    assert result.version == version + 1
    event = Event.objects.filter(work_order=wo).last()
    assert event is not None and event.name == name and event.from_status == status and event.to_status == after
    assert event.actor == getattr(world, who) and event.at == T0 + dt.timedelta(hours=1)


def test_every_transition_has_an_allowed_case() -> None:
    assert {a[0] for a in ALLOWED} == set(TRANSITIONS)


# The API contract, written out by hand: the states each transition starts from and the states it may end in
# (several: the handler decides, e.g. on to callback or straight to closing; a 督办 card keeps the status).
OPEN: set[Status] = {
    Status.REGISTERED,
    Status.RETURNED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.SUSPENDED,
    Status.REPLIED,
    Status.CALLBACK,
    Status.TO_CLOSE,
}
CONTRACT: dict[str, tuple[set[Status], set[Status]]] = {
    "dispatch": ({Status.REGISTERED, Status.RETURNED}, {Status.DISPATCHED}),
    "redispatch": ({Status.DISPATCHED}, {Status.DISPATCHED}),
    "recall": ({Status.DISPATCHED}, {Status.REGISTERED}),
    "accept": ({Status.DISPATCHED}, {Status.HANDLING}),
    "return": ({Status.DISPATCHED, Status.HANDLING}, {Status.RETURNED}),
    "request_extension": ({Status.HANDLING}, {Status.HANDLING}),
    "approve_extension": ({Status.HANDLING}, {Status.HANDLING}),
    "reject_extension": ({Status.HANDLING}, {Status.HANDLING}),
    "suspend": ({Status.HANDLING}, {Status.SUSPENDED}),
    "resume": ({Status.SUSPENDED}, {Status.HANDLING}),
    "reply": ({Status.HANDLING}, {Status.REPLIED}),
    "verify_pass": ({Status.REPLIED}, {Status.CALLBACK, Status.TO_CLOSE}),
    "verify_fail": ({Status.REPLIED}, {Status.HANDLING, Status.RETURNED}),
    "callback": ({Status.CALLBACK}, {Status.TO_CLOSE}),
    "close": ({Status.TO_CLOSE}, {Status.CLOSED}),
    "reopen": ({Status.TO_CLOSE, Status.CLOSED}, {Status.HANDLING, Status.REGISTERED}),
    "merge": ({Status.REGISTERED, Status.RETURNED, Status.DISPATCHED}, {Status.MERGED}),
    "invalidate": ({Status.REGISTERED, Status.RETURNED}, {Status.INVALID}),
    "supervise": (OPEN, OPEN),
    "resolve_on_site": ({Status.REGISTERED}, {Status.REPLIED, Status.CLOSED}),
    "answer_direct": ({Status.REGISTERED}, {Status.CLOSED}),
    "refer_to_mediation": (
        {Status.REGISTERED, Status.RETURNED, Status.DISPATCHED, Status.HANDLING, Status.SUSPENDED},
        {Status.CLOSED},
    ),
}


def test_the_table_is_the_published_contract() -> None:
    assert {name: (set(t.sources), set(t.targets)) for name, t in TRANSITIONS.items()} == CONTRACT


# Every (transition, state) pair the contract does not allow.
WRONG_STATES = [
    (name, state) for name, (sources, _) in sorted(CONTRACT.items()) for state in Status if state not in sources
]
ACTOR_FOR = {
    "dispatch": "dispatcher",
    "redispatch": "dispatcher",
    "recall": "dispatcher",
    "accept": "handler",
    "return": "handler",
    "request_extension": "handler",
    "approve_extension": "dispatcher",
    "reject_extension": "dispatcher",
    "suspend": "handler",
    "resume": "handler",
    "reply": "handler",
    "verify_pass": "inspector",
    "verify_fail": "inspector",
    "callback": "caller",
    "close": "dispatcher",
    "reopen": "dispatcher",
    "merge": "caller",
    "invalidate": "caller",
    "supervise": "leader",
    "resolve_on_site": "worker",
    "answer_direct": "caller",
    "refer_to_mediation": "dispatcher",
}
FULL_PAYLOAD = {
    "unit": "dept",
    "note": "说明",
    "amount": 2,
    "unit_of_time": "working_days",
    "text": "已处理",
    "result": "resolved",
    "rating": 5,
    "resolved": True,
    "parent": "other",
    "level": "yellow",
    "photos": True,
}


@pytest.mark.parametrize(("name", "state"), WRONG_STATES, ids=lambda v: str(v))
def test_transition_from_wrong_state_changes_nothing(world: SimpleNamespace, name: str, state: str) -> None:
    wo = at_state(world, state)
    who = getattr(world, ACTOR_FOR[name])
    payload = _payload(world, FULL_PAYLOAD)
    before = fingerprint(wo)
    # A unit sees only what is dispatched to it now: elsewhere the case is simply not there for it.
    visible: bool = WorkOrder.objects.restrict(who).filter(pk=wo.pk).exists()
    error: type[Exception] = InvalidTransition if visible else NotFound
    with pytest.raises(error):
        act(world, wo, name, ACTOR_FOR[name], T0 + dt.timedelta(hours=1), **payload)
    assert fingerprint(wo) == before


# (transition, state, a user who may not take it, expected error)
WRONG_ACTOR = [
    ("dispatch", Status.REGISTERED, "handler", NotFound),  # a unit sees only what was dispatched to it
    ("dispatch", Status.REGISTERED, "worker", PermissionDenied),
    ("accept", Status.DISPATCHED, "other_handler", NotFound),
    ("redispatch", Status.DISPATCHED, "handler", PermissionDenied),  # a unit returns, it does not redirect
    ("redispatch", Status.DISPATCHED, "stranger", NotFound),
    ("recall", Status.DISPATCHED, "handler", PermissionDenied),
    ("recall", Status.DISPATCHED, "inspector", PermissionDenied),
    ("accept", Status.DISPATCHED, "dispatcher", PermissionDenied),
    ("reply", Status.HANDLING, "worker", PermissionDenied),
    ("verify_pass", Status.REPLIED, "handler", PermissionDenied),
    ("verify_pass", Status.REPLIED, "other_worker", NotFound),
    ("callback", Status.CALLBACK, "handler", PermissionDenied),
    ("close", Status.TO_CLOSE, "caller", PermissionDenied),
    ("close", Status.TO_CLOSE, "stranger", NotFound),
    ("supervise", Status.HANDLING, "worker", PermissionDenied),
    ("invalidate", Status.REGISTERED, "leader", PermissionDenied),
    ("dispatch", Status.REGISTERED, "stranger", NotFound),
    ("accept", Status.DISPATCHED, "worker", PermissionDenied),
    ("return", Status.HANDLING, "other_handler", NotFound),
    ("return", Status.DISPATCHED, "dispatcher", PermissionDenied),
    ("request_extension", Status.HANDLING, "dispatcher", PermissionDenied),
    ("approve_extension", EXTENSION_PENDING, "handler", PermissionDenied),  # a unit never approves its own
    ("reject_extension", EXTENSION_PENDING, "worker", PermissionDenied),
    ("suspend", Status.HANDLING, "inspector", PermissionDenied),
    ("resume", Status.SUSPENDED, "other_handler", NotFound),
    ("reply", Status.HANDLING, "other_handler", NotFound),
    ("verify_fail", Status.REPLIED, "handler", PermissionDenied),  # nor checks its own reply
    ("callback", Status.CALLBACK, "worker", PermissionDenied),
    ("reopen", Status.CLOSED, "handler", PermissionDenied),
    ("merge", Status.REGISTERED, "worker", PermissionDenied),
    ("merge", Status.REGISTERED, "stranger", NotFound),
    ("resolve_on_site", Status.REGISTERED, "dispatcher", PermissionDenied),
    ("resolve_on_site", Status.REGISTERED, "other_worker", NotFound),
    ("answer_direct", CONSULTATION, "worker", PermissionDenied),
    ("answer_direct", CONSULTATION, "stranger", NotFound),
    ("answer_direct", Status.REGISTERED, "caller", InvalidTransition),  # a 投诉 is not answered on the spot
    ("refer_to_mediation", CONVERTED, "handler", PermissionDenied),  # the unit hands back, it does not convert
    ("refer_to_mediation", CONVERTED, "caller", PermissionDenied),
    ("refer_to_mediation", Status.HANDLING, "dispatcher", InvalidTransition),  # only with the dispute filed from it
]


def test_every_transition_has_a_wrong_actor_case() -> None:
    assert {a[0] for a in WRONG_ACTOR} == set(TRANSITIONS)


@pytest.mark.parametrize(("name", "state", "who", "error"), WRONG_ACTOR, ids=lambda v: str(v)[:20])
def test_transition_by_wrong_actor_changes_nothing(
    world: SimpleNamespace, name: str, state: str, who: str, error: type[Exception]
) -> None:
    wo = at_state(world, state)
    payload = _payload(world, FULL_PAYLOAD)
    before = fingerprint(wo)
    with pytest.raises(error):
        act(world, wo, name, who, T0 + dt.timedelta(hours=1), **payload)
    assert fingerprint(wo) == before


def test_missing_payload_is_rejected_and_changes_nothing(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.HANDLING)
    before = fingerprint(wo)
    with pytest.raises(ValidationFailed) as err:
        act(world, wo, "reply", "handler", T0 + dt.timedelta(hours=1), text="")
    assert {d["field"] for d in err.value.details} == {"text", "result"}
    assert fingerprint(wo) == before


def test_full_loop_records_every_step(world: SimpleNamespace) -> None:
    wo = to_closed(world, new_case(world, at=T0), T0 + dt.timedelta(minutes=30))
    assert wo.status == Status.CLOSED
    assert wo.accepted_on_time is True and wo.handled_on_time is True
    assert wo.rating == 5 and wo.resolved is True
    names = list(Event.objects.filter(work_order=wo).values_list("name", flat=True))
    assert names == ["create", "dispatch", "accept", "reply", "verify_pass", "callback", "close"]


def test_extension_approved_moves_the_deadline(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.HANDLING)
    due = wo.due_at
    act(
        world,
        wo,
        "request_extension",
        "handler",
        T0 + dt.timedelta(hours=1),
        amount=3,
        unit_of_time="working_days",
        note="需采购材料",
    )
    with pytest.raises(InvalidTransition):  # one request at a time
        act(
            world,
            wo,
            "request_extension",
            "handler",
            T0 + dt.timedelta(hours=1),
            amount=1,
            unit_of_time="working_days",
            note="再延",
        )
    wo = act(world, wo, "approve_extension", "dispatcher", T0 + dt.timedelta(hours=2))
    assert wo.extension_count == 1 and wo.extension_pending is None
    assert wo.due_at is not None and due is not None and wo.due_at > due
    assert wo.step_due_at == wo.due_at


def test_extension_rejected_keeps_the_deadline(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.HANDLING)
    due = wo.due_at
    act(
        world,
        wo,
        "request_extension",
        "handler",
        T0 + dt.timedelta(hours=1),
        amount=3,
        unit_of_time="working_days",
        note="需采购材料",
    )
    wo = act(world, wo, "reject_extension", "dispatcher", T0 + dt.timedelta(hours=2), note="时限内可完成")
    assert wo.due_at == due and wo.extension_count == 0 and wo.extension_pending is None


def test_return_then_redispatch_counts_the_return(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.RETURNED)
    assert wo.return_count == 1 and wo.assigned_unit is None
    wo = act(world, wo, "dispatch", "dispatcher", T0 + dt.timedelta(hours=1), unit=world.dept2)
    assert wo.assigned_unit == world.dept2 and wo.status == Status.DISPATCHED


def test_verify_fail_is_rework(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.REPLIED)
    wo = act(world, wo, "verify_fail", "inspector", T0 + dt.timedelta(hours=1), note="未整改到位")
    assert wo.rework_count == 1 and wo.status == Status.HANDLING and wo.replied_at is None


def test_bad_rating_opens_a_rectification_case(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.CALLBACK)
    wo = act(world, wo, "callback", "caller", T0 + dt.timedelta(hours=1), rating=2, resolved=False, note="态度差")
    child = WorkOrder.objects.get(parent=wo, relation=Relation.RECTIFICATION)
    assert child.status == Status.DISPATCHED and child.assigned_unit == world.dept
    assert child.due_at is not None and child.due_at > T0 + dt.timedelta(days=15)


def test_reopen_is_refused_after_a_good_callback(world: SimpleNamespace) -> None:
    wo = to_closed(world, new_case(world, at=T0), T0, rating=5, resolved=True)
    before = fingerprint(wo)
    with pytest.raises(InvalidTransition):
        act(world, wo, "reopen", "dispatcher", T0 + dt.timedelta(days=1), note="再办")
    assert fingerprint(wo) == before


def test_reopen_after_failed_callback_counts(world: SimpleNamespace) -> None:
    wo = to_closed(world, new_case(world, at=T0), T0, rating=3, resolved=False)
    wo = act(world, wo, "reopen", "dispatcher", T0 + dt.timedelta(days=1), note="群众反映未解决")
    assert wo.reopen_count == 1 and wo.status == Status.HANDLING and wo.closed_at is None


def test_merged_children_follow_the_parent(world: SimpleNamespace) -> None:
    parent = new_case(world, at=T0)
    child = new_case(world, at=T0)
    act(world, child, "merge", "caller", T0 + dt.timedelta(minutes=1), parent=parent)
    to_closed(world, parent, T0 + dt.timedelta(minutes=2))
    child.refresh_from_db()
    assert child.status == Status.MERGED and child.parent == parent and child.closed_at is not None
    assert Event.objects.filter(work_order=child, name="follow_parent").count() == 1


def test_merge_into_a_closed_case_is_refused(world: SimpleNamespace) -> None:
    parent = to_closed(world, new_case(world, at=T0), T0)
    child = new_case(world, at=T0)
    before = fingerprint(child)
    with pytest.raises(InvalidTransition):
        act(world, child, "merge", "caller", T0 + dt.timedelta(days=1), parent=parent)
    assert fingerprint(child) == before


def test_red_card_cannot_be_downgraded(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.HANDLING)
    act(world, wo, "supervise", "leader", T0 + dt.timedelta(hours=1), level="red", note="超期")
    before = fingerprint(wo)
    with pytest.raises(InvalidTransition):
        act(world, wo, "supervise", "inspector", T0 + dt.timedelta(hours=2), level="yellow", note="降级")
    assert fingerprint(wo) == before


def test_resolve_on_site_needs_before_and_after_photos(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0, actor=world.worker, channel="patrol", reporter_phone="")
    before = fingerprint(wo)
    with pytest.raises(ValidationFailed):
        act(
            world,
            wo,
            "resolve_on_site",
            "worker",
            T0 + dt.timedelta(minutes=20),
            text="已清理",
            before_photos=[photo()],
        )
    assert fingerprint(wo) == before
    wo = act(
        world,
        wo,
        "resolve_on_site",
        "worker",
        T0 + dt.timedelta(minutes=20),
        text="已清理",
        before_photos=[photo("b.png")],
        after_photos=[photo("a.png")],
    )
    assert wo.status in {Status.CLOSED, Status.REPLIED}
    assert wo.status == (Status.REPLIED if wo.sampled_for_verification else Status.CLOSED)
    assert wo.attachments.filter(kind="before").count() == 1 and wo.attachments.filter(kind="after").count() == 1


def test_resolve_on_site_by_another_grid_worker_is_not_found(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0, actor=world.worker, channel="patrol")
    with pytest.raises(NotFound):
        act(
            world,
            wo,
            "resolve_on_site",
            "other_worker",
            T0,
            text="x",
            before_photos=[photo()],
            after_photos=[photo()],
        )


def test_approve_and_reject_extension_need_a_request(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.HANDLING)
    before = fingerprint(wo)
    for name in ("approve_extension", "reject_extension"):
        with pytest.raises(InvalidTransition):
            act(world, wo, name, "dispatcher", T0 + dt.timedelta(hours=1), note="x")
    assert fingerprint(wo) == before


def test_stale_version_is_a_conflict_and_changes_nothing(world: SimpleNamespace) -> None:
    from wangge.workorders.services import work_order_transition

    wo = at_state(world, Status.DISPATCHED)
    stale = wo.version
    act(world, wo, "accept", "handler", T0 + dt.timedelta(hours=1))
    before = fingerprint(wo)
    with pytest.raises(Conflict):
        work_order_transition(
            actor=world.handler,
            work_order_id=wo.pk,
            name="return",
            expected_version=stale,
            note="x",
            now=T0 + dt.timedelta(hours=1),
        )
    assert fingerprint(wo) == before


def test_second_of_two_simultaneous_accepts_is_refused(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.DISPATCHED)
    act(world, wo, "accept", "handler", T0 + dt.timedelta(hours=1))
    before = fingerprint(wo)
    with pytest.raises(InvalidTransition) as err:
        act(world, wo, "accept", "handler", T0 + dt.timedelta(hours=1))
    assert err.value.http_status == 409
    assert fingerprint(wo) == before


def test_citizen_rates_with_the_tracking_code_only(world: SimpleNamespace) -> None:
    from wangge.workorders.services import work_order_transition

    wo = at_state(world, Status.CALLBACK)
    with pytest.raises(NotFound):
        work_order_transition(
            actor=CitizenActor("WRONG"), work_order_id=wo.pk, name="callback", rating=5, resolved=True
        )
    with pytest.raises(NotFound):
        work_order_transition(actor=CITIZEN, work_order_id=wo.pk, name="callback", rating=5, resolved=True)
    citizen = CitizenActor(tracking_code=wo.tracking_code)
    wo = work_order_transition(actor=citizen, work_order_id=wo.pk, name="callback", rating=5, resolved=True)
    assert wo.status == Status.TO_CLOSE and wo.rating == 5
    event = wo.events.last()
    assert event is not None and event.actor_label == "群众"
    with pytest.raises(PermissionDenied):
        work_order_transition(actor=citizen, work_order_id=wo.pk, name="close")


def test_a_service_refuses_a_missing_actor(world: SimpleNamespace) -> None:
    from wangge.workorders.services import work_order_transition

    wo = at_state(world, Status.TO_CLOSE)
    with pytest.raises(TypeError):
        work_order_transition(actor=None, work_order_id=wo.pk, name="close")  # type: ignore[arg-type]  # the refusal of a missing actor at run time
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.TO_CLOSE


def test_the_system_may_take_any_step_and_is_named_in_the_history(world: SimpleNamespace) -> None:
    from wangge.workorders.services import work_order_transition

    wo = at_state(world, Status.TO_CLOSE)
    wo = work_order_transition(actor=SystemActor("运维"), work_order_id=wo.pk, name="close")
    event = wo.events.last()
    assert event is not None
    assert wo.status == Status.CLOSED and event.actor is None and event.actor_label == "系统（运维）"


def test_available_lists_only_what_the_user_may_do_now(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.DISPATCHED)
    assert {t.name for t in available(world.handler, wo)} == {"accept", "return"}
    assert {t.name for t in available(world.dispatcher, wo)} == {"merge", "supervise", "redispatch", "recall"}
    assert available(world.worker, wo) == []


def test_scope_paths_follow_a_renumbered_tree(world: SimpleNamespace) -> None:
    from wangge.territory.importing import territory_import_geojson
    from wangge.territory.models import Territory

    wo = new_case(world, at=T0)
    assert wo.scope_path == world.grid1.path
    # A new district whose code sorts first is inserted before the others and shifts their paths.
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "110101", "name": "东城区", "kind": "district"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1], [116.0, 39.0]]],
                },
            }
        ],
    }
    territory_import_geojson(actor=SYSTEM, data=data, crs="wgs84")
    grid = Territory.objects.get(pk=world.grid1.pk)
    wo.refresh_from_db()
    assert grid.path != world.grid1.path and wo.scope_path == grid.path
    assert WorkOrder.objects.restrict(world.worker).filter(pk=wo.pk).exists()


# --- 现场解决: before/after photos, then sampled verification by someone else -----------------------------


def _on_site(w: SimpleNamespace, settings: Any, rate: float) -> WorkOrder:
    settings.WANGGE_ONSITE_SAMPLE_RATE = rate
    wo = new_case(w, at=T0, actor=w.worker, channel="patrol", reporter_phone="", reporter_name="")
    return act(
        w,
        wo,
        "resolve_on_site",
        "worker",
        T0 + dt.timedelta(minutes=20),
        text="已清理",
        before_photos=[photo("b.png")],
        after_photos=[photo("a.png")],
    )


def test_an_unsampled_on_site_resolution_is_closed_at_once(world: SimpleNamespace, settings: Any) -> None:
    wo = _on_site(world, settings, 0.0)
    assert wo.status == Status.CLOSED and wo.sampled_for_verification is False
    assert wo.closed_at == T0 + dt.timedelta(minutes=20) and wo.handled_on_time is True
    assert wo.resolution_mode == "on_site" and wo.handling_seconds == 20 * 60
    assert [c.step for c in wo.clocks.all()] == ["dispatch"] and wo.clocks.get().on_time is True


def test_a_sampled_on_site_resolution_waits_for_a_check_by_someone_else(world: SimpleNamespace, settings: Any) -> None:
    wo = _on_site(world, settings, 1.0)
    assert wo.status == Status.REPLIED and wo.sampled_for_verification is True
    # the grid worker who solved it may not check it, and is not offered the button
    before = fingerprint(wo)
    with pytest.raises(InvalidTransition) as err:
        act(world, wo, "verify_pass", "worker", T0 + dt.timedelta(hours=1))
    assert err.value.code == "self_verification" and fingerprint(wo) == before
    assert not {"verify_pass", "verify_fail"} & {t.name for t in available(world.worker, wo)}
    # the inspector does; without a phone there is nobody to call back, so it waits for closing
    wo = act(world, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=1))
    assert wo.status == Status.TO_CLOSE
    assert act(world, wo, "close", "dispatcher", T0 + dt.timedelta(hours=2)).status == Status.CLOSED


def test_a_failed_on_site_check_sends_the_case_for_dispatch(world: SimpleNamespace, settings: Any) -> None:
    wo = _on_site(world, settings, 1.0)
    wo = act(world, wo, "verify_fail", "inspector", T0 + dt.timedelta(hours=1), note="垃圾仍未清走")
    assert wo.status == Status.RETURNED and wo.rework_count == 1 and wo.replied_at is None
    assert wo.clocks.filter(ended_at__isnull=True).get().step == "dispatch"
    wo = act(world, wo, "dispatch", "dispatcher", T0 + dt.timedelta(hours=2), unit=world.dept)
    assert wo.status == Status.DISPATCHED and wo.assigned_unit == world.dept


def test_on_site_sampling_takes_the_configured_share_and_is_stable(settings: Any) -> None:
    from wangge.workorders.services.handlers import _sampled

    settings.WANGGE_ONSITE_SAMPLE_RATE = 0.2
    cases = [WorkOrder(tracking_code=f"WG250603{i:06d}") for i in range(2000)]
    share = sum(_sampled(wo) for wo in cases) / len(cases)
    assert 0.17 < share < 0.23
    assert [_sampled(wo) for wo in cases[:50]] == [_sampled(wo) for wo in cases[:50]]


# --- 合并: the children follow the parent ------------------------------------------------------------------


def test_children_move_with_a_parent_merged_elsewhere(world: SimpleNamespace) -> None:
    top, middle, child = new_case(world, at=T0), new_case(world, at=T0), new_case(world, at=T0)
    act(world, child, "merge", "caller", T0 + dt.timedelta(minutes=1), parent=middle)
    act(world, middle, "merge", "caller", T0 + dt.timedelta(minutes=2), parent=top)
    child.refresh_from_db()
    assert child.parent == top and child.status == Status.MERGED
    event = Event.objects.filter(work_order=middle, name="merge").get()
    assert event.data["moved_children"] == [child.tracking_code]
    to_closed(world, top, T0 + dt.timedelta(minutes=3))
    assert WorkOrder.objects.filter(parent=top, closed_at__isnull=False).count() == 2


def test_children_open_again_when_the_parent_is_reopened(world: SimpleNamespace) -> None:
    parent, child = new_case(world, at=T0), new_case(world, at=T0)
    act(world, child, "merge", "caller", T0 + dt.timedelta(minutes=1), parent=parent)
    to_closed(world, parent, T0 + dt.timedelta(minutes=2), rating=2, resolved=False)
    child.refresh_from_db()
    assert child.closed_at is not None
    act(world, parent, "reopen", "dispatcher", T0 + dt.timedelta(days=1), note="群众反映未解决")
    child.refresh_from_db()
    assert child.closed_at is None and child.status == Status.MERGED
    follows = list(Event.objects.filter(work_order=child, name="follow_parent").values_list("data", flat=True))
    assert [d["parent_transition"] for d in follows] == ["close", "reopen"]


def test_children_are_closed_with_an_invalid_parent(world: SimpleNamespace) -> None:
    parent, child = new_case(world, at=T0), new_case(world, at=T0)
    act(world, child, "merge", "caller", T0 + dt.timedelta(minutes=1), parent=parent)
    act(world, parent, "invalidate", "caller", T0 + dt.timedelta(minutes=2), note="测试来电")
    child.refresh_from_db()
    assert child.closed_at == T0 + dt.timedelta(minutes=2)


def test_a_merge_into_itself_or_another_district_is_refused(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0)
    before = fingerprint(wo)
    with pytest.raises(ValidationFailed):
        act(world, wo, "merge", "caller", T0 + dt.timedelta(minutes=1), parent=wo.pk)
    assert fingerprint(wo) == before


# --- 差评: a rectification loop of its own ------------------------------------------------------------------


def test_a_bad_rating_is_rectified_within_the_configured_working_days(world: SimpleNamespace, settings: Any) -> None:
    from wangge.workcalendar import arithmetic

    settings.WANGGE_BAD_RATING_RECTIFY_DAYS = 5
    wo = at_state(world, Status.CALLBACK)
    rated_at = local(2025, 6, 3, 16, 0)
    act(world, wo, "callback", "caller", rated_at, rating=1, resolved=False, note="敷衍了事")
    child = WorkOrder.objects.get(parent=wo, relation=Relation.RECTIFICATION)
    # five working days after Tuesday June 3 2025 is Tuesday June 10, at the close of office hours
    assert child.due_at == local(2025, 6, 10, 18, 0) == arithmetic.add_working_days(rated_at, 5).value
    assert child.channel == "rating" and child.is_real_name == wo.is_real_name
    assert "非常不满意" in child.description and "敷衍了事" in child.description


def test_the_rectification_runs_its_own_loop_to_a_callback(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.CALLBACK)
    act(world, wo, "callback", "caller", T0 + dt.timedelta(hours=1), rating=2, resolved=False)
    child = WorkOrder.objects.get(parent=wo, relation=Relation.RECTIFICATION)
    due = child.due_at
    # the original case closes on its own; the rectification is handled, checked and called back
    assert act(world, wo, "close", "dispatcher", T0 + dt.timedelta(hours=2)).status == Status.CLOSED
    t = T0 + dt.timedelta(days=1)
    act(world, child, "accept", "handler", t)
    act(world, child, "reply", "handler", t + dt.timedelta(hours=1), text="已整改并向群众说明", result="resolved")
    child = act(world, child, "verify_pass", "inspector", t + dt.timedelta(hours=2))
    assert child.status == Status.CALLBACK and child.due_at == due and child.handled_on_time is True
    child = act(world, child, "callback", "caller", t + dt.timedelta(hours=3), rating=4, resolved=True)
    child = act(world, child, "close", "dispatcher", t + dt.timedelta(hours=4))
    assert child.status == Status.CLOSED
    assert not WorkOrder.objects.filter(parent=child).exists()  # a good rating opens nothing more


def test_a_rectification_keeps_its_limit_when_it_still_has_to_be_dispatched(
    world: SimpleNamespace, settings: Any
) -> None:
    # an on-site resolution has no unit: its rectification waits for dispatch, and keeps the 差评 limit
    settings.WANGGE_ONSITE_SAMPLE_RATE = 1.0
    wo = new_case(world, at=T0, actor=world.worker, channel="patrol")
    wo = act(
        world,
        wo,
        "resolve_on_site",
        "worker",
        T0 + dt.timedelta(minutes=20),
        text="已清理",
        before_photos=[photo("b.png")],
        after_photos=[photo("a.png")],
    )
    act(world, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=1))
    act(world, wo, "callback", "caller", T0 + dt.timedelta(hours=2), rating=1, resolved=False)
    child = WorkOrder.objects.get(parent=wo, relation=Relation.RECTIFICATION)
    assert child.status == Status.REGISTERED and child.due_at is not None
    due = child.due_at
    child = act(world, child, "dispatch", "dispatcher", T0 + dt.timedelta(days=2), unit=world.dept)
    assert child.due_at == due


def test_a_case_cannot_be_dispatched_to_another_districts_unit(world: SimpleNamespace) -> None:
    from wangge.accounts.choices import UnitKind
    from wangge.accounts.models import Unit

    elsewhere = Unit.objects.create(
        code="zh-cgj", name="湛河区城市管理局", kind=UnitKind.DEPARTMENT, territory=world.other_district
    )
    wo = new_case(world)
    before = (wo.status, wo.version, wo.events.count())

    with pytest.raises(ValidationFailed) as refused:
        act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10), unit=elsewhere)

    wo.refresh_from_db()
    assert refused.value.code == "unit_outside_district"
    assert (wo.status, wo.version, wo.events.count()) == before and wo.assigned_unit is None


def test_redispatch_moves_the_acceptance_clock_to_the_new_unit(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.DISPATCHED)
    later = T0 + dt.timedelta(hours=1)
    wo = act(world, wo, "redispatch", "dispatcher", later, unit=world.dept2, note="职责属生态环境")
    assert wo.status == Status.DISPATCHED and wo.assigned_unit == world.dept2
    assert wo.return_count == 0 and wo.dispatched_at == later and wo.accepted_on_time is None
    clocks = list(StepClock.objects.filter(work_order=wo, step="accept").order_by("id"))
    assert [c.ended_at for c in clocks] == [later, None] and clocks[1].started_at == later
    assert wo.step_started_at == later
    # The first unit no longer sees it; the new one accepts it.
    assert not WorkOrder.objects.restrict(world.handler).filter(pk=wo.pk).exists()
    assert act(world, wo, "accept", "other_handler", later + dt.timedelta(minutes=5)).status == Status.HANDLING


def test_redispatch_to_the_same_unit_is_refused_and_changes_nothing(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.DISPATCHED)
    before = fingerprint(wo)
    with pytest.raises(ValidationFailed):
        act(world, wo, "redispatch", "dispatcher", T0 + dt.timedelta(hours=1), unit=world.dept, note="再派")
    assert fingerprint(wo) == before


def test_recall_puts_the_case_back_in_the_dispatch_queue(world: SimpleNamespace) -> None:
    wo = at_state(world, Status.DISPATCHED)
    later = T0 + dt.timedelta(hours=1)
    wo = act(world, wo, "recall", "dispatcher", later, note="派错单位")
    assert wo.status == Status.REGISTERED and wo.assigned_unit is None and wo.dispatched_at is None
    assert wo.return_count == 0 and wo.due_at is None
    running = StepClock.objects.get(work_order=wo, ended_at__isnull=True)
    assert running.step == "dispatch" and running.started_at == later
    assert StepClock.objects.get(work_order=wo, step="accept").ended_at == later
    assert not WorkOrder.objects.restrict(world.handler).filter(pk=wo.pk).exists()
    wo = act(world, wo, "dispatch", "dispatcher", later + dt.timedelta(minutes=5), unit=world.dept2)
    assert wo.status == Status.DISPATCHED and wo.assigned_unit == world.dept2


@pytest.mark.parametrize(
    ("name", "payload"),
    [("reply", {"text": "已处理", "result": "resolved"}), ("return", {"note": "非本单位职责"})],
)
def test_a_pending_extension_ended_by_the_handling_stays_in_the_history(
    world: SimpleNamespace, name: str, payload: dict[str, Any]
) -> None:
    wo = at_state(world, EXTENSION_PENDING)
    request = dict(wo.extension_pending or {})
    wo = act(world, wo, name, "handler", T0 + dt.timedelta(hours=1), **payload)
    assert wo.extension_pending is None and wo.extension_count == 0
    names = list(Event.objects.filter(work_order=wo).order_by("id").values_list("name", flat=True))
    assert names[-2:] == ["extension_withdrawn", name]
    withdrawn = Event.objects.get(work_order=wo, name="extension_withdrawn")
    assert withdrawn.data["request"] == request and withdrawn.actor == world.handler and withdrawn.note
