"""Measures over the requester's scope, and locating a coordinate in the territory tree."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.api.tests.conftest import act, local, new_case, to_closed, to_handling
from wangge.core import geo
from wangge.workorders.measures import measures
from wangge.workorders.models import WorkOrder

START, END = local(2025, 6, 1), local(2025, 7, 1)  # June 2025; the API takes the inclusive end date 2025-06-30


@pytest.fixture
def loop_history(world: SimpleNamespace) -> None:
    """Cases of June 2025 in both grids: closed with good and bad ratings, one still handling, one returned."""
    to_closed(world, new_case(world, at=local(2025, 6, 2, 9)), local(2025, 6, 2, 10), rating=5)
    to_closed(world, new_case(world, lng=113.07, lat=33.02, at=local(2025, 6, 3, 9)), local(2025, 6, 3, 10), rating=2)
    to_handling(world, new_case(world, lng=113.07, lat=33.02, at=local(2025, 6, 4, 9)), local(2025, 6, 4, 10))
    returned = new_case(world, at=local(2025, 6, 5, 9))
    act(world, returned, "dispatch", "dispatcher", local(2025, 6, 5, 10), unit=world.dept2)
    act(world, returned, "return", "other_handler", local(2025, 6, 5, 11), note="非本单位职责")
    new_case(world, lng=114.05, lat=33.05, at=local(2025, 6, 6, 9), actor=world.stranger)  # the other district


def _api(client: Any, **params: str) -> Any:
    query = "&".join(f"{k}={v}" for k, v in {"start": "2025-06-01", "end": "2025-06-30", **params}.items())
    response = client.get(f"/api/measures/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("who", ["dispatcher", "worker", "other_worker", "handler", "stranger"])
def test_measures_equal_the_selector_over_the_scope(
    world: SimpleNamespace, loop_history: None, client_for: Any, who: str
) -> None:
    user = getattr(world, who)

    # when the requester asks for June
    body = _api(client_for(user))

    # then the figures are those of measures() over what they may see, now included
    expected = measures(WorkOrder.objects.restrict(user), START, END)[0].as_dict()
    got = body[0]
    assert got.pop("label") is None
    assert got.pop("rates") == pytest.approx(expected.pop("rates"))
    assert got == expected


def test_measures_grouped_by_grid_and_unit_carry_labels(
    world: SimpleNamespace, loop_history: None, client_for: Any
) -> None:
    client = client_for(world.dispatcher)
    scope: Any = WorkOrder.objects.restrict(world.dispatcher)

    for group_by in ("grid", "unit", "category", "street"):
        body = _api(client, group_by=group_by)
        expected = {m.key: m.as_dict() for m in measures(scope, START, END, group_by=group_by)}
        assert {row["key"]: row["received"] for row in body} == {k: v["received"] for k, v in expected.items()}
        assert {row["key"]: row["due"] for row in body} == {k: v["due"] for k, v in expected.items()}

    by_grid = {row["label"]: row["received"] for row in _api(client, group_by="grid")}
    assert by_grid == {"一网格": 2, "二网格": 3}  # grid 2 also holds the rectification case of the bad rating
    by_unit = {row["label"]: row for row in _api(client, group_by="unit")}
    assert by_unit["城市管理局"]["closed"] == 2
    assert by_unit["城市管理局"]["bad_ratings"] == 1


def test_measures_scope_leaves_out_other_districts(world: SimpleNamespace, loop_history: None, client_for: Any) -> None:
    mine = _api(client_for(world.dispatcher))[0]
    theirs = _api(client_for(world.stranger))[0]
    assert (mine["received"], theirs["received"]) == (5, 1)  # four filed and one rectification of a bad rating


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2025-06-30&end=2025-06-01", "end"),
        ("start=2020-01-01&end=2025-01-01", "end"),
        ("start=June&end=2025-06-30", "start"),
        ("start=2025-06-01&end=2025-06-30&group_by=planet", "group_by"),
        ("end=2025-06-30", "start"),
    ],
)
def test_measures_malformed_period_is_400(world: SimpleNamespace, client_for: Any, query: str, field: str) -> None:
    response = client_for(world.dispatcher).get(f"/api/measures/?{query}")
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == [field]


# --- locate --------------------------------------------------------------------------------------


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_locate_gives_the_path_down_to_the_grid(world: SimpleNamespace, client_for: Any, crs: str) -> None:
    lng, lat = geo.from_wgs84(113.07, 33.02, crs)

    body = client_for(world.dispatcher).get(f"/api/locate/?lng={lng}&lat={lat}&crs={crs}").json()

    assert [n["code"] for n in body["path"]] == ["410403", "410403001", "410403001001", "410403001001002"]
    assert (body["lng"], body["lat"]) == pytest.approx((113.07, 33.02), abs=1e-6)


def test_locate_shows_only_the_visible_part_of_the_path(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.worker)
    own = client.get("/api/locate/?lng=113.01&lat=33.01").json()
    assert [n["code"] for n in own["path"]] == ["410403001001001"]

    # a point in the neighbouring grid, in another district and outside every polygon all read the same
    answers = [
        client.get(f"/api/locate/?lng={lng}&lat={lat}") for lng, lat in [(113.07, 33.02), (114.05, 33.05), (10, 10)]
    ]
    assert [r.status_code for r in answers] == [404, 404, 404]
    assert answers[0].json() == answers[2].json()


@pytest.mark.parametrize("query", ["lng=200&lat=33", "lng=113", "lng=113&lat=33&crs=utm", "lng=east&lat=33"])
def test_locate_malformed_is_400(world: SimpleNamespace, client_for: Any, query: str) -> None:
    response = client_for(world.dispatcher).get(f"/api/locate/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_period_bounds_are_local_days(world: SimpleNamespace, client_for: Any) -> None:
    # a case received at 00:30 local time on 1 June belongs to June, one at 23:30 on 31 May does not
    new_case(world, at=local(2025, 6, 1, 0, 30))
    new_case(world, at=local(2025, 5, 31, 23, 30))
    body = _api(client_for(world.dispatcher))
    assert body[0]["received"] == 1
