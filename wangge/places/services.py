"""Writes on the point registry: built-in types, single points, and bulk import/export.

Coordinates arrive in WGS-84, GCJ-02 or BD-09 and are stored in WGS-84; the territory node and
grid of a point are always derived from its coordinates (``territory.locator``), never typed in.
``actor=None`` means the system (seeds, operator commands); a real actor must hold ``change`` on
the territory a point lies in. Personal phone numbers leave the registry masked unless an
entitled caller asks for them, and every such unmasked export is written to the audit trail.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit, User
from wangge.accounts.roles import REVEAL
from wangge.core import audit
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.geo import CRS_CHOICES, from_wgs84, to_wgs84
from wangge.core.scoping import CHANGE, VIEW, scope_for
from wangge.core.validators import mask_phone, normalise_phone, validate_phone
from wangge.places.choices import BUILTIN_POINT_TYPES, EXPORT_ONLY_COLUMNS, HEADER_ALIASES, POINT_COLUMNS
from wangge.places.models import Point, PointType
from wangge.territory.locator import grid_of, locate, locate_many
from wangge.territory.models import Territory

COORD_DECIMALS = 7  # ~1 cm; the GCJ-02 inverse is exact to 1e-7 degree
_SAME_COORD = 5e-7  # a re-imported coordinate this close to the stored one is unchanged
_MAX_LENGTHS = {"code": 40, "name": 120, "address": 200, "responsible_name": 50}
_FILE_CRS_KEY = "wangge-crs:"
_CHUNK = 500


@dataclass
class PointImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


# --------------------------------------------------------------------------------------------
# Types


@transaction.atomic
def point_types_seed() -> int:
    """Create the built-in point types that are missing; returns how many were created.

    Idempotent: existing rows (possibly renamed by an administrator) are left as they are.
    """
    existing = set(PointType.objects.values_list("key", flat=True))
    created = 0
    for builtin in BUILTIN_POINT_TYPES:
        if builtin.key in existing:
            continue
        point_type = PointType.objects.create(
            key=builtin.key, name=builtin.name, is_hazard=builtin.is_hazard, ordering=builtin.ordering
        )
        audit.record(actor=None, action="places.point_type_seed", obj=point_type, after=audit.snapshot(point_type))
        created += 1
    return created


class _TypeLookup:
    """Point types by key (case-insensitive) or by Chinese name."""

    def __init__(self) -> None:
        self._by: dict[str, PointType] = {}
        for point_type in PointType.objects.all():
            self._by[point_type.key.lower()] = point_type
            self._by.setdefault(point_type.name.strip(), point_type)

    def get(self, value: Any) -> PointType | None:
        if isinstance(value, PointType):
            return value
        text = _text(value)
        return self._by.get(text.lower()) or self._by.get(text)


# --------------------------------------------------------------------------------------------
# Cleaning one record (shared by point_create / point_update and the importers)


class _Keep:
    """Marker: keep the stored phone (the file carried the masked form of that same number)."""


KEEP_PHONE = _Keep()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("boolean is not a coordinate")
    number = float(_text(value)) if not isinstance(value, int | float) else float(value)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def _problem(field_key: str, error: str, reason: str) -> dict[str, Any]:
    return {"field": field_key, "error": error, "reason": reason}


def _clean_record(
    raw: dict[str, Any],
    *,
    types: _TypeLookup,
    units: dict[str, Unit | None],
    existing: Point | None,
    partial: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Validate ``raw`` (column key -> value). With ``partial`` only the keys present are checked."""
    clean: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []

    def wanted(key: str) -> bool:
        return not partial or key in raw

    for key in ("code", "name", "address", "responsible_name", "notes"):
        if not wanted(key):
            continue
        value = _text(raw.get(key))
        if not value and key in ("code", "name", "responsible_name"):
            problems.append(_problem(key, "required", _("必填项不能为空")))
            continue
        limit = _MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            problems.append(_problem(key, "too_long", _("长度超过 %(n)d 个字符") % {"n": limit}))
            continue
        clean[key] = value

    if wanted("type"):
        type_value = raw.get("type")
        point_type = types.get(type_value)
        if not _text(type_value) and not isinstance(type_value, PointType):
            problems.append(_problem("type", "required", _("必填项不能为空")))
        elif point_type is None:
            problems.append(
                _problem("type", "unknown_type", _("未知的点位类型：%(value)s") % {"value": _text(type_value)})
            )
        else:
            clean["type"] = point_type

    for key, low, high in (("lng", -180.0, 180.0), ("lat", -90.0, 90.0)):
        if not wanted(key):
            continue
        coordinate = raw.get(key)
        if _text(coordinate) == "":
            problems.append(_problem(key, "required", _("必填项不能为空")))
            continue
        try:
            number = _number(coordinate)
        except ValueError:
            problems.append(_problem(key, "not_a_number", _("坐标须为数字：%(value)s") % {"value": _text(coordinate)}))
            continue
        if not low <= number <= high:
            problems.append(_problem(key, "out_of_range", _("坐标超出有效范围：%(value)s") % {"value": number}))
            continue
        clean[key] = number

    if wanted("responsible_phone"):
        phone = _text(raw.get("responsible_phone"))
        if "*" in phone:
            if existing is not None and phone == mask_phone(existing.responsible_phone or ""):
                clean["responsible_phone"] = KEEP_PHONE
            else:
                problems.append(_problem("responsible_phone", "masked_phone", _("脱敏后的电话号码不能导入")))
        elif phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                problems.append(_problem("responsible_phone", "invalid_phone", str(exc.messages[0])))
            else:
                clean["responsible_phone"] = normalise_phone(phone)
        else:
            clean["responsible_phone"] = ""

    if wanted("responsible_unit"):
        unit_value = raw.get("responsible_unit")
        if isinstance(unit_value, Unit) or unit_value is None:
            clean["responsible_unit"] = unit_value
        else:
            unit_code = _text(unit_value)
            unit = units.get(unit_code) if unit_code else None
            if unit_code and unit is None:
                problems.append(
                    _problem(
                        "responsible_unit",
                        "unknown_unit",
                        _("责任单位编码不存在：%(value)s") % {"value": unit_code},
                    )
                )
            else:
                clean["responsible_unit"] = unit
    return clean, problems


def _check_crs(crs: str) -> None:
    if crs not in CRS_CHOICES:
        raise ValidationFailed(
            _("未知的坐标系：%(crs)s") % {"crs": crs},
            code="unknown_crs",
            details=[{"field": "crs", "error": "unknown_crs", "reason": _("坐标系须为 wgs84、gcj02 或 bd09")}],
        )


def _wgs84(lng: float, lat: float, crs: str) -> tuple[float, float]:
    w_lng, w_lat = to_wgs84(lng, lat, crs)
    return round(w_lng, COORD_DECIMALS), round(w_lat, COORD_DECIMALS)


def _units_for(codes: Iterable[str]) -> dict[str, Unit | None]:
    wanted = {c for c in codes if c}
    return {u.code: u for u in Unit.objects.filter(code__in=wanted)} if wanted else {}


def _location_problem(actor: Any, territory: Territory | None) -> dict[str, Any] | None:
    if territory is None:
        return _problem("coordinates", "outside_territory", _("坐标不在任何辖区范围内"))
    if actor is not None and not scope_for(actor, CHANGE).covers_path(territory.path):
        return _problem("coordinates", "out_of_scope", _("坐标位于您无权管理的辖区"))
    return None


def _apply(point: Point, clean: dict[str, Any]) -> None:
    for key, value in clean.items():
        if key in ("lng", "lat"):
            continue
        if key == "responsible_phone":
            if value is KEEP_PHONE:
                continue
            point.responsible_phone_index = blind_index(value)
        setattr(point, key, value)


def _require_point(actor: Any, point: Point) -> None:
    if actor is None or Point.objects.restrict(actor, CHANGE).filter(pk=point.pk).exists():
        return
    if Point.objects.restrict(actor, VIEW).filter(pk=point.pk).exists():
        raise PermissionDenied(_("无权修改该点位"), code="out_of_scope")
    raise NotFound(_("点位不存在"), code="point_not_found")


# --------------------------------------------------------------------------------------------
# Single points


@transaction.atomic
def point_create(
    *,
    actor: Any,
    code: str,
    name: str,
    type: PointType | str,
    lng: float,
    lat: float,
    responsible_name: str,
    crs: str = "wgs84",
    address: str = "",
    responsible_phone: str = "",
    responsible_unit: Unit | None = None,
    responsible_user: User | None = None,
    notes: str = "",
    attributes: dict[str, Any] | None = None,
    is_synthetic: bool = False,
) -> Point:
    """Register a point; its territory node and grid come from the coordinates."""
    _check_crs(crs)
    raw = {
        "code": code,
        "name": name,
        "type": type,
        "lng": lng,
        "lat": lat,
        "address": address,
        "responsible_name": responsible_name,
        "responsible_phone": responsible_phone,
        "responsible_unit": responsible_unit,
        "notes": notes,
    }
    clean, problems = _clean_record(raw, types=_TypeLookup(), units={}, existing=None)
    w_lng = w_lat = 0.0
    if "code" in clean and Point.objects.filter(code=clean["code"]).exists():
        problems.append(_problem("code", "code_taken", _("点位编码已被使用")))
    territory = None
    if "lng" in clean and "lat" in clean:
        w_lng, w_lat = _wgs84(clean["lng"], clean["lat"], crs)
        territory = locate(w_lng, w_lat)
        location_problem = _location_problem(actor, territory)
        if location_problem:
            problems.append(location_problem)
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=problems[0]["error"], details=problems)
    point = Point(
        lng=w_lng,
        lat=w_lat,
        territory=territory,
        grid=grid_of(territory),
        responsible_user=responsible_user,
        attributes=attributes or {},
        is_synthetic=is_synthetic,
    )
    _apply(point, clean)
    point.save()
    audit.record(actor=actor, action="places.point_create", obj=point, after=audit.snapshot(point))
    return point


_UNSET: Any = object()


@transaction.atomic
def point_update(
    *,
    actor: Any,
    point: Point,
    crs: str = "wgs84",
    name: str = _UNSET,
    type: PointType | str = _UNSET,
    lng: float = _UNSET,
    lat: float = _UNSET,
    address: str = _UNSET,
    responsible_name: str = _UNSET,
    responsible_phone: str = _UNSET,
    responsible_unit: Unit | None = _UNSET,
    responsible_user: User | None = _UNSET,
    notes: str = _UNSET,
    attributes: dict[str, Any] = _UNSET,
) -> Point:
    """Change the given fields. Moving the point re-derives its territory and grid; the new
    place must lie inside the actor's scope as well (scope is checked before and after)."""
    _check_crs(crs)
    _require_point(actor, point)
    point = Point.objects.select_for_update().get(pk=point.pk)
    before = audit.snapshot(point)
    given = {
        "name": name,
        "type": type,
        "lng": lng,
        "lat": lat,
        "address": address,
        "responsible_name": responsible_name,
        "responsible_phone": responsible_phone,
        "responsible_unit": responsible_unit,
        "notes": notes,
    }
    raw = {k: v for k, v in given.items() if v is not _UNSET}
    if ("lng" in raw) != ("lat" in raw):
        raise ValidationFailed(
            _("经度和纬度须同时修改"),
            code="coordinates_incomplete",
            details=[_problem("coordinates", "coordinates_incomplete", _("经度和纬度须同时修改"))],
        )
    clean, problems = _clean_record(raw, types=_TypeLookup(), units={}, existing=point, partial=True)
    if "lng" in clean and "lat" in clean:
        w_lng, w_lat = _wgs84(clean["lng"], clean["lat"], crs)
        territory = locate(w_lng, w_lat)
        location_problem = _location_problem(actor, territory)
        if location_problem:
            problems.append(location_problem)
        else:
            point.lng, point.lat = w_lng, w_lat
            point.territory = territory
            point.grid = grid_of(territory)
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=problems[0]["error"], details=problems)
    _apply(point, clean)
    if responsible_user is not _UNSET:
        point.responsible_user = responsible_user
    if attributes is not _UNSET:
        point.attributes = attributes
    point.save()
    audit.record(actor=actor, action="places.point_update", obj=point, before=before, after=audit.snapshot(point))
    return point


# --------------------------------------------------------------------------------------------
# Import


def _import_records(
    *,
    actor: Any,
    records: list[tuple[int, dict[str, Any]]],
    crs: str,
    source: str,
    known_problems: list[dict[str, Any]] | None = None,
) -> PointImportResult:
    """Validate every record first; write all of them in one transaction or none at all."""
    types = _TypeLookup()
    codes = [_text(r.get("code")) for _n, r in records]
    units = _units_for(_text(r.get("responsible_unit")) for _n, r in records)
    existing = {p.code: p for p in Point.objects.filter(code__in=[c for c in codes if c])}
    changeable = (
        set(existing)
        if actor is None
        else set(Point.objects.restrict(actor, CHANGE).filter(code__in=list(existing)).values_list("code", flat=True))
    )

    problems: list[dict[str, Any]] = list(known_problems or [])
    no_geometry = {p["row"] for p in problems if p["field"] == "geometry"}
    cleaned: list[tuple[int, dict[str, Any]]] = []
    first_row: dict[str, int] = {}
    for row, raw in records:
        code = _text(raw.get("code"))
        clean, row_problems = _clean_record(raw, types=types, units=units, existing=existing.get(code))
        if row in no_geometry:
            row_problems = [p for p in row_problems if p["field"] not in ("lng", "lat")]
        if code:
            if code in first_row:
                row_problems.append(
                    _problem("code", "duplicate_code", _("编码与第 %(row)d 行重复") % {"row": first_row[code]})
                )
            else:
                first_row[code] = row
                if code in existing and code not in changeable:
                    row_problems.append(_problem("code", "code_taken", _("点位编码已被使用")))
        problems.extend({"row": row, **p} for p in row_problems)
        cleaned.append((row, clean))

    # Locate every record with coordinates in one vectorised pass.
    located = [(row, clean) for row, clean in cleaned if "lng" in clean and "lat" in clean]
    wgs = [_wgs84(clean["lng"], clean["lat"], crs) for _row, clean in located]
    ids = locate_many([w[0] for w in wgs], [w[1] for w in wgs]) if wgs else []
    nodes = Territory.objects.in_bulk([i for i in ids if i is not None])
    for (row, clean), (w_lng, w_lat), node_id in zip(located, wgs, ids, strict=True):
        territory = nodes.get(node_id) if node_id is not None else None
        location_problem = _location_problem(actor, territory)
        if location_problem:
            problems.append({"row": row, **location_problem})
        clean["_wgs"] = (w_lng, w_lat)
        clean["_territory"] = territory

    if problems:
        problems.sort(key=lambda p: (p["row"], p["field"]))
        raise ValidationFailed(
            _("导入文件有 %(n)d 处错误，未导入任何点位") % {"n": len(problems)},
            code="import_invalid",
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
            _apply(point, clean)
            new_points.append(point)
            continue
        before = audit.snapshot(point)
        if abs(point.lng - w_lng) > _SAME_COORD or abs(point.lat - w_lat) > _SAME_COORD:
            point.lng, point.lat = w_lng, w_lat
        point.territory, point.grid = territory, grid
        _apply(point, clean)
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
    text = _text(value)
    return HEADER_ALIASES.get(text) or HEADER_ALIASES.get(text.lower())


def _declared_crs(marker: str | None) -> str | None:
    if marker and _FILE_CRS_KEY in marker:
        return marker.split(_FILE_CRS_KEY, 1)[1].split()[0].strip(",;")
    return None


def _refuse_crs_mismatch(declared: str | None, crs: str, where: dict[str, Any]) -> None:
    if declared and declared != crs:
        detail = {
            **where,
            "field": "crs",
            "error": "crs_mismatch",
            "reason": _("文件声明坐标系为 %(declared)s，与所选 %(crs)s 不一致") % {"declared": declared, "crs": crs},
        }
        raise ValidationFailed(detail["reason"], code="crs_mismatch", details=[detail])


def _xlsx_records(file: Any, crs: str) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ValidationFailed(
            _("无法读取 Excel 文件"),
            code="unreadable_file",
            details=[{"row": 0, "field": "file", "error": "unreadable_file", "reason": str(exc)[:200]}],
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
                        "error": "duplicate_column",
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
                        "error": "missing_column",
                        "reason": _("缺少列：%(h)s") % {"h": column.header},
                    }
                )
        if header_problems:
            raise ValidationFailed(_("表头不正确"), code="import_invalid", details=header_problems)
        records: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(_text(v) == "" for v in values):
                continue
            records.append((number, {key: values[i] if i < len(values) else None for i, key in columns.items()}))
        return records
    finally:
        workbook.close()


def points_import_xlsx(*, actor: Any, file: Any, crs: str = "wgs84") -> PointImportResult:
    """Import a spreadsheet (path, bytes or file object) whose first row names the columns.

    Columns: 编码, 名称, 类型 (key or Chinese name), 经度, 纬度, 地址, 责任人, 责任人电话, 责任单位编码, 备注
    (the English keys are accepted as headers too). Errors are reported per spreadsheet row.
    """
    _check_crs(crs)
    records = _xlsx_records(file, crs)
    name = getattr(file, "name", None) or (file if isinstance(file, str) else "xlsx")
    return _import_records(actor=actor, records=records, crs=crs, source=str(name))


def _geojson_records(data: dict[str, Any], crs: str) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    """The features as records, numbered from 1, plus the features whose geometry is not a point."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationFailed(
            _("须为 GeoJSON FeatureCollection"),
            code="import_invalid",
            details=[
                {
                    "row": 0,
                    "field": "type",
                    "error": "not_feature_collection",
                    "reason": _("须为 FeatureCollection"),
                }
            ],
        )
    declared = _text(data.get("coordinate_system")) or None
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
                {"row": row, "field": "geometry", "error": "not_a_point", "reason": _("几何须为点（Point）")}
            )
        records.append((row, raw))
    return records, bad_geometry


def points_import_geojson(*, actor: Any, data: dict[str, Any], crs: str = "wgs84") -> PointImportResult:
    """Import a FeatureCollection of Point features carrying the same properties as the spreadsheet."""
    _check_crs(crs)
    records, bad_geometry = _geojson_records(data, crs)
    return _import_records(actor=actor, records=records, crs=crs, source="geojson", known_problems=bad_geometry)


# --------------------------------------------------------------------------------------------
# Export


def _check_reveal(actor: Any, queryset: models.QuerySet[Point], reveal: bool, fmt: str) -> None:
    if not reveal:
        return
    if actor is not None:
        allowed: models.QuerySet[Any] = Point.objects.restrict(actor, REVEAL).values("pk")
        if queryset.exclude(pk__in=allowed).exists():
            raise PermissionDenied(_("无权查看完整的责任人电话"), code="reveal_denied")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="places.points_export_revealed",
            after={"count": queryset.count(), "format": fmt},
            only_changes=False,
            note=_("导出未脱敏的责任人电话"),
        )


def _export_rows(queryset: models.QuerySet[Point], crs: str, reveal: bool) -> Iterator[tuple[Point, dict[str, Any]]]:
    qs = queryset.select_related("type", "responsible_unit", "grid", "territory").order_by("code")
    for point in qs.iterator(chunk_size=2000):
        lng, lat = from_wgs84(point.lng, point.lat, crs)
        phone = point.responsible_phone or ""
        yield (
            point,
            {
                "code": point.code,
                "name": point.name,
                "type": point.type.name,
                "lng": round(lng, COORD_DECIMALS),
                "lat": round(lat, COORD_DECIMALS),
                "address": point.address,
                "responsible_name": point.responsible_name,
                "responsible_phone": phone if reveal else mask_phone(phone),
                "responsible_unit": point.responsible_unit.code if point.responsible_unit else "",
                "notes": point.notes,
                "grid": point.grid.code if point.grid else "",
                "territory": point.territory.code if point.territory else "",
            },
        )


def points_export_xlsx(
    *, queryset: models.QuerySet[Point], crs: str = "wgs84", reveal: bool = False, actor: Any = None
) -> bytes:
    """The points as a workbook with the import columns (frozen header). Phones are masked unless
    ``reveal`` is asked by an actor entitled to see them for every exported point."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    _check_crs(crs)
    _check_reveal(actor, queryset, reveal, "xlsx")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "责任点位"
    keys = [c.key for c in POINT_COLUMNS] + [k for k, _h in EXPORT_ONLY_COLUMNS]
    headers = [c.header for c in POINT_COLUMNS] + [h for _k, h in EXPORT_ONLY_COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for _point, values in _export_rows(queryset, crs, reveal):
        sheet.append([values[k] for k in keys])
    sheet.freeze_panes = "A2"
    widths = {"code": 18, "name": 24, "type": 12, "lng": 13, "lat": 13, "address": 30, "notes": 30}
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 16)
    workbook.properties.keywords = f"{_FILE_CRS_KEY}{crs}"
    workbook.properties.title = "责任点位"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def points_export_geojson(
    *, queryset: models.QuerySet[Point], crs: str = "wgs84", reveal: bool = False, actor: Any = None
) -> dict[str, Any]:
    """The points as a FeatureCollection of Point features (properties keyed in English)."""
    _check_crs(crs)
    _check_reveal(actor, queryset, reveal, "geojson")
    features = []
    for point, values in _export_rows(queryset, crs, reveal):
        properties = {k: v for k, v in values.items() if k not in ("lng", "lat", "type")}
        properties["type"] = point.type.key
        properties["type_name"] = point.type.name
        properties["is_hazard"] = point.type.is_hazard
        features.append(
            {
                "type": "Feature",
                "id": point.code,
                "geometry": {"type": "Point", "coordinates": [values["lng"], values["lat"]]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "coordinate_system": crs, "features": features}


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
            code="unreadable_file",
            details=[{"row": 0, "field": "file", "error": "unreadable_file", "reason": str(exc)}],
        ) from exc
    return data
