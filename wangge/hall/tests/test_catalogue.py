"""The 事项清单 workbook: a good file imported, a bad file refused with its row report and nothing written, a
re-import updating by code, the export read back, the command, and who may import."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.hall.choices import HandlingMode, HandlingType, ItemKind
from wangge.hall.errors import ErrorCode
from wangge.hall.models import Item
from wangge.hall.services import catalogue_export, catalogue_import
from wangge.hall.services.catalogue import error_report_xlsx
from wangge.hall.tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db

HEADER = [
    "事项编码",
    "事项名称",
    "实施部门",
    "事项类型",
    "办件类型",
    "法定办结时限",
    "承诺办结时限",
    "网上办理深度",
    "办理方式",
    "收费标准",
    "申请材料",
]


def workbook(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_rows() -> list[list[Any]]:
    return [
        [
            "C-001",
            "城乡居民养老保险参保登记",
            "人社局",
            "公共服务",
            "即办件",
            "",
            "",
            "四级",
            "网上办、掌上办",
            "不收费",
            "申请表；居民身份证；户口簿复印件（免提交：数据共享）",
        ],
        ["C-002", "失业保险金申领", "410403-rsj", "行政给付", "承诺件", 20, 5, 3, "网上办", "", "申请表\n居民身份证"],
    ]


def test_a_good_file_is_imported_with_its_materials(world: SimpleNamespace) -> None:
    result = catalogue_import(actor=world.admin, file=workbook(good_rows()), source="清单.xlsx")

    assert (result.created, result.updated) == (2, 0)
    first = Item.objects.get(code="C-001")
    assert first.kind == ItemKind.PUBLIC_SERVICE and first.handling_type == HandlingType.IMMEDIATE
    assert first.online_depth == "4" and first.modes == [HandlingMode.ONLINE, HandlingMode.MOBILE]
    assert first.department == world.dept and first.fee == ""
    waived = first.materials.get(is_waived=True)
    assert (waived.name, waived.waived_reason) == ("户口簿复印件", "数据共享")
    second = Item.objects.get(code="C-002")
    assert (second.legal_limit_days, second.promised_limit_days, second.online_depth) == (20, 5, "3")
    assert list(second.materials.values_list("name", flat=True)) == ["申请表", "居民身份证"]
    assert AuditEntry.objects.filter(action="hall.catalogue_import").count() == 1


def test_a_bad_file_is_refused_row_by_row_and_nothing_is_written(world: SimpleNamespace) -> None:
    rows = good_rows()
    rows[1][2] = "不存在的局"
    rows[1][6] = 30  # beyond the legal limit
    rows.append(["C-001", "", "人社局", "奇怪类型", "", "", "", "9", "飞鸽办", "", ""])
    before = Item.objects.count()

    with pytest.raises(ValidationFailed) as err:
        catalogue_import(actor=world.admin, file=workbook(rows))

    assert err.value.code == ErrorCode.INVALID_CATALOGUE
    problems = {(d["row"], d["column"]) for d in err.value.details}
    assert (3, "实施部门") in problems and (3, "承诺办结时限") in problems
    assert {(4, "事项编码"), (4, "事项名称"), (4, "事项类型"), (4, "网上办理深度"), (4, "办理方式")} <= problems
    assert Item.objects.count() == before
    report = load_workbook(io.BytesIO(error_report_xlsx(workbook(rows), err.value.details))).active
    assert report is not None
    assert report.cell(1, len(HEADER) + 1).value == "错误说明"
    assert "实施部门" in str(report.cell(3, len(HEADER) + 1).value)


def test_a_missing_required_column_is_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as err:
        catalogue_import(actor=world.admin, file=workbook([["C-1", "甲"]], header=["事项编码", "事项名称"]))

    assert err.value.details[0]["column"] == "实施部门"


def test_importing_again_updates_by_code_and_replaces_materials(world: SimpleNamespace) -> None:
    catalogue_import(actor=world.admin, file=workbook(good_rows()))
    rows = good_rows()
    rows[1][1] = "失业保险金申领（更名）"
    rows[1][10] = "申请表"

    result = catalogue_import(actor=world.admin, file=workbook(rows))

    assert (result.created, result.updated) == (0, 2)
    item = Item.objects.get(code="C-002")
    assert item.name == "失业保险金申领（更名）"
    assert list(item.materials.values_list("name", flat=True)) == ["申请表"]


def test_the_export_reads_back_as_the_same_catalogue(world: SimpleNamespace) -> None:
    catalogue_import(actor=world.admin, file=workbook(good_rows()))
    data = catalogue_export(actor=world.admin, items=Item.objects.filter(code__startswith="C-"))

    Item.objects.filter(code="C-002").update(name="改过的名字")
    result = catalogue_import(actor=world.admin, file=data)

    assert result.updated == 2
    assert Item.objects.get(code="C-002").name == "失业保险金申领"
    assert Item.objects.get(code="C-001").materials.filter(is_waived=True).count() == 1
    assert AuditEntry.objects.filter(action="hall.catalogue_export").exists()


def test_only_an_administrator_imports(world: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        catalogue_import(actor=world.staff, file=workbook(good_rows()))

    assert not Item.objects.filter(code__startswith="C-").exists()


def test_the_command_imports_a_file_and_reports_a_bad_one(world: SimpleNamespace, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(good_rows()))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["", "甲", "人社局"]]))

    call_command("hall_catalogue", "import", str(good))
    with pytest.raises(CommandError):
        call_command("hall_catalogue", "import", str(bad))

    assert Item.objects.filter(code__startswith="C-").count() == 2
    assert SYSTEM  # the command acts as the system
