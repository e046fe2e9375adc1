"""The API: the catalogue, halls and windows, the ledger scoped and masked, receiving and steps, 帮办代办, the
programmes and the figures."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from wangge.accounts.tests.factories import UserFactory
from wangge.hall.choices import ApplicationStatus
from wangge.hall.models import Application, Programme
from wangge.hall.tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def receive(w: SimpleNamespace, c: APIClient) -> Any:
    return c.post(
        "/api/hall-applications/",
        {
            "item": w.item.code,
            "hall": w.hall.code,
            "window": w.window.pk,
            "applicant_name": "王秀兰",
            "applicant_id_number": "11010519491231002X",
            "applicant_phone": "13812345678",
        },
        format="json",
    )


def test_the_catalogue_and_the_halls(world: SimpleNamespace) -> None:
    c = api(world.staff)

    items = c.get("/api/hall-items/", {"kind": "public_service"}).json()
    detail = c.get(f"/api/hall-items/{world.item.pk}/").json()
    halls = c.get("/api/halls/").json()
    windows = c.get("/api/hall-windows/").json()

    assert {i["code"] for i in items["results"]} == {world.item.code, world.immediate.code}
    assert [m["name"] for m in detail["materials"] if m["is_waived"]] == ["户口簿复印件"]
    assert {h["code"] for h in halls["results"]} == {"WD-ZWFW", "WD-BM01"}
    assert windows["results"][0]["items"] and windows["results"][0]["hall"] == "WD-ZWFW"


def test_receiving_and_a_step(world: SimpleNamespace) -> None:
    c = api(world.staff)

    created = receive(world, c)
    pk = created.json()["id"]
    steps = c.get(f"/api/hall-applications/{pk}/transitions/").json()
    accepted = c.post(f"/api/hall-applications/{pk}/transitions/", {"name": "accept"}, format="json")
    refused = c.post(f"/api/hall-applications/{pk}/transitions/", {"name": "accept"}, format="json")

    assert created.status_code == 201
    assert created.json()["applicant_id_number"] == "110105********002X"
    assert created.json()["applicant_phone"] == "138****5678"
    assert {"accept", "request_supplement", "reject", "withdraw"} <= {s["name"] for s in steps}
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert refused.status_code == 409
    assert [e["transition"] for e in accepted.json()["events"]] == ["receive", "accept"]


def test_receiving_needs_a_receiving_role(world: SimpleNamespace) -> None:
    response = receive(world, api(world.leader))

    assert response.status_code == 403
    assert not Application.objects.exists()


def test_the_ledger_is_scoped(world: SimpleNamespace) -> None:
    a = ApplicationFactory.create(hall=world.hall, item=world.item)

    assert api(world.staff).get(f"/api/hall-applications/{a.pk}/").status_code == 200
    assert api(world.street_staff).get(f"/api/hall-applications/{a.pk}/").status_code == 404
    assert api(UserFactory.create()).get("/api/hall-applications/").json()["count"] == 0


def test_the_figures_and_the_programmes(world: SimpleNamespace) -> None:
    ApplicationFactory.create_batch(3, hall=world.hall, item=world.item, window=world.window, staff=world.staff)
    ApplicationFactory.create(
        hall=world.hall, item=world.item, status=ApplicationStatus.ACCEPTED, finished_at=None, is_overdue=True
    )
    p = Programme.objects.create(code="QS", name="契税缴纳补贴专项服务", hall=world.hall, target_households=509)
    p.windows.add(world.window)
    Application.objects.filter(status=ApplicationStatus.FINISHED).update(programme=p)
    c = api(world.admin)

    figures = c.get("/api/hall-figures/", {"by": "window"}).json()
    programmes = c.get("/api/hall-programmes/").json()

    assert figures["total"]["received"] == 4 and figures["total"]["finished"] == 3
    assert figures["total"]["overdue"] == 1 and figures["total"]["finish_rate"] == 0.75
    assert figures["rows"][0]["received"] == 3
    assert programmes["results"][0]["households"] == 3 and programmes["results"][0]["windows"] == ["01"]


def test_recording_an_assistance(world: SimpleNamespace) -> None:
    c = api(world.staff)

    created = c.post(
        "/api/hall-assistance/",
        {"hall": world.hall.code, "kind": "doorstep", "person_name": "张大爷", "person_phone": "13900001111"},
        format="json",
    )
    fixed = c.post(
        "/api/hall-assistance/",
        {
            "hall": world.hall.code,
            "kind": "doorstep",
            "person_name": "张大爷",
            "person_phone": "13900001111",
            "address": "甲社区3号楼",
        },
        format="json",
    )

    assert created.status_code == 400  # a doorstep visit needs the address
    assert fixed.status_code == 201 and fixed.json()["person_phone_masked"] == "139****1111"
