"""The territory GeoJSON import: validate everything, then write all or nothing.

Import contract
---------------
``data`` is a GeoJSON FeatureCollection. Each feature carries ``properties``:

* ``code`` (digits; the length fixed by ``settings.WANGGE_CODE_SEGMENTS`` for its kind — 区 the first
  segment, 街道 the first two, …; 省/市 use 6-digit GB/T 2260 codes ending in 0000 / 00),
* ``name``, ``kind`` (a :class:`~wangge.territory.choices.TerritoryKind` value),
* ``parent_code`` (optional: by default the parent is the node whose code is the feature's code minus
  its last segment — for a district the city ``xxxx00`` or province ``xx0000`` — found in the file or
  the database, else the ``parent`` argument; districts, cities and provinces may be roots),
* ``is_synthetic`` (optional boolean; ``synthetic=True`` marks every node synthetic regardless),

and a Polygon or MultiPolygon ``geometry`` in ``crs`` (wgs84, gcj02 or bd09), converted to WGS-84
before any check. A feature whose code already exists updates that node (same kind, same parent).
Every problem of every feature is collected; if there is any, :class:`ValidationFailed` lists them
all (``details=[{"feature": index, "code": code, "reason": text}, ...]``) and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wangge.core import geo
from wangge.core.errors import ValidationFailed
from wangge.territory.importing.checks import (
    Existing,
    check_containment,
    check_depths_and_scope,
    check_duplicates,
    check_existing,
    check_siblings,
    resolve_parents,
)
from wangge.territory.importing.reading import Problems, parse_features
from wangge.territory.importing.writing import ImportResult, write_nodes
from wangge.territory.models import Territory

__all__ = ["ImportResult", "territory_import_geojson"]


def territory_import_geojson(
    *,
    actor: Any,
    data: dict[str, Any],
    crs: str,
    parent: Territory | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Validate a FeatureCollection of territory nodes completely, then create or update them all."""
    if crs not in geo.CRS_CHOICES:
        raise ValidationFailed(
            _("不支持的坐标系 %(crs)s (unknown crs)") % {"crs": crs},
            details=[{"feature": None, "code": None, "reason": _("坐标系应为 wgs84、gcj02 或 bd09")}],
        )
    problems = Problems()
    parsed = parse_features(data, crs, problems)
    incoming = check_duplicates(parsed, problems)
    existing = Existing(Territory.objects.filter(code__in=[i.code for i in incoming]))
    refs = resolve_parents(incoming, existing, parent, problems)
    check_depths_and_scope(incoming, refs, parent, problems)
    check_existing(incoming, existing, problems)
    check_containment(incoming, refs, existing, problems)
    check_siblings(incoming, refs, existing, problems)
    if problems:
        details = sorted(problems.items, key=lambda d: (d["feature"] is not None, d["feature"] or 0))
        raise ValidationFailed(
            _("导入被拒绝：%(n)d 处问题，未写入任何数据 (import refused, nothing written)") % {"n": len(details)},
            details=details,
        )
    return write_nodes(actor=actor, incoming=incoming, existing=existing, crs=crs, parent=parent, synthetic=synthetic)
