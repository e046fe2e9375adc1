"""Every task step allowed, in the wrong state and by the wrong actor; a refused step changes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.workflow import InvalidTransition
from wangge.meetings.choices import TaskStatus
from wangge.meetings.errors import ErrorCode
from wangge.meetings.models import Task, TaskEvent, TaskPhoto
from wangge.meetings.workflow import TASK_WORKFLOW, available

from .conftest import one_task, step

pytestmark = pytest.mark.django_db
S = TaskStatus


def at_state(w: SimpleNamespace, state: str) -> Task:
    t = one_task(w)
    if state == S.ASSIGNED:
        return t
    if state in (S.RETURNED, S.CANCELLED):
        t = step(w, t, "return", "handler", note="不属于本单位职责")
        return t if state == S.RETURNED else step(w, t, "cancel", "dispatcher", 2, note="并入其他事项")
    step(w, t, "sign", "handler")
    if state == S.SIGNED:
        return Task.objects.get(pk=t.pk)
    step(w, t, "report", "handler", 2, result="已清运 3 车")
    if state == S.REPORTED:
        return Task.objects.get(pk=t.pk)
    return step(w, t, "close", "dispatcher", 3)


# step -> (state it is taken from, allowed actor, a wrong actor, payload, resulting status)
CASES: dict[str, tuple[str, str, str, dict[str, Any], str]] = {
    "sign": (S.ASSIGNED, "handler", "handler2", {}, S.SIGNED),
    "return": (S.ASSIGNED, "handler", "dispatcher", {"note": "非本单位职责"}, S.RETURNED),
    "progress": (S.SIGNED, "handler", "street_staff", {"note": "已清运一半"}, S.SIGNED),
    "report": (S.SIGNED, "handler", "handler2", {"result": "已全部清运"}, S.REPORTED),
    "close": (S.REPORTED, "dispatcher", "handler", {}, S.CLOSED),
    "reject": (S.REPORTED, "dispatcher", "street_staff", {"note": "仍有垃圾"}, S.SIGNED),
    "reassign": (S.RETURNED, "dispatcher", "handler", {"unit": "dept2"}, S.ASSIGNED),
    "cancel": (S.SIGNED, "dispatcher", "leader", {"note": "重复交办"}, S.CANCELLED),
}
WRONG_STATE: dict[str, str] = {
    "sign": S.SIGNED,
    "return": S.SIGNED,
    "progress": S.ASSIGNED,
    "report": S.REPORTED,
    "close": S.SIGNED,
    "reject": S.CLOSED,
    "reassign": S.ASSIGNED,
    "cancel": S.CLOSED,
}


def test_every_step_has_its_cases() -> None:
    assert set(CASES) == set(TASK_WORKFLOW.transitions) == set(WRONG_STATE)


def fingerprint(t: Task) -> tuple[Any, ...]:
    fresh = Task.objects.get(pk=t.pk)
    return (
        fresh.status,
        fresh.unit_id,
        fresh.deadline,
        fresh.signed_at,
        fresh.reported_at,
        fresh.closed_at,
        fresh.result,
        TaskEvent.objects.filter(task=t).count(),
        TaskPhoto.objects.filter(task=t).count(),
    )


def _payload(w: SimpleNamespace, p: dict[str, Any]) -> dict[str, Any]:
    return {k: (getattr(w, v).pk if k == "unit" else v) for k, v in p.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_allowed(mt: SimpleNamespace, name: str) -> None:
    state, who, _wrong, payload, result = CASES[name]
    t = at_state(mt, state)
    done = step(mt, t, name, who, 5, **_payload(mt, payload))
    assert done.status == result
    assert TaskEvent.objects.filter(task=t, action=name).count() == 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_state_changes_nothing(mt: SimpleNamespace, name: str) -> None:
    _state, who, _wrong, payload, _result = CASES[name]
    t = at_state(mt, WRONG_STATE[name])
    before = fingerprint(t)
    with pytest.raises(InvalidTransition):
        step(mt, t, name, who, 5, **_payload(mt, payload))
    assert fingerprint(t) == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_actor_changes_nothing(mt: SimpleNamespace, name: str) -> None:
    state, _who, wrong, payload, _result = CASES[name]
    t = at_state(mt, state)
    before = fingerprint(t)
    with pytest.raises((PermissionDenied, NotFound)):
        step(mt, t, name, wrong, 5, **_payload(mt, payload))
    assert fingerprint(t) == before


def test_a_stranger_sees_no_task(mt: SimpleNamespace) -> None:
    t = one_task(mt)
    with pytest.raises(NotFound):
        step(mt, t, "sign", "stranger")
    with pytest.raises(NotFound):
        step(mt, t, "sign", "handler2")  # another department's handler: out of its scope


def test_a_street_offices_task_is_signed_by_the_streets_staff(mt: SimpleNamespace) -> None:
    t = one_task(mt, unit=mt.office)
    assert [x.name for x in available(mt.street_staff, t)] == ["sign", "return"]
    with pytest.raises((PermissionDenied, NotFound)):
        step(mt, t, "sign", "street2_staff")
    assert step(mt, t, "sign", "street_staff").status == S.SIGNED


def test_the_reporter_does_not_close_their_own_report(mt: SimpleNamespace) -> None:
    m_task = one_task(mt, unit=mt.office)
    step(mt, m_task, "sign", "street_staff")
    step(mt, m_task, "report", "street_staff", 2, result="已办结")
    before = fingerprint(m_task)
    # street staff do not coordinate the district meeting: refused by who acts
    with pytest.raises(PermissionDenied):
        step(mt, m_task, "close", "street_staff", 3)
    assert fingerprint(m_task) == before
    # a dispatcher who is also a member of the department reports its task: a colleague closes it
    mt.dispatcher.unit = mt.dept
    mt.dispatcher.save()
    t = one_task(mt)
    from wangge.accounts.selectors import forget_scope

    forget_scope(mt.dispatcher)
    step(mt, t, "sign", "dispatcher")
    step(mt, t, "report", "dispatcher", 2, result="已清运")
    before = fingerprint(t)
    with pytest.raises(InvalidTransition) as exc:
        step(mt, t, "close", "dispatcher", 3)
    assert exc.value.code == ErrorCode.SELF_CLOSURE and fingerprint(t) == before
    assert step(mt, t, "close", "dispatcher2", 3).status == S.CLOSED


def test_required_inputs_and_reassign_rules(mt: SimpleNamespace) -> None:
    t = at_state(mt, S.ASSIGNED)
    before = fingerprint(t)
    with pytest.raises(ValidationFailed):
        step(mt, t, "return", "handler")  # no reason
    assert fingerprint(t) == before
    step(mt, t, "return", "handler", note="非本单位职责")
    with pytest.raises(ValidationFailed) as exc:
        step(mt, t, "reassign", "dispatcher", 2, unit=mt.dept.pk)
    assert exc.value.code == ErrorCode.SAME_UNIT
    done = step(mt, t, "reassign", "dispatcher", 2, unit=mt.dept2.pk, deadline="2025-06-12")
    assert done.unit_id == mt.dept2.pk and done.deadline == dt.date(2025, 6, 12) and done.return_reason == ""
    assert [x.name for x in available(mt.handler2, done)] == ["sign", "return"]


def _png() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, "PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_progress_with_photos_goes_through_the_sanitiser(mt: SimpleNamespace, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    t = at_state(mt, S.SIGNED)
    step(mt, t, "progress", "handler", 2, note="已清运一半", photos=[_png()])
    photo = TaskPhoto.objects.get(task=t)
    assert photo.event is not None and photo.event.action == "progress" and photo.content_type == "image/png"
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = fingerprint(t)
    with pytest.raises(ValidationFailed):
        step(mt, t, "progress", "handler", 3, note="x", photos=[SimpleUploadedFile("a.png", b"<html>", "image/png")])
    assert fingerprint(t) == before
