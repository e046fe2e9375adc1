"""A volunteer's report goes through the one intake service under their name and is linked to them; it shows
in their record and in the figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wangge.core.actors import CITIZEN
from wangge.core.errors import ValidationFailed
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import VolunteerReport, VolunteerRole
from wangge.volunteers.selectors import volunteer_figures, volunteer_record
from wangge.volunteers.services import volunteer_leave, volunteer_report_create
from wangge.volunteers.tests.factories import centre
from wangge.workorders import catalog
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_a_volunteers_report_is_a_real_name_case_linked_to_them(w: Any) -> None:
    catalog.category_seed()
    x, y = centre(w.grid)
    role = VolunteerRole.objects.get(key="opinion")

    report = volunteer_report_create(
        actor=CITIZEN, volunteer=w.leader_v, role=role, description="楼道堆放杂物，堵塞消防通道。", lng=x, lat=y
    )

    wo = report.work_order
    assert (wo.reporter_name, wo.reporter_phone, wo.is_real_name) == ("何淑兰", "13900000001", True)
    assert wo.channel == Channel.H5 and wo.status == Status.REGISTERED and wo.grid == w.grid
    assert wo.title.startswith("【志愿者·社情民意调查员】")
    assert wo.events.filter(name="create").exists()
    assert [r.work_order for r in volunteer_record(w.leader_v)["reports"]] == [wo]
    today = dt.date.today()
    figures = volunteer_figures(w.district, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    assert (figures["reports"], figures["reports_closed"], figures["active"]) == (1, 0, 1)


def test_a_report_without_a_position_stays_at_the_volunteers_district(w: Any) -> None:
    report = volunteer_report_create(actor=CITIZEN, volunteer=w.member, description="小区门口路灯不亮已有一周。")
    assert report.work_order.district == w.district and report.work_order.grid is None


def test_a_report_in_a_role_not_held_or_by_a_volunteer_who_left_is_refused(w: Any) -> None:
    with pytest.raises(ValidationFailed) as not_held:
        volunteer_report_create(
            actor=CITIZEN,
            volunteer=w.member,
            role=VolunteerRole.objects.get(key="mediator"),
            description="邻里纠纷需要调解",
        )
    volunteer_leave(actor=w.community_staff, volunteer=w.member)
    with pytest.raises(ValidationFailed) as left:
        volunteer_report_create(actor=CITIZEN, volunteer=w.member, description="邻里纠纷需要调解")

    assert not_held.value.code == ErrorCode.INVALID_VOLUNTEER and left.value.code == ErrorCode.VOLUNTEER_LEFT
    assert not VolunteerReport.objects.exists() and not WorkOrder.objects.exists()
