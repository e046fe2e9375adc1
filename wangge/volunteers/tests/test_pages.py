"""The pages: the staff pages scoped (anonymous / no role / other grid / parent district), the registration, the
activity with its hours confirmed, a post's day with the roster and check-ins; the citizen pages with the
volunteer recognised by the number verified by the citizen pages' SMS code."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from wangge.accounts.tests.factories import UserFactory
from wangge.core.crypto import blind_index
from wangge.notifications.sms import ConsoleSmsBackend
from wangge.volunteers.choices import HoursStatus
from wangge.volunteers.models import CheckIn, ServiceHours, Volunteer, VolunteerReport, VolunteerRole
from wangge.volunteers.tests.factories import ActivityFactory, centre, hours, slot
from wangge.web.views import citizen
from wangge.workorders import catalog

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _urls(w: Any) -> dict[str, str]:
    a = ActivityFactory.create(team=w.team)
    return {
        "volunteer": reverse("web:volunteer_detail", args=[w.member.pk]),
        "team": reverse("web:volunteer_team_detail", args=[w.team.pk]),
        "activity": reverse("web:volunteer_activity_detail", args=[a.pk]),
        "post": reverse("web:volunteer_post_detail", args=[w.post.pk]),
    }


@pytest.mark.parametrize("page", ["volunteer", "team", "activity", "post"])
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("no_role", 404), ("other_grid", 404), ("parent", 200)]
)
def test_the_detail_pages_answer_by_scope(w: Any, page: str, who: str, status: int) -> None:
    url = _urls(w)[page]
    user = {
        "anonymous": None,
        "no_role": UserFactory.create(username="nobody"),
        "other_grid": w.stranger,
        "parent": w.leader,
    }[who]
    assert client(user).get(url).status_code == status


def test_a_grid_worker_sees_the_volunteers_of_their_grid_only(w: Any) -> None:
    body = client(w.other_worker).get(reverse("web:volunteer_list")).content.decode()
    assert "王秀英" in body and "李桂香" not in body and "139****0003" in body and "13900000003" not in body
    assert client(w.other_worker).get(reverse("web:volunteer_detail", args=[w.member.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "volunteer_home",
        "volunteer_list",
        "volunteer_new",
        "volunteer_roles",
        "volunteer_teams",
        "volunteer_team_new",
        "volunteer_activities",
        "volunteer_activity_new",
        "volunteer_posts",
        "volunteer_post_new",
    ],
)
def test_the_staff_pages_open(w: Any, name: str) -> None:
    assert client(w.community_staff).get(reverse(name.join(["web:", ""]))).status_code == 200


def test_the_home_page_shows_the_figures(w: Any) -> None:
    body = client(w.admin).get(reverse("web:volunteer_home")).content.decode()
    assert "在册志愿者" in body and "社情民意调查员" in body and "鹰城大妈志愿服务队" in body


def test_registering_directly_and_revealing_the_number(w: Any) -> None:
    c = client(w.worker)
    civility = VolunteerRole.objects.get(key="civility")
    data = {"name": "赵大妈", "phone": "13900000088", "territory": w.grid.pk, "roles": [civility.pk]}
    response = c.post(reverse("web:volunteer_new"), data)
    v = Volunteer.objects.get(name="赵大妈")
    assert response.status_code == 302 and response["Location"] == reverse("web:volunteer_detail", args=[v.pk])
    assert list(v.roles.values_list("key", flat=True)) == ["civility"]
    page = c.get(response["Location"]).content.decode()
    assert "139****0088" in page and "13900000088" not in page
    revealed = c.post(reverse("web:volunteer_reveal", args=[v.pk]))
    assert "13900000088" in revealed.content.decode() and revealed["Cache-Control"] == "private, no-store"
    assert client(w.other_worker).post(reverse("web:volunteer_reveal", args=[v.pk])).status_code == 404


def test_confirming_hours_on_the_activity_page(w: Any) -> None:
    a = ActivityFactory.create(team=w.team)
    row = hours(a, w.member)
    url = reverse("web:volunteer_activity_detail", args=[a.pk])
    assert "不予确认" not in client(w.worker).get(url).content.decode()  # a grid worker does not confirm
    page = client(w.community_staff).get(url).content.decode()
    assert "不予确认" in page
    client(w.community_staff).post(reverse("web:volunteer_hours_decide", args=[row.pk]), {"decision": "confirm"})
    row.refresh_from_db()
    assert row.status == HoursStatus.CONFIRMED


@freeze_time("2025-06-02 23:25:00")  # 07:25 in 平顶山
def test_a_posts_day_with_its_roster_and_a_check_in_on_behalf(w: Any) -> None:
    s = slot(w.post, w.member, dt.date(2025, 6, 3))
    c = client(w.worker)
    page = c.get(reverse("web:volunteer_post_detail", args=[w.post.pk])).content.decode()
    assert "李桂香" in page and "未签到" in page and "代签到" in page
    c.post(reverse("web:volunteer_slot_check_in", args=[s.pk]), {"latitude": w.post.lat, "longitude": w.post.lng})
    assert CheckIn.objects.get(slot=s).recorded_by == w.worker
    add = client(w.community_staff).post(
        reverse("web:volunteer_slot_add", args=[w.post.pk]),
        {"volunteer": w.member2.pk, "date": "2025-06-04", "start_time": "16:30", "end_time": "17:30"},
    )
    assert add.status_code == 302 and w.member2.slots.count() == 1


# --- the citizen side --------------------------------------------------------------------------------------------


def signed_in(phone: str) -> Client:
    c = Client()
    session = c.session
    session[citizen.MINE_SESSION] = {"index": blind_index(phone), "until": time.time() + 600}
    session.save()
    return c


def test_the_volunteer_signs_in_with_the_citizen_pages_sms_code(w: Any) -> None:
    ConsoleSmsBackend.sent.clear()
    c = Client()
    assert "手机号验证" in c.get(reverse("web:volunteer_me")).content.decode()
    asked = c.post(reverse("web:volunteer_signin"), {"phone": "13900000001"})
    assert asked.status_code == 302 and asked["Location"] == reverse("web:volunteer_signin_verify")
    match = re.search(r"验证码为 (\d{6})", ConsoleSmsBackend.sent[-1]["text"])
    assert match is not None
    verified = c.post(reverse("web:volunteer_signin_verify"), {"code": match.group(1)})
    assert verified.status_code == 302 and verified["Location"] == reverse("web:volunteer_me")
    page = c.get(reverse("web:volunteer_me")).content.decode()
    assert "何淑兰" in page and "社情民意调查员" in page and "鹰城大妈志愿服务队" in page
    assert c.get(reverse("web:my_appeals")).status_code == 200  # the same sign-in as 我的诉求


def test_a_verified_number_that_is_no_volunteer_sees_no_record(w: Any) -> None:
    c = signed_in("13700000000")
    assert "没有登记为志愿者" in c.get(reverse("web:volunteer_me")).content.decode()
    assert c.get(reverse("web:volunteer_report")).status_code == 302


def test_a_volunteer_reports_under_their_name_and_sees_it_in_their_record(w: Any) -> None:
    catalog.category_seed()
    c = signed_in("13900000001")
    x, y = centre(w.grid)
    opinion = w.leader_v.roles.get(key="opinion")
    response = c.post(
        reverse("web:volunteer_report"),
        {
            "role": opinion.pk,
            "appeal_type": "report",
            "description": "楼道堆放杂物，堵塞消防通道。",
            "latitude": y,
            "longitude": x,
        },
    )
    assert response.status_code == 302
    report = VolunteerReport.objects.get()
    assert report.volunteer == w.leader_v and report.role == opinion and report.work_order.reporter_name == "何淑兰"
    page = c.get(reverse("web:volunteer_me")).content.decode()
    assert report.work_order.tracking_code in page and "已受理" in page


@freeze_time("2025-06-02 23:25:00")  # 07:25 in 平顶山
def test_a_volunteer_checks_in_on_their_own_slot_from_the_phone(w: Any) -> None:
    mine = slot(w.post, w.member, dt.date(2025, 6, 3))
    theirs = slot(w.post, w.member2, dt.date(2025, 6, 3))
    c = signed_in("13900000002")
    assert "到岗签到" in c.get(reverse("web:volunteer_me")).content.decode()
    c.post(reverse("web:volunteer_check_in", args=[theirs.pk]), {"latitude": w.post.lat, "longitude": w.post.lng})
    c.post(reverse("web:volunteer_check_in", args=[mine.pk]), {"latitude": w.post.lat, "longitude": w.post.lng})
    assert list(CheckIn.objects.values_list("slot_id", "is_late", "far_from_post")) == [(mine.pk, False, False)]


def test_the_leader_confirms_hours_on_the_citizen_pages(w: Any) -> None:
    a = ActivityFactory.create(team=w.team)
    member_row, own_row = hours(a, w.member), hours(a, w.leader_v)
    leader = signed_in("13900000001")
    page = leader.get(reverse("web:volunteer_me")).content.decode()
    assert "待我确认的服务时长" in page and "李桂香" in page
    leader.post(reverse("web:volunteer_citizen_hours_decide", args=[own_row.pk]), {"decision": "confirm"})
    signed_in("13900000002").post(
        reverse("web:volunteer_citizen_hours_decide", args=[member_row.pk]), {"decision": "confirm"}
    )
    assert set(ServiceHours.objects.values_list("status", flat=True)) == {HoursStatus.PENDING}
    leader.post(reverse("web:volunteer_citizen_hours_decide", args=[member_row.pk]), {"decision": "confirm"})
    member_row.refresh_from_db()
    assert member_row.status == HoursStatus.CONFIRMED
