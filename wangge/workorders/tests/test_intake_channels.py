"""Who may file where, the same on every channel (docs/adr/0002-intake.md).

One table: channel × actor × place. Staff file anywhere in the districts they work in, the case lands in the
grid it lies in and its filer keeps seeing it, and the grid's own staff hear of it; outside their districts
they are refused and nothing is kept. An API client files within its key's district; a citizen wherever the
platform serves. Every channel — the staff 上报 page, the 受理登记 page, the REST API, Open311 and the citizen
page — gives the same answer, because every one calls the one intake service.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from wangge.notifications.models import Notification
from wangge.open311.services import apikey_create
from wangge.workorders.models import WorkOrder

# A spot of each place in the test district (grid 1 and grid 2 of one community) and in the other district.
PLACES = {"own_grid": (113.01, 33.01), "other_grid": (113.07, 33.01), "other_district": (114.05, 33.05)}
TEXT = "小区东门外有人私搭彩钢棚，占用人行道。"


def _web_form(client: Client, url: str, lng: float, lat: float, **extra: Any) -> bool:
    data = {"appeal_type": "complaint", "description": TEXT, "lng": lng, "lat": lat, "crs": "wgs84", **extra}
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:  # the form again: it must be the rule that refused, not the input
        assert "该位置不在您工作的区内，不能登记" in response.content.decode()
    return response.status_code == 302


def file_by(channel: str, w: SimpleNamespace, who: str, place: str) -> bool:
    """File one case at ``place`` as ``who`` through ``channel``; True when the channel says it was taken."""
    lng, lat = PLACES[place]
    if channel in {"web_report", "web_intake"}:
        client = Client()
        client.force_login(getattr(w, who))
        if channel == "web_report":
            return _web_form(client, "/cases/new/", lng, lat)
        intake = {"channel": "hotline", "urgency": "normal", "district": w.district.pk}
        return _web_form(client, "/cases/intake/", lng, lat, **intake)
    if channel == "api":
        api = APIClient()
        api.force_authenticate(getattr(w, who))
        body = {"channel": "hotline", "appeal_type": "complaint", "title": "私搭乱建", "description": TEXT}
        response = api.post("/api/work-orders/", {**body, "lng": lng, "lat": lat}, format="json")
        assert response.status_code in (201, 403), response.content
        return response.status_code == 201
    if channel == "open311":
        district = w.district if who == "key_of_district" else None
        _key, raw = apikey_create(actor=w.admin_actor, name=f"客户端 {who}", district=district)
        jurisdiction = "410411" if place == "other_district" else "410403"
        data = {"api_key": raw, "jurisdiction_id": jurisdiction, "service_code": "E0101", "lat": lat, "long": lng}
        answer = Client().post("/open311/v2/requests.json", {**data, "description": TEXT})
        assert answer.status_code in (201, 200, 403), answer.content
        return answer.status_code in (200, 201)
    if channel == "citizen":
        return _web_form(Client(), "/appeal/", lng, lat)
    raise AssertionError(channel)


# (channel, actor): the actors each channel serves.
STAFF = [
    ("web_report", "worker"),
    ("web_report", "caller"),
    ("web_report", "handler"),
    ("web_intake", "worker"),
    ("web_intake", "caller"),
    ("api", "worker"),
    ("api", "caller"),
    ("api", "handler"),
]
OTHERS = [("open311", "key_of_district"), ("open311", "key_of_platform"), ("citizen", "citizen")]

# What the rule answers, per actor and place: the grid the case lands in, or None (refused, nothing kept).
EXPECTED: dict[str, dict[str, str | None]] = {
    "staff": {"own_grid": "410403001001001", "other_grid": "410403001001002", "other_district": None},
    "key_of_district": {"own_grid": "410403001001001", "other_grid": "410403001001002", "other_district": None},
    "key_of_platform": {"own_grid": "410403001001001", "other_grid": "410403001001002", "other_district": ""},
    "citizen": {"own_grid": "410403001001001", "other_grid": "410403001001002", "other_district": ""},
}


@pytest.fixture
def channels(world: SimpleNamespace) -> SimpleNamespace:
    from wangge.core.actors import SYSTEM

    cache.clear()  # rate-limit counters of the citizen page and Open311
    world.admin_actor = SYSTEM
    return world


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize(("channel", "who"), STAFF + OTHERS, ids=lambda v: str(v))
def test_every_channel_applies_the_one_intake_rule(
    channels: SimpleNamespace, channel: str, who: str, place: str
) -> None:
    w = channels
    expected = EXPECTED["staff" if (channel, who) in STAFF else who][place]
    before = set(WorkOrder.objects.values_list("pk", flat=True))
    taken = file_by(channel, w, who, place)
    new = list(WorkOrder.objects.exclude(pk__in=before))
    if expected is None:
        assert not taken and new == []  # refused, and nothing kept
        return
    assert taken and len(new) == 1
    wo = new[0]
    if expected:
        assert wo.grid is not None and wo.grid.code == expected
    else:  # another district the platform serves (the test tree has no grids there)
        assert wo.district == w.other_district
    if (channel, who) in STAFF:
        filer = getattr(w, who)
        assert wo.filed_by == filer
        assert WorkOrder.objects.restrict(filer).filter(pk=wo.pk).exists()  # the filer keeps seeing it
        grid_staff_heard = Notification.objects.filter(recipient=w.other_worker, link=f"/cases/{wo.pk}/").exists()
        assert grid_staff_heard == (place == "other_grid")


def test_the_filer_opens_a_case_filed_outside_their_scope(channels: SimpleNamespace) -> None:
    w = channels
    client = Client()
    client.force_login(w.worker)
    response = client.post(
        "/cases/new/", {"appeal_type": "complaint", "description": TEXT, "lng": 113.07, "lat": 33.01, "crs": "wgs84"}
    )
    wo = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{wo.pk}/"
    assert client.get(response["Location"]).status_code == 200
    api = APIClient()
    api.force_authenticate(w.worker)
    assert api.get(f"/api/work-orders/{wo.pk}/").status_code == 200
    # seeing is not acting: the grid worker of grid 1 has no step to take on grid 2's case
    assert api.get(f"/api/work-orders/{wo.pk}/transitions/").json() == []


def test_a_refusal_names_the_rule(channels: SimpleNamespace) -> None:
    api = APIClient()
    api.force_authenticate(channels.worker)
    body = {"channel": "patrol", "appeal_type": "complaint", "title": "私搭乱建", "description": TEXT}
    response = api.post("/api/work-orders/", {**body, "lng": 114.05, "lat": 33.05}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "out_of_jurisdiction"
    assert not WorkOrder.objects.exists()


def test_real_name_is_decided_once(channels: SimpleNamespace) -> None:
    from wangge.core.errors import ValidationFailed
    from wangge.workorders.services import work_order_create

    w = channels
    base: dict[str, Any] = {
        "actor": w.caller,
        "channel": "hotline",
        "appeal_type": "complaint",
        "title": "私搭乱建",
        "description": TEXT,
        "lng": 113.01,
        "lat": 33.01,
    }
    named = work_order_create(**base, reporter_name="王先生", reporter_phone="13812341234")
    anonymous_by_request = work_order_create(
        **base, reporter_name="王先生", reporter_phone="13812341234", is_real_name=False
    )
    phone_only = work_order_create(**base, reporter_phone="13812341234")
    assert (named.is_real_name, anonymous_by_request.is_real_name, phone_only.is_real_name) == (True, False, False)
    with pytest.raises(ValidationFailed) as err:
        work_order_create(**base, reporter_phone="13812341234", is_real_name=True)
    assert err.value.code == "real_name_incomplete" and WorkOrder.objects.count() == 3


def test_audit_entries_of_a_request_name_its_client_address(channels: SimpleNamespace) -> None:
    """Services write their own audit entries; the request's address reaches every one of them (here the
    photos filed with a report), and nothing leaks into work done outside a request."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wangge.core import audit
    from wangge.core.models import AuditEntry
    from wangge.core.tests.images import PNG

    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(channels.worker)
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    data = {"appeal_type": "complaint", "description": TEXT, "lng": 113.01, "lat": 33.01, "crs": "wgs84"}
    response = client.post("/cases/new/", {**data, "photos": photo})

    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action__startswith="workorders.attachment").latest("id")
    assert entry.ip == "10.1.2.3"
    assert audit.current_ip() is None
