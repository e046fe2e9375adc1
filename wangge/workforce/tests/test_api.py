"""The API of the grid workforce: scoped lists, the worker's ladder history after a settled month, pay, tasks and
their steps, records and the awards tally."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from wangge.workforce.choices import TaskStatus
from wangge.workforce.models import SpecialTask, WorkerRecord
from wangge.workforce.services import MonthOutcome, ladder_settle


def api(user: Any) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def settle(w: SimpleNamespace) -> None:
    ladder_settle(
        actor=w.street_staff,
        street=w.street_a,
        month=dt.date(2025, 6, 1),
        outcomes=[
            MonthOutcome(
                worker_id=w.worker.pk,
                grid_id=w.grid_a1.pk,
                assessment_id=4711,
                total=Decimal("90"),
                grade="reward",
                grade_label="积分定优",
                unqualified=False,
                promoted=True,
                street_rank=1,
            )
        ],
    )


def test_the_worker_detail_carries_the_ladder_history(w: SimpleNamespace) -> None:
    settle(w)
    body = api(w.community_staff).get(f"/api/workforce-workers/{w.profile.pk}/").json()
    assert (body["ladder_level"], body["ladder_level_name"]) == (2, "二级网格员")
    [row] = body["ladder_history"]
    assert (row["month"], row["from_level"], row["to_level"], row["move"], row["assessment_id"]) == (
        "2025-06-01",
        1,
        2,
        "promoted",
        4711,
    )
    ladder = api(w.community_staff).get("/api/workforce-ladder/", {"worker": w.worker.pk}).json()
    assert ladder["count"] == 1


@pytest.mark.parametrize(("who", "count"), [("anonymous", None), ("stranger", 0), ("street_staff", 3), ("worker", 2)])
def test_the_workers_list_is_scoped(w: SimpleNamespace, who: str, count: int | None) -> None:
    response = api(None if who == "anonymous" else getattr(w, who)).get("/api/workforce-workers/")
    if count is None:
        assert response.status_code in (401, 403)
    else:
        assert response.json()["count"] == count


def test_out_of_scope_is_not_found(w: SimpleNamespace) -> None:
    assert api(w.other_street).get(f"/api/workforce-workers/{w.profile.pk}/").status_code == 404


def test_the_months_pay(w: SimpleNamespace) -> None:
    settle(w)
    rows = api(w.street_staff).get("/api/workforce-workers/pay/", {"month": "2025-06"}).json()
    mine = next(r for r in rows if r["worker"] == w.worker.username)
    assert mine["total"] == "2250.00" and mine["level"] == 1
    assert api(w.street_staff).get("/api/workforce-workers/pay/", {"month": "June"}).status_code == 400


def test_a_task_is_assigned_and_stepped_through_the_api(w: SimpleNamespace) -> None:
    staff = api(w.community_staff)
    created = staff.post(
        "/api/workforce-tasks/",
        {"grid": w.grid_a1.code, "kind": "safety", "title": "燃气排查", "deadline_days": 2},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api(w.peer).post(f"/api/workforce-tasks/{pk}/step/", {"name": "accept"}, format="json").status_code == 200
    refused = api(w.worker2).post(f"/api/workforce-tasks/{pk}/step/", {"name": "report", "result": "x"}, format="json")
    assert refused.status_code == 404
    wrong = api(w.peer).post(f"/api/workforce-tasks/{pk}/step/", {"name": "confirm"}, format="json")
    assert wrong.status_code == 409 or wrong.status_code == 403
    assert SpecialTask.objects.get(pk=pk).status == TaskStatus.ACCEPTED
    body = api(w.peer).post(f"/api/workforce-tasks/{pk}/step/", {"name": "report", "result": "已排查"}, format="json")
    assert body.json()["status"] == "reported" and [e["action"] for e in body.json()["events"]] == [
        "assign",
        "accept",
        "report",
    ]


def test_a_grid_worker_cannot_assign_through_the_api(w: SimpleNamespace) -> None:
    response = api(w.worker).post(
        "/api/workforce-tasks/",
        {"grid": w.grid_a1.code, "kind": "safety", "title": "x", "deadline_days": 2},
        format="json",
    )
    assert response.status_code == 403 and not SpecialTask.objects.exists()


def test_records_and_the_awards_tally(w: SimpleNamespace) -> None:
    staff = api(w.community_staff)
    made = staff.post(
        "/api/workforce-records/",
        {"worker": w.worker.username, "date": "2025-06-01", "kind": "award", "title": "最美网格员", "reason": "评选"},
        format="json",
    )
    assert made.status_code == 201
    assert api(w.worker).post(
        "/api/workforce-records/",
        {"worker": w.worker.username, "date": "2025-06-01", "kind": "reward", "title": "x", "reason": "y"},
        format="json",
    ).status_code in (403, 404)
    assert WorkerRecord.objects.count() == 1
    tally = staff.get("/api/workforce-records/awards/", {"start": "2025-01-01", "end": "2025-12-31"}).json()
    assert tally["total"] == 1 and tally["by_title"] == [["最美网格员", 1]]
