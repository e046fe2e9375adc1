"""Bulk export of points to a spreadsheet (.xlsx) or a GeoJSON FeatureCollection, in any datum.

Personal phone numbers leave the registry masked unless an entitled caller asks for them. Every export is
written to the audit trail (``places.points_export``, or ``places.points_export_revealed`` when unmasked) with
its format, row count, filters and the client's address.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from wangge.accounts.roles import REVEAL
from wangge.core import audit
from wangge.core.actors import is_system
from wangge.core.errors import PermissionDenied
from wangge.core.geo import from_wgs84
from wangge.core.spreadsheets import write_row, write_rows
from wangge.core.validators import mask_phone
from wangge.places.choices import EXPORT_ONLY_COLUMNS, FILE_CRS_KEY, POINT_COLUMNS
from wangge.places.errors import ErrorCode
from wangge.places.models import Point
from wangge.places.records import COORD_DECIMALS, check_crs


def _check_reveal(actor: Any, queryset: models.QuerySet[Point], reveal: bool) -> None:
    if not reveal or is_system(actor):
        return
    allowed: models.QuerySet[Any] = Point.objects.restrict(actor, REVEAL).values("pk")
    if queryset.exclude(pk__in=allowed).exists():
        raise PermissionDenied(_("无权查看完整的责任人电话"), code=ErrorCode.REVEAL_DENIED)


def _record(
    actor: Any, *, fmt: str, count: int, crs: str, reveal: bool, filters: dict[str, Any] | None, ip: str | None
) -> None:
    with transaction.atomic():
        audit.record_export(
            actor=actor,
            action="places.points_export_revealed" if reveal else "places.points_export",
            what="places.point",
            fmt=fmt,
            count=count,
            filters={**(filters or {}), "crs": crs},
            revealed=reveal,
            ip=ip,
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
    *,
    queryset: models.QuerySet[Point],
    crs: str = "wgs84",
    reveal: bool = False,
    actor: Any,
    filters: dict[str, Any] | None = None,
    ip: str | None = None,
) -> bytes:
    """The points as a workbook with the import columns (frozen header). Phones are masked unless
    ``reveal`` is asked by an actor entitled to see them for every exported point."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    check_crs(crs)
    _check_reveal(actor, queryset, reveal)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "责任点位"
    keys = [c.key for c in POINT_COLUMNS] + [k for k, _h in EXPORT_ONLY_COLUMNS]
    headers = [c.header for c in POINT_COLUMNS] + [h for _k, h in EXPORT_ONLY_COLUMNS]
    write_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = write_rows(sheet, ([values[k] for k in keys] for _point, values in _export_rows(queryset, crs, reveal)))
    sheet.freeze_panes = "A2"
    widths = {"code": 18, "name": 24, "type": 12, "lng": 13, "lat": 13, "address": 30, "notes": 30}
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 16)
    workbook.properties.keywords = f"{FILE_CRS_KEY}{crs}"
    workbook.properties.title = "责任点位"
    out = io.BytesIO()
    workbook.save(out)
    _record(actor, fmt="xlsx", count=count, crs=crs, reveal=reveal, filters=filters, ip=ip)
    return out.getvalue()


def points_export_geojson(
    *,
    queryset: models.QuerySet[Point],
    crs: str = "wgs84",
    reveal: bool = False,
    actor: Any,
    filters: dict[str, Any] | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    """The points as a FeatureCollection of Point features (properties keyed in English)."""
    check_crs(crs)
    _check_reveal(actor, queryset, reveal)
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
    _record(actor, fmt="geojson", count=len(features), crs=crs, reveal=reveal, filters=filters, ip=ip)
    return {"type": "FeatureCollection", "coordinate_system": crs, "features": features}
