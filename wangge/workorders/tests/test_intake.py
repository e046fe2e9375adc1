"""受理: channel, reporter (phone validated, stored protected), location in any datum → grid."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from wangge.core.errors import ValidationFailed
from wangge.core.geo import wgs84_to_bd09, wgs84_to_gcj02
from wangge.workorders.models import Event, StepClock, WorkOrder

from .conftest import local, new_case

# A point of grid 1, 100 m west of the boundary with grid 2; its GCJ-02 and BD-09 forms lie in grid 2.
WGS = (113.049, 33.02)


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_a_location_in_any_datum_lands_in_the_right_grid(world: SimpleNamespace, crs: str) -> None:
    lng, lat = {"wgs84": WGS, "gcj02": wgs84_to_gcj02(*WGS), "bd09": wgs84_to_bd09(*WGS)}[crs]
    wo = new_case(world, lng=lng, lat=lat, crs=crs)
    assert wo.grid == world.grid1 and wo.community == world.community and wo.street == world.street
    assert wo.lng == pytest.approx(WGS[0], abs=2e-5) and wo.lat == pytest.approx(WGS[1], abs=2e-5)
    assert wo.scope_path == world.grid1.path


def test_a_registered_case_starts_its_dispatch_clock(world: SimpleNamespace) -> None:
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    assert wo.status == "registered" and wo.version == 1 and wo.handling_class == "C"
    assert wo.tracking_code.startswith("WG250603") and len(wo.tracking_code) == 20
    clock = StepClock.objects.get(work_order=wo)
    assert (clock.step, clock.due_at) == ("dispatch", local(2025, 6, 3, 11, 0))  # 2 working hours
    assert list(Event.objects.filter(work_order=wo).values_list("name", "to_status")) == [("create", "registered")]


def test_the_phone_is_stored_protected(world: SimpleNamespace) -> None:
    wo = new_case(world, reporter_phone="138 1234 1234")
    assert WorkOrder.objects.get(pk=wo.pk).reporter_phone == "13812341234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM workorders_workorder WHERE id = %s", [wo.pk])
        stored = cursor.fetchone()[0]
    assert "13812341234" not in stored and "1234" not in stored


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"reporter_phone": "1381234123"}, "invalid_phone"),  # ten digits
        ({"channel": "fax"}, "unknown_channel"),
        ({"appeal_type": "gossip"}, "unknown_appeal_type"),
        ({"title": "  "}, "required"),
    ],
)
def test_bad_intake_is_refused_and_creates_nothing(world: SimpleNamespace, fields: dict, reason: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as err:
        new_case(world, **fields)
    assert [d["reason"] for d in err.value.details] == [reason]
    assert not WorkOrder.objects.exists() and not Event.objects.exists()


def test_a_point_outside_every_territory_is_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as err:
        new_case(world, lng=120.0, lat=30.0)
    assert err.value.code == "outside_territory" and not WorkOrder.objects.exists()


def test_a_tracking_code_already_taken_is_drawn_again(world: SimpleNamespace, monkeypatch: Any) -> None:
    from wangge.workorders.services import intake, records

    first = new_case(world)
    codes = iter([first.tracking_code, first.tracking_code, "WG250603ZZZZZZ"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda at: next(codes))
    monkeypatch.setattr(records, "new_tracking_code", lambda at: next(codes))

    second = new_case(world)

    assert second.tracking_code == "WG250603ZZZZZZ" and second.pk != first.pk
    assert WorkOrder.objects.count() == 2 and second.events.filter(name="create").count() == 1


def test_a_tracking_code_that_keeps_clashing_gives_up_and_writes_nothing(
    world: SimpleNamespace, monkeypatch: Any
) -> None:
    from django.db import IntegrityError

    from wangge.workorders.services import intake, records

    first = new_case(world)
    monkeypatch.setattr(intake, "new_tracking_code", lambda at: first.tracking_code)
    monkeypatch.setattr(records, "new_tracking_code", lambda at: first.tracking_code)

    with pytest.raises(IntegrityError):
        new_case(world)
    assert WorkOrder.objects.count() == 1
