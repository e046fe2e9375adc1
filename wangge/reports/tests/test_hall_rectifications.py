"""The daily bulletin lists the open 办件 rectifications (差评整改) with their deadlines until they close."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UnitFactory, territory_tree, user_with_role
from wangge.core.actors import CITIZEN, SYSTEM
from wangge.evaluations.services import evaluation_create, rectification_transition
from wangge.hall.tests.factories import ApplicationFactory, HallFactory, ItemFactory, WindowFactory
from wangge.reports.services import bulletin_generate
from wangge.reports.xlsx import bulletin_xlsx
from wangge.workcalendar.services import seed_calendar

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


@pytest.fixture
def hall_world(db: None) -> SimpleNamespace:
    seed_calendar(years=range(2024, 2028))
    tree = territory_tree()
    dept = UnitFactory.create(code="DEPT01", name="区民政局", territory=tree.district)
    hall = HallFactory.create(code="WD01", name="卫东区政务服务中心", territory=tree.street_a)
    window = WindowFactory.create(hall=hall, number="03", name="社会事务窗口")
    at = local(2025, 6, 10, 10)
    app = ApplicationFactory.create(
        item=ItemFactory.create(name="最低生活保障审核", department=dept),
        hall=hall,
        window=window,
        applicant_phone="13800001234",
        received_at=at,
        accepted_at=at,
        finished_at=at,
    )
    ev = evaluation_create(actor=CITIZEN, level=2, code=app.code, phone_last4="1234", now=local(2025, 6, 10, 15))
    clerk = user_with_role(Role.HALL_STAFF, tree.street_a, username="clerk")
    return SimpleNamespace(tree=tree, rect=ev.rectifications.get(), clerk=clerk)


def daily(day: dt.date, now: dt.datetime) -> dict:
    return bulletin_generate(actor=SYSTEM, date=day, scope_code="410403", now=now).data  # type: ignore[no-any-return]


def test_a_bad_rating_is_listed_with_its_deadline_until_closed(hall_world: SimpleNamespace) -> None:
    r = hall_world.rect
    data = daily(dt.date(2025, 6, 10), local(2025, 6, 10, 23))
    assert [(x["code"], x["deadline"], x["overdue"]) for x in data["hall_rectifications"]] == [
        (r.code, "2025-07-01", False)
    ]
    assert "差评整改在办 1 件" in bulletins_headline(data)
    late = daily(dt.date(2025, 7, 2), local(2025, 7, 2, 23))["hall_rectifications"]
    assert (late[0]["overdue"], late[0]["days_overdue"]) == (True, 1)
    sheet = load_workbook(
        io.BytesIO(
            bulletin_xlsx(
                bulletin_generate(
                    actor=SYSTEM, date=dt.date(2025, 6, 11), scope_code="410403", now=local(2025, 6, 11, 23)
                )
            )
        )
    )
    assert sheet["差评整改"]["B4"].value == r.code

    for name, field in (("verify", "finding"), ("rectify", "measures"), ("feedback", "feedback")):
        rectification_transition(
            actor=hall_world.clerk, rectification=r, name=name, now=local(2025, 7, 3, 10), **{field: "已办"}
        )
    assert daily(dt.date(2025, 7, 3), local(2025, 7, 3, 23))["hall_rectifications"] == []
    assert len(daily(dt.date(2025, 7, 2), local(2025, 7, 3, 23))["hall_rectifications"]) == 1  # open at that day's end


def test_a_units_bulletin_has_no_hall_rectifications(hall_world: SimpleNamespace) -> None:
    data = bulletin_generate(
        actor=SYSTEM, date=dt.date(2025, 6, 10), scope_code="unit:DEPT01", now=local(2025, 6, 10, 23)
    ).data
    assert data["hall_rectifications"] is None


def bulletins_headline(data: dict) -> str:
    from wangge.reports.bulletins import headline

    return headline(data)
