"""The API: the hall's live queue, the window steps for its staff (403 for a stranger who sees the hall, 404 out
of scope), tickets and appointments scoped, the phone masked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from wangge.core.actors import CITIZEN
from wangge.queueing.choices import TicketStatus
from wangge.queueing.models import Ticket
from wangge.queueing.services import appointment_book, ticket_issue
from wangge.queueing.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def _client(user: object) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)  # type: ignore[arg-type]
    return c


def test_a_window_calls_through_the_api(q: SimpleNamespace) -> None:
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a, evaluate=False)
    api = _client(q.staff)
    response = api.post(f"/api/queue-windows/{q.w1.pk}/call-next/")
    assert response.status_code == 200 and response.json()["number"] == "A001"
    assert api.post(f"/api/queue-windows/{q.w1.pk}/call-next/").json()["code"] == "window_busy"
    assert api.post(f"/api/queue-windows/{q.w1.pk}/recall/").json()["calls"] == 2
    assert api.post(f"/api/queue-windows/{q.w1.pk}/finish/", {"application": ""}).json()["status"] == "done"
    queue = api.get(f"/api/queue-halls/{q.hall.pk}/queue/").json()
    assert [g["prefix"] for g in queue["groups"]] == ["A", "B", "C"] and queue["calls"][0]["number"] == "A001"
    assert api.get("/api/queue-tickets/").json()["count"] == 1


def test_window_steps_are_refused_outside_scope(q: SimpleNamespace) -> None:
    ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a, evaluate=False)
    assert _client(q.stranger).post(f"/api/queue-windows/{q.w1.pk}/call-next/").status_code == 404
    assert APIClient().post(f"/api/queue-windows/{q.w1.pk}/call-next/").status_code == 401
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert _client(q.stranger).get("/api/queue-tickets/").json()["count"] == 0


def test_appointments_show_the_phone_masked(q: SimpleNamespace) -> None:
    slot = SlotFactory.create(group=q.a)
    appointment_book(actor=CITIZEN, slot=slot, name="张三", phone="13800001234")
    rows = _client(q.staff).get("/api/queue-appointments/").json()["results"]
    assert rows[0]["phone"] == "138****1234"
    assert _client(q.staff).get("/api/queue-slots/").json()["results"][0]["booked"] == 1
