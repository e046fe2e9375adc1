"""The 办件 ledger's services: receive, each step allowed and refused, the clock and the overdue sweep."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.hall.choices import ApplicationStatus
from wangge.hall.clock import due_at
from wangge.hall.errors import ErrorCode
from wangge.hall.models import Application, ApplicationEvent
from wangge.hall.services import application_receive, application_transition, applications_mark_overdue
from wangge.hall.tests.conftest import SYSTEM, local
from wangge.hall.tests.factories import WindowFactory

ID_NUMBER = "11010519491231002X"

pytestmark = pytest.mark.django_db


def receive(w: SimpleNamespace, **kwargs: object) -> Application:
    values: dict[str, object] = {
        "actor": w.staff,
        "item": w.item,
        "hall": w.hall,
        "window": w.window,
        "applicant_name": "王秀兰",
        "applicant_id_number": ID_NUMBER,
        "applicant_phone": "13812345678",
        "now": local(2026, 3, 2, 10, 0),  # a Monday
    }
    values.update(kwargs)
    return application_receive(**values)  # type: ignore[arg-type]


def test_receiving_records_the_application_with_its_clock_and_first_contact(world: SimpleNamespace) -> None:
    a = receive(world)

    a.refresh_from_db()
    assert a.status == ApplicationStatus.RECEIVED
    assert a.code == "BJ2026030200001"
    assert a.first_contact == world.staff and a.staff == world.staff
    assert a.department == world.dept and a.promised_days == 5 and a.legal_days == 20
    assert a.due_at == due_at(local(2026, 3, 2, 10, 0), 5)
    assert a.applicant_id_number == ID_NUMBER and a.applicant_id_index
    assert list(a.events.values_list("transition", flat=True)) == ["receive"]
    assert AuditEntry.objects.filter(action="hall.receive", object_id=str(a.pk)).exists()


def test_the_next_code_of_a_day_follows_the_last(world: SimpleNamespace) -> None:
    receive(world)

    second = receive(world, applicant_name="李建国")

    assert second.code == "BJ2026030200002"


def test_a_staff_member_of_another_territory_cannot_receive_at_the_hall(world: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        receive(world, actor=world.street_staff)

    assert not Application.objects.exists()


def test_a_role_without_reception_cannot_receive(world: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied) as err:
        receive(world, actor=world.leader)

    assert err.value.code == ErrorCode.NOT_HALL_STAFF
    assert not Application.objects.exists()


def test_a_bad_id_number_and_a_window_of_another_hall_are_refused_together(world: SimpleNamespace) -> None:
    elsewhere = WindowFactory.create(hall=world.street_hall, number="09")

    with pytest.raises(ValidationFailed) as err:
        receive(world, applicant_id_number="110105194912310021", window=elsewhere)

    assert {d["field"] for d in err.value.details} == {"applicant_id_number", "window"}
    assert not Application.objects.exists()


def test_accepting_restarts_the_clock_from_acceptance(world: SimpleNamespace) -> None:
    a = receive(world)

    a = application_transition(actor=world.staff, application=a, name="accept", now=local(2026, 3, 3, 9, 30))

    assert a.status == ApplicationStatus.ACCEPTED
    assert a.accepted_at == local(2026, 3, 3, 9, 30)
    assert a.due_at == due_at(local(2026, 3, 3, 9, 30), 5)
    assert "since_received" in a.events.order_by("id").last().data  # type: ignore[union-attr]


def test_a_one_time_notice_lists_every_missing_material_once(world: SimpleNamespace) -> None:
    a = receive(world)

    a = application_transition(
        actor=world.staff, application=a, name="request_supplement", missing="居民身份证\n申请表\n居民身份证"
    )

    assert a.status == ApplicationStatus.SUPPLEMENT
    assert a.missing_materials == ["居民身份证", "申请表"]
    assert "1. 居民身份证（原件 1 份，复印件 1 份）" in a.notice
    assert "2. 申请表" in a.notice


def test_a_notice_without_materials_is_refused_and_changes_nothing(world: SimpleNamespace) -> None:
    a = receive(world)

    with pytest.raises(ValidationFailed):
        application_transition(actor=world.staff, application=a, name="request_supplement", missing="")

    a.refresh_from_db()
    assert a.status == ApplicationStatus.RECEIVED and a.notice == ""
    assert a.events.count() == 1


def test_a_material_the_item_does_not_ask_for_or_has_waived_is_refused(world: SimpleNamespace) -> None:
    a = receive(world)

    with pytest.raises(ValidationFailed) as err:
        application_transition(
            actor=world.staff, application=a, name="request_supplement", missing=["户口簿复印件", "结婚证"]
        )

    assert err.value.code == ErrorCode.UNKNOWN_MATERIAL
    assert len(err.value.details) == 2
    a.refresh_from_db()
    assert a.status == ApplicationStatus.RECEIVED


def test_an_application_waiting_for_materials_is_accepted_once_they_come(world: SimpleNamespace) -> None:
    a = receive(world)
    application_transition(actor=world.staff, application=a, name="request_supplement", missing=["申请表"])

    a = application_transition(actor=world.staff, application=a, name="accept")

    assert a.status == ApplicationStatus.ACCEPTED


def test_rejecting_needs_a_reason_and_stops_the_clock(world: SimpleNamespace) -> None:
    a = receive(world)
    with pytest.raises(ValidationFailed):
        application_transition(actor=world.staff, application=a, name="reject")

    a = application_transition(
        actor=world.staff, application=a, name="reject", note="不符合受理条件", now=local(2026, 3, 2, 11, 0)
    )

    assert a.status == ApplicationStatus.REJECTED
    assert a.rejected_at == local(2026, 3, 2, 11, 0)
    assert a.elapsed_working_days is not None and not a.is_overdue


def test_the_department_handles_and_finishes_within_the_limit(world: SimpleNamespace) -> None:
    a = receive(world)
    application_transition(actor=world.staff, application=a, name="accept", now=local(2026, 3, 2, 10, 10))

    application_transition(actor=world.handler, application=a, name="handle", now=local(2026, 3, 3, 10, 10))
    a = application_transition(
        actor=world.handler, application=a, name="finish", result="准予办理", now=local(2026, 3, 4, 10, 10)
    )

    assert a.status == ApplicationStatus.FINISHED
    assert a.finished_at == local(2026, 3, 4, 10, 10)
    assert a.elapsed_working_days == Decimal("2.00")
    assert not a.is_overdue and a.result == "准予办理"
    assert list(a.events.values_list("transition", flat=True)) == ["receive", "accept", "handle", "finish"]


def test_finishing_after_the_due_instant_is_overdue(world: SimpleNamespace) -> None:
    a = receive(world)
    application_transition(actor=world.staff, application=a, name="accept", now=local(2026, 3, 2, 10, 10))

    a = application_transition(actor=world.staff, application=a, name="finish", now=local(2026, 3, 20, 10, 0))

    assert a.is_overdue


def test_an_immediate_item_is_due_the_same_office_day(world: SimpleNamespace) -> None:
    a = receive(world, item=world.immediate)

    assert a.due_at is not None and a.due_at.date() == local(2026, 3, 2, 10, 0).date()
    assert a.due_at > local(2026, 3, 2, 10, 0)


def test_another_department_cannot_take_a_step(world: SimpleNamespace) -> None:
    a = receive(world)

    with pytest.raises(NotFound):
        application_transition(actor=world.other_handler, application=a, name="accept")

    a.refresh_from_db()
    assert a.status == ApplicationStatus.RECEIVED


def test_a_viewer_without_a_receiving_role_cannot_take_a_step(world: SimpleNamespace) -> None:
    a = receive(world)

    with pytest.raises(PermissionDenied):
        application_transition(actor=world.leader, application=a, name="accept")

    a.refresh_from_db()
    assert a.status == ApplicationStatus.RECEIVED and a.events.count() == 1


def test_a_step_from_the_wrong_status_is_refused(world: SimpleNamespace) -> None:
    a = receive(world)

    with pytest.raises(InvalidTransition):
        application_transition(actor=world.staff, application=a, name="finish")

    a.refresh_from_db()
    assert a.status == ApplicationStatus.RECEIVED


def test_an_unknown_step_is_refused(world: SimpleNamespace) -> None:
    a = receive(world)

    with pytest.raises(ValidationFailed) as err:
        application_transition(actor=world.staff, application=a, name="approve")

    assert err.value.code == ErrorCode.UNKNOWN_TRANSITION


def test_withdrawing_is_front_office_only(world: SimpleNamespace) -> None:
    a = receive(world)
    with pytest.raises(PermissionDenied):
        application_transition(actor=world.handler, application=a, name="withdraw", note="申请人撤回")

    a = application_transition(actor=world.staff, application=a, name="withdraw", note="申请人撤回")

    assert a.status == ApplicationStatus.WITHDRAWN


def test_the_overdue_sweep_flags_open_applications_once(world: SimpleNamespace) -> None:
    late = receive(world)
    application_transition(actor=world.staff, application=late, name="accept", now=local(2026, 3, 2, 10, 10))
    fresh = receive(world, now=local(2026, 3, 16, 10, 0))

    first = applications_mark_overdue(actor=SYSTEM, now=local(2026, 3, 16, 12, 0))
    second = applications_mark_overdue(actor=SYSTEM, now=local(2026, 3, 16, 12, 0))

    late.refresh_from_db()
    fresh.refresh_from_db()
    assert (first, second) == (1, 0)
    assert late.is_overdue and not fresh.is_overdue


def test_every_step_writes_one_history_row(world: SimpleNamespace) -> None:
    a = receive(world)
    application_transition(actor=world.staff, application=a, name="accept")
    application_transition(actor=world.staff, application=a, name="finish")

    rows = list(ApplicationEvent.objects.filter(application=a).values_list("from_status", "to_status"))

    assert rows == [("", "received"), ("received", "accepted"), ("accepted", "finished")]
