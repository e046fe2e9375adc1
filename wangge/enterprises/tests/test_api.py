"""/api/enterprises/ and its neighbours: scoped lists (a liaison cadre sees its enterprises), registering an
enterprise, recording a visit whose problems become 涉企 cases, an enterprise's cases and the figures. The schema is
checked whole by api/tests/test_schema.py."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from wangge.enterprises.models import FinancingEvent, FinancingParticipation, Visit
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def api(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_enterprises_are_scoped(w: SimpleNamespace) -> None:
    def names(user: Any) -> set[str]:
        response = api(user).get("/api/enterprises/")
        assert response.status_code == 200
        return {r["name"] for r in response.json()["results"]}

    assert names(w.admin) == {w.e1.name, w.e2.name, w.e3.name}
    assert names(w.worker) == {w.e1.name, w.e2.name}
    assert names(w.cadre_user) == {w.e1.name}
    assert names(w.nobody) == set()
    assert api(None).get("/api/enterprises/").status_code == 401
    assert api(w.other_worker).get(f"/api/enterprises/{w.e1.pk}/").status_code == 404
    levels = {
        r["level"] for r in api(w.cadre_user).get(f"/api/enterprise-liaisons/?enterprise={w.e1.pk}").json()["results"]
    }
    assert levels == {"leader", "department", "cadre"}


def test_registering_an_enterprise_through_the_api(w: SimpleNamespace) -> None:
    body = {"name": "接口登记公司", "grid": w.grid2.code, "industry": "software", "scale": "small"}
    assert api(w.other_worker).post("/api/enterprises/", body, format="json").status_code == 403
    created = api(w.street_staff).post("/api/enterprises/", body, format="json")
    assert created.status_code == 201 and created.json()["grid"] == w.grid2.code
    bad = api(w.street_staff).post("/api/enterprises/", {**body, "scale": "huge"}, format="json")
    assert bad.status_code == 400


@freeze_time("2025-06-03 02:00:00")
def test_a_visit_through_the_api_opens_flagged_cases(w: SimpleNamespace) -> None:
    body = {"enterprise": w.e1.pk, "visited_on": "2025-06-03", "findings": "查看台账", "problems": ["道路破损"]}
    assert api(w.other_cadre_user).post("/api/enterprise-visits/", body, format="json").status_code == 404
    assert api(w.other_worker).post("/api/enterprise-visits/", body, format="json").status_code == 404
    created = api(w.cadre_user).post("/api/enterprise-visits/", body, format="json")
    assert created.status_code == 201, created.content
    issue = created.json()["issues"][0]
    assert WorkOrder.objects.get(tracking_code=issue["work_order"]).enterprise_related
    cases = api(w.cadre_user).get(f"/api/enterprises/{w.e1.pk}/cases/").json()
    assert [c["work_order"] for c in cases] == [issue["work_order"]]
    flagged = api(w.admin).get("/api/work-orders/?enterprise_related=true").json()["results"]
    assert [r["tracking_code"] for r in flagged] == [issue["work_order"]] and flagged[0]["enterprise_related"]
    figures = api(w.cadre_user).get("/api/enterprises/figures/?month=2025-06").json()
    assert figures["visits"] == 1 and figures["cases"]["cases"] == 1 and figures["enterprises"] == 1
    assert api(w.cadre_user).get("/api/enterprises/figures/?month=June").status_code == 400
    assert Visit.objects.count() == 1


def test_service_days_and_matchmaking_events_are_listed_in_scope(w: SimpleNamespace) -> None:
    event = FinancingEvent.objects.create(title="对接会", held_on=dt.date(2025, 6, 8), territory=w.district)
    FinancingParticipation.objects.create(event=event, enterprise=w.e1, need_amount=100, credit_granted=60)
    rows = api(w.admin).get("/api/enterprise-financing-events/").json()["results"]
    assert rows[0]["participations"][0]["credit_granted"] == "60.00"
    assert api(w.stranger).get("/api/enterprise-financing-events/").json()["results"] == []
    assert api(w.admin).get("/api/enterprise-service-days/").status_code == 200
