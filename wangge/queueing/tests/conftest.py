"""A hall with two groups (A 社保, B 不动产), three windows (1 and 2 dedicated, 3 flexible serving C 咨询), a window
clerk named on window 1, a hall-staff member and an administrator over the district, and a stranger."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UserFactory, territory_tree, user_with_role
from wangge.hall.tests.factories import HallFactory, ItemFactory, WindowFactory
from wangge.queueing.tests.factories import ItemGroupFactory, WindowGroupFactory


@pytest.fixture
def q(db: None) -> SimpleNamespace:
    tree = territory_tree()
    hall = HallFactory.create(territory=tree.district, code="WD01", name="测试区政务服务中心")
    item = ItemFactory.create(name="城乡居民养老保险参保登记")
    a = ItemGroupFactory.create(hall=hall, prefix="A", name="社保医保", position=1)
    a.items.add(item)
    b = ItemGroupFactory.create(hall=hall, prefix="B", name="不动产登记", position=2)
    c = ItemGroupFactory.create(hall=hall, prefix="C", name="综合咨询", position=3)
    w1 = WindowFactory.create(hall=hall, number="1", name="社保窗口")
    w2 = WindowFactory.create(hall=hall, number="2", name="不动产窗口")
    w3 = WindowFactory.create(hall=hall, number="3", name="综合窗口", is_flexible=True)
    WindowGroupFactory.create(window=w1, group=a)
    WindowGroupFactory.create(window=w2, group=b)
    WindowGroupFactory.create(window=w3, group=c)
    clerk = UserFactory.create(username="clerk")
    w1.staff.add(clerk)
    return SimpleNamespace(
        tree=tree,
        hall=hall,
        item=item,
        a=a,
        b=b,
        c=c,
        w1=w1,
        w2=w2,
        w3=w3,
        clerk=clerk,
        staff=user_with_role(Role.HALL_STAFF, tree.district, username="hallstaff"),
        admin=user_with_role(Role.ADMIN, tree.district, username="halladmin"),
        stranger=user_with_role(Role.GRID_WORKER, tree.grid_b1, username="stranger"),
    )
