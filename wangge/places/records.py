"""Cleaning one point record, shared by ``point_create`` / ``point_update`` and the importers.

A record maps column keys (``places.choices.POINT_COLUMNS``) to raw values; cleaning gives the values to
store and a list of problems (``{"field", "error", "reason"}``), never raising for the record's own faults.
Coordinates are converted to WGS-84 here and located in the actor's scope.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.core.actors import is_system
from wangge.core.crypto import blind_index
from wangge.core.errors import ValidationFailed
from wangge.core.geo import CRS_CHOICES, to_wgs84
from wangge.core.scoping import CHANGE, scope_for
from wangge.core.validators import mask_phone, normalise_phone, validate_phone
from wangge.places.errors import ErrorCode
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory

COORD_DECIMALS = 7  # ~1 cm; the GCJ-02 inverse is exact to 1e-7 degree
_MAX_LENGTHS = {"code": 40, "name": 120, "address": 200, "responsible_name": 50}


class TypeLookup:
    """Point types by key (case-insensitive) or by Chinese name."""

    def __init__(self) -> None:
        self._by: dict[str, PointType] = {}
        for point_type in PointType.objects.all():
            self._by[point_type.key.lower()] = point_type
            self._by.setdefault(point_type.name.strip(), point_type)

    def get(self, value: Any) -> PointType | None:
        if isinstance(value, PointType):
            return value
        text = as_text(value)
        return self._by.get(text.lower()) or self._by.get(text)


class _Keep:
    """Marker: keep the stored phone (the file carried the masked form of that same number)."""


KEEP_PHONE = _Keep()


def as_text(value: Any) -> str:
    """A cell or property as stripped text (a whole float without its .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_number(value: Any) -> float:
    """A finite coordinate from a number or its text; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a coordinate")
    number = float(as_text(value)) if not isinstance(value, int | float) else float(value)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def field_problem(field_key: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    """One problem of one field: the stable ``error`` code and the ``reason`` a person reads."""
    return {"field": field_key, "error": error, "reason": reason}


def clean_record(
    raw: dict[str, Any],
    *,
    types: TypeLookup,
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
        value = as_text(raw.get(key))
        if not value and key in ("code", "name", "responsible_name"):
            problems.append(field_problem(key, ErrorCode.REQUIRED, _("必填项不能为空")))
            continue
        limit = _MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            problems.append(field_problem(key, ErrorCode.TOO_LONG, _("长度超过 %(n)d 个字符") % {"n": limit}))
            continue
        clean[key] = value

    if wanted("type"):
        type_value = raw.get("type")
        point_type = types.get(type_value)
        if not as_text(type_value) and not isinstance(type_value, PointType):
            problems.append(field_problem("type", ErrorCode.REQUIRED, _("必填项不能为空")))
        elif point_type is None:
            problems.append(
                field_problem(
                    "type", ErrorCode.UNKNOWN_TYPE, _("未知的点位类型：%(value)s") % {"value": as_text(type_value)}
                )
            )
        else:
            clean["type"] = point_type

    for key, low, high in (("lng", -180.0, 180.0), ("lat", -90.0, 90.0)):
        if not wanted(key):
            continue
        coordinate = raw.get(key)
        if as_text(coordinate) == "":
            problems.append(field_problem(key, ErrorCode.REQUIRED, _("必填项不能为空")))
            continue
        try:
            number = as_number(coordinate)
        except ValueError:
            problems.append(
                field_problem(
                    key, ErrorCode.NOT_A_NUMBER, _("坐标须为数字：%(value)s") % {"value": as_text(coordinate)}
                )
            )
            continue
        if not low <= number <= high:
            problems.append(
                field_problem(key, ErrorCode.OUT_OF_RANGE, _("坐标超出有效范围：%(value)s") % {"value": number})
            )
            continue
        clean[key] = number

    if wanted("responsible_phone"):
        phone = as_text(raw.get("responsible_phone"))
        if "*" in phone:
            if existing is not None and phone == mask_phone(existing.responsible_phone or ""):
                clean["responsible_phone"] = KEEP_PHONE
            else:
                problems.append(
                    field_problem("responsible_phone", ErrorCode.MASKED_PHONE, _("脱敏后的电话号码不能导入"))
                )
        elif phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                problems.append(field_problem("responsible_phone", ErrorCode.INVALID_PHONE, str(exc.messages[0])))
            else:
                clean["responsible_phone"] = normalise_phone(phone)
        else:
            clean["responsible_phone"] = ""

    if wanted("responsible_unit"):
        unit_value = raw.get("responsible_unit")
        if isinstance(unit_value, Unit) or unit_value is None:
            clean["responsible_unit"] = unit_value
        else:
            unit_code = as_text(unit_value)
            unit = units.get(unit_code) if unit_code else None
            if unit_code and unit is None:
                problems.append(
                    field_problem(
                        "responsible_unit",
                        ErrorCode.UNKNOWN_UNIT,
                        _("责任单位编码不存在：%(value)s") % {"value": unit_code},
                    )
                )
            else:
                clean["responsible_unit"] = unit
    return clean, problems


def check_crs(crs: str) -> None:
    """Refuse a datum other than wgs84, gcj02 or bd09."""
    if crs not in CRS_CHOICES:
        raise ValidationFailed(
            _("未知的坐标系：%(crs)s") % {"crs": crs},
            code=ErrorCode.UNKNOWN_CRS,
            details=[{"field": "crs", "error": ErrorCode.UNKNOWN_CRS, "reason": _("坐标系须为 wgs84、gcj02 或 bd09")}],
        )


def wgs84_rounded(lng: float, lat: float, crs: str) -> tuple[float, float]:
    """The WGS-84 position to store for a coordinate given in ``crs``."""
    w_lng, w_lat = to_wgs84(lng, lat, crs)
    return round(w_lng, COORD_DECIMALS), round(w_lat, COORD_DECIMALS)


def units_for(codes: Iterable[str]) -> dict[str, Unit | None]:
    """The units with these codes, by code (one query)."""
    wanted = {c for c in codes if c}
    return {u.code: u for u in Unit.objects.filter(code__in=wanted)} if wanted else {}


def location_problem(actor: Any, territory: Territory | None) -> dict[str, Any] | None:
    """Why a point cannot lie in ``territory`` (outside every node, or outside the actor's scope), or None."""
    if territory is None:
        return field_problem("coordinates", ErrorCode.OUTSIDE_TERRITORY, _("坐标不在任何辖区范围内"))
    if not is_system(actor) and not scope_for(actor, CHANGE).covers_path(territory.path):
        return field_problem("coordinates", ErrorCode.OUT_OF_SCOPE, _("坐标位于您无权管理的辖区"))
    return None


def apply_clean(point: Point, clean: dict[str, Any]) -> None:
    """Set the cleaned values on ``point`` (coordinates excepted); a phone also gets its blind index."""
    for key, value in clean.items():
        if key in ("lng", "lat"):
            continue
        if key == "responsible_phone":
            if value is KEEP_PHONE:
                continue
            point.responsible_phone_index = blind_index(value)
        setattr(point, key, value)
