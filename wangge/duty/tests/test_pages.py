"""The duty pages: what each sees, the forms that write through the services, the exports through the one safe
writer, and the scope (another district answers 404)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time
from openpyxl import load_workbook

from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.duty.choices import DepotKind, DutyRole, PlanKind, TeamKind
from wangge.duty.models import Consultation, Depot, DutyAssignment, DutyShift, DutySwap, Stock, StockMovement
from wangge.duty.services import (
    depot_create,
    drill_record,
    duty_roster_create,
    duty_roster_generate,
    plan_create,
    stocktake_record,
    supply_norm_set,
    team_create,
)

from .conftest import local, pdf


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def world(w: SimpleNamespace) -> SimpleNamespace:
    w.roster = duty_roster_create(
        actor=w.admin, name="区防汛值班", territory=w.district, unit=w.centre, phone="0375-1234567"
    )
    duty_roster_generate(
        actor=w.admin,
        roster=w.roster,
        start=dt.date(2025, 9, 29),
        end=dt.date(2025, 9, 30),
        leaders=[w.leader],
        officers=[w.worker, {"name": "=cmd|' /C calc'!A0", "phone": ""}],
    )
    w.depot = depot_create(
        actor=w.street_staff, name="优越路储备点", kind=DepotKind.STREET, territory=w.street, custodian=w.worker
    )
    supply_norm_set(actor=SYSTEM, item="life_jacket", quantity_required=50, depot_kind=DepotKind.STREET)
    stocktake_record(
        actor=w.worker,
        depot=w.depot,
        taken_on=dt.date(2025, 9, 1),
        counts={"life_jacket": 30},
        now=local(2025, 9, 1, 9),
    )
    w.plan = plan_create(
        actor=w.admin,
        title="卫东区防汛应急预案",
        kind=PlanKind.SPECIAL,
        territory=w.district,
        version="2023版",
        effective_on=dt.date(2023, 6, 1),
        file=pdf(),
    )
    team_create(
        actor=w.admin,
        name="应急救援大队",
        kind=TeamKind.PROFESSIONAL,
        territory=w.district,
        leader_name="马振华",
        leader_phone="13800004341",
        members=45,
        lng=113.02,
        lat=33.02,
    )
    drill_record(
        actor=w.admin,
        held_on=dt.date(2025, 7, 19),
        title="汛期实战演练",
        territory=w.district,
        participants=80,
        scenario="桥涵积水",
    )
    return w


def test_anonymous_is_sent_to_log_in(world):
    assert Client().get("/duty/").status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/duty/",
        "/duty/rosters/",
        "/duty/check-in/",
        "/duty/supplies/",
        "/duty/teams/",
        "/duty/plans/",
        "/duty/drills/",
        "/duty/consultations/",
    ],
)
def test_every_page_renders_for_a_viewer_and_for_another_district(world, url):
    assert client(world.leader).get(url).status_code == 200
    assert client(world.stranger).get(url).status_code == 200


def test_home_shows_the_duty_now_the_shortfall_and_the_overdue_stocktake(world):
    with freeze_time(local(2025, 9, 29, 10, 0)):
        page = client(world.leader).get("/duty/").content.decode()
    assert "区防汛值班" in page and "白班" in page and "未到岗" in page
    assert "优越路储备点" in page and "救生衣" in page and "20件" in page
    assert "应于 2025-10-01 前盘点" not in page  # not overdue on 09-29
    with freeze_time(local(2025, 10, 5, 10, 0)):
        later = client(world.leader).get("/duty/").content.decode()
    assert "应于 2025-10-01 前盘点" in later
    other = client(world.stranger).get("/duty/").content.decode()
    assert "区防汛值班" not in other and "优越路储备点" not in other


def test_the_other_district_gets_404_on_every_record(world):
    shift = DutyShift.objects.first()
    assert shift is not None
    a = DutyAssignment.objects.filter(shift=shift).first()
    assert a is not None
    version = world.plan.versions.get()
    for url in (
        f"/duty/rosters/{world.roster.pk}/",
        f"/duty/rosters/{world.roster.pk}/export.xlsx",
        f"/duty/assignments/{a.pk}/swap/",
        f"/duty/supplies/{world.depot.pk}/",
        f"/duty/supplies/{world.depot.pk}/stocktake/",
        f"/duty/plans/{world.plan.pk}/",
        f"/duty/plans/versions/{version.pk}/file",
    ):
        assert client(world.stranger).get(url).status_code == 404, url


def test_the_roster_month_and_its_export_through_the_safe_writer(world):
    page = client(world.leader).get(f"/duty/rosters/{world.roster.pk}/?month=2025-09").content.decode()
    assert "duty-calendar" in page and "duty-list" in page and "夜班" in page
    response = client(world.leader).get(f"/duty/rosters/{world.roster.pk}/export.xlsx?month=2025-09")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r if str(c.value or "").startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a live formula
    assert AuditEntry.objects.filter(action="duty.rosters_export").count() == 1


def test_the_supplies_export_lists_every_depot_row(world):
    response = client(world.leader).get("/duty/supplies/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[7]) for r in rows] == [("优越路储备点", "救生衣", 20)]
    assert client(world.stranger).get("/duty/supplies/export.xlsx").status_code == 200
    assert AuditEntry.objects.filter(action="duty.supplies_export").count() == 2


def test_generating_from_the_page(world):
    page = client(world.admin).post(
        f"/duty/rosters/{world.roster.pk}/generate/",
        {
            "start": "2025-10-01",
            "end": "2025-10-02",
            "leaders": [world.leader.pk],
            "officers": [world.worker.pk],
            "others": "李四 13700001111",
            "officers_per_shift": 1,
        },
    )
    assert page.status_code == 302
    assert (
        DutyShift.objects.filter(roster=world.roster, day__gte=dt.date(2025, 10, 1)).count() == 2
    )  # two holidays, 24 h
    assert client(world.leader).get(f"/duty/rosters/{world.roster.pk}/generate/").status_code == 404  # view only


def test_swapping_from_the_page(world):
    a = DutyAssignment.objects.get(shift__day=dt.date(2025, 9, 30), shift__pattern__key="day", role=DutyRole.OFFICER)
    with freeze_time(local(2025, 9, 29, 12, 0)):
        refused = client(world.admin).post(
            f"/duty/assignments/{a.pk}/swap/", {"to_user": a.user_id or "", "reason": "x"}
        )
        assert refused.status_code == 200 and not DutySwap.objects.exists()
        done = client(world.admin).post(
            f"/duty/assignments/{a.pk}/swap/", {"to_name": "王五", "to_phone": "13700002222", "reason": "病假"}
        )
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.name == "王五" and DutySwap.objects.get().reason == "病假"


def test_checking_in_from_the_phone(world):
    a = DutyAssignment.objects.get(shift__day=dt.date(2025, 9, 29), shift__pattern__key="day", role=DutyRole.OFFICER)
    with freeze_time(local(2025, 9, 29, 8, 10)):
        page = client(world.worker).get("/duty/check-in/").content.decode()
        assert "区防汛值班" in page and 'name="latitude"' in page
        client(world.worker).post(f"/duty/check-in/{a.pk}/", {"latitude": "33.02", "longitude": "113.01"})
    a.refresh_from_db()
    assert a.checked_in_at == local(2025, 9, 29, 8, 10) and a.check_in_lat == 33.02
    other = DutyAssignment.objects.get(shift=a.shift, role=DutyRole.LEADER)
    with freeze_time(local(2025, 9, 29, 8, 11)):
        client(world.worker).post(f"/duty/check-in/{other.pk}/", {})
    other.refresh_from_db()
    assert other.checked_in_at is None


def test_stocktake_and_movement_from_the_depot_page(world):
    c = client(world.worker)  # the custodian
    page = c.post(
        f"/duty/supplies/{world.depot.pk}/stocktake/",
        {"taken_on": "2025-09-20", "count_life_jacket": "55", "count_pump": ""},
    )
    assert page.status_code == 302
    assert Stock.objects.get(depot=world.depot, item__key="life_jacket").quantity == 55
    refused = c.post(
        f"/duty/supplies/{world.depot.pk}/",
        {
            "item": Stock.objects.get(depot=world.depot, item__key="life_jacket").item_id,
            "direction": "issue",
            "quantity": "60",
            "reason": "转移群众",
        },
    )
    assert refused.status_code == 200 and "库存不足" in refused.content.decode()
    assert (
        Stock.objects.get(depot=world.depot, item__key="life_jacket").quantity == 55
        and not StockMovement.objects.exists()
    )
    assert client(world.leader).get(f"/duty/supplies/{world.depot.pk}/stocktake/").status_code == 404  # view only


def test_plan_file_is_served_through_the_protected_path_and_audited(world):
    version = world.plan.versions.get()
    response = client(world.leader).get(f"/duty/plans/versions/{version.pk}/file")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="duty.plan_download").exists()


def test_teams_page_masks_phones_and_carries_the_map(world):
    page = client(world.leader).get("/duty/teams/").content.decode()
    assert "138****4341" in page and "13800004341" not in page and "teams-data" in page


def test_consultation_form_writes_through_the_service(world):
    response = client(world.admin).post(
        "/duty/consultations/",
        {
            "held_at": "2025-07-19T09:00",
            "territory": world.district.pk,
            "topic": "防汛会商",
            "convened_by": "区委书记",
            "attendees": "成员单位",
            "situation": "强降雨",
            "decisions": "加密会商频次",
        },
    )
    assert response.status_code == 302 and Consultation.objects.count() == 1
    assert "防汛会商" in client(world.leader).get("/duty/consultations/").content.decode()
    assert "防汛会商" not in client(world.stranger).get("/duty/consultations/").content.decode()


def test_a_depot_form_refuses_a_node_the_user_does_not_keep(world):
    response = client(world.community_staff).post(
        "/duty/supplies/", {"name": "x", "kind": DepotKind.STREET, "territory": world.street.pk, "custodian_name": "甲"}
    )
    assert response.status_code == 200 and Depot.objects.count() == 1


def test_adding_and_removing_from_the_pages(world):
    shift = DutyShift.objects.get(day=dt.date(2025, 9, 30), pattern__key="day")
    with freeze_time(local(2025, 9, 29, 12, 0)):
        assert client(world.leader).get(f"/duty/shifts/{shift.pk}/add/").status_code == 404
        added = client(world.admin).post(
            f"/duty/shifts/{shift.pk}/add/", {"role": DutyRole.OFFICER, "to_name": "李四", "to_phone": ""}
        )
        assert added.status_code == 302
        extra = DutyAssignment.objects.get(shift=shift, name="李四")
        removed = client(world.admin).post(f"/duty/assignments/{extra.pk}/remove/", {"reason": "人员充足"})
    assert removed.status_code == 302 and not DutyAssignment.objects.filter(name="李四").exists()
