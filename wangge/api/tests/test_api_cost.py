"""What the work-order API costs per request, and that the cheaper ways give the same answers: intake answers
the case as filed without reading it back, the list reads one table and counts only as far as it needs, rows are
written as REST framework writes them, and a token costs one query."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from wangge.api import serializers as s
from wangge.api.authentication import TokenAuthentication
from wangge.api.tests.conftest import act, local, new_case, to_closed, to_handling
from wangge.api.views.common import BoundedCountPagination
from wangge.api.views.workorders import LIST_ORDER, ScopeBranches, scope_branches
from wangge.workorders.models import WorkOrder


def _queries(client: APIClient, path: str) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def cases(world: SimpleNamespace) -> list[WorkOrder]:
    made = [new_case(world, at=local(2025, 6, 2, 9, i)) for i in range(5)]
    to_handling(world, made[1], local(2025, 6, 3, 10, 0))
    act(world, made[1], "supervise", "leader", local(2025, 6, 3, 11, 0), level="red", note="群众反映强烈")
    to_closed(world, made[2], local(2025, 6, 4, 10, 0))
    made.append(new_case(world, lng=None, lat=None, district=world.district, at=local(2025, 6, 5, 9, 0)))
    made.append(new_case(world, category=None, at=local(2025, 6, 6, 9, 0)))
    return made


def test_intake_answers_what_a_read_of_the_case_answers(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.caller)
    body = {
        "channel": "hotline",
        "appeal_type": "complaint",
        "title": "路灯不亮",
        "description": "小区北门路灯连续三晚不亮。",
        "category": world.category.pk,
        "reporter_name": "王先生",
        "reporter_phone": "13900001234",
        "lng": 113.07,
        "lat": 33.02,
    }

    with CaptureQueriesContext(connection) as ctx:
        created = client.post("/api/work-orders/", body, format="json")

    assert created.status_code == 201, created.content
    read = client.get(f"/api/work-orders/{created.json()['id']}/")
    assert created.json() == read.json()
    assert set(created.json()) == set(s.WorkOrderDetailSerializer().fields)
    # the new case is not read back after the insert
    rereads = [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "workorders_workorder"."id"')]
    assert rereads == []


def test_the_list_reads_one_table_and_no_personal_column(
    world: SimpleNamespace, cases: list[WorkOrder], client_for: Any
) -> None:
    response, sql = _queries(client_for(world.dispatcher), "/api/work-orders/")

    assert response.status_code == 200
    # one query for the page (PostgreSQL: the newest ids of the scope's branches, then their rows)
    page = [q for q in sql if 'FROM "workorders_workorder"' in q and "COUNT(" not in q]
    assert len(page) == (2 if connection.features.supports_slicing_ordering_in_compound else 1)
    assert not [q for q in page if " JOIN " in q or "reporter_phone" in q or "description" in q]
    # the codes and names come with one query per related table, whatever the number of rows
    assert len(sql) <= 9
    row = next(r for r in response.json()["results"] if r["id"] == cases[1].pk)
    assert row["assigned_unit_name"] == world.dept.name
    assert row["category_code"] == world.category.code
    assert row["grid_code"] == world.grid1.code and row["district_code"] == world.district.code


def test_the_list_is_the_same_whatever_the_number_of_rows(
    world: SimpleNamespace, cases: list[WorkOrder], client_for: Any
) -> None:
    client = client_for(world.dispatcher)
    _, few = _queries(client, "/api/work-orders/")
    for i in range(6):
        new_case(world, at=local(2025, 7, 1, 9, i))

    response, more = _queries(client, "/api/work-orders/")

    assert response.json()["count"] == len(cases) + 6
    assert len(more) == len(few)


def test_the_count_stops_at_its_limit_and_paging_goes_on(
    world: SimpleNamespace, cases: list[WorkOrder], client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(BoundedCountPagination, "count_limit", 3)
    client = client_for(world.dispatcher)
    total = len(cases)

    first = client.get("/api/work-orders/?page_size=2").json()
    assert first["count"] == 3 and first["count_exact"] is False
    assert first["next"] and first["previous"] is None

    seen = [r["id"] for r in first["results"]]
    url = first["next"]
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(wo.pk for wo in cases) and len(seen) == total

    last = client.get("/api/work-orders/?page_size=2&page=last").json()
    assert last["count"] == total and last["count_exact"] is True and last["next"] is None
    assert client.get("/api/work-orders/?page_size=2&page=99").status_code == 404

    small = client.get("/api/work-orders/?page_size=2&status=closed").json()
    assert small["count"] == 1 and small["count_exact"] is True


def test_the_count_is_exact_up_to_the_limit(world: SimpleNamespace, cases: list[WorkOrder], client_for: Any) -> None:
    body = client_for(world.dispatcher).get("/api/work-orders/?page_size=2").json()

    assert body["count"] == len(cases) and body["count_exact"] is True


@pytest.mark.parametrize("serializer_class", [s.WorkOrderSerializer, s.WorkOrderDetailSerializer])
def test_rows_are_written_as_rest_framework_writes_them(
    world: SimpleNamespace, cases: list[WorkOrder], serializer_class: Any
) -> None:
    request = APIRequestFactory().get("/api/work-orders/", {"reveal": "true"})
    request.user = world.dispatcher
    context = {"request": Request(request)}
    rows = list(WorkOrder.objects.select_related("category", "assigned_unit", "grid", "territory", "parent"))

    ours = serializer_class(rows, many=True, context=context).data
    plain = serializer_class(many=True, context=context)
    reference = [drf.ModelSerializer.to_representation(plain.child, wo) for wo in rows]

    assert [dict(r) for r in ours] == [dict(r) for r in reference]
    assert {r["status_label"] for r in ours} >= {"待派遣", "已结案"}


def test_each_serializer_gets_its_own_fields(world: SimpleNamespace, cases: list[WorkOrder]) -> None:
    one, two = s.WorkOrderDetailSerializer(cases[0]), s.WorkOrderDetailSerializer(cases[1])

    assert one.fields["clock"] is not two.fields["clock"]
    assert one.fields["clock"].parent is one and two.fields["clock"].parent is two
    assert one.data["id"] == cases[0].pk and two.data["id"] == cases[1].pk


def test_a_token_costs_one_query_and_an_expired_one_is_gone(world: SimpleNamespace) -> None:
    _row, raw = AuthToken.objects.create(user=world.dispatcher, expiry=dt.timedelta(hours=1))
    with CaptureQueriesContext(connection) as ctx:
        user, token = TokenAuthentication().authenticate_credentials(raw.encode())
    assert user == world.dispatcher
    assert token.user_id == world.dispatcher.pk
    assert len(ctx.captured_queries) == 1

    old, old_raw = AuthToken.objects.create(user=world.dispatcher, expiry=dt.timedelta(seconds=-1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old_raw}")
    assert client.get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(digest=old.digest).exists()
    wrong = raw[:-1] + ("1" if raw[-1] == "0" else "0")
    client.credentials(HTTP_AUTHORIZATION=f"Token {wrong}")
    assert client.get("/api/me/").status_code == 401


@pytest.mark.skipif(
    not connection.features.supports_slicing_ordering_in_compound, reason="a UNION of ordered parts (PostgreSQL)"
)
@pytest.mark.parametrize("who", ["dispatcher", "worker", "handler", "caller", "leader"])
def test_the_list_read_by_branches_is_the_list(
    world: SimpleNamespace, cases: list[WorkOrder], client_for: Any, who: str
) -> None:
    user = getattr(world, who)
    new_case(world, actor=world.worker, lng=113.07, lat=33.02, at=local(2025, 6, 7, 9, 0))  # filed into grid 2
    for i in range(3):  # newer cases of another district
        new_case(world, actor=world.stranger, lng=114.05, lat=33.05, at=local(2025, 8, 1, 9, i))
    for status in ("", "closed"):
        qs: Any = WorkOrder.objects.restrict(user).order_by(*LIST_ORDER)
        if status:
            qs = qs.filter(status=status)
        branches = scope_branches(user, qs)
        assert branches is not None and len(branches) >= 1
        everything = [wo.pk for wo in qs]
        for start, stop in ((0, 2), (2, 4), (0, 50), (3, 50)):
            assert [wo.pk for wo in ScopeBranches(qs, branches)[start:stop]] == everything[start:stop]
    listed = client_for(user).get("/api/work-orders/?page_size=3").json()
    newest: list[int] = list(WorkOrder.objects.restrict(user).order_by(*LIST_ORDER).values_list("pk", flat=True)[:3])
    assert [r["id"] for r in listed["results"]] == newest
