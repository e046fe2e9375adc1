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


# --- 红色物业 forms: 三方信息, 亮牌 staff, 述职评议 -------------------------------------------------------------


def _writer(w: SimpleNamespace, who: str) -> Any:
    from wangge.accounts.choices import Role
    from wangge.accounts.tests.factories import user_with_role

    if who == "anonymous":
        return None
    if who == "no_role":
        return UserFactory.create()
    if who == "other_community":
        return user_with_role(Role.COMMUNITY_STAFF, w.community_b, username="other_community_staff")
    return getattr(w, who)


def _property_state(w: SimpleNamespace) -> tuple[Any, ...]:
    from wangge.cogovernance.models import BadgeStaff, PropertyReview, RedProperty

    prop = RedProperty.objects.get(pk=w.prop.pk)
    return (
        RedProperty.objects.count(),
        prop.company,
        prop.owners_committee,
        list(BadgeStaff.objects.order_by("id").values_list("badge_no", "is_active")),
        PropertyReview.objects.count(),
    )


MATRIX = [("anonymous", 302), ("no_role", 404), ("other_community", 404), ("worker", 404)]


@pytest.mark.parametrize(("who", "refused"), MATRIX)
def test_the_property_forms_are_refused_outside_the_conveners_and_change_nothing(
    w: SimpleNamespace, who: str, refused: int
) -> None:
    c = client(_writer(w, who))
    before = _property_state(w)
    act = lambda what: reverse("web:cogov_property_act", args=[w.prop.pk, what])  # noqa: E731
    assert c.post(act("staff"), {"name": "王保洁", "post": "保洁", "badge_no": "09"}).status_code == refused
    assert c.post(act("staff-remove"), {"staff": w.staff.pk}).status_code == refused
    review = {"period": "2026年下半年", "held_on": "2026-11-10", "reviewer": "committee", "score": "90"}
    assert c.post(act("review"), review).status_code == refused
    register = {"estate": w.estate.pk, "company": "别家物业"}
    assert c.post(reverse("web:cogov_property_register"), register).status_code in {302, 400, 403}
    assert _property_state(w) == before


def test_the_property_page_shows_the_forms_to_community_staff_only(w: SimpleNamespace) -> None:
    url = reverse("web:cogov_property", args=[w.prop.pk])
    assert "登记亮牌服务人员" in client(w.community_staff).get(url).content.decode()
    assert "登记亮牌服务人员" not in client(w.leader).get(url).content.decode()


def test_a_leader_who_sees_the_property_cannot_write_it(w: SimpleNamespace) -> None:
    before = _property_state(w)
    c = client(w.leader)
    act = reverse("web:cogov_property_act", args=[w.prop.pk, "staff"])
    assert c.post(act, {"name": "王保洁", "post": "保洁", "badge_no": "09"}).status_code == 403
    removed = c.post(reverse("web:cogov_property_act", args=[w.prop.pk, "staff-remove"]), {"staff": w.staff.pk})
    assert removed.status_code == 403
    assert _property_state(w) == before


def test_community_staff_register_and_change_a_property(w: SimpleNamespace) -> None:
    from wangge.cogovernance.models import RedProperty
    from wangge.ledgers.tests.factories import EstateFactory

    c = client(w.community_staff)
    other = EstateFactory.create(community=w.community, name="和谐小区")
    form = c.get(reverse("web:cogov_property_register") + f"?estate={w.estate.pk}").content.decode()
    assert "红心物业" in form
    done = c.post(
        reverse("web:cogov_property_register"),
        {"estate": other.pk, "company": "和谐物业", "company_branch": "和谐物业党支部", "owners_committee": "和谐"},
    )
    prop = RedProperty.objects.get(estate=other)
    assert done.status_code == 302 and done["Location"] == reverse("web:cogov_property", args=[prop.pk])
    assert prop.company_branch == "和谐物业党支部" and prop.public_token
    changed = c.post(reverse("web:cogov_property_register"), {"estate": w.estate.pk, "company": "新红心物业"})
    assert changed.status_code == 302
    assert RedProperty.objects.get(pk=w.prop.pk).company == "新红心物业"


def test_a_bad_property_form_writes_nothing(w: SimpleNamespace) -> None:
    from wangge.ledgers.tests.factories import EstateFactory

    c = client(w.community_staff)
    before = _property_state(w)
    blank = c.post(reverse("web:cogov_property_register"), {"estate": w.estate.pk, "company": "  "})
    assert blank.status_code == 400 and 'class="errorlist' in blank.content.decode()
    elsewhere = EstateFactory.create(community=w.community_b)
    outside = c.post(reverse("web:cogov_property_register"), {"estate": elsewhere.pk, "company": "别家物业"})
    assert outside.status_code == 400
    assert _property_state(w) == before


def test_community_staff_add_and_remove_a_badge(w: SimpleNamespace) -> None:
    from wangge.cogovernance.models import BadgeStaff

    c = client(w.community_staff)
    act = lambda what: reverse("web:cogov_property_act", args=[w.prop.pk, what])  # noqa: E731
    done = c.post(act("staff"), {"name": "王保洁", "post": "保洁员", "badge_no": "09", "is_party_member": "on"})
    assert done.status_code == 302
    added = BadgeStaff.objects.get(property=w.prop, badge_no="09")
    assert added.is_party_member and added.is_active
    assert c.post(act("staff-remove"), {"staff": w.staff2.pk}).status_code == 302
    assert not BadgeStaff.objects.get(pk=w.staff2.pk).is_active
    public = Client().get(reverse("web:cogov_rate", args=[w.prop.public_token])).content.decode()
    assert "王保洁" in public and "陈师傅" not in public


def test_a_bad_badge_form_writes_nothing(w: SimpleNamespace) -> None:
    c = client(w.community_staff)
    act = lambda what: reverse("web:cogov_property_act", args=[w.prop.pk, what])  # noqa: E731
    before = _property_state(w)
    missing = c.post(act("staff"), {"name": "王保洁", "post": "", "badge_no": "09"})
    assert missing.status_code == 400
    taken = c.post(act("staff"), {"name": "王保洁", "post": "保洁员", "badge_no": "01"})
    assert taken.status_code == 400 and "亮牌编号已被使用" in taken.content.decode()
    assert c.post(act("staff-remove"), {"staff": "abc"}).status_code == 404
    assert _property_state(w) == before
    c.post(act("staff-remove"), {"staff": w.staff2.pk})
    again = c.post(act("staff-remove"), {"staff": w.staff2.pk}, follow=True)
    assert "该服务人员已不在岗" in again.content.decode()


def test_community_staff_record_a_review_once_per_party_and_period(w: SimpleNamespace) -> None:
    from wangge.cogovernance.models import PropertyReview

    c = client(w.community_staff)
    url = reverse("web:cogov_property_act", args=[w.prop.pk, "review"])
    review = {"period": "2026年下半年", "held_on": "2026-11-10", "reviewer": "committee", "score": "91.5", "note": "好"}
    assert c.post(url, review).status_code == 302
    row = PropertyReview.objects.get(property=w.prop, period="2026年下半年", reviewer="committee")
    assert str(row.score) == "91.5"
    twice = c.post(url, {**review, "score": "60"})
    assert twice.status_code == 400 and "该评议方本期已评议" in twice.content.decode()
    assert PropertyReview.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"score": "101"},
        {"score": "-1"},
        {"score": "很好"},
        {"reviewer": "mayor"},
        {"period": ""},
        {"held_on": "2026-13-01"},
    ],
)
def test_a_bad_review_form_writes_nothing(w: SimpleNamespace, bad: dict[str, str]) -> None:
    c = client(w.community_staff)
    before = _property_state(w)
    review = {"period": "2026年下半年", "held_on": "2026-11-10", "reviewer": "committee", "score": "90", **bad}
    answer = c.post(reverse("web:cogov_property_act", args=[w.prop.pk, "review"]), review)
    assert answer.status_code == 400 and 'class="errorlist' in answer.content.decode()
    assert _property_state(w) == before
