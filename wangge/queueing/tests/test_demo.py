"""The demo step: groups, slots, appointments, two days of tickets with events, rules and switches; once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from wangge.demo import queueing as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.hall.choices import WindowKind
from wangge.hall.tests.factories import WindowFactory
from wangge.queueing.models import ItemGroup, Ticket, TicketEvent, WindowSwitch

pytestmark = pytest.mark.django_db


@freeze_time("2026-12-03 03:00:00")  # a Thursday, 11:00 in Beijing
def test_the_demo_seeds_the_district_hall_once(q: SimpleNamespace) -> None:
    assert demo.queueing_seed(actor=DEMO_ACTOR, options=None) == (0, 0)  # no district hall yet
    q.hall.code = demo.HALL_CODE
    q.hall.save()
    WindowFactory.create(hall=q.hall, number="8", kind=WindowKind.DEDICATED, is_flexible=True)
    WindowFactory.create(hall=q.hall, number="9", kind=WindowKind.ASSISTANCE)
    ItemGroup.objects.filter(hall=q.hall).delete()
    created, _unchanged = demo.queueing_seed(actor=DEMO_ACTOR, options=None)
    assert created > 100 and Ticket.objects.filter(is_synthetic=True).exists()
    assert TicketEvent.objects.filter(action="finish").exists() and WindowSwitch.objects.count() >= 2
    assert demo.queueing_seed(actor=DEMO_ACTOR, options=None) == (0, 1)
