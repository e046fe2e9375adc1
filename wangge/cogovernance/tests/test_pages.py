"""The pages of 共商共治 with the permission matrix, the public rating page (no login, rate-limited), the task
steps from the meeting page, and the 分包 map layer (scoped)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from wangge.accounts.tests.factories import UserFactory
from wangge.cogovernance.choices import TaskStatus
from wangge.cogovernance.models import FollowUpTask, Meeting, ServiceRating

pytestmark = pytest.mark.django_db


def client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("who", "home", "meeting", "prop"),
    [
        ("anonymous", 302, 302, 302),
        ("no_role", 200, 404, 404),
        ("worker", 200, 404, 404),
        ("stranger", 200, 404, 404),
        ("community_staff", 200, 200, 200),
        ("admin", 200, 200, 200),
        ("leader", 200, 200, 200),
    ],
)
def test_the_permission_matrix(w: SimpleNamespace, who: str, home: int, meeting: int, prop: int) -> None:
    user = None if who == "anonymous" else UserFactory.create() if who == "no_role" else getattr(w, who)
    c = client(user)
    assert c.get(reverse("web:cogov_home")).status_code == home
    assert c.get(reverse("web:cogov_meeting", args=[w.meeting.pk])).status_code == meeting
    assert c.get(reverse("web:cogov_property", args=[w.prop.pk])).status_code == prop
    assert c.get(reverse("web:cogov_assignments")).status_code == home


@freeze_time("2026-11-20 02:00:00")
def test_the_home_page_shows_the_overdue_task(w: SimpleNamespace) -> None:
    body = client(w.admin).get(reverse("web:cogov_home")).content.decode()
    assert "逾期未办结" in body and "施划停车位" in body and "停车秩序整治" in body


def test_a_staff_member_records_a_meeting_with_its_tasks(w: SimpleNamespace) -> None:
    data = {
        "kind": "hearing",
        "title": "公共收益听证",
        "territory": w.community.pk,
        "held_on": "2026-11-05",
        "attendance": "12",
        "resolutions": "用于更换门禁\n公示收支",
        "tasks": "修改方案并公示｜业委会｜10｜1",
    }
    assert client(w.worker).post(reverse("web:cogov_meeting_new"), data).status_code == 400
    done = client(w.community_staff).post(reverse("web:cogov_meeting_new"), data)
    assert done.status_code == 302
    m = Meeting.objects.get(title="公共收益听证")
    assert m.resolutions.count() == 2 and m.tasks.get().deadline_days == 10


def test_the_owner_completes_a_task_from_the_meeting_page(w: SimpleNamespace) -> None:
    url = reverse("web:cogov_task_act", args=[w.own_task.pk, "complete"])
    staff_page = client(w.community_staff).get(reverse("web:cogov_meeting", args=[w.meeting.pk])).content.decode()
    assert url in staff_page
    done = client(w.community_staff).post(url, {"expected_version": 1, "result": "已完成"})
    assert done.status_code == 302 and FollowUpTask.objects.get(pk=w.own_task.pk).status == TaskStatus.DONE
    refused = client(w.community_staff).post(url, {"expected_version": 1, "result": "再来"})
    assert refused.status_code == 409


def test_the_public_rating_page_needs_no_login_and_is_rate_limited(w: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_COGOV_RATING_RATE = "1/h"
    url = reverse("web:cogov_rate", args=[w.prop.public_token])
    c = client()
    page = c.get(url).content.decode()
    assert "幸福小区" in page and "刘经理" in page
    assert c.post(url, {"stars": "5", "staff": str(w.staff.pk), "comment": "很好"}).status_code == 200
    assert c.post(url, {"stars": "4"}).status_code == 429
    assert ServiceRating.objects.get().staff == w.staff
    assert c.get(reverse("web:cogov_rate", args=["nope"])).status_code == 404
    qr = client(w.community_staff).get(reverse("web:cogov_property_qr", args=[w.prop.pk, "svg"]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


def test_the_assignment_layer_is_scoped(w: SimpleNamespace) -> None:
    def kinds(user: Any) -> list[tuple[str, str]]:
        data = client(user).get(reverse("web:cogov_assignments_map")).json()
        return sorted((f["properties"]["kind"], f["geometry"]["type"]) for f in data["features"])

    assert kinds(w.admin) == [("community", "Point"), ("road", "LineString")]
    assert kinds(w.worker) == [("road", "LineString")]
    assert kinds(w.stranger) == []
    page = client(w.admin).get(reverse("web:map")).content.decode()
    assert reverse("web:cogov_assignments_map") in page
    panel = client(w.admin).get(reverse("web:map_panel", args=[w.grid.pk])).content.decode()
    assert "李书记" in panel and "城市管理局" in panel
