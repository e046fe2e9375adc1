"""A small district for the meeting tests: one street, one community, a grid, the command centre, two departments,
the street office; a dispatcher, department handlers, street staff, a stranger of another district; and a
daily meeting of the district with one issue."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.meetings.models import Issue, Meeting, Task
from wangge.meetings.services import issue_create, issue_split, meeting_create, task_transition
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar

TZ = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def _node(parent: Territory | None, code: str, name: str, kind: str) -> Territory:
    fields = {"code": code, "name": name, "kind": kind}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def user(username: str, role: str, *, territory: Territory | None = None, unit: Unit | None = None) -> User:
    u = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username, unit=unit)
    RoleGrant.objects.create(user=u, role=role, territory=territory, unit=unit if territory is None else None)
    return u


# Tuesday 3 June 2025, the 18:00 meeting.
MEETING_DAY = dt.date(2025, 6, 3)
T0 = local(2025, 6, 3, 18, 30)


@pytest.fixture
def mt(db: Any) -> SimpleNamespace:
    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT)
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET)
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY)
    street2 = _node(district, "410403002", "另一街道", TerritoryKind.STREET)
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT)
    centre = Unit.objects.create(code="zhzx", name="区指挥中心", kind=UnitKind.COMMAND_CENTRE, territory=district)
    dept = Unit.objects.create(code="cgj", name="区城市管理局", kind=UnitKind.DEPARTMENT, territory=district)
    dept2 = Unit.objects.create(code="zjj", name="区住房和城乡建设局", kind=UnitKind.DEPARTMENT, territory=district)
    office = Unit.objects.create(code="jdb", name="测试街道办事处", kind=UnitKind.STREET_OFFICE, territory=street)
    office2 = Unit.objects.create(code="jdb2", name="另一街道办事处", kind=UnitKind.STREET_OFFICE, territory=street2)
    other_dept = Unit.objects.create(code="zh-cgj", name="湛河区城市管理局", kind=UnitKind.DEPARTMENT, territory=other)
    w = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        street2=street2,
        other_district=other,
        centre=centre,
        dept=dept,
        dept2=dept2,
        office=office,
        office2=office2,
        other_dept=other_dept,
        dispatcher=user("dispatcher", Role.DISPATCHER, territory=district, unit=centre),
        dispatcher2=user("dispatcher2", Role.DISPATCHER, territory=district, unit=centre),
        handler=user("handler", Role.DEPT_HANDLER, unit=dept),
        handler2=user("handler2", Role.DEPT_HANDLER, unit=dept2),
        street_staff=user("street_staff", Role.STREET_STAFF, territory=street),
        street2_staff=user("street2_staff", Role.STREET_STAFF, territory=street2),
        worker=user("worker", Role.GRID_WORKER, territory=community),
        leader=user("leader", Role.LEADER, territory=district),
        stranger=user("stranger", Role.DISPATCHER, territory=other),
    )
    w.meeting = meeting_create(actor=w.dispatcher, territory=district, held_on=MEETING_DAY, chair_name="张区长", now=T0)
    w.issue = issue_create(
        actor=w.dispatcher,
        meeting=w.meeting,
        title="建设路背街小巷垃圾堆积",
        description="群众反映多日未清运",
        territory=street,
        location="建设路 12 号",
        decision="城管局牵头清运，街道配合",
        now=T0,
    )
    return w


def split(w: SimpleNamespace, *rows: dict[str, Any], issue: Issue | None = None) -> list[Task]:
    rows = rows or ({"unit": w.dept, "requirement": "三日内清运完毕", "deadline_days": 3},)
    return issue_split(actor=w.dispatcher, issue=issue or w.issue, tasks=rows, now=T0)


def one_task(w: SimpleNamespace, **row: Any) -> Task:
    return split(w, {"unit": w.dept, "requirement": "三日内清运完毕", "deadline_days": 3, **row})[0]


def step(w: SimpleNamespace, task: Task, name: str, who: str, hours: float = 1, **p: Any) -> Task:
    return task_transition(actor=getattr(w, who), task=task, name=name, now=T0 + dt.timedelta(hours=hours), **p)


def meeting(w: SimpleNamespace) -> Meeting:
    return Meeting.objects.get(pk=w.meeting.pk)
