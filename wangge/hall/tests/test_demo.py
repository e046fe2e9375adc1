"""The demo's hall step: the halls, windows, catalogue and the two months of 办件, once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time

from wangge.demo import hall as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.hall.choices import ApplicationStatus, HallKind
from wangge.hall.models import Application, Assistance, Hall, Item, Programme, Window

pytestmark = pytest.mark.django_db


@freeze_time("2026-12-03 03:00:00")  # a Thursday, 11:00 in Asia/Shanghai
def test_the_demo_builds_the_halls_and_two_months_of_applications_once(
    world: SimpleNamespace, monkeypatch: Any
) -> None:
    monkeypatch.setattr(demo, "PER_DAY", {HallKind.DISTRICT: 6, HallKind.STREET: 2, HallKind.SELF_SERVICE: 1})
    monkeypatch.setattr(demo, "PROGRAMME_PER_DAY", 1)
    Hall.objects.all().delete()  # the district hall comes from the demo itself

    created, _unchanged = demo.hall_seed(actor=DEMO_ACTOR, options=None)

    assert Item.objects.filter(code__startswith="410403-").count() == len(demo._items())
    assert Hall.objects.filter(code__startswith="WD-").count() == 4  # district, two streets, self-service
    district = Hall.objects.get(code=demo.DISTRICT_HALL)
    assert Window.objects.filter(hall=district, is_flexible=True).exists()
    assert Programme.objects.get(code="QS-BT").windows.count() == 5
    november = Application.objects.filter(received_at__month=11, received_at__year=2026)
    assert november.count() > 100 and november.filter(status=ApplicationStatus.FINISHED).exists()
    assert Application.objects.filter(received_at__month=12, is_synthetic=True).exists()
    live = Application.objects.filter(is_synthetic=False)
    assert set(live.values_list("status", flat=True)) >= {"received", "accepted", "finished", "supplement", "rejected"}
    assert Assistance.objects.exists()
    assert created > 0
    again, unchanged = demo.hall_seed(actor=DEMO_ACTOR, options=None)
    assert again == 0 and unchanged > 0
