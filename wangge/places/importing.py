"""Bulk import of points from a spreadsheet (.xlsx) or a GeoJSON FeatureCollection: every record is
validated first (problems reported per row), then all of them are written in one transaction or none."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core import audit
from wangge.core.actors import is_system
from wangge.core.errors import ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.places.choices import FILE_CRS_KEY, HEADER_ALIASES, POINT_COLUMNS
from wangge.places.errors import ErrorCode
from wangge.places.models import Point
from wangge.places.records import (
    TypeLookup,
    apply_clean,
    as_text,
    check_crs,
    clean_record,
    field_problem,
    location_problem,
    units_for,
    wgs84_rounded,
)
from wangge.territory.locator import grid_of, locate_many
from wangge.territory.models import Territory

_SAME_COORD = 5e-7  # a re-imported coordinate this close to the stored one is unchanged
_CHUNK = 500


@dataclass
class PointImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _import_records(
    *,
    actor: Any,
    records: list[tuple[int, dict[str, Any]]],
    crs: str,
    source: str,
    known_problems: list[dict[str, Any]] | None = None,
) -> PointImportResult:
    """Validate every record first; write all of them in one transaction or none at all."""
    types = TypeLookup()
    codes = [as_text(r.get("code")) for _n, r in records]
    units = units_for(as_text(r.get("responsible_unit")) for _n, r in records)
    existing = {p.code: p for p in Point.objects.filter(code__in=[c for c in codes if c])}
    changeable = (
        set(existing)
        if is_system(actor)
        else set(Point.objects.restrict(actor, CHANGE).filter(code__in=list(existing)).values_list("code", flat=True))
    )

    problems: list[dict[str, Any]] = list(known_problems or [])
    no_geometry = {p["row"] for p in problems if p["field"] == "geometry"}
    cleaned: list[tuple[int, dict[str, Any]]] = []
    first_row: dict[str, int] = {}
    for row, raw in records:
        code = as_text(raw.get("code"))
        clean, row_problems = clean_record(raw, types=types, units=units, existing=existing.get(code))
        if row in no_geometry:
            row_problems = [p for p in row_problems if p["field"] not in ("lng", "lat")]
        if code:
            if code in first_row:
                row_problems.append(
                    field_problem(
                        "code", ErrorCode.DUPLICATE_CODE, _("编码与第 %(row)d 行重复") % {"row": first_row[code]}
                    )
                )
            else:
                first_row[code] = row
                if code in existing and code not in changeable:
                    row_problems.append(field_problem("code", ErrorCode.CODE_TAKEN, _("点位编码已被使用")))
        problems.extend({"row": row, **p} for p in row_problems)
        cleaned.append((row, clean))

    # Locate every record with coordinates in one vectorised pass.
    located = [(row, clean) for row, clean in cleaned if "lng" in clean and "lat" in clean]
    wgs = [wgs84_rounded(clean["lng"], clean["lat"], crs) for _row, clean in located]
    ids = locate_many([w[0] for w in wgs], [w[1] for w in wgs]) if wgs else []
    nodes = Territory.objects.in_bulk([i for i in ids if i is not None])
    for (row, clean), (w_lng, w_lat), node_id in zip(located, wgs, ids, strict=True):
        territory = nodes.get(node_id) if node_id is not None else None
        misplaced = location_problem(actor, territory)
        if misplaced:
            problems.append({"row": row, **misplaced})
        clean["_wgs"] = (w_lng, w_lat)
        clean["_territory"] = territory

    if problems:
        problems.sort(key=lambda p: (p["row"], p["field"]))
        raise ValidationFailed(
            _("导入文件有 %(n)d 处错误，未导入任何点位") % {"n": len(problems)},
            code=ErrorCode.IMPORT_INVALID,
            details=problems,
        )
    return _write_records(actor=actor, cleaned=cleaned, existing=existing, source=source)


@transaction.atomic
def _write_records(
    *, actor: Any, cleaned: list[tuple[int, dict[str, Any]]], existing: dict[str, Point], source: str
) -> PointImportResult:
    result = PointImportResult()
    grids: dict[int, Territory | None] = {}
    note = _("批量导入：%(source)s") % {"source": source}
    # Lock every row about to be updated with one query per chunk, not one per row.
    codes = [clean["code"] for _row, clean in cleaned if clean["code"] in existing]
    locked: dict[str, Point] = {}
    for i in range(0, len(codes), _CHUNK):
        locked.update((p.code, p) for p in Point.objects.select_for_update().filter(code__in=codes[i : i + _CHUNK]))
    new_points: list[Point] = []
    for _row, clean in cleaned:
        w_lng, w_lat = clean.pop("_wgs")
        territory: Territory = clean.pop("_territory")
        if territory.pk not in grids:
            grids[territory.pk] = grid_of(territory)
        grid = grids[territory.pk]
        point = locked.get(clean["code"])
        if point is None:
            point = Point(lng=w_lng, lat=w_lat, territory=territory, grid=grid)
            apply_clean(point, clean)
            new_points.append(point)
            continue
        before = audit.snapshot(point)
        if abs(point.lng - w_lng) > _SAME_COORD or abs(point.lat - w_lat) > _SAME_COORD:
            point.lng, point.lat = w_lng, w_lat
        point.territory, point.grid = territory, grid
        apply_clean(point, clean)
        if audit.snapshot(point) == before:
            result.unchanged.append(point.code)
            continue
        point.save()
        audit.record(
            actor=actor, action="places.point_update", obj=point, before=before, after=audit.snapshot(point), note=note
        )
        result.updated.append(point.code)
    # bulk_create sets primary keys on PostgreSQL and SQLite >= 3.35, so each row gets its audit entry.
    for point in Point.objects.bulk_create(new_points, batch_size=_CHUNK):
        audit.record(actor=actor, action="places.point_create", obj=point, after=audit.snapshot(point), note=note)
        result.created.append(point.code)
    return result


def _header_key(value: Any) -> str | None:
    text = as_text(value)
    return HEADER_ALIASES.get(text) or HEADER_ALIASES.get(text.lower())


def _declared_crs(marker: str | None) -> str | None:
    if marker and FILE_CRS_KEY in marker:
        return marker.split(FILE_CRS_KEY, 1)[1].split()[0].strip(",;")
    return None


def _refuse_crs_mismatch(declared: str | None, crs: str, where: dict[str, Any]) -> None:
    if declared and declared != crs:
        detail = {
            **where,
            "field": "crs",
            "error": ErrorCode.CRS_MISMATCH,
            "reason": _("文件声明坐标系为 %(declared)s，与所选 %(crs)s 不一致") % {"declared": declared, "crs": crs},
        }
        raise ValidationFailed(detail["reason"], code=ErrorCode.CRS_MISMATCH, details=[detail])


def _xlsx_records(file: Any, crs: str) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ValidationFailed(
            _("无法读取 Excel 文件"),
            code=ErrorCode.UNREADABLE_FILE,
            details=[{"row": 0, "field": "file", "error": ErrorCode.UNREADABLE_FILE, "reason": str(exc)[:200]}],
        ) from exc
    try:
        _refuse_crs_mismatch(_declared_crs(workbook.properties.keywords), crs, {"row": 1})
        sheet = workbook.worksheets[0]
        rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = next(rows, ())
        columns: dict[int, str] = {}
        header_problems: list[dict[str, Any]] = []
        for index, cell in enumerate(header):
            key = _header_key(cell)
            if key is None:
                continue  # informational columns (所在网格 …) are ignored
            if key in columns.values():
                header_problems.append(
                    {
                        "row": 1,
                        "field": key,
                        "error": ErrorCode.DUPLICATE_COLUMN,
                        "reason": _("列重复：%(h)s") % {"h": cell},
                    }
                )
            columns[index] = key
        for column in POINT_COLUMNS:
            if column.required and column.key not in columns.values():
                header_problems.append(
                    {
                        "row": 1,
                        "field": column.key,
                        "error": ErrorCode.MISSING_COLUMN,
                        "reason": _("缺少列：%(h)s") % {"h": column.header},
                    }
                )
        if header_problems:
            raise ValidationFailed(_("表头不正确"), code=ErrorCode.IMPORT_INVALID, details=header_problems)
        records: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(as_text(v) == "" for v in values):
                continue
            records.append((number, {key: values[i] if i < len(values) else None for i, key in columns.items()}))
        return records
    except ValidationFailed:
        raise
    except Exception as exc:  # a sheet is read lazily: malformed XML inside the workbook surfaces here
        raise ValidationFailed(
            _("无法读取 Excel 文件"),
            code=ErrorCode.UNREADABLE_FILE,
            details=[{"row": 0, "field": "file", "error": ErrorCode.UNREADABLE_FILE, "reason": str(exc)[:200]}],
        ) from exc
    finally:
        workbook.close()


def points_import_xlsx(*, actor: Any, file: Any, crs: str = "wgs84") -> PointImportResult:
    """Import a spreadsheet (path, bytes or file object) whose first row names the columns.

    Columns: 编码, 名称, 类型 (key or Chinese name), 经度, 纬度, 地址, 责任人, 责任人电话, 责任单位编码, 备注
    (the English keys are accepted as headers too). Errors are reported per spreadsheet row.
    """
    check_crs(crs)
    records = _xlsx_records(file, crs)
    name = getattr(file, "name", None) or (file if isinstance(file, str) else "xlsx")
    return _import_records(actor=actor, records=records, crs=crs, source=str(name))


def _geojson_records(data: dict[str, Any], crs: str) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    """The features as records, numbered from 1, plus the features whose geometry is not a point."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationFailed(
            _("须为 GeoJSON FeatureCollection"),
            code=ErrorCode.IMPORT_INVALID,
            details=[
                {
                    "row": 0,
                    "field": "type",
                    "error": ErrorCode.NOT_FEATURE_COLLECTION,
                    "reason": _("须为 FeatureCollection"),
                }
            ],
        )
    declared = as_text(data.get("coordinate_system")) or None
    _refuse_crs_mismatch(declared, crs, {"row": 0})
    records: list[tuple[int, dict[str, Any]]] = []
    bad_geometry: list[dict[str, Any]] = []
    for index, feature in enumerate(data.get("features") or []):
        row = index + 1
        feature = feature if isinstance(feature, dict) else {}
        raw: dict[str, Any] = {}
        for key, value in (feature.get("properties") or {}).items():
            column = _header_key(key)
            if column is not None and column not in ("lng", "lat") and column not in raw:
                raw[column] = value
        geometry = feature.get("geometry") or {}
        coordinates = geometry.get("coordinates")
        if geometry.get("type") == "Point" and isinstance(coordinates, list | tuple) and len(coordinates) >= 2:
            raw["lng"], raw["lat"] = coordinates[0], coordinates[1]
        else:
            bad_geometry.append(
                {"row": row, "field": "geometry", "error": ErrorCode.NOT_A_POINT, "reason": _("几何须为点（Point）")}
            )
        records.append((row, raw))
    return records, bad_geometry


def points_import_geojson(*, actor: Any, data: dict[str, Any], crs: str = "wgs84") -> PointImportResult:
    """Import a FeatureCollection of Point features carrying the same properties as the spreadsheet."""
    check_crs(crs)
    records, bad_geometry = _geojson_records(data, crs)
    return _import_records(actor=actor, records=records, crs=crs, source="geojson", known_problems=bad_geometry)


def load_geojson(file: IO[bytes] | IO[str] | str | bytes) -> dict[str, Any]:
    """Parse GeoJSON text, bytes, a path or a file object."""
    if isinstance(file, bytes | bytearray):
        text = file.decode("utf-8-sig")
    elif isinstance(file, str):
        with open(file, encoding="utf-8-sig") as handle:
            text = handle.read()
    else:
        content = file.read()
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    try:
        data: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            _("GeoJSON 无法解析"),
            code=ErrorCode.UNREADABLE_FILE,
            details=[{"row": 0, "field": "file", "error": ErrorCode.UNREADABLE_FILE, "reason": str(exc)}],
        ) from exc
    return data
