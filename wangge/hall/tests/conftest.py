"""A small district for the hall tests: a district hall and a street hall, a window, an item with materials, and
staff of every kind the permission checks tell apart."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UnitFactory, territory_tree, user_with_role
from wangge.core.actors import SystemActor
from wangge.hall.choices import HallKind, HandlingType
from wangge.hall.models import ItemMaterial
from wangge.hall.tests.factories import HallFactory, ItemFactory, WindowFactory
from wangge.workcalendar.services import seed_calendar

TZ = ZoneInfo("Asia/Shanghai")
SYSTEM = SystemActor("test")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    seed_calendar(years=range(2024, 2028))
    tree = territory_tree()
    dept = UnitFactory.create(code="410403-rsj", name="人社局", territory=tree.district)
    other_dept = UnitFactory.create(code="410403-mzj", name="民政局", territory=tree.district)
    hall = HallFactory.create(code="WD-ZWFW", name="区政务服务中心", territory=tree.district)
    street_hall = HallFactory.create(
        code="WD-BM01", name="乙街道便民服务中心", kind=HallKind.STREET, territory=tree.street_b
    )
    window = WindowFactory.create(hall=hall, number="01", name="综合受理1号窗")
    item = ItemFactory.create(name="社会保障卡申领", department=dept, promised_limit_days=5, legal_limit_days=20)
    immediate = ItemFactory.create(
        name="个人权益记录查询打印",
        department=dept,
        handling_type=HandlingType.IMMEDIATE,
        promised_limit_days=0,
        legal_limit_days=0,
    )
    ItemMaterial.objects.create(item=item, name="申请表", original_copies=1, position=1)
    ItemMaterial.objects.create(item=item, name="居民身份证", original_copies=1, copy_copies=1, position=2)
    ItemMaterial.objects.create(item=item, name="户口簿复印件", is_waived=True, waived_reason="数据共享", position=3)
    window.items.add(item, immediate)
    return SimpleNamespace(
        tree=tree,
        dept=dept,
        other_dept=other_dept,
        hall=hall,
        street_hall=street_hall,
        window=window,
        item=item,
        immediate=immediate,
        staff=user_with_role(Role.HALL_STAFF, tree.district, username="window_a"),
        street_staff=user_with_role(Role.HALL_STAFF, tree.street_b, username="window_b"),
        handler=user_with_role(Role.DEPT_HANDLER, unit=dept, username="rsj_handler"),
        other_handler=user_with_role(Role.DEPT_HANDLER, unit=other_dept, username="mzj_handler"),
        grid_worker=user_with_role(Role.GRID_WORKER, tree.grid_a1, username="gw"),
        leader=user_with_role(Role.LEADER, tree.district, username="leader"),
        admin=user_with_role(Role.ADMIN, tree.district, username="admin_a"),
    )
