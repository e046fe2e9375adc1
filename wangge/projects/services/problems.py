"""Problems found on a project, raised as work orders through THE one intake service
(``workorders.services.intake.work_order_create``), placed on the project — a point chosen on its line or
polygon, or by default the middle of its line / a point inside its polygon — and linked to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require, user_of
from wangge.core.errors import PermissionDenied
from wangge.core.geo import to_wgs84
from wangge.projects import geometry as geom
from wangge.projects.errors import ErrorCode
from wangge.projects.models import Project, ProjectProblem, WeeklyEntry
from wangge.projects.services.common import lock, may_keep, problem, refuse
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = ["DEFAULT_CATEGORY_CODE", "district_of", "project_problem_raise"]

# 施工管理 › 施工占道: the category a project's problem takes unless another is chosen (when it is in the
# current dictionary).
DEFAULT_CATEGORY_CODE = "E0302"


def district_of(node: Territory) -> Territory | None:
    step = Territory.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    district: Territory | None = (
        Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).order_by("-depth").first()
    )
    return district


def project_problem_raise(
    *,
    actor: ActorLike,
    project: Project | int,
    title: str,
    description: str,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    category: Any = None,
    entry: WeeklyEntry | None = None,
    photos: Iterable[Any] = (),
    now: dt.datetime | None = None,
) -> ProjectProblem:
    """Open a work order for a problem on ``project`` and link it. Without a position the problem is placed on
    the project's line or polygon. Raises NotFound, PermissionDenied and ValidationFailed (nothing to place it
    by, a position outside the platform — the intake's own refusals come through unchanged)."""
    from wangge.workorders.choices import AppealType, Channel
    from wangge.workorders.models import Category
    from wangge.workorders.services.intake import work_order_create

    require(actor)
    at = now or timezone.now()
    title = str(title or "").strip()
    description = str(description or "").strip()
    found: list[dict[str, Any]] = []
    if not title:
        found.append(problem("title", ErrorCode.INVALID_PROJECT, _("请填写问题标题")))
    if not description:
        found.append(problem("description", ErrorCode.INVALID_PROJECT, _("请填写问题描述")))
    if found:
        raise refuse(found)
    with transaction.atomic():
        locked = lock(actor, project)
        if not may_keep(actor, locked):
            raise PermissionDenied(_("无权就该项目提出问题"), code=ErrorCode.NOT_A_REPORTER)
        if lng is not None and lat is not None:
            lng, lat = to_wgs84(float(lng), float(lat), crs)
        else:
            point = geom.anchor(locked.geometry)
            if point is None:
                raise refuse(
                    [problem("location", ErrorCode.POINT_OUTSIDE, _("项目没有线位/范围，请在地图上选择问题位置"))]
                )
            lng, lat = point
        if category is None:
            category = Category.objects.filter(
                code=DEFAULT_CATEGORY_CODE, is_active=True, category_set__is_active=True
            ).first()
        lines = [
            description,
            _("所属项目：%(code)s %(name)s") % {"code": locked.code, "name": locked.name},
        ]
        if entry is not None:
            lines.append(_("来自周进度：%(week)s") % {"week": entry.week_label})
        wo = work_order_create(
            actor=actor,
            channel=Channel.INSPECTION,
            appeal_type=AppealType.REPORT,
            title=f"{locked.name}：{title}"[:200],
            description="\n".join(lines),
            category=category,
            lng=lng,
            lat=lat,
            address=locked.location or locked.name,
            district=district_of(locked.territory),
            photos=photos,
            now=at,
        )
        link = ProjectProblem.objects.create(
            project=locked,
            work_order=wo,
            entry=entry if entry is not None and entry.project_id == locked.pk else None,
            lng=lng,
            lat=lat,
            raised_by=user_of(actor),
            raised_at=at,
        )
        audit.record(
            actor=actor,
            action="projects.problem_create",
            obj=locked,
            after={"work_order": wo.tracking_code, "lng": lng, "lat": lat, "title": title},
            only_changes=False,
        )
    return link
