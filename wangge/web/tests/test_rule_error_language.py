"""A service's refusal answers in the language the request asks for, on every channel: Simplified Chinese by
default, English when the request asks for it (``Accept-Language``). The message is translated when the rule
is broken, inside the request, so the staff pages, the REST API and Open311 all say it in the caller's language.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.core.actors import SYSTEM
from wangge.open311.services import apikey_create
from wangge.web.tests.conftest import act, new_case
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

ENGLISH = {"Accept-Language": "en"}
DEFAULT = {"Accept-Language": ""}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (DEFAULT, "已红牌督办，不能降为黄牌"),
        (ENGLISH, "The case is under red-card supervision and cannot be downgraded to yellow"),
    ],
)
def test_a_staff_page_refusal_is_in_the_language_asked_for(
    client: Client, world: Any, headers: dict[str, str], message: str
) -> None:
    # given a case under red-card supervision
    wo = act(world, new_case(world), "supervise", "leader", timezone.now(), level="red", note="久拖不办")
    client.force_login(world.leader)

    # when the leader downgrades it to a yellow card on its page
    response = client.post(
        reverse("web:case_act", args=[wo.pk, "supervise"]),
        {"level": "yellow", "note": "已有进展", "expected_version": wo.version},
        headers={"HX-Request": "true", **headers},
    )

    # then the refusal is told in the page's language, and nothing changed
    assert response.status_code == 409
    assert message in response.content.decode()
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert (fresh.supervision, fresh.version) == ("red", wo.version)


@pytest.mark.parametrize(
    ("headers", "message"),
    [(DEFAULT, "承办单位不属于本工单所在的区"), (ENGLISH, "The handling unit does not belong to the case's district")],
)
def test_an_api_refusal_is_in_the_language_asked_for(world: Any, headers: dict[str, str], message: str) -> None:
    # given a registered case and a unit of the other district
    wo = new_case(world)
    elsewhere = Unit.objects.create(
        code="zhq-cgj", name="湛河区城市管理局", kind=UnitKind.DEPARTMENT, territory=world.other_district
    )
    client = APIClient(headers=headers)
    client.force_authenticate(world.dispatcher)

    # when the dispatcher sends it there through the REST API
    response = client.post(
        f"/api/work-orders/{wo.pk}/transitions/", {"name": "dispatch", "unit": elsewhere.pk}, format="json"
    )

    # then the refusal keeps its code and speaks the caller's language
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "unit_outside_district"
    assert response.json()["message"] == message


@pytest.mark.parametrize(
    ("headers", "message"),
    [(DEFAULT, "该位置不在本平台任何辖区内"), (ENGLISH, "The location is outside every territory of the platform")],
)
def test_an_open311_refusal_is_in_the_language_asked_for(world: Any, headers: dict[str, str], message: str) -> None:
    # given a client holding an Open311 key
    _key, raw = apikey_create(actor=SYSTEM, name="市民通 App")
    request = {
        "api_key": raw,
        "jurisdiction_id": "410403",
        "service_code": "E0101",
        "lat": "0",
        "long": "0",
        "description": "小区东门外有人私搭彩钢棚，占用人行道。",
    }

    # when it posts a request at a point outside every territory
    response = Client(headers=headers).post("/open311/v2/requests.json", request)

    # then the spec's error body describes the refusal in the caller's language
    assert response.status_code == 400, response.content
    [error] = response.json()
    assert error["code"] == 400 and message in error["description"]
