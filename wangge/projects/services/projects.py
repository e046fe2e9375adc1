"""Registering and editing a project of the ledger (项目台账).

- :func:`project_create` registers a project in a territory the actor may change (the ``change`` action);
  its line or polygon is kept in WGS-84 like the territory outlines and must touch the territory's outline; the
  length of a line is computed from it unless given.
- :func:`project_update` edits the same fields (never the status: that is ``project_transition``'s); the
  keepers are the staff who may change its territory and the members of its lead unit.

Every write is atomic with one history row and one audit entry; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import PermissionDenied
from wangge.core.scoping import CHANGE
from wangge.projects import geometry as geom
from wangge.projects.choices import ProjectStatus, ProjectType
from wangge.projects.errors import ErrorCode
from wangge.projects.models import Milestone, Project
from wangge.projects.services.common import event, lock, may_keep, problem, refuse
from wangge.territory.models import Territory

__all__ = ["new_code", "project_create", "project_update"]

MAX_MONEY = Decimal("999999999999")
EDITABLE = (
    "name",
    "type",
    "territory",
    "location",
    "geometry",
    "length_m",
    "components",
    "description",
    "total_investment",
    "invested",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "progress",
    "lead_unit",
)


def new_code(at: dt.datetime) -> str:
    """The next project code of the year: ``XM`` + year + a four-digit sequence."""
    stem = f"XM{timezone.localtime(at):%Y}"
    last = Project.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


def _money(value: Any, field: str, problems: list[dict[str, Any]], *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            problems.append(problem(field, ErrorCode.INVALID_PROJECT, _("请填写此项")))
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        problems.append(problem(field, ErrorCode.INVALID_PROJECT, _("金额格式不正确")))
        return None
    if not Decimal(0) <= amount <= MAX_MONEY:
        problems.append(problem(field, ErrorCode.INVALID_PROJECT, _("金额须为非负数")))
        return None
    return amount


def _components(value: Any, problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in value or []:
        if not isinstance(item, Mapping):
            problems.append(problem("components", ErrorCode.INVALID_PROJECT, _("建设内容格式不正确")))
            return []
        name = str(item.get("name") or "").strip()[:50]
        if not name:
            continue
        quantity = item.get("quantity")
        try:
            q = None if quantity in (None, "") else float(Decimal(str(quantity)))
        except (InvalidOperation, ValueError):
            problems.append(problem("components", ErrorCode.INVALID_PROJECT, _("建设内容的数量须为数字")))
            return []
        out.append({"name": name, "quantity": q, "unit": str(item.get("unit") or "").strip()[:20]})
    return out


def _milestones(value: Iterable[Any] | None, problems: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    out: list[dict[str, Any]] = []
    for item in value:
        name = str(item.get("name") or "").strip()[:100]
        planned = item.get("planned_date")
        if not name or not isinstance(planned, dt.date):
            problems.append(problem("milestones", ErrorCode.INVALID_PROJECT, _("节点须有名称和计划日期")))
            return None
        done = item.get("done_date")
        out.append({"name": name, "planned_date": planned, "done_date": done if isinstance(done, dt.date) else None})
    return out


def _check(fields: dict[str, Any], crs: str, problems: list[dict[str, Any]]) -> None:
    """Validate and normalise the fields in place (only the keys present)."""
    if "name" in fields:
        fields["name"] = str(fields["name"] or "").strip()
        if not fields["name"]:
            problems.append(problem("name", ErrorCode.INVALID_PROJECT, _("请填写项目名称")))
        elif len(fields["name"]) > 200:
            problems.append(problem("name", ErrorCode.INVALID_PROJECT, _("项目名称不能超过 200 个字")))
    if "type" in fields and fields["type"] not in ProjectType.values:
        problems.append(problem("type", ErrorCode.INVALID_PROJECT, _("未知的项目类型")))
    if "location" in fields:
        fields["location"] = str(fields["location"] or "").strip()[:200]
    if "description" in fields:
        fields["description"] = str(fields["description"] or "").strip()
    for key in ("total_investment", "invested"):
        if key in fields:
            fields[key] = _money(fields[key], key, problems, required=key == "total_investment")
    if fields.get("invested") is None and "invested" in fields:
        fields["invested"] = Decimal("0.00")
    if "progress" in fields:
        p = fields["progress"]
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 100:
            problems.append(problem("progress", ErrorCode.INVALID_PROJECT, _("形象进度须为 0-100 的整数")))
    if "components" in fields:
        fields["components"] = _components(fields["components"], problems)
    if "geometry" in fields:
        try:
            fields["geometry"] = geom.parse(fields["geometry"], crs)
        except geom.GeometryError as exc:
            problems.append(problem("geometry", ErrorCode.INVALID_GEOMETRY, _("线位/范围：%(e)s") % {"e": exc}))
    if "length_m" in fields and fields["length_m"] not in (None, ""):
        try:
            fields["length_m"] = Decimal(str(fields["length_m"])).quantize(Decimal("0.1"))
            if fields["length_m"] < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(problem("length_m", ErrorCode.INVALID_PROJECT, _("长度须为非负数")))
    elif "length_m" in fields:
        fields["length_m"] = None
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        a, b = fields.get(start), fields.get(end)
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
            problems.append(problem(end, ErrorCode.INVALID_DATES, _("完工日期不能早于开工日期")))


def _check_territory(actor: ActorLike, territory: Territory) -> None:
    if is_system(actor):
        return
    if not Territory.objects.restrict(actor, CHANGE).filter(pk=territory.pk).exists():
        raise PermissionDenied(
            _("所选辖区不在您可管理的范围内"),
            code=ErrorCode.TERRITORY_OUT_OF_SCOPE,
            details=[problem("territory", ErrorCode.TERRITORY_OUT_OF_SCOPE, _("不在管理范围内"))],
        )


def _check_units(actor: ActorLike, units: Iterable[Unit | None]) -> None:
    if is_system(actor):
        return
    ids = {u.pk for u in units if u is not None}
    if ids and Unit.objects.restrict(actor).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied(
            _("责任单位不存在或不在您的范围内"),
            code=ErrorCode.UNIT_OUT_OF_SCOPE,
            details=[problem("lead_unit", ErrorCode.UNIT_OUT_OF_SCOPE, _("单位不在范围内"))],
        )


def _place(project: Project) -> None:
    """The geometry touches the territory; a line's length is computed when none is given."""
    if project.geometry and not geom.intersects(project.geometry, project.territory.geometry):
        reason = _("线位/范围不在所属辖区“%(name)s”内") % {"name": project.territory.name}
        raise refuse([problem("geometry", ErrorCode.GEOMETRY_OUTSIDE, reason)])
    if project.length_m is None and project.geometry:
        project.length_m = geom.length_m(project.geometry)


def _set_milestones(project: Project, rows: list[dict[str, Any]]) -> None:
    project.milestones.all().delete()
    Milestone.objects.bulk_create([Milestone(project=project, ordering=i, **row) for i, row in enumerate(rows)])


def _snapshot(project: Project) -> dict[str, Any]:
    snap = audit.snapshot(project) or {}
    snap["co_units"] = sorted(project.co_units.values_list("pk", flat=True))
    snap["milestones"] = [
        [m.name, str(m.planned_date), str(m.done_date or "")] for m in project.milestones.order_by("ordering", "id")
    ]
    return snap


def project_create(
    *,
    actor: ActorLike,
    name: str,
    type: str,
    territory: Territory,
    total_investment: Any,
    code: str = "",
    location: str = "",
    geometry: Any = None,
    crs: str = "wgs84",
    length_m: Any = None,
    components: Iterable[Mapping[str, Any]] = (),
    description: str = "",
    invested: Any = 0,
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    actual_start: dt.date | None = None,
    actual_end: dt.date | None = None,
    progress: int = 0,
    milestones: Iterable[Mapping[str, Any]] = (),
    lead_unit: Unit | None = None,
    co_units: Iterable[Unit] = (),
    status: str = ProjectStatus.PLANNING,
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> Project:
    """Register a project (登记项目) in ``territory``; returns it. ``geometry`` is GeoJSON in ``crs``.

    Raises ValidationFailed (a missing or bad field, a geometry that is no line or polygon or lies outside the
    territory, a code taken) and PermissionDenied (a territory or unit outside the actor's scope)."""
    require(actor)
    at = now or timezone.now()
    fields: dict[str, Any] = {
        "name": name,
        "type": type,
        "location": location,
        "geometry": geometry,
        "length_m": length_m,
        "components": list(components),
        "description": description,
        "total_investment": total_investment,
        "invested": invested,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "progress": progress,
    }
    problems: list[dict[str, Any]] = []
    _check(fields, crs, problems)
    rows = _milestones(list(milestones), problems) or []
    code = str(code or "").strip()[:32]
    if code and Project.objects.filter(code=code).exists():
        problems.append(problem("code", ErrorCode.DUPLICATE_CODE, _("项目编号已存在")))
    if status not in (ProjectStatus.PLANNING, ProjectStatus.BUILDING):
        problems.append(problem("status", ErrorCode.INVALID_PROJECT, _("新登记的项目只能是谋划或在建")))
    if problems:
        raise refuse(problems)
    co = list(co_units)
    with transaction.atomic():
        _check_territory(actor, territory)
        _check_units(actor, [lead_unit, *co])
        project = Project(
            code=code or new_code(at),
            territory=territory,
            lead_unit=lead_unit,
            status=status,
            created_by=user_of(actor),
            is_synthetic=is_synthetic,
            **fields,
        )
        if status == ProjectStatus.BUILDING and project.actual_start is None:
            project.actual_start = timezone.localdate(at)
        _place(project)
        project.save()
        project.co_units.set(co)
        _set_milestones(project, rows)
        event(project, "create", actor, at, "", note=project.name)
        audit.record(actor=actor, action="projects.project_create", obj=project, after=_snapshot(project))
    return project


def project_update(
    *,
    actor: ActorLike,
    project: Project | int,
    crs: str = "wgs84",
    co_units: Iterable[Unit] | None = None,
    milestones: Iterable[Mapping[str, Any]] | None = None,
    now: dt.datetime | None = None,
    **changes: Any,
) -> Project:
    """Edit a project's fields (only those passed; ``milestones`` and ``co_units`` replace the lists when given).
    The status is changed by ``project_transition`` only. Raises NotFound, PermissionDenied, ValidationFailed."""
    require(actor)
    unknown = set(changes) - set(EDITABLE)
    assert not unknown, f"not editable: {sorted(unknown)}"
    at = now or timezone.now()
    fields = dict(changes)
    problems: list[dict[str, Any]] = []
    _check(fields, crs, problems)
    rows = _milestones(list(milestones), problems) if milestones is not None else None
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        locked = lock(actor, project)
        if not may_keep(actor, locked):
            raise PermissionDenied(_("无权修改该项目"), code=ErrorCode.NOT_A_REPORTER)
        before = _snapshot(locked)
        territory = fields.pop("territory", None)
        if territory is not None and territory.pk != locked.territory_id:
            _check_territory(actor, territory)
            locked.territory = territory
        co = list(co_units) if co_units is not None else None
        _check_units(actor, [fields.get("lead_unit"), *(co or [])])
        for key, value in fields.items():
            setattr(locked, key, value)
        if "geometry" in fields and "length_m" not in fields:
            locked.length_m = None  # computed again from the new line
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            a, b = getattr(locked, start), getattr(locked, end)
            if a and b and b < a:
                raise refuse([problem(end, ErrorCode.INVALID_DATES, _("完工日期不能早于开工日期"))])
        _place(locked)
        locked.save()
        if co is not None:
            locked.co_units.set(co)
        if rows is not None:
            _set_milestones(locked, rows)
        after = _snapshot(locked)
        changed, _unchanged = audit.diff(before, after)
        event(locked, "update", actor, at, locked.status, note="、".join(sorted(changed)))
        audit.record(actor=actor, action="projects.project_update", obj=locked, before=before, after=after)
    return locked
