"""The services of 预约与叫号, allowed and forbidden: booking within capacity, cancelling, numbering per group and
day, call-next (booked first, never the same ticket twice), recall, skip, transfer, finish, the tidal service."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from wangge.core.actors import CITIZEN, SYSTEM
from wangge.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from wangge.hall.models import Application
from wangge.notifications.models import Notification
from wangge.queueing.choices import AppointmentStatus, SwitchDirection, TicketStatus
from wangge.queueing.errors import ErrorCode
from wangge.queueing.models import Appointment, Slot, Ticket, TicketEvent, WindowGroup, WindowSwitch
from wangge.queueing.services import (
    appointment_book,
    appointment_cancel,
    group_save,
    slot_template_set,
    slots_generate,
    ticket_issue,
    tidal_evaluate,
    tidal_rule_save,
    window_call_next,
    window_finish,
    window_finish_receiving,
    window_recall,
    window_skip,
    window_start,
    window_transfer,
)
from wangge.queueing.tests.factories import SlotFactory, TidalRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle(settings: object) -> None:
    settings.WANGGE_QUEUE_TIDAL_SECONDS = 0  # type: ignore[attr-defined]
    cache.clear()


def test_a_booking_takes_a_place_and_a_cancel_gives_it_back(q: SimpleNamespace) -> None:
    slot = SlotFactory.create(group=q.a, capacity=1)
    a = appointment_book(actor=CITIZEN, slot=slot, name="张三", phone="138 0000 1234", item=q.item)
    assert len(a.code) == 8 and a.phone == "13800001234" and a.phone_index
    slot.refresh_from_db()
    assert slot.booked == 1
    with pytest.raises(ValidationFailed) as full:
        appointment_book(actor=CITIZEN, slot=slot, name="李四", phone="13900001234")
    assert full.value.code == ErrorCode.SLOT_FULL and Appointment.objects.count() == 1
    appointment_cancel(actor=CITIZEN, code=a.code.lower())
    slot.refresh_from_db()
    assert slot.booked == 0 and Appointment.objects.get().status == AppointmentStatus.CANCELLED
    with pytest.raises(ValidationFailed):
        appointment_cancel(actor=CITIZEN, code=a.code)


def test_a_booking_is_refused_for_a_bad_phone_a_past_slot_or_twice(q: SimpleNamespace) -> None:
    slot = SlotFactory.create(group=q.a, capacity=5)
    with pytest.raises(ValidationFailed):
        appointment_book(actor=CITIZEN, slot=slot, name="张三", phone="12345")
    past = SlotFactory.create(group=q.a, day=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(NotFound):
        appointment_book(actor=CITIZEN, slot=past, name="张三", phone="13800001234")
    appointment_book(actor=CITIZEN, slot=slot, name="张三", phone="13800001234")
    with pytest.raises(ValidationFailed) as twice:
        appointment_book(actor=CITIZEN, slot=slot, name="张三", phone="13800001234")
    assert twice.value.code == ErrorCode.ALREADY_BOOKED
    assert Slot.objects.get(pk=slot.pk).booked == 1 and Appointment.objects.count() == 1


def test_slots_come_from_the_template_on_working_days_only(q: SimpleNamespace) -> None:
    rows = [(d, dt.time(9), dt.time(10), 3) for d in range(7)]
    assert slot_template_set(actor=q.admin, group=q.a, rows=rows) == 7
    monday = dt.date(2026, 12, 7)
    made = slots_generate(actor=q.admin, hall=q.hall, start=monday, days=7)
    assert made == 5 and {s.day.weekday() for s in Slot.objects.all()} == {0, 1, 2, 3, 4}
    assert slots_generate(actor=q.admin, hall=q.hall, start=monday, days=7) == 0
    with pytest.raises(PermissionDenied):
        slots_generate(actor=q.staff, hall=q.hall, start=monday + dt.timedelta(days=7), days=7)
    assert Slot.objects.count() == 5


def test_groups_are_set_by_managers_with_a_unique_letter(q: SimpleNamespace) -> None:
    g = group_save(actor=q.admin, hall=q.hall, prefix="d", name="公积金", items=[q.item])
    assert g.prefix == "D" and list(g.items.all()) == [q.item]
    with pytest.raises(ValidationFailed):
        group_save(actor=q.admin, hall=q.hall, prefix="A", name="重复")
    with pytest.raises(PermissionDenied):
        group_save(actor=q.clerk, hall=q.hall, prefix="E", name="不许")
    assert not q.hall.pk or q.a.__class__.objects.filter(hall=q.hall).count() == 4


def test_tickets_are_numbered_per_group_and_day(q: SimpleNamespace) -> None:
    numbers = [ticket_issue(actor=CITIZEN, hall=q.hall, group=g).number for g in (q.a, q.a, q.b, q.a)]
    assert numbers == ["A001", "A002", "B001", "A003"]
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a, now=tomorrow).number == "A001"
    assert TicketEvent.objects.filter(action="issue").count() == 5


def test_a_booked_ticket_is_called_first(q: SimpleNamespace) -> None:
    slot = SlotFactory.create(group=q.a, day=timezone.localdate())
    booking = appointment_book(actor=CITIZEN, slot=slot, name="王五", phone="13700001234")
    walk_in = ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    booked = ticket_issue(actor=CITIZEN, hall=q.hall, appointment_code=booking.code)
    assert booked.is_booked and booked.group == q.a
    assert Appointment.objects.get(pk=booking.pk).status == AppointmentStatus.ARRIVED
    assert window_call_next(actor=q.clerk, window=q.w1).pk == booked.pk
    window_finish(actor=q.clerk, window=q.w1)
    assert window_call_next(actor=q.clerk, window=q.w1).pk == walk_in.pk
    with pytest.raises(ValidationFailed):
        ticket_issue(actor=CITIZEN, hall=q.hall, appointment_code=booking.code)


def test_two_windows_never_get_the_same_ticket(q: SimpleNamespace) -> None:
    WindowGroup.objects.create(window=q.w2, group=q.a)
    first = ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    second = ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    got = {window_call_next(actor=q.staff, window=q.w1).pk, window_call_next(actor=q.staff, window=q.w2).pk}
    assert got == {first.pk, second.pk}
    with pytest.raises(ValidationFailed) as none:
        window_call_next(actor=q.staff, window=q.w3)
    assert none.value.code == ErrorCode.NO_TICKET


def test_call_next_is_refused_to_strangers_and_while_busy(q: SimpleNamespace) -> None:
    t = ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    with pytest.raises(PermissionDenied):
        window_call_next(actor=q.stranger, window=q.w1)
    assert Ticket.objects.get(pk=t.pk).status == TicketStatus.WAITING
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    window_call_next(actor=q.clerk, window=q.w1)
    with pytest.raises(ValidationFailed) as busy:
        window_call_next(actor=q.clerk, window=q.w1)
    assert busy.value.code == ErrorCode.WINDOW_BUSY
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1


def test_recall_start_skip_and_finish(q: SimpleNamespace) -> None:
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    t = window_call_next(actor=q.clerk, window=q.w1)
    assert window_recall(actor=q.clerk, window=q.w1).calls == 2
    assert window_skip(actor=q.clerk, window=q.w1).status == TicketStatus.SKIPPED
    with pytest.raises(ValidationFailed):
        window_recall(actor=q.clerk, window=q.w1)
    t2 = window_call_next(actor=q.clerk, window=q.w1)
    assert t2.pk != t.pk
    assert window_start(actor=q.clerk, window=q.w1).status == TicketStatus.SERVING
    with pytest.raises(ValidationFailed):
        window_skip(actor=q.clerk, window=q.w1)
    done = window_finish(actor=q.clerk, window=q.w1)
    assert done.status == TicketStatus.DONE and done.finished_at is not None
    actions = list(TicketEvent.objects.filter(ticket=t2).values_list("action", flat=True))
    assert actions == ["issue", "call", "start", "finish"]


def test_a_transfer_keeps_the_ticket_s_place(q: SimpleNamespace) -> None:
    t = ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.b)
    window_call_next(actor=q.clerk, window=q.w1)
    with pytest.raises(ValidationFailed) as bad:
        window_transfer(actor=q.clerk, window=q.w1)
    assert bad.value.code == ErrorCode.INVALID_TRANSFER
    moved = window_transfer(actor=q.clerk, window=q.w1, to_window=q.w2)
    assert moved.status == TicketStatus.WAITING and moved.target_window == q.w2
    assert window_call_next(actor=q.staff, window=q.w2).pk == t.pk  # older than B001


def test_the_tidal_service_lends_a_window_and_takes_it_back(q: SimpleNamespace) -> None:
    TidalRuleFactory.create(group=q.a, open_queue=3, close_queue=1, max_windows=1)
    q.w3.staff.add(q.clerk)
    tickets = [ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a, evaluate=False) for _ in range(3)]
    made = tidal_evaluate(hall=q.hall)
    assert [(s.window_id, s.group_id, s.direction) for s in made] == [(q.w3.pk, q.a.pk, SwitchDirection.OPEN)]
    assert WindowGroup.objects.filter(window=q.w3, group=q.a, is_tidal=True).exists()
    assert Notification.objects.filter(recipient=q.clerk).count() == 1
    assert tidal_evaluate(hall=q.hall) == []  # at most max_windows
    window_call_next(actor=q.clerk, window=q.w3, evaluate=False)  # the lent window calls A tickets too
    window_finish(actor=q.clerk, window=q.w3)
    window_call_next(actor=q.clerk, window=q.w1, evaluate=False)
    window_finish(actor=q.clerk, window=q.w1)
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1
    made = tidal_evaluate(hall=q.hall)
    assert [s.direction for s in made] == [SwitchDirection.CLOSE]
    assert not WindowGroup.objects.filter(window=q.w3, group=q.a).exists()
    assert WindowSwitch.objects.count() == 2 and len(tickets) == 3


def test_a_rule_without_hysteresis_is_refused(q: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as bad:
        tidal_rule_save(
            actor=q.admin, group=q.a, open_queue=5, open_wait_minutes=20, close_queue=5, close_wait_minutes=5
        )
    assert bad.value.code == ErrorCode.INVALID_RULE
    rule = tidal_rule_save(
        actor=q.admin, group=q.a, open_queue=6, open_wait_minutes=20, close_queue=2, close_wait_minutes=5
    )
    assert rule.hall == q.hall
    with pytest.raises(DomainError):
        tidal_rule_save(
            actor=q.staff, group=q.b, open_queue=6, open_wait_minutes=20, close_queue=2, close_wait_minutes=5
        )
    assert not hasattr(q.b, "tidal_rule") or SYSTEM


def test_finishing_can_register_the_application(q: SimpleNamespace) -> None:
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a)
    window_call_next(actor=q.staff, window=q.w1)
    with pytest.raises(DomainError):
        window_finish_receiving(actor=q.staff, window=q.w1, item=q.item, applicant_name="")
    assert Ticket.objects.get().status == TicketStatus.CALLED and not Application.objects.exists()
    done = window_finish_receiving(actor=q.staff, window=q.w1, item=q.item, applicant_name="张三")
    assert done.status == TicketStatus.DONE and done.application is not None
    assert done.application.window == q.w1 and done.application.item == q.item
