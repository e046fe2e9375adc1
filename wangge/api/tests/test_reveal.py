"""Full personal numbers through the API: only asked for (``?reveal=true``), only to an entitled requester, and
every response that shows one writes exactly one ``api.reveal`` audit entry with the ids and the address."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.models import User
from wangge.api.tests.conftest import new_case
from wangge.core.models import AuditEntry

IP = "203.0.113.7"


def _reveals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="api.reveal"))


@pytest.fixture
def numbers(world: SimpleNamespace, places: SimpleNamespace) -> SimpleNamespace:
    """A case, two points and a grid worker, each with a number on record."""
    User.objects.filter(pk=world.worker.pk).update(mobile="13700001111")
    return SimpleNamespace(
        wo=new_case(world),
        p1=places.p1,
        p2=places.p2,
    )


# (path, field, full number, masked number, model label, id)
def _resources(world: SimpleNamespace, n: SimpleNamespace) -> list[tuple[str, str, str, str, str, Any]]:
    return [
        (
            f"/api/work-orders/{n.wo.pk}/",
            "reporter_phone",
            "13812341234",
            "138****1234",
            "workorders.workorder",
            n.wo.pk,
        ),
        (f"/api/points/{n.p1.pk}/", "responsible_phone", "13900001111", "139****1111", "places.point", n.p1.pk),
        (f"/api/staff/{world.worker.pk}/", "mobile", "13700001111", "137****1111", "accounts.user", world.worker.pk),
    ]


def test_without_asking_an_entitled_requester_reads_masked_numbers_and_nothing_is_audited(
    world: SimpleNamespace, numbers: SimpleNamespace, client_for: Any
) -> None:
    # given a dispatcher, who may reveal every one of these numbers
    client = client_for(world.dispatcher)

    # when they read each object without asking for the numbers
    bodies = [(client.get(path, REMOTE_ADDR=IP).json(), r) for path, *r in _resources(world, numbers)]

    # then every number is masked and no reveal is recorded
    for body, (field, _full, masked, _label, _pk) in bodies:
        assert body[field] == masked
    assert _reveals() == []


@pytest.mark.parametrize("index", [0, 1, 2], ids=["work_order", "point", "staff"])
def test_asking_an_entitled_requester_reads_the_full_number_and_one_entry_is_written(
    world: SimpleNamespace, numbers: SimpleNamespace, client_for: Any, index: int
) -> None:
    path, field, full, _masked, label, pk = _resources(world, numbers)[index]

    body = client_for(world.dispatcher).get(f"{path}?reveal=true", REMOTE_ADDR=IP).json()

    assert body[field] == full
    [entry] = _reveals()
    assert entry.actor == world.dispatcher
    assert entry.ip == IP
    assert entry.after == {"revealed": [{"model": label, "ids": [str(pk)], "fields": [field]}]}


def test_a_revealed_list_writes_one_entry_listing_every_id(
    world: SimpleNamespace, numbers: SimpleNamespace, client_for: Any
) -> None:
    # given two points with numbers in the dispatcher's district
    # when the dispatcher lists them asking for the numbers
    rows = client_for(world.dispatcher).get("/api/points/?reveal=true", REMOTE_ADDR=IP).json()["results"]

    # then both numbers come whole, and a single entry names both points
    assert {r["responsible_phone"] for r in rows} == {"13900001111"}
    [entry] = _reveals()
    assert entry.after == {
        "revealed": [
            {
                "model": "places.point",
                "ids": sorted([str(numbers.p1.pk), str(numbers.p2.pk)]),
                "fields": ["responsible_phone"],
            }
        ]
    }
    assert entry.ip == IP and entry.actor == world.dispatcher


@pytest.mark.parametrize("index", [0, 1, 2], ids=["work_order", "point", "staff"])
def test_asking_without_the_reveal_right_reads_masked_numbers_and_nothing_is_audited(
    world: SimpleNamespace, numbers: SimpleNamespace, client_for: Any, index: int
) -> None:
    # given a leader, who may view but not reveal
    path, field, _full, masked, _label, _pk = _resources(world, numbers)[index]

    response = client_for(world.leader).get(f"{path}?reveal=true", REMOTE_ADDR=IP)

    assert response.status_code == 200
    assert response.json()[field] == masked
    assert _reveals() == []


def test_an_empty_number_is_not_a_reveal(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    # given a grid worker without a mobile on record
    User.objects.filter(pk=world.worker.pk).update(mobile="")

    body = client_for(world.dispatcher).get(f"/api/staff/{world.worker.pk}/?reveal=true").json()

    assert body["mobile"] == ""
    assert _reveals() == []


def test_reveal_parameter_is_in_the_schema(client_for: Any, world: SimpleNamespace) -> None:
    schema = client_for(world.dispatcher).get("/api/schema/?format=json").json()
    for path in (
        "/api/work-orders/",
        "/api/work-orders/{id}/",
        "/api/points/",
        "/api/points/{id}/",
        "/api/staff/",
        "/api/staff/{id}/",
    ):
        names = [p["name"] for p in schema["paths"][path]["get"].get("parameters", [])]
        assert "reveal" in names, path
