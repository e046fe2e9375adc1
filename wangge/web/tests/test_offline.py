"""The staff pages offline: a form sent again under the same client id makes nothing twice (上报 and 签到),
the outbox gets JSON answers, the service worker and the manifest are served from the site root."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core.tests.images import PNG
from wangge.reports.models import PatrolCheckin
from wangge.web.models import ClientSubmission
from wangge.workorders.choices import Channel
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

OUTBOX = {"X-Wangge-Outbox": "1"}


def report(client_id: str = "", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "appeal_type": "report",
        "description": "楼道里堆放杂物，堵塞消防通道",
        "lng": "113.02",
        "lat": "33.02",
        "crs": "wgs84",
        "photos": [SimpleUploadedFile("p.jpg", PNG, content_type="image/png")],
    }
    if client_id:
        data["client_id"] = client_id
    data.update(extra)
    return data


def test_a_report_sent_twice_under_one_client_id_makes_one_case(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    cid = str(uuid.uuid4())

    first = client.post(reverse("web:case_report"), report(cid))
    again = client.post(reverse("web:case_report"), report(cid))

    wo = WorkOrder.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("web:case_detail", args=[wo.pk])
    assert wo.channel == Channel.PATROL and wo.attachments.count() == 1
    assert ClientSubmission.objects.get().object_id == wo.pk


def test_without_a_client_id_each_sending_is_a_case(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    client.post(reverse("web:case_report"), report())
    client.post(reverse("web:case_report"), report())

    assert WorkOrder.objects.count() == 2 and not ClientSubmission.objects.exists()


def test_the_outbox_gets_json_with_the_case_address(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    cid = str(uuid.uuid4())

    first = client.post(reverse("web:case_report"), report(cid), headers=OUTBOX)
    again = client.post(reverse("web:case_report"), report(cid), headers=OUTBOX)

    wo = WorkOrder.objects.get()
    assert first.json()["ok"] is True and first.json()["url"] == reverse("web:case_detail", args=[wo.pk])
    assert again.json() == first.json() and wo.tracking_code in again.json()["message"]


def test_a_client_id_is_the_senders_own(client: Client, world: Any) -> None:
    """Another account sending the same id files its own case; it never learns of the first."""
    cid = str(uuid.uuid4())
    client.force_login(world.worker)
    client.post(reverse("web:case_report"), report(cid), headers=OUTBOX)
    client.force_login(world.other_worker)

    answer = client.post(reverse("web:case_report"), report(cid, lng="113.07", lat="33.02"), headers=OUTBOX)

    assert WorkOrder.objects.count() == 2
    mine = WorkOrder.objects.get(filed_by=world.other_worker)
    assert answer.json()["url"] == reverse("web:case_detail", args=[mine.pk])


def test_a_refused_sending_keeps_no_claim_and_says_why(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    cid = str(uuid.uuid4())

    refused = client.post(reverse("web:case_report"), report(cid, lng="", lat=""), headers=OUTBOX)
    outside = client.post(reverse("web:case_report"), report(cid, lng="120.5", lat="30.2"), headers=OUTBOX)
    corrected = client.post(reverse("web:case_report"), report(cid), headers=OUTBOX)

    assert refused.status_code == 400 and refused.json()["ok"] is False
    assert any("位置" in e for e in refused.json()["errors"])
    assert outside.status_code == 400 and outside.json()["errors"]
    assert corrected.json()["ok"] is True and WorkOrder.objects.count() == 1


def test_a_refused_form_without_the_outbox_shows_the_page(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    page = client.post(reverse("web:case_report"), report(str(uuid.uuid4()), lng="", lat=""))

    assert page.status_code == 200 and "请在地图上点选位置" in page.content.decode()


def checkin(client_id: str, **extra: Any) -> dict[str, Any]:
    data = {"lng": "113.01", "lat": "33.01", "crs": "wgs84", "note": "地下车库巡查", "client_id": client_id}
    data.update(extra)
    return data


def test_an_offline_check_in_arrives_once_at_the_time_it_was_made(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    cid = str(uuid.uuid4())
    made = timezone.now() - dt.timedelta(hours=2)

    first = client.post(reverse("web:offline_checkin"), checkin(cid, taken_at=made.isoformat()), headers=OUTBOX)
    again = client.post(reverse("web:offline_checkin"), checkin(cid, taken_at=made.isoformat()), headers=OUTBOX)

    c = PatrolCheckin.objects.get()
    assert first.json()["ok"] is True and again.json()["ok"] is True
    assert c.grid == world.grid1 and abs((c.at - made).total_seconds()) < 1


def test_a_check_in_time_from_the_future_or_long_ago_becomes_now(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    for taken in (timezone.now() + dt.timedelta(hours=3), timezone.now() - dt.timedelta(days=3)):
        client.post(
            reverse("web:offline_checkin"), checkin(str(uuid.uuid4()), taken_at=taken.isoformat()), headers=OUTBOX
        )

    assert all(abs((c.at - timezone.now()).total_seconds()) < 60 for c in PatrolCheckin.objects.all())
    assert PatrolCheckin.objects.count() == 2


def test_only_grid_workers_check_in_from_the_outbox(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    answer = client.post(reverse("web:offline_checkin"), checkin(str(uuid.uuid4())), headers=OUTBOX)

    assert answer.status_code == 403 and answer.json()["ok"] is False
    assert not PatrolCheckin.objects.exists() and not ClientSubmission.objects.exists()


def test_the_check_in_form_never_asks_for_a_coordinate_system(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    html = client.get(reverse("reports:patrol")).content.decode()

    assert 'type="hidden" name="crs" value="wgs84"' in html and "坐标系" not in html
    assert 'data-offline="checkin"' in html and reverse("web:offline_checkin") in html


def test_the_ping_names_the_user_and_gives_a_token(client: Client, world: Any) -> None:
    assert client.get(reverse("web:offline_ping")).status_code == 401
    client.force_login(world.worker)

    body = client.get(reverse("web:offline_ping")).json()

    assert body["user"] == world.worker.pk and len(body["csrf"]) >= 32


def test_the_service_worker_is_served_from_the_root_with_what_it_keeps(client: Client) -> None:
    response = client.get("/sw.js")

    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    config = json.loads(body.split("self.WANGGE_SW = ", 1)[1].split(";\n", 1)[0])
    assert {reverse("web:case_report"), reverse("reports:patrol"), reverse("web:outbox")} <= set(config["pages"])
    assert config["fallback"] == reverse("web:outbox") and len(config["version"]) == 12
    assert 'addEventListener("fetch"' in body
    unchanged = client.get("/sw.js", headers={"If-None-Match": response["ETag"]})
    assert unchanged.status_code == 304 and response["ETag"] == f'"{config["version"]}"'


def test_the_manifest_installs_the_staff_pages_with_real_icons(client: Client) -> None:
    response = client.get("/manifest.webmanifest")

    body = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert body["start_url"] == "/" and body["scope"] == "/" and body["display"] == "standalone"
    sizes = {icon["sizes"] for icon in body["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_staff_pages_link_the_manifest_and_the_outbox_citizen_pages_do_not(client: Client, world: Any) -> None:
    citizen = client.get(reverse("web:appeal")).content.decode()
    client.force_login(world.worker)

    staff = client.get(reverse("web:home")).content.decode()

    assert 'rel="manifest"' in staff and 'id="offline"' in staff and "web/offline.js" in staff
    assert 'rel="manifest"' not in citizen and "offline.js" not in citizen


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_make_one_case(world: Any) -> None:
    """The claim waits on the unique key: the second sending finds the first one's case (PostgreSQL; SQLite
    runs one writer at a time, which is the same answer)."""
    import threading
    import time

    from django.db import connection, connections

    from wangge.web import outbox
    from wangge.workorders.services import appeal_submit

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    cid = uuid.uuid4()
    results: list[tuple[int, bool]] = []
    started = threading.Barrier(2)

    def create() -> WorkOrder:
        wo = appeal_submit(
            actor=world.worker,
            appeal_type="report",
            description="楼道里堆放杂物，堵塞消防通道",
            lng=113.02,
            lat=33.02,
            channel=Channel.PATROL,
        )
        time.sleep(0.3)  # the other sending arrives while this one is still at work
        return wo

    def send() -> None:
        try:
            started.wait()
            results.append(outbox.submit_once(actor=world.worker, client_id=cid, kind=outbox.REPORT, create=create))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert WorkOrder.objects.count() == 1
    assert sorted(made for _pk, made in results) == [False, True]
    assert {pk for pk, _made in results} == {WorkOrder.objects.get().pk}
