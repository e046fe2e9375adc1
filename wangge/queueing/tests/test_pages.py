"""The pages: the public kiosk, ticket, wall feed and booking; the staff hall and window pages, out of reach
for a stranger (404) and for anonymous users (login)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from wangge.queueing.choices import TicketStatus
from wangge.queueing.models import Appointment, Ticket
from wangge.queueing.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def test_a_kiosk_ticket_is_called_at_a_window_and_shown_on_the_wall(q: SimpleNamespace, client: Client) -> None:
    response = client.post(reverse("web:queueing_kiosk", args=[q.hall.code]), {"group": q.a.pk})
    t = Ticket.objects.get()
    assert response.status_code == 302 and t.number == "A001"
    assert "A001" in client.get(response["Location"]).content.decode()
    client.force_login(q.clerk)
    page = client.get(reverse("web:queueing_window", args=[q.w1.pk]))
    assert page.status_code == 200 and "叫下一位" in page.content.decode()
    client.post(reverse("web:queueing_window_act", args=[q.w1.pk, "call"]))
    assert Ticket.objects.get().status == TicketStatus.CALLED
    feed = client.get(reverse("web:queueing_wall_feed", args=[q.hall.code])).json()
    assert feed["calls"][0]["number"] == "A001" and feed["calls"][0]["window"] == "1"
    assert "A001" in client.get(reverse("web:queueing_wall", args=[q.hall.code])).content.decode()


def test_a_citizen_books_and_cancels(q: SimpleNamespace, client: Client) -> None:
    slot = SlotFactory.create(group=q.a, capacity=3)
    url = reverse("web:queueing_book", args=[q.hall.code])
    assert client.get(url, {"group": q.a.pk}).status_code == 200
    response = client.post(url, {"group": q.a.pk, "slot": slot.pk, "name": "张三", "phone": "13800001234"})
    a = Appointment.objects.get()
    assert response["Location"] == reverse("web:queueing_booking", args=[a.code])
    page = client.get(response["Location"]).content.decode()
    assert "138****1234" in page and "13800001234" not in page
    client.post(response["Location"])
    assert Appointment.objects.get().status == "cancelled"


@pytest.mark.parametrize("who", ["anonymous", "stranger", "clerk", "staff"])
def test_the_window_page_is_for_its_staff(q: SimpleNamespace, client: Client, who: str) -> None:
    if who != "anonymous":
        client.force_login(getattr(q, who))
    response = client.get(reverse("web:queueing_window", args=[q.w1.pk]))
    expected = {"anonymous": 302, "stranger": 404, "clerk": 200, "staff": 200}[who]
    assert response.status_code == expected


def test_the_hall_page_and_the_bookings_are_scoped(q: SimpleNamespace, client: Client) -> None:
    client.force_login(q.stranger)
    assert client.get(reverse("web:queueing_hall", args=[q.hall.pk])).status_code == 404
    client.force_login(q.staff)
    assert client.get(reverse("web:queueing_hall", args=[q.hall.pk])).status_code == 200
    assert client.get(reverse("web:queueing_appointments", args=[q.hall.pk])).status_code == 200
    assert client.get(reverse("web:queueing_home")).status_code == 200


def test_the_public_pages_answer(q: SimpleNamespace, client: Client) -> None:
    for name in ("queueing_kiosk", "queueing_take", "queueing_wall"):
        assert client.get(reverse(f"web:{name}", args=[q.hall.code])).status_code == 200
    assert client.get(reverse("web:queueing_citizen_halls")).status_code == 200
    assert client.get(reverse("web:queueing_hall_qr", args=[q.hall.code, "svg"])).status_code == 200
    assert client.get(reverse("web:queueing_kiosk", args=["NOPE"])).status_code == 404
