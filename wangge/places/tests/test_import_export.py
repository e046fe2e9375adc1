"""Bulk import (validate everything, then all or nothing) and export (masked unless entitled)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.tests.factories import Tree, UnitFactory, territory_tree, user_with_role
from wangge.core.actors import SYSTEM
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.geo import wgs84_to_gcj02
from wangge.core.models import AuditEntry
from wangge.places import exporting, importing, services
from wangge.places.models import Point

pytestmark = pytest.mark.django_db

HEADER = ["编码", "名称", "类型", "经度", "纬度", "地址", "责任人", "责任人电话", "责任单位编码", "备注"]


@pytest.fixture
def tree() -> Tree:
    services.point_types_seed()
    tree = territory_tree()
    UnitFactory.create(code="WATER", name="水务局", kind=UnitKind.DEPARTMENT, territory=tree.district)
    return tree


def xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def gcj(lng: float, lat: float) -> tuple[float, float]:
    return wgs84_to_gcj02(lng, lat)


GOOD_ROWS = [
    [
        "HZ-001",
        "建设路下穿隧道",
        "下穿式桥涵",
        *gcj(113.225, 33.75),
        "建设路与中兴路交叉口",
        "张三",
        "13800138000",
        "WATER",
        "汛期重点",
    ],
    ["HZ-002", "湛河", "river", *gcj(113.275, 33.76), "", "李四", "0375-2345678", "", ""],
    ["SH-003", "幸福超市", "门店", *gcj(113.375, 33.72), "幸福路8号", "王五", "", "", ""],
]


def test_xlsx_import_creates_points_located_in_grids(tree: Tree) -> None:
    # when
    result = importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")

    # then
    assert result.created == ["HZ-001", "HZ-002", "SH-003"]
    points = {p.code: p for p in Point.objects.select_related("type", "responsible_unit")}
    assert points["HZ-001"].grid_id == tree.grid_a1.pk
    assert points["HZ-001"].lng == pytest.approx(113.225, abs=1e-6)
    assert points["HZ-001"].type.key == "underpass"
    assert points["HZ-001"].responsible_unit is not None and points["HZ-001"].responsible_unit.code == "WATER"
    assert points["HZ-002"].grid_id == tree.grid_a2.pk
    assert points["HZ-002"].responsible_phone == "0375-2345678"
    assert points["SH-003"].territory_id == tree.community_b.pk
    assert points["SH-003"].grid_id is None
    assert AuditEntry.objects.filter(action="places.point_create").count() == 3


def test_xlsx_import_accepts_english_headers(tree: Tree) -> None:
    # given
    header = ["code", "name", "type", "lng", "lat", "address", "responsible_name", "responsible_phone"]
    rows = [["E-1", "桥", "bridge", 113.225, 33.75, "", "赵六", "13800138000"]]

    # when
    result = importing.points_import_xlsx(actor=SYSTEM, file=xlsx(rows, header), crs="wgs84")

    # then
    assert result.created == ["E-1"]
    assert Point.objects.get().type.key == "bridge"


def test_xlsx_import_reports_every_bad_row_and_imports_nothing(tree: Tree) -> None:
    # given
    rows: list[list[Any]] = [
        GOOD_ROWS[0],
        ["HZ-001", "重复编码", "river", *gcj(113.225, 33.75), "", "甲", "", "", ""],  # row 3
        ["X-1", "未知类型", "赌场", *gcj(113.225, 33.75), "", "乙", "", "", ""],  # row 4
        ["X-2", "坐标非数字", "river", "东经113", 33.75, "", "丙", "", "", ""],  # row 5
        ["X-3", "辖区之外", "river", *gcj(114.5, 33.75), "", "丁", "", "", ""],  # row 6
        ["X-4", "电话错误", "river", *gcj(113.225, 33.75), "", "戊", "12345678", "", ""],  # row 7
        ["X-5", "", "river", *gcj(113.225, 33.75), "", "", "", "NOPE", ""],  # row 8
        [None, None, None, None, None, None, None, None, None, None],  # blank row: skipped
    ]

    # when
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_xlsx(actor=SYSTEM, file=xlsx(rows), crs="gcj02")

    # then
    found = {(d["row"], d["field"], d["error"]) for d in caught.value.details}
    assert found == {
        (3, "code", "duplicate_code"),
        (4, "type", "unknown_type"),
        (5, "lng", "not_a_number"),
        (6, "coordinates", "outside_territory"),
        (7, "responsible_phone", "invalid_phone"),
        (8, "name", "required"),
        (8, "responsible_name", "required"),
        (8, "responsible_unit", "unknown_unit"),
    }
    assert all(d["reason"] for d in caught.value.details)
    assert not Point.objects.exists()
    assert not AuditEntry.objects.filter(app_label="places", model="point").exists()


def test_xlsx_import_without_required_columns_is_refused(tree: Tree) -> None:
    # when
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_xlsx(actor=SYSTEM, file=xlsx([["A", "名"]], ["编码", "名称"]), crs="wgs84")

    # then
    missing = {d["field"] for d in caught.value.details if d["error"] == "missing_column"}
    assert missing == {"type", "lng", "lat", "responsible_name"}
    assert not Point.objects.exists()


def test_not_a_workbook_is_refused(tree: Tree) -> None:
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_xlsx(actor=SYSTEM, file=b"not a zip file", crs="wgs84")
    assert caught.value.code == "unreadable_file"


def test_reimport_updates_by_code_and_counts_unchanged(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")
    changed = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1]), list(GOOD_ROWS[2])]
    changed[1][1] = "湛河（东段）"
    changed[2][3], changed[2][4] = gcj(113.325, 33.75)  # moved into grid B1

    # when
    result = importing.points_import_xlsx(actor=SYSTEM, file=xlsx(changed), crs="gcj02")

    # then
    assert (result.created, result.updated, result.unchanged) == ([], ["HZ-002", "SH-003"], ["HZ-001"])
    assert Point.objects.get(code="HZ-002").name == "湛河（东段）"
    assert Point.objects.get(code="SH-003").grid_id == tree.grid_b1.pk
    updates = AuditEntry.objects.filter(action="places.point_update")
    assert updates.count() == 2
    moved = updates.get(object_repr__contains="SH-003")
    assert (moved.before or {})["grid"] is None
    assert (moved.after or {})["grid"] == tree.grid_b1.pk


def test_import_by_street_staff_cannot_touch_another_streets_points(tree: Tree) -> None:
    # given: HZ-001 exists in street A; a street B member imports a row with that code and one in street A
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS[:1]), crs="gcj02")
    actor = user_with_role(Role.STREET_STAFF, tree.street_b)
    rows = [
        ["HZ-001", "抢占编码", "river", *gcj(113.325, 33.75), "", "甲", "", "", ""],
        ["B-2", "越界点位", "river", *gcj(113.225, 33.75), "", "乙", "", "", ""],
        ["B-3", "本街道点位", "river", *gcj(113.325, 33.75), "", "丙", "", "", ""],
    ]

    # when
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_xlsx(actor=actor, file=xlsx(rows), crs="gcj02")

    # then
    found = {(d["row"], d["field"], d["error"]) for d in caught.value.details}
    assert found == {(2, "code", "code_taken"), (3, "coordinates", "out_of_scope")}
    assert list(Point.objects.values_list("code", "name")) == [("HZ-001", "建设路下穿隧道")]


def test_export_xlsx_has_frozen_header_and_masked_phones(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")

    # when
    data = exporting.points_export_xlsx(queryset=Point.objects.all(), actor=SYSTEM)

    # then
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:10]) == HEADER
    assert sheet.freeze_panes == "A2"
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["HZ-001"][7] == "138****8000"
    assert by_code["HZ-002"][7] == "********5678"
    assert "13800138000" not in str(rows)
    assert by_code["HZ-001"][2] == "下穿式桥涵"
    assert by_code["HZ-001"][10] == tree.grid_a1.code
    assert not AuditEntry.objects.filter(action="places.points_export_revealed").exists()
    # a masked export is written to the audit trail too
    entry = AuditEntry.objects.get(action="places.points_export")
    assert entry.after is not None and (entry.after["count"], entry.after["format"]) == (len(GOOD_ROWS), "xlsx")


def test_xlsx_round_trip_in_gcj02_reproduces_every_point(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")
    before = list(
        Point.objects.order_by("code").values_list(
            "code",
            "name",
            "type__key",
            "lng",
            "lat",
            "address",
            "responsible_name",
            "responsible_unit__code",
            "notes",
            "territory",
            "grid",
        )
    )
    phones = {p.code: p.responsible_phone for p in Point.objects.all()}
    exported = exporting.points_export_xlsx(queryset=Point.objects.all(), crs="gcj02", reveal=True, actor=SYSTEM)

    # when: the same file comes back, and then into an empty registry
    again = importing.points_import_xlsx(actor=SYSTEM, file=exported, crs="gcj02")
    Point.objects.all().delete()
    fresh = importing.points_import_xlsx(actor=SYSTEM, file=exported, crs="gcj02")

    # then
    assert again.unchanged == ["HZ-001", "HZ-002", "SH-003"]
    assert fresh.created == ["HZ-001", "HZ-002", "SH-003"]
    after = list(
        Point.objects.order_by("code").values_list(
            "code",
            "name",
            "type__key",
            "lng",
            "lat",
            "address",
            "responsible_name",
            "responsible_unit__code",
            "notes",
            "territory",
            "grid",
        )
    )
    for old, new in zip(before, after, strict=True):
        assert old[:3] == new[:3] and old[5:] == new[5:]
        assert new[3] == pytest.approx(old[3], abs=1e-6)
        assert new[4] == pytest.approx(old[4], abs=1e-6)
    assert {p.code: p.responsible_phone for p in Point.objects.all()} == phones


def test_masked_export_reimported_keeps_the_stored_phones(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")
    masked = exporting.points_export_xlsx(queryset=Point.objects.all(), crs="gcj02", actor=SYSTEM)

    # when
    result = importing.points_import_xlsx(actor=SYSTEM, file=masked, crs="gcj02")

    # then
    assert result.unchanged == ["HZ-001", "HZ-002", "SH-003"]
    assert Point.objects.get(code="HZ-001").responsible_phone == "13800138000"


def test_masked_phone_for_a_new_point_is_refused(tree: Tree) -> None:
    rows = [["N-1", "新点", "river", *gcj(113.225, 33.75), "", "甲", "138****8000", "", ""]]
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_xlsx(actor=SYSTEM, file=xlsx(rows), crs="gcj02")
    assert caught.value.details[0]["error"] == "masked_phone"
    assert not Point.objects.exists()


def test_export_declares_its_datum_and_refuses_a_mismatched_import(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")
    exported = exporting.points_export_xlsx(queryset=Point.objects.all(), crs="gcj02", actor=SYSTEM)
    Point.objects.all().delete()

    # when
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_xlsx(actor=SYSTEM, file=exported, crs="wgs84")

    # then
    assert caught.value.code == "crs_mismatch"
    assert not Point.objects.exists()


def test_reveal_by_entitled_staff_is_audited(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS[:2]), crs="gcj02")
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    data = exporting.points_export_xlsx(queryset=Point.objects.restrict(actor), reveal=True, actor=actor)

    # then
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert {r[7] for r in rows[1:]} == {"13800138000", "0375-2345678"}
    entry = AuditEntry.objects.get(action="places.points_export_revealed")
    assert entry.actor == actor
    assert entry.after == {
        "what": "places.point",
        "count": 2,
        "format": "xlsx",
        "filters": {"crs": "wgs84"},
        "revealed": True,
    }


@pytest.mark.parametrize("role", [Role.DEPT_HANDLER, Role.LEADER])
def test_reveal_by_a_role_without_the_right_is_refused(tree: Tree, role: str) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS[:1]), crs="gcj02")
    water = tree.district.units.get(code="WATER")
    actor = user_with_role(role, unit=water) if role == Role.DEPT_HANDLER else user_with_role(role, tree.district)
    assert Point.objects.restrict(actor).exists()

    # when
    with pytest.raises(PermissionDenied):
        exporting.points_export_xlsx(queryset=Point.objects.restrict(actor), reveal=True, actor=actor)

    # then
    assert not AuditEntry.objects.filter(action="places.points_export_revealed").exists()


def test_reveal_of_points_outside_the_actors_scope_is_refused(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")
    actor = user_with_role(Role.GRID_WORKER, tree.grid_a1)

    # when / then: their own grid is fine, the whole registry is not
    exporting.points_export_geojson(queryset=Point.objects.filter(grid=tree.grid_a1), reveal=True, actor=actor)
    with pytest.raises(PermissionDenied):
        exporting.points_export_geojson(queryset=Point.objects.all(), reveal=True, actor=actor)


def test_geojson_round_trip(tree: Tree) -> None:
    # given
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS), crs="gcj02")
    exported = exporting.points_export_geojson(queryset=Point.objects.all(), crs="gcj02", reveal=True, actor=SYSTEM)
    Point.objects.all().delete()

    # when
    result = importing.points_import_geojson(actor=SYSTEM, data=json.loads(json.dumps(exported)), crs="gcj02")

    # then
    assert result.created == ["HZ-001", "HZ-002", "SH-003"]
    first = exported["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["type"] == "underpass"
    assert first["properties"]["is_hazard"] is True
    point = Point.objects.get(code="HZ-001")
    assert (point.grid_id, point.responsible_phone) == (tree.grid_a1.pk, "13800138000")
    assert point.lng == pytest.approx(113.225, abs=1e-6)


def test_geojson_export_masks_phones_by_default(tree: Tree) -> None:
    importing.points_import_xlsx(actor=SYSTEM, file=xlsx(GOOD_ROWS[:1]), crs="gcj02")
    exported = exporting.points_export_geojson(queryset=Point.objects.all(), actor=SYSTEM)
    assert exported["features"][0]["properties"]["responsible_phone"] == "138****8000"
    assert exported["coordinate_system"] == "wgs84"


def test_geojson_import_reports_bad_features_and_imports_nothing(tree: Tree) -> None:
    # given
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [113.225, 33.75]},
                "properties": {"编码": "G-1", "名称": "好点", "类型": "学校", "责任人": "甲"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[113.2, 33.7], [113.3, 33.8]]},
                "properties": {"code": "G-2", "name": "线", "type": "road", "responsible_name": "乙"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [113.225, 33.75]},
                "properties": {"code": "G-3", "name": "无责任人", "type": "road"},
            },
        ],
    }

    # when
    with pytest.raises(ValidationFailed) as caught:
        importing.points_import_geojson(actor=SYSTEM, data=data, crs="wgs84")

    # then
    found = {(d["row"], d["field"], d["error"]) for d in caught.value.details}
    assert found == {(2, "geometry", "not_a_point"), (3, "responsible_name", "required")}
    assert not Point.objects.exists()


def test_management_commands_import_and_export(tree: Tree, tmp_path: Path) -> None:
    # given
    source = tmp_path / "points.xlsx"
    source.write_bytes(xlsx(GOOD_ROWS))
    out = tmp_path / "street_a.geojson"

    # when
    call_command("points_import", str(source), "--crs", "gcj02")
    call_command("points_export", "--scope", tree.street_a.code, "--format", "geojson", "--out", str(out))

    # then
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in exported["features"]] == ["HZ-001", "HZ-002"]
    assert exported["features"][0]["properties"]["responsible_phone"] == "138****8000"


def test_management_import_of_a_bad_file_fails_and_imports_nothing(tree: Tree, tmp_path: Path) -> None:
    source = tmp_path / "bad.xlsx"
    source.write_bytes(xlsx([["X", "坏点", "赌场", 113.225, 33.75, "", "甲", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("points_import", str(source), "--crs", "wgs84")
    assert not Point.objects.exists()


def test_a_workbook_with_malformed_xml_is_refused_with_nothing_kept(tree: Tree) -> None:
    """A workbook whose sheet XML is broken (cut, or hand-edited) answers a clear refusal, not a traceback."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["编码", "名称", "类型", "经度", "纬度", "责任人"])
    book.active.append(["P1", "桥", "bridge", 113.225, 33.75, "甲"])
    good = io.BytesIO()
    book.save(good)
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the XML stops in the middle of a row
            dst.writestr(item, data)

    with pytest.raises(ValidationFailed) as err:
        importing.points_import_xlsx(actor=SYSTEM, file=broken.getvalue())

    assert err.value.code == "unreadable_file"
    assert not Point.objects.exists()
