"""The territory tree out as GeoJSON, in the import format (so an export imports back unchanged)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from wangge.core import geo
from wangge.core.errors import ValidationFailed
from wangge.territory.models import Territory


def territory_export_geojson(
    *, root: Territory, crs: str = "wgs84", kinds: Iterable[str] | None = None
) -> dict[str, Any]:
    """The subtree under ``root`` (root included) as a FeatureCollection in ``crs``.

    Properties: code, name, kind, parent_code, area_m2, is_synthetic — the import format, so an
    export imports back unchanged.
    """
    if crs not in geo.CRS_CHOICES:
        raise ValidationFailed(_("不支持的坐标系 %(crs)s (unknown crs)") % {"crs": crs})
    wanted = set(kinds) if kinds else None
    rows = list(
        Territory.objects.filter(path__startswith=root.path)
        .order_by("path")
        .values_list("path", "code", "name", "kind", "area_m2", "is_synthetic", "geometry")
    )
    code_by_path = {row[0]: row[1] for row in rows}
    root_parent_code = None
    if root.depth > 1:
        root_parent_code = (
            Territory.objects.filter(path=root.path[: -Territory.steplen]).values_list("code", flat=True).first()
        )
    features = []
    for path, code, name, kind, area_m2, is_synthetic, geometry in rows:
        if wanted is not None and kind not in wanted:
            continue
        parent_code = root_parent_code if path == root.path else code_by_path.get(path[: -Territory.steplen])
        if geometry and crs != "wgs84":
            geometry = geo.transform_geometry_from_wgs84(geometry, crs)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "parent_code": parent_code,
                    "area_m2": area_m2,
                    "is_synthetic": is_synthetic,
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "crs_name": crs, "features": features}
