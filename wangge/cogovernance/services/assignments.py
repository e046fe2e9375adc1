"""分包: a leader (四大班子) or a unit answers for a community, a road section or an intersection.

A community assignment sits on a community node; a road section or an intersection on a registry point
(places.Point) of the matching type, and a road section may carry its line (a GeoJSON LineString in WGS-84,
2–200 positions). The assignment's territory is the community, or the point's node, which is also its scope.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.accounts.permissions import ActorLike
from wangge.cogovernance.choices import POINT_TYPE_OF, AssignmentKind
from wangge.cogovernance.errors import ErrorCode
from wangge.cogovernance.models import Assignment
from wangge.cogovernance.services.common import clean_text, may_assign, refuse
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import PermissionDenied
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = ["assignment_end", "assignment_save", "clean_line"]

MAX_LINE_POSITIONS = 200


def clean_line(line: Any) -> dict[str, Any] | None:
    """A GeoJSON LineString in WGS-84, or None; refuses anything else."""
    if line in (None, "", {}):
        return None
    bad = refuse("line", ErrorCode.INVALID_ASSIGNMENT, _("路段走向须为 GeoJSON LineString（WGS-84 经纬度）"))
    if not isinstance(line, dict) or line.get("type") != "LineString":
        raise bad
    coords = line.get("coordinates")
    if not isinstance(coords, list) or not 2 <= len(coords) <= MAX_LINE_POSITIONS:
        raise bad
    out = []
    for pos in coords:
        if not isinstance(pos, list | tuple) or len(pos) < 2:
            raise bad
        try:
            lng, lat = float(pos[0]), float(pos[1])
        except (TypeError, ValueError):
            raise bad from None
        if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
            raise bad
        out.append([round(lng, 7), round(lat, 7)])
    return {"type": "LineString", "coordinates": out}


def assignment_save(
    *,
    actor: ActorLike,
    kind: str,
    territory: Territory | None = None,
    point: Point | None = None,
    line: Any = None,
    leader: Any = None,
    leader_name: str = "",
    leader_title: str = "",
    unit: Unit | None = None,
    unit_name: str = "",
    duty: str = "",
    since: dt.date | None = None,
    assignment: Assignment | None = None,
    is_synthetic: bool = False,
) -> Assignment:
    """Create a 分包 assignment, or change ``assignment``. Street staff and administrators over the place set it.
    Raises PermissionDenied and ValidationFailed."""
    require(actor)
    if kind not in AssignmentKind.values:
        raise refuse("kind", ErrorCode.INVALID_ASSIGNMENT, _("分包类型不正确"))
    if kind == AssignmentKind.COMMUNITY:
        if territory is None or territory.kind != TerritoryKind.COMMUNITY or point is not None:
            raise refuse("territory", ErrorCode.INVALID_ASSIGNMENT, _("分包社区须选择社区"))
        node = territory
    else:
        if point is None or point.territory is None:
            raise refuse("point", ErrorCode.INVALID_ASSIGNMENT, _("分包路段、路口须选择已定位的点位"))
        if point.type.key != POINT_TYPE_OF[kind][0]:
            raise refuse("point", ErrorCode.INVALID_ASSIGNMENT, _("点位类型与分包类型不符"))
        node = point.territory
    shape = clean_line(line) if kind == AssignmentKind.ROAD else None
    if kind != AssignmentKind.ROAD and line not in (None, "", {}):
        raise refuse("line", ErrorCode.INVALID_ASSIGNMENT, _("只有路段可以标注走向"))
    if not may_assign(actor, node.path) or (
        assignment is not None and not may_assign(actor, assignment.territory.path)
    ):
        raise PermissionDenied(_("您不能设置该处的分包责任"), code=ErrorCode.NOT_CONVENER)
    leader_name = clean_text(leader_name or (getattr(leader, "display_name", "") if leader else ""), 50)
    unit_name = clean_text(unit_name, 100) if unit is None else ""
    if not leader_name and unit is None and not unit_name:
        raise refuse("leader_name", ErrorCode.INVALID_ASSIGNMENT, _("请填写分包领导或分包单位"))
    with transaction.atomic():
        before = audit.snapshot(assignment)
        target = assignment or Assignment(is_synthetic=is_synthetic)
        target.kind = kind
        target.territory = node
        target.point = point if kind != AssignmentKind.COMMUNITY else None
        target.line = shape
        target.leader = leader
        target.leader_name = leader_name
        target.leader_title = clean_text(leader_title, 60)
        target.unit = unit
        target.unit_name = unit_name
        target.duty = clean_text(duty, 200)
        target.since = since
        target.is_active = True
        target.save()
        audit.record(
            actor=actor,
            action="cogovernance.assignment_update" if assignment else "cogovernance.assignment_create",
            obj=target,
            before=before,
            after=audit.snapshot(target),
        )
    return target


def assignment_end(*, actor: ActorLike, assignment: Assignment) -> Assignment:
    """End an assignment (kept, no longer in force)."""
    require(actor)
    if not may_assign(actor, assignment.territory.path):
        raise PermissionDenied(_("您不能设置该处的分包责任"), code=ErrorCode.NOT_CONVENER)
    with transaction.atomic():
        before = audit.snapshot(assignment)
        assignment.is_active = False
        assignment.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="cogovernance.assignment_end",
            obj=assignment,
            before=before,
            after=audit.snapshot(assignment),
        )
    return assignment
