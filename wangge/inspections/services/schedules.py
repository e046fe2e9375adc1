"""The schedules (定期、定人): which points of a territory subtree are inspected how often, by whom.

Street staff, the command centre and administrators over the schedule's territory keep its schedules; every
change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import PermissionDenied
from wangge.inspections.choices import AssigneeRule, Frequency
from wangge.inspections.errors import ErrorCode
from wangge.inspections.models import Schedule
from wangge.inspections.services.common import problem, refuse
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory

SCHEDULERS = frozenset({Role.STREET_STAFF, Role.DISPATCHER, Role.ADMIN})
FIELDS = (
    "name",
    "season_start_month",
    "season_start_day",
    "season_end_month",
    "season_end_day",
    "season_frequency",
    "off_season_frequency",
    "working_days_only",
    "assignee_rule",
    "priority",
    "is_active",
)


def may_schedule(actor: Any, territory: Territory) -> bool:
    return permissions.has_role_over(actor, SCHEDULERS, territory.path)


def _check(values: dict[str, Any], territory: Territory, types: list[PointType], points: list[Point]) -> None:
    problems: list[dict[str, Any]] = []
    if not str(values.get("name") or "").strip() or len(str(values["name"])) > 100:
        problems.append(problem("name", ErrorCode.INVALID_SCHEDULE, _("请填写计划名称（不超过 100 字）")))
    for which in ("start", "end"):
        try:
            dt.date(2024, int(values[f"season_{which}_month"]), int(values[f"season_{which}_day"]))  # a leap year
        except (TypeError, ValueError):
            problems.append(problem(f"season_{which}_month", ErrorCode.INVALID_SCHEDULE, _("汛期日期不存在")))
    for f in ("season_frequency", "off_season_frequency"):
        if values.get(f) not in Frequency.values:
            problems.append(problem(f, ErrorCode.INVALID_SCHEDULE, _("频次不正确")))
    if values.get("assignee_rule") not in AssigneeRule.values:
        problems.append(problem("assignee_rule", ErrorCode.INVALID_SCHEDULE, _("责任人规则不正确")))
    if not types and not points:
        problems.append(problem("point_types", ErrorCode.INVALID_SCHEDULE, _("请选择点位类型或指定点位")))
    outside = [p.code for p in points if not p.territory or not p.territory.path.startswith(territory.path)]
    if outside:
        problems.append(
            problem(
                "points", ErrorCode.INVALID_SCHEDULE, _("以下点位不在适用辖区内：%(c)s") % {"c": "、".join(outside[:5])}
            )
        )
    if problems:
        raise refuse(problems)


def schedule_save(
    *,
    actor: ActorLike,
    territory: Territory,
    point_types: Iterable[PointType] = (),
    points: Iterable[Point] = (),
    schedule: Schedule | None = None,
    **values: Any,
) -> Schedule:
    """Create a schedule, or change ``schedule``: its territory, point types or points and any of ``FIELDS``
    (defaults: flood season 6/1–9/30 daily, weekly otherwise, every day, the point's responsible person).
    Raises PermissionDenied (the territory, or the schedule's present one, is not the actor's to schedule) and
    ValidationFailed."""
    require(actor)
    unknown = set(values) - set(FIELDS)
    assert not unknown, f"unknown schedule fields {sorted(unknown)}"
    if not may_schedule(actor, territory) or (schedule is not None and not may_schedule(actor, schedule.territory)):
        raise PermissionDenied(_("您不能为该辖区制定巡查计划"), code=ErrorCode.SCHEDULE_OUT_OF_SCOPE)
    types, chosen = list(point_types), list(points)
    base = {f: getattr(schedule if schedule is not None else Schedule(), f) for f in FIELDS}
    merged = {**base, **values}
    _check(merged, territory, types, [p for p in chosen])
    with transaction.atomic():
        before = audit.snapshot(schedule) if schedule else None
        target = schedule or Schedule()
        for f in FIELDS:
            setattr(target, f, merged[f])
        target.name = str(target.name).strip()
        target.territory = territory
        target.save()
        target.point_types.set(types)
        target.points.set(chosen)
        after = {
            **(audit.snapshot(target) or {}),
            "point_types": sorted(t.key for t in types),
            "points": sorted(p.code for p in chosen),
        }
        audit.record(
            actor=actor,
            action="inspections.schedule_update" if schedule else "inspections.schedule_create",
            obj=target,
            before=before,
            after=after,
            only_changes=schedule is not None,
        )
    return target
