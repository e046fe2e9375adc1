"""A small co-governance world for the tests: the ledger world's district with a 小区 in community a, its
红色物业 with two 亮牌 staff, a meeting in community a with two resolutions and two tasks (one owned by the grid
worker), road and intersection points, and 分包 on community a and a road section."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UnitFactory, user_with_role
from wangge.cogovernance.choices import AssignmentKind, MeetingKind
from wangge.cogovernance.services import assignment_save, meeting_record, property_register, staff_add
from wangge.core.actors import SystemActor
from wangge.ledgers.tests.factories import EstateFactory, ledger_world
from wangge.places.tests.factories import PointTypeFactory, point_in

SYSTEM = SystemActor("test")
LINE = {"type": "LineString", "coordinates": [[113.21, 33.72], [113.23, 33.72]]}


def cogov_world(*, held_on: dt.date = dt.date(2026, 11, 2)) -> SimpleNamespace:
    w = ledger_world()
    w.estate = EstateFactory.create(community=w.community, name="幸福小区")
    w.prop = property_register(
        actor=SYSTEM, estate=w.estate, company="红心物业", owners_committee="幸福小区业委会", committee_chair="马主任"
    )
    w.staff = staff_add(actor=SYSTEM, property=w.prop, name="刘经理", post="项目经理", badge_no="01")
    w.staff2 = staff_add(actor=SYSTEM, property=w.prop, name="陈师傅", post="维修工", badge_no="02")
    w.meeting = meeting_record(
        actor=SYSTEM,
        kind=MeetingKind.DELIBERATION,
        title="停车秩序整治",
        territory=w.community,
        held_on=held_on,
        participants="居委会\n业委会\n物业",
        resolutions=["施划停车位", "张贴停车公约"],
        tasks=[
            {"title": "施划停车位", "owner_name": "物业公司", "deadline_days": 5, "resolution": 1},
            {"title": "张贴公约", "owner": w.worker, "deadline_days": 20, "resolution": 2},
        ],
    )
    w.task, w.own_task = list(w.meeting.tasks.order_by("id"))
    w.unit = UnitFactory.create(territory=w.district, name="城市管理局")
    w.unit_member = user_with_role(Role.DEPT_HANDLER, unit=w.unit, username="unit_member")
    w.road = point_in(w.grid, type=PointTypeFactory.create(key="road"), name="华西路")
    w.crossing = point_in(w.grid2, type=PointTypeFactory.create(key="intersection"), name="华西路口")
    w.community_assignment = assignment_save(
        actor=SYSTEM,
        kind=AssignmentKind.COMMUNITY,
        territory=w.community,
        leader_name="李书记",
        leader_title="区委书记",
    )
    w.road_assignment = assignment_save(actor=SYSTEM, kind=AssignmentKind.ROAD, point=w.road, line=LINE, unit=w.unit)
    return w
