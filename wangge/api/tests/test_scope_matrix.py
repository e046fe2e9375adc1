"""Who sees which work order and point through the API: out of scope answers exactly like missing (404)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.api.tests.conftest import act, local, new_case

# A case located in grid 1 and dispatched to the department ``dept``.
# (requester, sees it in the list and by id)
CASE_MATRIX = [
    ("anonymous", None),
    ("nobody", False),
    ("other_worker", False),  # grid worker of the neighbouring grid
    ("stranger", False),  # dispatcher of another district
    ("other_handler", False),  # handler of a unit the case was not dispatched to
    ("worker", True),  # grid worker of the case's grid
    ("dispatcher", True),  # command centre over the parent district
    ("leader", True),
    ("handler", True),  # handler of the unit the case was dispatched to
]

# A point in grid 1 whose responsible unit is ``dept``.
POINT_MATRIX = [
    ("anonymous", None),
    ("nobody", False),
    ("other_worker", False),
    ("stranger", False),
    ("other_handler", False),
    ("worker", True),
    ("dispatcher", True),
    ("handler", True),  # its unit answers for the point
]


def _requester(world: SimpleNamespace, nobody: Any, who: str) -> Any:
    if who == "anonymous":
        return None
    if who == "nobody":
        return nobody
    return getattr(world, who)


@pytest.fixture
def dispatched_case(world: SimpleNamespace) -> Any:
    wo = new_case(world)
    return act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)


@pytest.mark.parametrize(("who", "sees"), CASE_MATRIX)
def test_work_order_scope(
    world: SimpleNamespace, nobody: Any, client_for: Any, dispatched_case: Any, who: str, sees: Any
) -> None:
    # given a dispatched case in grid 1 and a requester
    client = client_for(_requester(world, nobody, who))

    # when they list cases and open the case by id
    listing = client.get("/api/work-orders/")
    detail = client.get(f"/api/work-orders/{dispatched_case.pk}/")
    events = client.get(f"/api/work-orders/{dispatched_case.pk}/events/")
    missing = client.get("/api/work-orders/999999/")

    # then anonymous is told to authenticate, the others see it only within their scope
    if sees is None:
        assert listing.status_code == detail.status_code == 401
        assert listing["WWW-Authenticate"] == "Token"
        return
    ids = [row["id"] for row in listing.json()["results"]]
    assert (dispatched_case.pk in ids) is sees
    if sees:
        assert detail.status_code == 200 and detail.json()["tracking_code"] == dispatched_case.tracking_code
        assert events.status_code == 200
    else:
        assert detail.status_code == events.status_code == 404
        # out of scope reads exactly like an id that does not exist
        assert detail.json() == missing.json() == {"code": "not_found", "message": missing.json()["message"]}


@pytest.mark.parametrize(("who", "sees"), POINT_MATRIX)
def test_point_scope(
    world: SimpleNamespace, places: SimpleNamespace, nobody: Any, client_for: Any, who: str, sees: Any
) -> None:
    # given a point in grid 1 answered for by the department
    client = client_for(_requester(world, nobody, who))

    # when the requester lists points, opens it and asks for the map layer
    listing = client.get("/api/points/")
    detail = client.get(f"/api/points/{places.p1.pk}/")
    layer = client.get("/api/points/geojson/")

    # then
    if sees is None:
        assert listing.status_code == detail.status_code == layer.status_code == 401
        return
    codes = [row["code"] for row in listing.json()["results"]]
    assert ("P001" in codes) is sees
    assert ("P001" in [f["id"] for f in layer.json()["features"]]) is sees
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_worker", 404), ("stranger", 404), ("nobody", 404), ("handler", 404), ("leader", 403), ("worker", 403)],
)
def test_transition_out_of_scope_or_role_changes_nothing(
    world: SimpleNamespace, nobody: Any, client_for: Any, who: str, status: int
) -> None:
    # given a registered case; only the command centre may dispatch it
    wo = new_case(world)

    # when someone else tries to dispatch it
    response = client_for(_requester(world, nobody, who)).post(
        f"/api/work-orders/{wo.pk}/transitions/", {"name": "dispatch", "unit": world.dept.pk}, format="json"
    )

    # then out of scope is 404, in scope without the role is 403, and the case did not move
    assert response.status_code == status
    wo.refresh_from_db()
    assert (wo.status, wo.version, wo.assigned_unit_id) == ("registered", 1, None)


def test_parent_district_sees_cases_of_every_grid(world: SimpleNamespace, client_for: Any) -> None:
    # given one case in each grid
    a = new_case(world)
    b = new_case(world, lng=113.07, lat=33.02, at=local(2025, 6, 3, 9, 5))

    # when the grid-1 worker and the district dispatcher list cases
    mine = client_for(world.worker).get("/api/work-orders/").json()["results"]
    everything = client_for(world.dispatcher).get("/api/work-orders/").json()["results"]

    # then the worker sees grid 1 only, the district sees both
    assert [r["id"] for r in mine] == [a.pk]
    assert sorted(r["id"] for r in everything) == sorted([a.pk, b.pk])


def test_unit_handler_loses_sight_after_returning(world: SimpleNamespace, client_for: Any) -> None:
    # given a case dispatched to the handler's unit
    wo = new_case(world)
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)
    client = client_for(world.handler)
    assert client.get(f"/api/work-orders/{wo.pk}/").status_code == 200

    # when the unit returns it
    response = client.post(
        f"/api/work-orders/{wo.pk}/transitions/",
        {"name": "return", "note": "不属于本单位职责", "expected_version": 2},
        format="json",
    )

    # then the answer shows the result, and afterwards the case is out of the unit's scope
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert client.get(f"/api/work-orders/{wo.pk}/").status_code == 404
