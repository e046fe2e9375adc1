"""Writes on the point registry: the built-in types and single points.

Coordinates arrive in WGS-84, GCJ-02 or BD-09 and are stored in WGS-84; the territory node and
grid of a point are always derived from its coordinates (``territory.locator``), never typed in.
``actor=SYSTEM`` is the platform itself (seeds, operator commands); a real actor must hold ``change`` on
the territory a point lies in. Bulk import and export are in ``places.importing`` and
``places.exporting``; the cleaning of one record, shared with them, in ``places.records``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit, User
from wangge.core import audit
from wangge.core.actors import SYSTEM, is_system
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE, VIEW
from wangge.places.choices import BUILTIN_POINT_TYPES
from wangge.places.errors import ErrorCode
from wangge.places.models import Point, PointType
from wangge.places.records import (
    TypeLookup,
    apply_clean,
    check_crs,
    clean_record,
    field_problem,
    location_problem,
    wgs84_rounded,
)
from wangge.territory.locator import grid_of, locate

__all__ = ["point_create", "point_types_seed", "point_update"]


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
        audit.record(actor=SYSTEM, action="places.point_type_seed", obj=point_type, after=audit.snapshot(point_type))
        created += 1
    return created


def _require_point(actor: Any, point: Point) -> None:
    if is_system(actor) or Point.objects.restrict(actor, CHANGE).filter(pk=point.pk).exists():
        return
    if Point.objects.restrict(actor, VIEW).filter(pk=point.pk).exists():
        raise PermissionDenied(_("无权修改该点位"), code=ErrorCode.OUT_OF_SCOPE)
    raise NotFound(_("点位不存在"), code=ErrorCode.POINT_NOT_FOUND)


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
    check_crs(crs)
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
    clean, problems = clean_record(raw, types=TypeLookup(), units={}, existing=None)
    w_lng = w_lat = 0.0
    if "code" in clean and Point.objects.filter(code=clean["code"]).exists():
        problems.append(field_problem("code", ErrorCode.CODE_TAKEN, _("点位编码已被使用")))
    territory = None
    if "lng" in clean and "lat" in clean:
        w_lng, w_lat = wgs84_rounded(clean["lng"], clean["lat"], crs)
        territory = locate(w_lng, w_lat)
        misplaced = location_problem(actor, territory)
        if misplaced:
            problems.append(misplaced)
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode(problems[0]["error"]), details=problems)
    point = Point(
        lng=w_lng,
        lat=w_lat,
        territory=territory,
        grid=grid_of(territory),
        responsible_user=responsible_user,
        attributes=attributes or {},
        is_synthetic=is_synthetic,
    )
    apply_clean(point, clean)
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
    check_crs(crs)
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
            code=ErrorCode.COORDINATES_INCOMPLETE,
            details=[field_problem("coordinates", ErrorCode.COORDINATES_INCOMPLETE, _("经度和纬度须同时修改"))],
        )
    clean, problems = clean_record(raw, types=TypeLookup(), units={}, existing=point, partial=True)
    if "lng" in clean and "lat" in clean:
        w_lng, w_lat = wgs84_rounded(clean["lng"], clean["lat"], crs)
        territory = locate(w_lng, w_lat)
        misplaced = location_problem(actor, territory)
        if misplaced:
            problems.append(misplaced)
        else:
            point.lng, point.lat = w_lng, w_lat
            point.territory = territory
            point.grid = grid_of(territory)
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode(problems[0]["error"]), details=problems)
    apply_clean(point, clean)
    if responsible_user is not _UNSET:
        point.responsible_user = responsible_user
    if attributes is not _UNSET:
        point.attributes = attributes
    point.save()
    # Scope again after the save: a change of place or of responsible unit must not carry the point out of the
    # editor's reach (the transaction rolls back).
    if not is_system(actor) and not Point.objects.restrict(actor, CHANGE).filter(pk=point.pk).exists():
        raise PermissionDenied(_("修改后点位将不在您的管辖范围内"), code=ErrorCode.OUT_OF_SCOPE)
    audit.record(actor=actor, action="places.point_update", obj=point, before=before, after=audit.snapshot(point))
    return point
