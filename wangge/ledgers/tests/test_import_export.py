"""Importing the ledgers from workbooks (all or nothing, a report naming rows and columns) and exporting them
(scope, masking, formulas neutralised)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.actors import SYSTEM
from wangge.core.crypto import blind_index
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.spreadsheets import write_row
from wangge.core.validators import credit_code_check_character, id_number_checksum
from wangge.hazards.models import HazardEvent, HazardFinding
from wangge.ledgers.choices import MoveKind
from wangge.ledgers.exporting import ledger_export
from wangge.ledgers.importing import error_report_xlsx, ledger_import, template_xlsx
from wangge.ledgers.kinds import all_kinds, get_kind
from wangge.ledgers.models import Building, Household, Merchant, ResidenceChange, Resident
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar

RESIDENT_HEADER = ["姓名", "公民身份号码", "联系电话", "网格编码", "地址", "与户主关系", "人员类别"]
GRID1 = "410403001001001"
GRID2 = "410403001001002"


def _square(x0: float, size: float) -> dict[str, Any]:
    ring = [[x0, 33.0], [x0 + size, 33.0], [x0 + size, 33.0 + size], [x0, 33.0 + size], [x0, 33.0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _node(parent: Territory | None, code: str, name: str, kind: str, x0: float = 113.0) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": _square(x0, 0.05)}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def _user(username: str, role: str, territory: Territory) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username)
    RoleGrant.objects.create(user=user, role=role, territory=territory)
    return user


@pytest.fixture
def ledger_world(db: Any) -> SimpleNamespace:
    """A district with one street, one community and two grids; a grid worker of each grid, community staff."""
    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT)
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET)
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY)
    grid1 = _node(community, GRID1, "一网格", TerritoryKind.GRID)
    grid2 = _node(community, GRID2, "二网格", TerritoryKind.GRID, 113.05)
    return SimpleNamespace(
        district=district,
        community=community,
        grid1=grid1,
        grid2=grid2,
        worker=_user("worker", Role.GRID_WORKER, grid1),
        other_worker=_user("other_worker", Role.GRID_WORKER, grid2),
        staff=_user("staff", Role.COMMUNITY_STAFF, community),
        dispatcher=_user("dispatcher_only", Role.DISPATCHER, district),
        leader=_user("leader", Role.LEADER, district),
    )


def id_number(i: int, *, valid: bool = True) -> str:
    """A fictitious 410403 ID number born on a distinct day with a valid (or a wrong) check digit."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=37 * i)
    first17 = f"410403{born:%Y%m%d}{100 + i % 900:03d}"
    check = id_number_checksum(first17)
    if not valid:
        check = "0" if check != "0" else "1"
    return first17 + check


def credit_code(i: int) -> str:
    first17 = f"91410403MA{i:07d}"
    return first17 + credit_code_check_character(first17)


def workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    write_row(sheet, header)
    for row in rows:
        write_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def resident_rows(n: int, grid: str = GRID1, start: int = 0) -> list[list[Any]]:
    return [
        [
            f"测试居民{i}",
            id_number(i),
            f"138{i:08d}",
            grid,
            f"测试路{i}号",
            "户主" if i % 3 == 0 else "子女",
            "党员" if i % 5 == 0 else "",
        ]
        for i in range(start, start + n)
    ]


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


# -- residents: all or nothing ------------------------------------------------------------------------------------


def test_a_bad_check_digit_in_row_57_imports_nothing_and_the_report_names_row_and_column(ledger_world: Any) -> None:
    rows = resident_rows(60)
    rows[55][1] = id_number(55, valid=False)  # data row 56 is spreadsheet row 57
    data = workbook(RESIDENT_HEADER, rows)

    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=data, source="residents.xlsx")

    assert refused.value.code == "import_invalid"
    assert [(d["row"], d["column"], d["field"], d["error"]) for d in refused.value.details] == [
        (57, "公民身份号码", "id_number", "invalid_id_number")
    ]
    assert "校验位" in refused.value.details[0]["reason"]
    assert Resident.objects.count() == 0
    assert ResidenceChange.objects.count() == 0
    assert not AuditEntry.objects.filter(action="ledgers.import").exists()

    report = sheet_rows(error_report_xlsx(file=data, details=refused.value.details))
    assert report[0][-1] == "错误说明"
    assert report[56][0] == "测试居民55" and "公民身份号码" in report[56][-1] and "校验位" in report[56][-1]
    assert all(not r[-1] for i, r in enumerate(report[1:], start=2) if i != 57)


def test_the_same_sheet_fixed_imports_every_row_with_one_audit_entry(ledger_world: Any) -> None:
    rows = resident_rows(60)
    data = workbook(RESIDENT_HEADER, rows)

    result = ledger_import(actor=ledger_world.worker, kind="residents", file=data, source="residents.xlsx")

    assert result.created == 60
    assert Resident.objects.filter(grid=ledger_world.grid1).count() == 60
    person = Resident.objects.get(id_number_index=blind_index(id_number(10)))
    assert person.name == "测试居民10" and person.phone == "13800000010"
    assert person.birth_date == dt.date(1960, 1, 1) + dt.timedelta(days=370)
    assert person.phone_index == blind_index("13800000010")
    assert [t.name for t in person.tags.all()] == ["党员"]
    assert person.get_relation_display() == "子女"
    assert ResidenceChange.objects.filter(kind=MoveKind.REGISTER).count() == 60
    entries = AuditEntry.objects.filter(action="ledgers.import")
    assert entries.count() == 1
    assert entries[0].after == {"kind": "residents", "file": "residents.xlsx", "count": 60}


def test_an_id_number_twice_in_the_file_is_refused_at_its_second_row(ledger_world: Any) -> None:
    rows = resident_rows(5)
    rows[3][1] = rows[1][1]
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, rows))

    assert [(d["row"], d["error"]) for d in refused.value.details] == [(5, "duplicate_in_file")]
    assert "第 3 行" in refused.value.details[0]["reason"]
    assert Resident.objects.count() == 0


def test_an_id_number_already_registered_is_refused_and_names_the_existing_record(ledger_world: Any) -> None:
    ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(3)))
    again = resident_rows(2, start=2)  # row 2 repeats resident 2

    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, again))

    assert [(d["row"], d["column"], d["error"]) for d in refused.value.details] == [
        (2, "公民身份号码", "resident_exists")
    ]
    assert "测试居民2" in refused.value.details[0]["reason"]
    assert Resident.objects.count() == 3


def test_a_registered_id_in_a_grid_the_importer_does_not_keep_is_not_named(ledger_world: Any) -> None:
    ledger_import(
        actor=ledger_world.other_worker, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(1, GRID2))
    )

    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(1)))

    assert refused.value.details[0]["error"] == "resident_exists"
    assert "测试居民0" not in refused.value.details[0]["reason"]


def test_a_grid_worker_cannot_import_into_another_grid(ledger_world: Any) -> None:
    rows = resident_rows(4)
    rows[2][3] = GRID2

    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, rows))

    assert [(d["row"], d["column"], d["error"]) for d in refused.value.details] == [(4, "网格编码", "record_denied")]
    assert Resident.objects.count() == 0


def test_unknown_grid_community_code_and_bad_phone_each_reported(ledger_world: Any) -> None:
    rows = resident_rows(3)
    rows[0][3] = "410403009009009"
    rows[1][3] = ledger_world.community.code
    rows[2][2] = "12345678"

    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.staff, kind="residents", file=workbook(RESIDENT_HEADER, rows))

    assert [(d["row"], d["error"]) for d in refused.value.details] == [
        (2, "grid_not_found"),
        (3, "not_a_grid"),
        (4, "invalid_phone"),
    ]


def test_a_missing_required_column_refuses_the_file(ledger_world: Any) -> None:
    rows = [r[:3] for r in resident_rows(2)]
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER[:3], rows))

    assert [(d["column"], d["error"]) for d in refused.value.details] == [("网格编码", "missing_column")]


def test_a_file_that_is_not_a_workbook_is_refused_as_unreadable(ledger_world: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=b"not a workbook")
    assert refused.value.code == "unreadable_file"


def test_an_actor_without_the_record_right_is_refused(ledger_world: Any) -> None:
    with pytest.raises(PermissionDenied):
        ledger_import(actor=ledger_world.dispatcher, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(1)))
    assert Resident.objects.count() == 0


def test_the_error_report_can_be_fixed_and_imported_again(ledger_world: Any) -> None:
    rows = resident_rows(3)
    rows[1][2] = "bad"
    data = workbook(RESIDENT_HEADER, rows)
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="residents", file=data)
    report = sheet_rows(error_report_xlsx(file=data, details=refused.value.details))
    fixed = [list(r) for r in report[1:]]
    fixed[1][2] = "13900000001"

    result = ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(list(report[0]), fixed))

    assert result.created == 3


def test_a_household_code_joins_the_household_and_a_head_row_heads_it(ledger_world: Any) -> None:
    household = Household.objects.create(code="H1", grid=ledger_world.grid1, house_no="一组1号")
    header = [*RESIDENT_HEADER, "户编码", "人口类型"]
    rows = [[*r, "H1", "流动"] for r in resident_rows(2)]  # resident 0 is 户主

    ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(header, rows))

    household.refresh_from_db()
    assert household.head is not None and household.head.name == "测试居民0"
    assert household.members.count() == 2
    assert set(household.members.values_list("residence_type", flat=True)) == {"floating"}


# -- the other kinds -----------------------------------------------------------------------------------------------


def test_buildings_households_and_merchants_import(ledger_world: Any) -> None:
    buildings = workbook(
        ["楼栋编码", "楼栋名称", "网格编码", "层数", "单元数", "楼栋长", "楼栋长电话"],
        [[GRID1 + "001", "1号楼", GRID1, 6, 2, "李楼长", "13900000000"], [GRID1 + "002", "2号楼", GRID1, 5, 1, "", ""]],
    )
    assert ledger_import(actor=ledger_world.worker, kind="buildings", file=buildings).created == 2
    assert Building.objects.get(code=GRID1 + "001").head_phone_index == blind_index("13900000000")

    households = workbook(
        ["户编码", "网格编码", "楼栋编码", "单元", "房号", "村组门牌号", "房屋用途"],
        [["", GRID1, GRID1 + "001", "1", "101", "", "出租"], ["", GRID1, "", "", "", "一组3号", ""]],
    )
    assert ledger_import(actor=ledger_world.worker, kind="households", file=households).created == 2
    assert Household.objects.filter(building__code=GRID1 + "001", room="101", use="rented").exists()
    assert Household.objects.filter(house_no="一组3号", code__startswith=GRID1 + "H").exists()

    merchants = workbook(
        ["名称", "统一社会信用代码", "类型", "网格编码", "联系电话", "发证日期"],
        [["示例便利店", credit_code(1), "企业", GRID1, "13700000000", "2024-05-01"]],
    )
    assert ledger_import(actor=ledger_world.worker, kind="merchants", file=merchants).created == 1
    assert Merchant.objects.get(credit_code=credit_code(1)).licence_issued == dt.date(2024, 5, 1)


def test_duplicate_rooms_codes_and_credit_codes_are_refused(ledger_world: Any) -> None:
    Building.objects.create(code=GRID1 + "001", name="1号楼", grid=ledger_world.grid1)
    households = workbook(
        ["网格编码", "楼栋编码", "单元", "房号"],
        [[GRID1, GRID1 + "001", "1", "101"], [GRID1, GRID1 + "001", "1", "101"]],
    )
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="households", file=households)
    assert [(d["row"], d["error"]) for d in refused.value.details] == [(3, "duplicate_in_file")]

    bad = credit_code(2)[:-1] + ("0" if credit_code(2)[-1] != "0" else "1")
    merchants = workbook(
        ["名称", "统一社会信用代码", "网格编码"],
        [["甲", credit_code(1), GRID1], ["乙", credit_code(1), GRID1], ["丙", bad, GRID1]],
    )
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="merchants", file=merchants)
    assert [(d["row"], d["error"]) for d in refused.value.details] == [
        (3, "duplicate_in_file"),
        (4, "invalid_credit_code"),
    ]

    buildings = workbook(
        ["楼栋编码", "楼栋名称", "网格编码"], [[GRID1 + "001", "1号楼", GRID1], [GRID2 + "001", "x", GRID1]]
    )
    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.staff, kind="buildings", file=buildings)
    assert [(d["row"], d["error"]) for d in refused.value.details] == [(2, "code_taken"), (3, "grid_mismatch")]
    assert Household.objects.count() == 0 and Merchant.objects.count() == 0 and Building.objects.count() == 1


def test_hazards_import_open_findings_with_a_working_day_deadline(ledger_world: Any) -> None:
    header = ["类型", "隐患描述", "网格编码", "地址", "发现时间", "整改责任人", "责任人电话", "整改时限(工作日)"]
    rows: list[list[Any]] = [
        ["消防", "楼道堆放杂物", GRID1, "测试路1号", "2025-06-03 09:30", "王责任", "13600000000", 5],
        ["fire", "电动车楼道充电", GRID1, "", "2025-06-03", "李责任", "", ""],
    ]

    result = ledger_import(actor=ledger_world.worker, kind="hazards", file=workbook(header, rows))

    assert result.created == 2
    first = HazardFinding.objects.get(title="楼道堆放杂物")
    assert first.status == "open" and first.owner_phone_index == blind_index("13600000000")
    assert first.due_at > first.found_at + dt.timedelta(days=5)  # five working days from a Tuesday: the next week
    assert first.found_by == ledger_world.worker
    assert HazardEvent.objects.filter(action="report").count() == 2
    assert len(set(HazardFinding.objects.values_list("code", flat=True))) == 2


def test_a_hazard_row_with_an_unknown_type_or_a_foreign_grid_is_refused(ledger_world: Any) -> None:
    header = ["类型", "隐患描述", "网格编码", "整改责任人", "整改时限(工作日)"]
    rows = [["外星人", "x", GRID1, "王", 5], ["消防", "y", GRID2, "王", 5], ["消防", "z", GRID1, "王", 0]]

    with pytest.raises(ValidationFailed) as refused:
        ledger_import(actor=ledger_world.worker, kind="hazards", file=workbook(header, rows))

    assert [(d["row"], d["column"], d["error"]) for d in refused.value.details] == [
        (2, "类型", "unknown_hazard_type"),
        (3, "网格编码", "record_denied"),
        (4, "整改时限(工作日)", "invalid_deadline"),
    ]
    assert HazardFinding.objects.count() == 0


# -- templates and exports -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["residents", "households", "buildings", "merchants", "estates", "hazards"])
def test_every_kind_has_a_template_with_its_headers_an_example_and_instructions(ledger_world: Any, key: str) -> None:
    kind = get_kind(key)
    assert kind is not None

    book = load_workbook(io.BytesIO(template_xlsx(key)))

    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == kind.headers and len(rows) == 2
    guide = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
    assert set(kind.headers) <= set(guide)


def test_the_residents_template_lists_the_tags_and_the_relations(ledger_world: Any) -> None:
    book = load_workbook(io.BytesIO(template_xlsx("residents")))
    notes = {r[0]: r[2] for r in book["填写说明"].iter_rows(values_only=True)}
    assert "独居老人" in notes["人员类别"] and "户主" in notes["与户主关系"]
    assert {k.key for k in all_kinds()} >= {"residents", "households", "buildings", "merchants", "estates", "hazards"}


def test_an_exported_resident_named_like_a_formula_is_text_and_numbers_are_masked(ledger_world: Any) -> None:
    rows = resident_rows(2)
    rows[0][0] = "=cmd|' /C calc'!A0"
    rows[1][0] = "=1+1"
    ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, rows))

    data = ledger_export(actor=ledger_world.worker, kind="residents", node=ledger_world.grid1)

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]][: len(RESIDENT_HEADER)] == RESIDENT_HEADER
    names = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=1) for r in (2, 3)}
    assert set(names) == {"=cmd|' /C calc'!A0", "=1+1"}
    assert all(cell.data_type == "s" for cell in names.values())
    ids = [sheet.cell(row=r, column=2).value for r in (2, 3)]
    assert all("********" in value for value in ids)
    entry = AuditEntry.objects.get(action="ledgers.residents_export")
    assert entry.after is not None and entry.after["count"] == 2 and entry.after["revealed"] is False

    csv_text = ledger_export(actor=ledger_world.worker, kind="residents", node=ledger_world.grid1, fmt="csv").decode()
    assert "'=1+1" in csv_text and "\n=1+1" not in csv_text


def test_an_export_holds_only_the_rows_in_view_and_reveals_only_when_allowed(ledger_world: Any) -> None:
    ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(2)))
    ledger_import(
        actor=ledger_world.other_worker, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(3, GRID2, 10))
    )

    mine = sheet_rows(ledger_export(actor=ledger_world.worker, kind="residents", node=ledger_world.community))
    assert len(mine) == 3 and {r[3] for r in mine[1:]} == {GRID1}

    revealed = sheet_rows(ledger_export(actor=ledger_world.staff, kind="residents", reveal=True))
    assert len(revealed) == 6 and id_number(10) in {r[1] for r in revealed}
    assert AuditEntry.objects.filter(action="ledgers.residents_export_revealed").count() == 1

    with pytest.raises(PermissionDenied):
        ledger_export(actor=ledger_world.leader, kind="residents", reveal=True)
    assert len(sheet_rows(ledger_export(actor=ledger_world.leader, kind="residents"))) == 6


def test_a_revealed_export_imports_again_elsewhere(ledger_world: Any) -> None:
    ledger_import(actor=ledger_world.worker, kind="residents", file=workbook(RESIDENT_HEADER, resident_rows(3)))
    data = ledger_export(actor=SYSTEM, kind="residents", reveal=True)
    Resident.objects.all().delete()
    ResidenceChange.objects.all().delete()

    assert ledger_import(actor=ledger_world.worker, kind="residents", file=data).created == 3


@pytest.mark.parametrize("write_only", [False, True])
def test_the_streaming_reader_reads_what_openpyxl_reads(write_only: bool) -> None:
    """Shared strings (a normal workbook) and inline strings (write-only), numbers, dates, booleans, gaps."""
    from wangge.ledgers.importing.xlsx import iter_rows

    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    assert sheet is not None
    rows: list[list[Any]] = [
        ["姓名", "数", "日期", "是否", None, "末列"],
        ["=1+1", 3, dt.datetime(2024, 5, 1, 9, 30), True, None, "x"],
        [None, 2.5, dt.date(2020, 2, 29), False, "", 12345678901],
        [],
        ["#N/A", -7, None, None, None, "最后"],
    ]
    for row in rows:
        write_row(sheet, row)
    out = io.BytesIO()
    book.save(out)

    mine = [tuple(r) for r in iter_rows(io.BytesIO(out.getvalue()))]
    theirs = [tuple(r) for r in load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0].values]

    def trimmed(rs: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        out_rows = []
        for r in rs:
            cells = list(r)
            while cells and cells[-1] in (None, ""):
                cells.pop()
            out_rows.append(tuple(None if c == "" else c for c in cells))
        return out_rows

    assert trimmed(mine) == trimmed(theirs)
    assert mine[1][0] == "=1+1" and mine[1][2] == dt.datetime(2024, 5, 1, 9, 30)
