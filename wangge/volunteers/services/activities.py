"""Activities and service hours: an activity of a team (date, time, place) with its participants; each
participant's hours recorded (待确认), then confirmed or not (已确认 / 不予确认) by the team's leader — acting on
the citizen pages under the number they verified — or by staff managing the activity's territory. A leader
never decides their own hours. Only confirmed hours count (``selectors``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_citizen, label_of, require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied
from wangge.territory.models import Territory
from wangge.volunteers.choices import HoursStatus, VolunteerStatus
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import Activity, ServiceHours, Team, Volunteer, VolunteerRole
from wangge.volunteers.services.common import may_manage, problem, refuse, require_register

__all__ = ["activity_create", "hours_decide", "hours_decide_many", "hours_record", "may_decide_hours"]

MAX_HOURS = Decimal("24")


def _hours(value: Any) -> Decimal:
    try:
        h = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        h = Decimal("0")
    if not (Decimal("0") < h <= MAX_HOURS):
        raise refuse([problem("hours", ErrorCode.INVALID_HOURS, _("服务时长须大于 0 且不超过 24 小时"))])
    return h


def activity_create(
    *,
    actor: ActorLike,
    team: Team,
    title: str,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    territory: Territory | None = None,
    role: VolunteerRole | None = None,
    description: str = "",
    hours: Mapping[Volunteer, Any] | None = None,
    is_synthetic: bool = False,
) -> Activity:
    """Record an activity of a team (registrars over the activity's node, by default the team's) and, with
    ``hours`` ({volunteer: hours}), its participants' hours, pending confirmation."""
    require(actor)
    node = territory or team.territory
    require_register(actor, node.path)
    problems = []
    if not title.strip() or len(title.strip()) > 120:
        problems.append(problem("title", ErrorCode.INVALID_ACTIVITY, _("请填写活动名称（不超过 120 字）")))
    if end_time <= start_time:
        problems.append(problem("end_time", ErrorCode.INVALID_ACTIVITY, _("结束时间须晚于开始时间")))
    if not place.strip():
        problems.append(problem("place", ErrorCode.INVALID_ACTIVITY, _("请填写活动地点")))
    if not node.path.startswith(team.territory.path) and not team.territory.path.startswith(node.path):
        problems.append(problem("territory", ErrorCode.INVALID_ACTIVITY, _("活动辖区须与队伍辖区相关")))
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        a = Activity.objects.create(
            title=title.strip(),
            team=team,
            territory=node,
            role=role,
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=place.strip()[:200],
            description=description.strip(),
            created_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        rows = [_hours_row(a, v, h) for v, h in (hours or {}).items()]
        ServiceHours.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="volunteers.activity_create",
            obj=a,
            after={**(audit.snapshot(a) or {}), "participants": len(rows)},
            only_changes=False,
        )
    return a


def _hours_row(a: Activity, v: Volunteer, value: Any) -> ServiceHours:
    if v.status != VolunteerStatus.ACTIVE:
        raise refuse([problem("hours", ErrorCode.VOLUNTEER_LEFT, _("%(n)s 已退出志愿者队伍") % {"n": v.name})])
    return ServiceHours(activity=a, volunteer=v, hours=_hours(value))


def hours_record(
    *, actor: ActorLike, activity: Activity, volunteer: Volunteer, hours: Any, note: str = ""
) -> ServiceHours:
    """Add a participant's hours to an activity, or change them while still pending (registrars over the
    activity's node)."""
    require(actor)
    require_register(actor, activity.territory.path)
    value = _hours(hours)
    with transaction.atomic():
        row = ServiceHours.objects.select_for_update().filter(activity=activity, volunteer=volunteer).first()
        if row is not None and row.status != HoursStatus.PENDING:
            raise Conflict(_("该服务时长已确认或不予确认，不能修改"), code=ErrorCode.HOURS_NOT_PENDING)
        before = audit.snapshot(row)
        if row is None:
            row = _hours_row(activity, volunteer, value)
        row.hours, row.note = value, note.strip()[:200]
        row.save()
        audit.record(
            actor=actor,
            action="volunteers.hours_record",
            obj=row,
            before=before,
            after=audit.snapshot(row),
            only_changes=before is not None,
        )
    return row


def may_decide_hours(actor: Any, row: ServiceHours, *, by_volunteer: Volunteer | None = None) -> bool:
    """The team's leader (a citizen who verified the leader's number, ``by_volunteer``), never on their own
    hours; or staff managing the activity's territory."""
    if by_volunteer is not None:
        leader_id = row.activity.team.leader_id
        return (
            is_citizen(actor)
            and by_volunteer.status == VolunteerStatus.ACTIVE
            and leader_id == by_volunteer.pk
            and row.volunteer_id != by_volunteer.pk
        )
    return may_manage(actor, row.activity.territory.path)


def hours_decide(
    *,
    actor: ActorLike,
    hours: ServiceHours | int,
    confirm: bool,
    by_volunteer: Volunteer | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> ServiceHours:
    """Confirm (``confirm=True``) or reject pending hours. Raises NotFound, PermissionDenied
    (``not_hours_confirmer``) and Conflict (``hours_not_pending``)."""
    require(actor)
    pk = hours.pk if isinstance(hours, ServiceHours) else int(hours)
    at = now or timezone.now()
    with transaction.atomic():
        row = (
            ServiceHours.objects.select_for_update(of=("self",))
            .select_related("activity", "activity__team", "activity__territory", "volunteer")
            .filter(pk=pk)
            .first()
        )
        if row is None:
            raise NotFound(_("服务时长记录不存在"), code=ErrorCode.VOLUNTEER_NOT_FOUND)
        if not may_decide_hours(actor, row, by_volunteer=by_volunteer):
            raise PermissionDenied(
                _("只有队长或管理该辖区的工作人员可以确认服务时长"), code=ErrorCode.NOT_HOURS_CONFIRMER
            )
        if row.status != HoursStatus.PENDING:
            raise Conflict(_("该服务时长已确认或不予确认"), code=ErrorCode.HOURS_NOT_PENDING)
        before = audit.snapshot(row)
        row.status = HoursStatus.CONFIRMED if confirm else HoursStatus.REJECTED
        row.decided_at = at
        row.decided_by = user_of(actor)
        who = by_volunteer.name + _("（队长）") if by_volunteer is not None else label_of(actor)
        row.decided_by_name = who[:150]
        if note:
            row.note = note.strip()[:200]
        row.save()
        audit.record(
            actor=actor,
            action="volunteers.hours_confirm" if confirm else "volunteers.hours_reject",
            obj=row,
            before=before,
            after=audit.snapshot(row),
        )
    return row


def hours_decide_many(
    *, actor: ActorLike, rows: Iterable[ServiceHours], confirm: bool, by_volunteer: Volunteer | None = None
) -> int:
    """Decide several pending rows; returns how many were decided (the ones refused are skipped)."""
    done = 0
    for row in rows:
        try:
            hours_decide(actor=actor, hours=row, confirm=confirm, by_volunteer=by_volunteer)
        except (PermissionDenied, Conflict, NotFound):
            continue
        done += 1
    return done
