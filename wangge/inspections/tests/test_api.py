"""/api/inspection-checklists/ and /api/inspection-rounds/: the current checklists, the scoped and filtered
rounds, submitting a round (JSON and multipart with photos), the spot check and the figures. The schema is
checked whole by api/tests/test_schema.py."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from wangge.inspections.models import Round
from wangge.workorders.models import WorkOrder

from .conftest import GOOD, jpeg, make_rounds

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_checklists_list_the_current_versions(w: SimpleNamespace) -> None:
    rows = api(w.worker).get("/api/inspection-checklists/").json()["results"]
    water = next(r for r in rows if r["point_type"] == "waterlogging")
    assert water["version"] == 1 and "drains_clear" in [i["key"] for i in water["items"]]


def test_the_rounds_are_scoped_and_filtered(w: SimpleNamespace) -> None:
    rounds = make_rounds(w)

    def points(user: Any, query: str = "") -> set[str]:
        response = api(user).get(f"/api/inspection-rounds/{query}")
        assert response.status_code == 200
        return {r["point"] for r in response.json()["results"]}

    assert points(w.worker) == {"P-1"}
    assert points(w.dispatcher) == {"P-1", "P-2"}
    assert points(w.dispatcher, "?point_type=river") == {"P-2"}
    assert points(w.dispatcher, "?territory=410403001001002&status=pending") == {"P-2"}
    assert points(w.stranger) == set()
    assert api(w.stranger).get(f"/api/inspection-rounds/{rounds['P-1'].pk}/").status_code == 404


@freeze_time("2025-07-02 02:00:00")  # 10:00 in Asia/Shanghai
def test_submit_a_round_in_json_then_a_failure_in_multipart(w: SimpleNamespace) -> None:
    rounds = make_rounds(w)
    r1 = rounds["P-1"]
    refused = api(w.worker).post(f"/api/inspection-rounds/{r1.pk}/submit/", {"results": GOOD}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_results"  # the photo item
    body = {
        "results": json.dumps({**GOOD, "pumps_ready": False}),
        "lng": "113.0201",
        "lat": "33.0201",
        "photo_photo": jpeg(),
        "photo_pumps_ready": jpeg("pump.jpg"),
    }
    response = api(w.worker).post(f"/api/inspection-rounds/{r1.pk}/submit/", body, format="multipart")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "done" and data["failed_items"] == 1 and not data["far_from_point"]
    failed = next(x for x in data["results"] if x["key"] == "pumps_ready")
    wo = WorkOrder.objects.get(tracking_code=failed["work_order"])
    assert wo.grid == w.grid1 and Round.objects.get(pk=r1.pk).photos.count() == 2
    again = api(w.worker).post(f"/api/inspection-rounds/{r1.pk}/submit/", body, format="multipart")
    assert again.status_code == 409
    other = api(w.other_worker).post(f"/api/inspection-rounds/{r1.pk}/submit/", {"results": GOOD}, format="json")
    assert other.status_code == 404


@freeze_time("2025-07-02 02:00:00")
def test_spot_check_and_summary(w: SimpleNamespace) -> None:
    r = make_rounds(w)["P-1"]
    api(w.worker).post(
        f"/api/inspection-rounds/{r.pk}/submit/",
        {"results": json.dumps(GOOD), "photo_photo": jpeg(), "lng": "113.03", "lat": "33.02"},
        format="multipart",
    )
    assert (
        api(w.worker).post(f"/api/inspection-rounds/{r.pk}/spot-check/", {"agree": True}, format="json").status_code
        == 403
    )
    checked = api(w.inspector).post(f"/api/inspection-rounds/{r.pk}/spot-check/", {"agree": True}, format="json")
    assert checked.status_code == 200 and checked.json()["verdict"] == "agree" and checked.json()["far_from_point"]
    summary = api(w.dispatcher).get("/api/inspection-rounds/summary/?territory=410403&start=2025-07-02&end=2025-07-02")
    assert summary.status_code == 200
    assert (summary.json()["due"], summary.json()["done"], summary.json()["far"]) == (2, 1, 1)
    assert api(w.stranger).get("/api/inspection-rounds/summary/?territory=410403").status_code == 404
