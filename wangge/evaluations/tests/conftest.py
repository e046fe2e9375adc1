"""A small district for the 好差评 tests: a hall in one street with two windows, the hall's staff, a leader and
an administrator over the district, the item's department with a handler, staff of another street, and 办件
finished in June 2025."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UnitFactory, UserFactory, territory_tree, user_with_role
from wangge.core.actors import SystemActor
from wangge.hall.models import Application
from wangge.hall.tests.factories import ApplicationFactory, HallFactory, ItemFactory, WindowFactory
from wangge.workcalendar.services import seed_calendar

TZ = ZoneInfo("Asia/Shanghai")
SYSTEM = SystemActor("test")
PHONE = "13800001234"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def finished(world: SimpleNamespace, n: int, day: int = 10, **kwargs: object) -> list[Application]:
    at = local(2025, 6, day, 10, 0)
    kwargs.setdefault("applicant_phone", PHONE)
    return [
        ApplicationFactory.create(
            item=world.item,
            hall=world.hall,
            window=world.window,
            staff=world.clerk,
            received_at=at,
            accepted_at=at,
            finished_at=at + dt.timedelta(hours=1),
            **kwargs,
        )
        for _ in range(n)
    ]


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    seed_calendar(years=range(2024, 2028))
    tree = territory_tree()
    dept = UnitFactory.create(code="DEPT01", name="区民政局", territory=tree.district)
    hall = HallFactory.create(code="WD01", name="卫东区政务服务中心", territory=tree.street_a)
    other_hall = HallFactory.create(code="WD02", name="乙街道便民服务中心", territory=tree.street_b)
    window = WindowFactory.create(hall=hall, number="01", name="综合受理1号窗")
    other_window = WindowFactory.create(hall=other_hall, number="01", name="综合受理")
    item = ItemFactory.create(name="最低生活保障审核", department=dept)
    clerk = user_with_role(Role.HALL_STAFF, tree.street_a, username="clerk")
    w = SimpleNamespace(
        tree=tree,
        dept=dept,
        hall=hall,
        other_hall=other_hall,
        window=window,
        other_window=other_window,
        item=item,
        clerk=clerk,
        leader=user_with_role(Role.LEADER, tree.district, username="leader"),
        admin=user_with_role(Role.ADMIN, tree.district, username="admin"),
        handler=user_with_role(Role.DEPT_HANDLER, None, unit=dept, username="handler"),
        stranger=user_with_role(Role.HALL_STAFF, tree.street_b, username="stranger"),
        nobody=UserFactory.create(username="nobody"),
        street_leader=user_with_role(Role.LEADER, tree.street_b, username="street_leader"),
    )
    return w
