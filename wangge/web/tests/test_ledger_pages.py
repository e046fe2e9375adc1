"""The 基础台账 pages: scoped lists and details, masking and the audited reveal, edits through the services (and
refused for read-only roles), import with its row report, export, and the ledger layers of the map."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from wangge.core.models import AuditEntry
from wangge.core.spreadsheets import write_row
from wangge.core.validators import mask_id_number, mask_phone
from wangge.hazards.models import HazardFinding, HazardType
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Building, Household, Merchant, ResidenceChange, Resident
from wangge.ledgers.tests.factories import (
    BuildingFactory,
    EstateFactory,
    HouseholdFactory,
    MerchantFactory,
    ResidentFactory,
    id_number,
    ledger_world,
    tag,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    """Two grids of one community with a building, a household, two residents and a merchant each."""
    w = ledger_world()
    w.estate = EstateFactory.create(community=w.community, name="幸福小区")
    w.building = BuildingFactory.create(grid=w.grid, estate=w.estate, name="1号楼", lng=113.21, lat=33.71)
    w.household = HouseholdFactory.create(building=w.building, grid=w.grid, unit_no="1", room="101")
    w.head = ResidentFactory.create(
        name="张三",
        household=w.household,
        grid=w.grid,
        relation="head",
        id_number=id_number(dt.date(1951, 2, 3), seq=7),
    )
    w.household.head = w.head
    w.household.save()
    w.member = ResidentFactory.create(name="张小明", household=w.household, grid=w.grid, relation="child")
    w.member.tags.add(tag("party_member"))
    w.merchant = MerchantFactory.create(grid=w.grid, building=w.building, name="便民超市", lng=113.215, lat=33.715)
    w.building2 = BuildingFactory.create(grid=w.grid2, name="9号楼", lng=113.25, lat=33.75)
    w.household2 = HouseholdFactory.create(building=w.building2, grid=w.grid2, unit_no="2", room="202")
    w.resident2 = ResidentFactory.create(name="李四", household=w.household2, grid=w.grid2)
    w.merchant2 = MerchantFactory.create(grid=w.grid2, name="别处商店", lng=113.26, lat=33.76)
    return w


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_urls(w: SimpleNamespace) -> list[str]:
    return [
        reverse("web:ledger_building", args=[w.building.pk]),
        reverse("web:ledger_household", args=[w.household.pk]),
        reverse("web:ledger_resident", args=[w.head.pk]),
        reverse("web:ledger_merchant", args=[w.merchant.pk]),
    ]


LIST_NAMES = ("ledger_home", "ledger_estates", "ledger_buildings", "ledger_households", "ledger_residents")


def test_every_page_answers_an_entitled_grid_worker(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    for name in (*LIST_NAMES, "ledger_merchants"):
        assert client.get(reverse(f"web:{name}")).status_code == 200, name
    for url in detail_urls(w):
        response = client.get(url)
        assert response.status_code == 200, url
    for name, pk in (
        ("ledger_building_edit", w.building.pk),
        ("ledger_household_edit", w.household.pk),
        ("ledger_resident_edit", w.head.pk),
        ("ledger_resident_move", w.head.pk),
        ("ledger_merchant_edit", w.merchant.pk),
    ):
        assert client.get(reverse(f"web:{name}", args=[pk])).status_code == 200, name
    for name in ("ledger_building_new", "ledger_household_new", "ledger_resident_new", "ledger_merchant_new"):
        assert client.get(reverse(f"web:{name}")).status_code == 200, name
    staff = as_user(w.community_staff)
    assert staff.get(reverse("web:ledger_estate", args=[w.estate.pk])).status_code == 200
    assert staff.get(reverse("web:ledger_estate_edit", args=[w.estate.pk])).status_code == 200


def test_lists_hold_only_rows_in_scope(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    residents = client.get(reverse("web:ledger_residents")).content.decode()
    assert "张三" in residents and "张小明" in residents and "李四" not in residents
    merchants = client.get(reverse("web:ledger_merchants")).content.decode()
    assert "便民超市" in merchants and "别处商店" not in merchants
    home = client.get(reverse("web:ledger_home"))
    assert home.context["totals"] == {"buildings": 1, "households": 1, "residents": 2, "merchants": 1}


def test_out_of_scope_rows_are_not_found(w: SimpleNamespace) -> None:
    other = as_user(w.other_worker)
    for url in detail_urls(w):
        assert other.get(url).status_code == 404, url
    assert other.get(reverse("web:ledger_resident_edit", args=[w.head.pk])).status_code == 404
    assert other.post(reverse("web:ledger_resident_reveal", args=[w.head.pk])).status_code == 404
    assert (
        other.post(reverse("web:ledger_resident_archive", args=[w.head.pk]), {"kind": "move_away"}).status_code == 404
    )
    stranger = as_user(w.stranger)
    assert stranger.get(reverse("web:ledger_household", args=[w.household.pk])).status_code == 404


def test_numbers_are_masked_until_revealed_and_the_reveal_is_audited(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    page = client.get(reverse("web:ledger_resident", args=[w.head.pk])).content.decode()
    assert w.head.id_number not in page and w.head.phone not in page
    assert mask_id_number(w.head.id_number) in page and mask_phone(w.head.phone) in page
    assert "显示完整号码" in page
    listing = client.get(reverse("web:ledger_residents")).content.decode()
    assert w.head.id_number not in listing and mask_id_number(w.head.id_number) in listing

    response = client.post(reverse("web:ledger_resident_reveal", args=[w.head.pk]), {"field": "id_number"})
    assert response.status_code == 200
    assert w.head.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="ledgers.reveal_resident")
    assert entry.actor == w.worker and entry.object_id == str(w.head.pk)
    assert entry.after == {"fields": ["id_number"]}

    phone = client.post(reverse("web:ledger_merchant_reveal", args=[w.merchant.pk]))
    assert w.merchant.contact_phone in phone.content.decode()
    assert AuditEntry.objects.filter(action="ledgers.reveal_merchant_contact", object_id=str(w.merchant.pk)).exists()


def test_a_role_without_reveal_sees_masked_numbers_and_cannot_reveal(w: SimpleNamespace) -> None:
    leader = as_user(w.leader)
    page = leader.get(reverse("web:ledger_resident", args=[w.head.pk])).content.decode()
    assert "显示完整号码" not in page and w.head.id_number not in page
    response = leader.post(reverse("web:ledger_resident_reveal", args=[w.head.pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="ledgers.reveal_resident").exists()


def test_exact_id_number_and_phone_search_through_the_blind_index(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    found = client.get(reverse("web:ledger_residents"), {"id_number": w.head.id_number.lower()})
    assert [r.pk for r in found.context["page"]] == [w.head.pk]
    partial = client.get(reverse("web:ledger_residents"), {"id_number": w.head.id_number[:10]})
    assert list(partial.context["page"]) == []
    by_phone = client.get(reverse("web:ledger_residents"), {"phone": w.member.phone})
    assert {r.pk for r in by_phone.context["page"]} >= {w.member.pk}
    assert w.resident2.pk not in {r.pk for r in by_phone.context["page"]}  # same phone, other grid


def test_filters_tag_not_visited_and_licence_expiring(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    tagged = client.get(reverse("web:ledger_residents"), {"tag": tag("party_member").pk})
    assert [r.pk for r in tagged.context["page"]] == [w.member.pk]
    assert [h.pk for h in client.get(reverse("web:ledger_households"), {"not_visited": "on"}).context["page"]] == [
        w.household.pk
    ]
    w.household.last_visited_at = timezone.now()
    w.household.save()
    assert list(client.get(reverse("web:ledger_households"), {"not_visited": "on"}).context["page"]) == []
    w.merchant.licence_expires = timezone.localdate() + dt.timedelta(days=10)
    w.merchant.save()
    expiring = client.get(reverse("web:ledger_merchants"), {"licence_expiring": "on"})
    assert [m.pk for m in expiring.context["page"]] == [w.merchant.pk]


def test_a_grid_worker_edits_a_resident_and_the_change_is_audited(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    url = reverse("web:ledger_resident_edit", args=[w.member.pk])
    data = {
        "name": "张晓明",
        "id_number": w.member.id_number,
        "phone": "13900001111",
        "relation": "child",
        "residence_type": "resident",
        "address": "",
        "notes": "",
        "tags": [tag("volunteer").pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    w.member.refresh_from_db()
    assert w.member.name == "张晓明" and w.member.phone == "13900001111"
    assert [t.key for t in w.member.tags.all()] == ["volunteer"]
    assert AuditEntry.objects.filter(model="resident", object_id=str(w.member.pk)).exists()
    page = client.get(reverse("web:ledger_resident", args=[w.member.pk])).content.decode()
    assert "操作记录" in page


def test_a_bad_id_number_stays_on_the_form_and_writes_nothing(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    bad = w.member.id_number[:17] + ("0" if w.member.id_number[17] != "0" else "1")
    response = client.post(
        reverse("web:ledger_resident_new"),
        {"name": "王五", "id_number": bad, "grid": w.grid.pk, "relation": "other", "residence_type": "registered"},
    )
    assert response.status_code == 400
    assert "校验" in response.content.decode()
    assert not Resident.objects.filter(name="王五").exists()


def test_read_only_roles_cannot_edit(w: SimpleNamespace) -> None:
    leader = as_user(w.leader)
    url = reverse("web:ledger_resident_edit", args=[w.member.pk])
    assert leader.get(url).status_code == 403
    assert leader.post(url, {"name": "改名"}).status_code == 403
    assert (
        leader.post(reverse("web:ledger_resident_archive", args=[w.member.pk]), {"kind": "deceased"}).status_code == 403
    )
    assert leader.get(reverse("web:ledger_resident_new")).status_code == 403
    assert leader.get(reverse("web:ledger_import", args=["residents"])).status_code == 403
    w.member.refresh_from_db()
    assert w.member.name == "张小明" and w.member.status == ResidentStatus.CURRENT
    page = leader.get(reverse("web:ledger_resident", args=[w.member.pk])).content.decode()
    assert reverse("web:ledger_resident_edit", args=[w.member.pk]) not in page


def test_create_building_household_and_resident_then_move_archive_restore(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    response = client.post(
        reverse("web:ledger_building_new"),
        {"name": "2号楼", "grid": w.grid.pk, "floors": 6, "units": 2, "lng": "", "lat": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    building = Building.objects.get(name="2号楼")
    response = client.post(
        reverse("web:ledger_household_new"),
        {"grid": w.grid.pk, "building": building.pk, "unit_no": "1", "room": "301", "use": "owner"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get(building=building, room="301")
    number = id_number(dt.date(1962, 3, 4), seq=33)
    response = client.post(
        reverse("web:ledger_resident_new"),
        {
            "name": "赵六",
            "id_number": number,
            "phone": "13811112222",
            "grid": w.grid.pk,
            "household": household.pk,
            "relation": "head",
            "residence_type": "registered",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    resident = Resident.objects.get(name="赵六")
    assert resident.household == household and resident.birth_date is not None

    move = client.post(
        reverse("web:ledger_resident_move", args=[w.member.pk]),
        {"household_code": household.code, "relation": "other", "note": "租住"},
    )
    assert move.status_code == 302, move.content.decode()[:3000]
    w.member.refresh_from_db()
    assert w.member.household == household
    assert ResidenceChange.objects.filter(
        resident=w.member, from_household=w.household, to_household=household
    ).exists()
    former = client.get(reverse("web:ledger_household", args=[w.household.pk])).content.decode()
    assert "曾住成员" in former and "张小明" in former

    away = client.post(reverse("web:ledger_resident_move", args=[w.member.pk]), {"household_code": w.household2.code})
    assert away.status_code == 400  # a household of another grid is outside the worker's record scope

    client.post(reverse("web:ledger_resident_archive", args=[w.member.pk]), {"kind": "move_away", "note": "外地"})
    w.member.refresh_from_db()
    assert w.member.status == ResidentStatus.MOVED_AWAY
    archived = client.get(reverse("web:ledger_residents"), {"status": "archived"})
    assert [r.pk for r in archived.context["page"]] == [w.member.pk]
    client.post(reverse("web:ledger_resident_restore", args=[w.member.pk]), {"note": "回迁"})
    w.member.refresh_from_db()
    assert w.member.status == ResidentStatus.CURRENT


def test_merchant_edit_and_close(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    response = client.post(
        reverse("web:ledger_merchant_edit", args=[w.merchant.pk]),
        {
            "name": "便民超市（新店）",
            "credit_code": w.merchant.credit_code,
            "kind": "shop",
            "contact_phone": w.merchant.contact_phone,
            "licence_issued": "2024-01-01",
            "licence_expires": "2029-12-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    w.merchant.refresh_from_db()
    assert w.merchant.name == "便民超市（新店）" and w.merchant.licence_expires == dt.date(2029, 12, 31)
    client.post(reverse("web:ledger_merchant_close", args=[w.merchant.pk]), {"note": "停业"})
    w.merchant.refresh_from_db()
    assert w.merchant.status == "closed"


def _workbook(header: list[str], rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    write_row(sheet, header)
    for row in rows:
        write_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "居民.xlsx"
    return out


def test_import_refusal_shows_the_row_report_and_offers_the_error_workbook(
    w: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client = as_user(w.worker)
    good = [f"导入居民{i}" for i in range(3)]
    numbers = [id_number(dt.date(1973, 4, 5), seq=i) for i in range(3)]
    bad = numbers[1][:17] + ("0" if numbers[1][17] != "0" else "1")
    rows = [
        [good[0], numbers[0], "13800000001", w.grid.code],
        [good[1], bad, "13800000002", w.grid.code],
        [good[2], numbers[2], "13800000003", w.grid.code],
    ]
    upload = _workbook(["姓名", "公民身份号码", "联系电话", "网格编码"], rows)
    response = client.post(reverse("web:ledger_import", args=["residents"]), {"file": upload})
    assert response.status_code == 400
    report = response.context["report"]
    assert [(d["row"], d["column"]) for d in report] == [(3, "公民身份号码")]
    page = response.content.decode()
    assert "公民身份号码" in page and "下载错误报告" in page
    assert not Resident.objects.filter(name__startswith="导入居民").exists()
    download = client.get(reverse("web:ledger_import_report", args=["residents", response.context["report_token"]]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert "公民身份号码" in str(sheet.cell(row=3, column=5).value)
    # Another session never gets the report.
    assert as_user(w.other_worker).get(download.request["PATH_INFO"]).status_code == 404

    rows[1][1] = numbers[1]
    fixed = client.post(
        reverse("web:ledger_import", args=["residents"]),
        {"file": _workbook(["姓名", "公民身份号码", "联系电话", "网格编码"], rows)},
    )
    assert fixed.status_code == 200 and fixed.context["result"].created == 3
    assert [f.suffix for f in (tmp_path / "ledger-reports").iterdir()] == [".xlsx"]
    assert Resident.objects.filter(name__startswith="导入居民").count() == 3


def test_import_template_and_export_respect_masking_and_are_audited(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    template = client.get(reverse("web:ledger_import_template", args=["residents"]))
    assert template.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert header[:4] == ["姓名", "公民身份号码", "联系电话", "网格编码"]
    assert client.get(reverse("web:ledger_export", args=["residents"])).status_code == 200
    export = client.get(reverse("web:ledger_export", args=["residents"]), {"fmt": "xlsx"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    names = {r[0] for r in rows[1:]}
    assert names == {"张三", "张小明"}
    flat = " ".join(str(v) for r in rows for v in r)
    assert w.head.id_number not in flat and mask_id_number(w.head.id_number) in flat
    entry = AuditEntry.objects.get(action="ledgers.residents_export")
    assert entry.actor == w.worker and entry.after is not None and entry.after["count"] == 2
    leader_export = as_user(w.leader).get(
        reverse("web:ledger_export", args=["residents"]), {"fmt": "csv", "reveal": "on"}
    )
    assert leader_export.status_code == 200  # no reveal field for a role without it: masked
    assert w.head.id_number not in leader_export.content.decode("utf-8-sig")
    assert client.get(reverse("web:ledger_import", args=["nope"])).status_code == 404


def test_map_layers_are_scoped_and_hold_only_rows_with_coordinates(w: SimpleNamespace) -> None:
    BuildingFactory.create(grid=w.grid, name="无坐标楼")
    htype = HazardType.objects.first() or HazardType.objects.create(key="fire", name="消防")
    now = timezone.now()
    common = {"type": htype, "owner_name": "业主", "found_at": now, "title": "楼道堆物"}
    HazardFinding.objects.create(
        code="YH1", grid=w.grid, lng=113.22, lat=33.72, due_at=now - dt.timedelta(days=1), **common
    )
    HazardFinding.objects.create(code="YH2", grid=w.grid2, lng=113.26, lat=33.76, due_at=now, **common)
    HazardFinding.objects.create(code="YH3", grid=w.grid, due_at=now, **common)
    client = as_user(w.worker)
    buildings = client.get(reverse("web:map_buildings")).json()
    assert buildings["id"] == [w.building.pk] and buildings["households"] == [1]
    merchants = client.get(reverse("web:map_merchants")).json()
    assert merchants["id"] == [w.merchant.pk]
    hazards = client.get(reverse("web:map_hazards")).json()
    assert hazards["code"] == ["YH1"] and hazards["overdue"] == [True]
    wide = as_user(w.admin).get(reverse("web:map_buildings")).json()
    assert set(wide["id"]) == {w.building.pk, w.building2.pk}
    assert as_user(w.stranger).get(reverse("web:map_merchants")).json()["count"] == 0
    page = client.get(reverse("web:map")).content.decode()
    assert reverse("web:map_buildings") in page and reverse("web:map_hazards") in page


def test_the_household_view_shows_members_head_and_its_building_hazards(w: SimpleNamespace) -> None:
    htype = HazardType.objects.first() or HazardType.objects.create(key="fire", name="消防")
    now = timezone.now()
    HazardFinding.objects.create(
        code="YH9",
        grid=w.grid,
        building=w.building,
        type=htype,
        owner_name="物业",
        found_at=now,
        due_at=now,
        title="消防通道堵塞",
    )
    client = as_user(w.worker)
    response = client.get(reverse("web:ledger_household", args=[w.household.pk]))
    page = response.content.decode()
    assert "张三" in page and "张小明" in page and "消防通道堵塞" in page
    assert [m.pk for m in response.context["members"]] == [w.head.pk, w.member.pk]
    set_head = client.post(reverse("web:ledger_household_head", args=[w.household.pk]), {"resident": w.member.pk})
    assert set_head.status_code == 302
    w.household.refresh_from_db()
    assert w.household.head_id == w.member.pk
    building_page = client.get(reverse("web:ledger_building", args=[w.building.pk])).content.decode()
    assert "便民超市" in building_page and "101" in building_page
    assert Merchant.objects.count() == 2


def test_the_edit_form_never_shows_the_full_numbers_and_blank_keeps_them(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    url = reverse("web:ledger_resident_edit", args=[w.head.pk])
    page = client.get(url).content.decode()
    assert w.head.id_number not in page and w.head.phone not in page
    assert mask_id_number(w.head.id_number) in page
    data = {"name": "张三丰", "id_number": "", "phone": "", "relation": "head", "residence_type": "registered"}
    assert client.post(url, data).status_code == 302
    w.head.refresh_from_db()
    assert w.head.name == "张三丰" and w.head.id_number == id_number(dt.date(1951, 2, 3), seq=7)
    assert w.head.phone == "13912345678"
    merchant_page = client.get(reverse("web:ledger_merchant_edit", args=[w.merchant.pk])).content.decode()
    assert w.merchant.contact_phone not in merchant_page
    building_page = client.get(reverse("web:ledger_building_edit", args=[w.building.pk])).content.decode()
    assert w.building.head_phone not in building_page


def test_restore_into_a_household_and_the_history_reads_in_words(w: SimpleNamespace) -> None:
    client = as_user(w.worker)
    client.post(reverse("web:ledger_resident_archive", args=[w.member.pk]), {"kind": "deceased"})
    w.member.refresh_from_db()
    assert w.member.status == ResidentStatus.DECEASED and w.member.household is None
    other = HouseholdFactory.create(building=w.building, grid=w.grid, unit_no="1", room="102")
    restore = client.post(
        reverse("web:ledger_resident_restore", args=[w.member.pk]),
        {"household_code": other.code, "relation": "tenant", "note": "误报"},
    )
    assert restore.status_code == 302
    w.member.refresh_from_db()
    assert w.member.status == ResidentStatus.CURRENT and w.member.household == other
    client.post(reverse("web:ledger_resident_reveal", args=[w.member.pk]), {"field": "phone"})
    page = client.get(reverse("web:ledger_resident", args=[w.member.pk]))
    labels = [e["label"] for e in page.context["history"]]
    assert labels[:3] == ["查看完整号码", "恢复在册", "归档"]
    assert ("字段", "联系电话") in page.context["history"][0]["changes"]
    assert "ledgers.resident_restore" not in page.content.decode()


def test_a_merchant_links_to_its_point_by_code(w: SimpleNamespace) -> None:
    from wangge.places.models import Point, PointType

    ptype = PointType.objects.first() or PointType.objects.create(key="frontage", name="门前三包")
    point = Point.objects.create(
        code="MQ001",
        name="便民超市门前",
        type=ptype,
        grid=w.grid,
        territory=w.grid,
        lng=113.21,
        lat=33.71,
        responsible_name="店主",
    )
    client = as_user(w.worker)
    url = reverse("web:ledger_merchant_edit", args=[w.merchant.pk])
    base = {"name": w.merchant.name, "kind": "shop"}
    refused = client.post(url, {**base, "point_code": "NOPE"})
    assert refused.status_code == 400 and "点位编码" in refused.content.decode()
    assert client.post(url, {**base, "point_code": "MQ001"}).status_code == 302
    w.merchant.refresh_from_db()
    assert w.merchant.point == point
    assert "便民超市门前" in client.get(reverse("web:ledger_merchant", args=[w.merchant.pk])).content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_grid_worker_reveals_a_number_and_shows_the_ledger_map_layers(live_server: Any) -> None:
    """In Debian's Chromium at 390 px: the reveal button swaps the full number in (htmx, no inline script),
    the map's 楼栋 toggle draws the building, and the Content-Security-Policy refuses nothing."""
    import os
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    world = ledger_world()
    building = BuildingFactory.create(grid=world.grid, name="1号楼", lng=113.21, lat=33.71)
    household = HouseholdFactory.create(building=building, grid=world.grid)
    resident = ResidentFactory.create(household=household, grid=world.grid, id_number=id_number(dt.date(1955, 6, 7)))
    world.worker.set_password("x-Passw0rd-long")
    world.worker.save()
    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "worker")
        page.fill("#id_password", "x-Passw0rd-long")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}{reverse('web:ledger_resident', args=[resident.pk])}")
        page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
        assert resident.id_number not in page.content()
        page.locator("button", has_text="显示完整号码").first.click()
        page.wait_for_function(
            "(n) => document.getElementById('resident-id-number').textContent.includes(n)", arg=resident.id_number
        )
        page.goto(f"{live_server.url}{reverse('web:map')}")
        page.wait_for_selector("#map[data-ready='1']")
        # A collapsed layer control (a phone) expands on hover and ignores a click in that same instant.
        page.hover(".leaflet-control-layers")
        page.wait_for_selector(".leaflet-control-layers-expanded")
        page.wait_for_timeout(100)
        outlines = page.locator("path.leaflet-interactive").count()
        page.locator(".leaflet-control-layers-overlays label", has_text="楼栋").locator("input").click()
        page.wait_for_function(
            "(n) => document.querySelectorAll('path.leaflet-interactive').length === n + 1", arg=outlines
        )
        browser.close()
    assert refused == []
    assert AuditEntry.objects.filter(action="ledgers.reveal_resident", object_id=str(resident.pk)).count() == 1


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message_and_bad_queries_are_ignored(
    w: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client = as_user(w.worker)
    junk = io.BytesIO(b"name,id\n=1+1,2\n")
    junk.name = "residents.csv"
    response = client.post(reverse("web:ledger_import", args=["residents"]), {"file": junk})
    assert response.status_code == 400 and response.context["refusal"]
    assert "report_token" not in response.context
    assert client.get(reverse("web:ledger_resident_reveal", args=[w.head.pk])).status_code == 405
    assert client.post(reverse("web:ledger_resident_reveal", args=[w.head.pk]), {"field": "name"}).status_code == 400
    for params in ({"household": "abc"}, {"grid": "999999"}, {"page": "x"}, {"status": "nope"}):
        assert client.get(reverse("web:ledger_residents"), params).status_code == 200, params
    assert client.get(reverse("web:ledger_residents"), {"q": "a\x00b"}).status_code == 400  # refused before any query
    assert client.get(reverse("web:ledger_export", args=["residents"]), {"fmt": "xls"}).status_code == 400
