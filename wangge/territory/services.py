"""Writes to the territory tree other than an import: an outline drawn on the map.

An outline is checked by the same rules as an import (``wangge.territory.importing``): a valid Polygon or
MultiPolygon of lng/lat, inside its parent, not overlapping its siblings beyond the tolerance, keeping its
stored children inside. The node itself is only re-drawn: its code, name, kind and place in the tree stay.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core import audit, geo
from wangge.core.actors import is_system
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE, VIEW
from wangge.territory import locator
from wangge.territory.importing.checks import (
    Existing,
    check_containment,
    check_existing,
    check_siblings,
    resolve_parents,
)
from wangge.territory.importing.reading import Incoming, Problems, parse_features
from wangge.territory.importing.writing import node_geometry
from wangge.territory.models import Territory
from wangge.territory.outlines import geometry_problem


def _require_changeable(actor: Any, territory: Territory) -> None:
    if is_system(actor) or Territory.objects.restrict(actor, CHANGE).filter(pk=territory.pk).exists():
        return
    if Territory.objects.restrict(actor, VIEW).filter(pk=territory.pk).exists():
        raise PermissionDenied(_("无权修改该辖区的边界"))
    raise NotFound(_("辖区不存在"))


# The import's reasons end with an English gloss in brackets; the editor shows the Chinese alone, and
# names shapely's usual findings in Chinese.
_GLOSS = re.compile(r"\s*\([\x20-\x7e]*\)\s*$")
_SHAPELY_WORDS = (
    ("Ring Self-intersection", "边界环自相交"),
    ("Self-intersection", "边线自相交"),
    ("Too few points", "顶点过少"),
    ("Hole lies outside shell", "内洞位于外环之外"),
    ("Nested shells", "外环相互嵌套"),
    ("Interior is disconnected", "内部不连通"),
)


def plain_reason(reason: str) -> str:
    """A refusal as the editor shows it: Chinese, without the English gloss."""
    text = _GLOSS.sub("", str(reason))
    for english, chinese in _SHAPELY_WORDS:
        text = text.replace(english, chinese)
    return text


def _checked(territory: Territory, geometry: Any, crs: str) -> tuple[list[str], Incoming | None]:
    if crs not in geo.CRS_CHOICES:
        return [_("不支持的坐标系 %(crs)s") % {"crs": crs}], None
    reason = geometry_problem(geometry, crs)
    if reason:
        return [plain_reason(reason)], None
    parent = Territory.objects.get_parent(territory)
    feature = {
        "type": "Feature",
        "properties": {
            "code": territory.code,
            "name": territory.name,
            "kind": territory.kind,
            "parent_code": parent.code if parent is not None else None,
            "is_synthetic": territory.is_synthetic,
        },
        "geometry": geometry,
    }
    problems = Problems()
    incoming = parse_features({"type": "FeatureCollection", "features": [feature]}, crs, problems)
    existing = Existing([territory])
    refs = resolve_parents(incoming, existing, None, problems)
    check_existing(incoming, existing, problems)
    check_containment(incoming, refs, existing, problems)
    check_siblings(incoming, refs, existing, problems)
    reasons = [plain_reason(p["reason"]) for p in problems.items]
    return reasons, (incoming[0] if incoming and not reasons else None)


def territory_outline_problems(*, territory: Territory, geometry: Any, crs: str = "wgs84") -> list[str]:
    """Why ``geometry`` (in ``crs``) cannot be the outline of ``territory``; an empty list when it can."""
    return _checked(territory, geometry, crs)[0]


def territory_outline_update(
    *, actor: Any, territory: Territory, geometry: Any, crs: str = "wgs84", ip: str | None = None
) -> Territory:
    """Replace the outline of ``territory`` by ``geometry`` (GeoJSON in ``crs``, stored in WGS-84), with its
    label point and area, in one transaction with an audit entry. Refuses (``ValidationFailed``, every
    problem in ``details``) an outline the import would refuse."""
    _require_changeable(actor, territory)
    problems, item = _checked(territory, geometry, crs)
    if problems or item is None:
        raise ValidationFailed(
            _("边界未保存：%(reason)s") % {"reason": problems[0] if problems else _("无效的边界")},
            details=[{"field": "geometry", "reason": reason} for reason in problems],
        )
    with transaction.atomic():
        node: Territory = Territory.objects.select_for_update().get(pk=territory.pk)
        before = audit.snapshot(node)
        values = node_geometry(item)
        for name, value in values.items():
            setattr(node, name, value)
        node.save(update_fields=[*values, "updated_at"])
        audit.record(
            actor=actor,
            action="territory.outline_update",
            obj=node,
            before=before,
            after=audit.snapshot(node),
            ip=ip,
        )
        locator.invalidate()
        transaction.on_commit(locator.invalidate)
    return node
