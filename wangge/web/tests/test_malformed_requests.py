"""Malformed requests are refused before a page's view runs, never with a server error: a NUL character (U+0000)
in a path, a query or a form field is a 400 on every page and a 4xx in the machine channels' own format
(PostgreSQL cannot compare text with a NUL); a multipart body over the upload limit is a 413, unread."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.core.tests.images import image
from wangge.web.tests.conftest import new_case
from wangge.workorders.models import Attachment, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # rate-limit counters


APPEAL = {"appeal_type": "complaint", "description": "路灯三天不亮了。", "lng": "113.01", "lat": "33.01"}

# (who, method, path, form data): the pages answer 400.
PAGES = [
    (None, "get", "/track/WG%00/", None),  # the tracking page: a code with a NUL
    (None, "post", "/track/WG%00/rate/", {"rating": "5", "resolved": "1"}),
    (None, "get", "/track/?code=WG%00", None),
    (None, "get", "/appeal/?point=P%00", None),  # the QR code's point
    (None, "post", "/appeal/", {**APPEAL, "point": "P\x00"}),  # the same as a form field
    (None, "post", "/login/", {"username": "admin\x00", "password": "x"}),
    ("dispatcher", "get", "/map/points.json?type=%00", None),
    ("dispatcher", "get", "/workbench/?q=%00", None),
    ("dispatcher", "get", "/registry/points/?q=%00", None),
    ("root", "get", "/admin/territory/territory/children/A%00/", None),
    ("root", "get", "/admin/workorders/routingrule/add/?unit=%00", None),
]
# The machine channels answer in their own format.
CHANNELS = [
    (None, "get", "/open311/v2/requests/WG%00.json", None),  # Open311 lookups
    (None, "get", "/open311/v2/services/E%00.json", None),
    (None, "get", "/open311/v2/requests.json?service_request_id=WG%00", None),
    ("dispatcher", "get", "/api/work-orders/?q=%00", None),  # API filters
    ("dispatcher", "get", "/api/points/?q=%00", None),
]


def client_for(world: Any, who: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if who == "root":
        client.force_login(get_user_model().objects.create_superuser(username="root", password="x-Passw0rd-long"))
    elif who:
        client.force_login(getattr(world, who))
    return client


@pytest.mark.parametrize(("who", "method", "path", "data"), PAGES)
def test_a_nul_on_a_page_is_a_bad_request(world: Any, who: str | None, method: str, path: str, data: Any) -> None:
    new_case(world)
    cases = WorkOrder.objects.count()

    response = (
        getattr(client_for(world, who), method)(path, data) if data else getattr(client_for(world, who), method)(path)
    )

    assert response.status_code == 400, (path, response.status_code)
    assert "空字符" in response.content.decode()
    assert WorkOrder.objects.count() == cases


@pytest.mark.parametrize(("who", "method", "path", "data"), CHANNELS)
def test_a_nul_in_a_machine_channel_is_refused_in_its_format(
    world: Any, who: str | None, method: str, path: str, data: Any
) -> None:
    response = getattr(client_for(world, who), method)(path)
    assert response.status_code == 400, (path, response.status_code)
    assert response["Content-Type"].startswith("application/json")


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_REQUEST_BYTES = 4096
    big = SimpleUploadedFile("big.png", image("PNG") + b"\x00" * 8192, content_type="image/png")

    response = client.post("/appeal/", {**APPEAL, "photos": [big]})

    assert response.status_code == 413 and "上传的内容超过" in response.content.decode()
    assert not WorkOrder.objects.exists() and not Attachment.objects.exists()
