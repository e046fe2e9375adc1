"""Writes on the 值班表: creating a duty post, generating its shifts from a rotation, 换班 and 到岗签到.

- :func:`duty_roster_create` opens a duty post of a node (and optionally of a unit) for those who keep the node.
- :func:`duty_roster_generate` fills a period with shifts: the shift patterns of each day's kind on the working
  calendar (working days 白班 + 夜班; rest days and holidays the 24-hour shift, as seeded), a 带班领导 per day
  and the 值班员 per shift taken in turn from the rotation lists. A shift already there is kept, never doubled.
- :func:`duty_swap` hands a duty to someone else, with the reason, and keeps the swap row.
- :func:`duty_check_in` is the person on duty checking in from the phone, with the time and the position.

Every write is atomic and audited in the same transaction; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.duty import conf
from wangge.duty.choices import DayKind, DutyRole
from wangge.duty.errors import ErrorCode, StateRefused
from wangge.duty.models import DutyAssignment, DutyRoster, DutyShift, DutySwap, ShiftPattern
from wangge.duty.services.common import Person, check_keeper, person_of, refuse, text
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar

__all__ = [
    "GenerateResult",
    "duty_assignment_add",
    "duty_assignment_remove",
    "duty_check_in",
    "duty_roster_create",
    "duty_roster_generate",
    "duty_swap",
    "patterns_for",
    "shift_bounds",
]

ROSTER_KINDS = (TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY)


def duty_roster_create(
    *,
    actor: Any,
    name: str,
    territory: Territory,
    unit: Unit | None = None,
    location: str = "",
    phone: str = "",
    is_synthetic: bool = False,
) -> DutyRoster:
    """Open a duty post of ``territory`` (a district, street or community) and, optionally, of a unit there."""
    require(actor)
    name = text(name, "name", 100, ErrorCode.INVALID_ROSTER, required=True)
    location = text(location, "location", 200, ErrorCode.INVALID_ROSTER)
    phone = text(phone, "phone", 32, ErrorCode.INVALID_ROSTER)
    if territory.kind not in ROSTER_KINDS:
        raise refuse("territory", ErrorCode.INVALID_ROSTER, _("值班表须属于区、街道或社区"))
    if unit is not None and not (
        territory.path.startswith(unit.territory.path) or unit.territory.path.startswith(territory.path)
    ):
        raise refuse("unit", ErrorCode.INVALID_ROSTER, _("值班单位须为该辖区、其上级或其下级的单位"))
    with transaction.atomic():
        check_keeper(actor, territory)
        roster = DutyRoster.objects.create(
            name=name,
            territory=territory,
            unit=unit,
            location=location,
            phone=phone,
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="duty.roster_create", obj=roster, after=audit.snapshot(roster))
    return roster


def _lock_roster(actor: Any, roster: DutyRoster | int) -> DutyRoster:
    pk = roster.pk if isinstance(roster, DutyRoster) else int(roster)
    qs = DutyRoster.objects.select_for_update(of=("self",))
    if not is_system(actor):
        qs = qs.restrict(actor)
    found: DutyRoster | None = qs.select_related("territory").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("值班表不存在"), code=ErrorCode.ROSTER_NOT_FOUND)
    check_keeper(actor, found.territory)
    return found


def patterns_for(day: dt.date, patterns: Sequence[ShiftPattern] | None = None) -> list[ShiftPattern]:
    """The active shift patterns worked on ``day``: the working calendar says whether it is a working day."""
    working = get_calendar().is_working_day(day)
    kinds = {DayKind.EVERY_DAY, DayKind.WORKDAY if working else DayKind.REST_DAY}
    rows = list(patterns) if patterns is not None else list(ShiftPattern.objects.filter(is_active=True))
    return sorted((p for p in rows if p.is_active and p.day_kind in kinds), key=lambda p: (p.starts, p.ordering))


def shift_bounds(day: dt.date, pattern: ShiftPattern) -> tuple[dt.datetime, dt.datetime]:
    """When a shift of ``pattern`` on ``day`` starts and ends (local time; an overnight shift ends the next day)."""
    tz = timezone.get_current_timezone()
    starts = dt.datetime.combine(day, pattern.starts, tzinfo=tz)
    end_day = day + dt.timedelta(days=1) if pattern.overnight else day
    return starts, dt.datetime.combine(end_day, pattern.ends, tzinfo=tz)


@dataclass(frozen=True)
class GenerateResult:
    created: int
    skipped: int
    first: dt.date
    last: dt.date


def _assign(shift: DutyShift, role: str, person: Person) -> DutyAssignment:
    return DutyAssignment(shift=shift, role=role, user=person.user, name=person.name, phone=person.phone)


def duty_roster_generate(
    *,
    actor: Any,
    roster: DutyRoster | int,
    start: dt.date,
    end: dt.date,
    leaders: Sequence[Any],
    officers: Sequence[Any],
    officers_per_shift: int = 1,
) -> GenerateResult:
    """Generate the shifts of ``roster`` from ``start`` to ``end`` (both included) from the rotation lists.

    Each day takes the shift patterns of its kind on the working calendar; each day has one 带班领导 (the next of
    ``leaders``) over all its shifts; each shift takes the next ``officers_per_shift`` of ``officers``. A shift
    the roster already has (same day and pattern) is kept as it is and counted as skipped: generating twice
    never doubles a shift. People are accounts or ``{"name", "phone"}`` mappings."""
    require(actor)
    if end < start:
        raise refuse("end", ErrorCode.INVALID_PERIOD, _("结束日期不能早于开始日期"))
    if (end - start).days + 1 > conf.max_generate_days():
        raise refuse("end", ErrorCode.INVALID_PERIOD, _("一次最多生成 %(n)s 天") % {"n": conf.max_generate_days()})
    if not 1 <= int(officers_per_shift) <= 10:
        raise refuse("officers_per_shift", ErrorCode.INVALID_PERIOD, _("每班值班员人数须为 1-10"))
    lead = [person_of(p, "leaders") for p in leaders]
    staff = [person_of(p, "officers") for p in officers]
    if not lead:
        raise refuse("leaders", ErrorCode.EMPTY_ROTATION, _("请至少选择一名带班领导"))
    if not staff:
        raise refuse("officers", ErrorCode.EMPTY_ROTATION, _("请至少选择一名值班员"))
    active = list(ShiftPattern.objects.filter(is_active=True))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    plan = [(day, patterns_for(day, active)) for day in days]
    bare = [day for day, patterns in plan if not patterns]
    if bare:
        raise ValidationFailed(
            _("%(day)s没有可用的值班班次，请先在班次设置中启用") % {"day": bare[0].isoformat()},
            code=ErrorCode.NO_SHIFT_PATTERN,
        )
    created = skipped = 0
    with transaction.atomic():
        locked = _lock_roster(actor, roster)
        existing = set(locked.shifts.filter(day__gte=start, day__lte=end).values_list("day", "pattern_id"))
        officer_turn = 0
        rows: list[DutyAssignment] = []
        for day_index, (day, patterns) in enumerate(plan):
            leader = lead[day_index % len(lead)]
            for pattern in patterns:
                if (day, pattern.pk) in existing:
                    skipped += 1
                    continue
                starts, ends = shift_bounds(day, pattern)
                shift = DutyShift.objects.create(
                    roster=locked, day=day, pattern=pattern, starts_at=starts, ends_at=ends
                )
                rows.append(_assign(shift, DutyRole.LEADER, leader))
                for _k in range(int(officers_per_shift)):
                    rows.append(_assign(shift, DutyRole.OFFICER, staff[officer_turn % len(staff)]))
                    officer_turn += 1
                created += 1
        DutyAssignment.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="duty.roster_generate",
            obj=locked,
            after={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "created": created,
                "skipped": skipped,
                "leaders": [p.name for p in lead],
                "officers": [p.name for p in staff],
            },
            only_changes=False,
        )
    return GenerateResult(created=created, skipped=skipped, first=start, last=end)


def _lock_assignment(actor: Any, assignment: DutyAssignment | int) -> DutyAssignment:
    pk = assignment.pk if isinstance(assignment, DutyAssignment) else int(assignment)
    qs = DutyAssignment.objects.select_for_update(of=("self",))
    if not is_system(actor):
        qs = qs.restrict(actor)
    found: DutyAssignment | None = (
        qs.select_related("shift", "shift__roster", "shift__roster__territory", "shift__pattern").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound(_("值班安排不存在"), code=ErrorCode.SHIFT_NOT_FOUND)
    return found


def _snapshot(a: DutyAssignment) -> dict[str, Any]:
    return audit.snapshot(a) or {}


def duty_swap(
    *,
    actor: Any,
    assignment: DutyAssignment | int,
    to: Any,
    reason: str,
    now: dt.datetime | None = None,
) -> DutySwap:
    """换班: hand the duty of ``assignment`` to ``to`` (an account or ``{"name", "phone"}``), with the reason.

    Refused (nothing changed) when the shift is over, the person on duty has checked in, the replacement is the
    same person or is on duty on an overlapping shift, or no reason is given; only those who keep the roster's
    node may swap (NotFound out of scope, PermissionDenied in view only)."""
    require(actor)
    at = now or timezone.now()
    reason = text(reason, "reason", 200, ErrorCode.SWAP_REASON_REQUIRED, required=True)
    person = person_of(to, "to")
    with transaction.atomic():
        locked = _lock_assignment(actor, assignment)
        shift = locked.shift
        check_keeper(actor, shift.roster.territory)
        if at >= shift.ends_at:
            raise StateRefused(_("该班次已结束，不能换班"), code=ErrorCode.SWAP_SHIFT_OVER)
        if locked.checked_in_at is not None:
            raise StateRefused(_("值班人员已签到，不能换班"), code=ErrorCode.SWAP_CHECKED_IN)
        if person.same_as(locked.user_id, locked.name, locked.phone or ""):
            raise refuse("to", ErrorCode.SWAP_SAME_PERSON, _("接班人员与原值班人员相同"))
        if person.user is not None:
            busy = (
                DutyAssignment.objects.filter(user=person.user)
                .filter(Q(shift__starts_at__lt=shift.ends_at) & Q(shift__ends_at__gt=shift.starts_at))
                .exclude(pk=locked.pk)
                .exists()
            )
            if busy:
                raise StateRefused(
                    _("%(name)s在该时段已有值班安排") % {"name": person.name}, code=ErrorCode.SWAP_DOUBLE_BOOKED
                )
        before = _snapshot(locked)
        swap = DutySwap.objects.create(
            assignment=locked,
            from_user_id=locked.user_id,
            from_name=locked.name,
            to_user=person.user,
            to_name=person.name,
            reason=reason,
            at=at,
            actor=user_of(actor),
            actor_name=label_of(actor)[:150],
        )
        locked.user = person.user
        locked.name = person.name
        locked.phone = person.phone
        locked.save(update_fields=["user", "name", "phone"])
        audit.record(
            actor=actor,
            action="duty.assignment_swap",
            obj=locked,
            before=before,
            after=_snapshot(locked),
            note=reason,
        )
    return swap


def duty_check_in(
    *,
    actor: Any,
    assignment: DutyAssignment | int,
    lng: float | None = None,
    lat: float | None = None,
    now: dt.datetime | None = None,
) -> DutyAssignment:
    """到岗签到 by the person on duty (their own account only), from an hour before the shift starts (settable)
    until it ends, with the WGS-84 position the phone gives when there is one."""
    require(actor)
    at = now or timezone.now()
    if (lng is None) != (lat is None) or (
        lng is not None and lat is not None and not (-180 <= lng <= 180 and -90 <= lat <= 90)
    ):
        raise refuse("position", ErrorCode.INVALID_POSITION, _("位置坐标不正确"))
    with transaction.atomic():
        locked = _lock_assignment(actor, assignment)
        if is_system(actor) or locked.user_id is None or locked.user_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("只能为本人的值班签到"), code=ErrorCode.CHECK_IN_NOT_YOURS)
        shift = locked.shift
        if locked.checked_in_at is not None:
            raise StateRefused(_("已经签到过了"), code=ErrorCode.ALREADY_CHECKED_IN)
        if at < shift.starts_at - dt.timedelta(minutes=conf.check_in_early_minutes()):
            raise StateRefused(
                _("班次开始前 %(n)s 分钟内才能签到") % {"n": conf.check_in_early_minutes()},
                code=ErrorCode.CHECK_IN_TOO_EARLY,
            )
        if at >= shift.ends_at:
            raise StateRefused(_("该班次已结束"), code=ErrorCode.CHECK_IN_SHIFT_OVER)
        before = _snapshot(locked)
        locked.checked_in_at = at
        locked.check_in_lng = lng
        locked.check_in_lat = lat
        locked.save(update_fields=["checked_in_at", "check_in_lng", "check_in_lat"])
        audit.record(actor=actor, action="duty.check_in", obj=locked, before=before, after=_snapshot(locked))
    return locked


def duty_assignment_add(
    *,
    actor: Any,
    shift: DutyShift | int,
    role: str,
    person: Any,
    now: dt.datetime | None = None,
) -> DutyAssignment:
    """Put one more person on a shift that has not ended (增派), as 带班领导 or 值班员; the person may not be on
    duty on an overlapping shift."""
    require(actor)
    at = now or timezone.now()
    if role not in DutyRole.values:
        raise refuse("role", ErrorCode.INVALID_PERSON, _("职责不正确"))
    who = person_of(person, "person")
    pk = shift.pk if isinstance(shift, DutyShift) else int(shift)
    with transaction.atomic():
        qs = DutyShift.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked: DutyShift | None = qs.select_related("roster", "roster__territory").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("班次不存在"), code=ErrorCode.SHIFT_NOT_FOUND)
        check_keeper(actor, locked.roster.territory)
        if at >= locked.ends_at:
            raise StateRefused(_("该班次已结束"), code=ErrorCode.SWAP_SHIFT_OVER)
        if who.user is not None and (
            DutyAssignment.objects.filter(user=who.user)
            .filter(shift__starts_at__lt=locked.ends_at, shift__ends_at__gt=locked.starts_at)
            .exists()
        ):
            raise StateRefused(
                _("%(name)s在该时段已有值班安排") % {"name": who.name}, code=ErrorCode.SWAP_DOUBLE_BOOKED
            )
        added = _assign(locked, role, who)
        added.save()
        audit.record(actor=actor, action="duty.assignment_create", obj=added, after=_snapshot(added))
    return added


def duty_assignment_remove(
    *,
    actor: Any,
    assignment: DutyAssignment | int,
    reason: str,
    now: dt.datetime | None = None,
) -> None:
    """Take a person off a shift that has not ended (撤下), with the reason; a shift keeps at least one 带班领导
    and one 值班员, and a person who has checked in stays."""
    require(actor)
    at = now or timezone.now()
    reason = text(reason, "reason", 200, ErrorCode.SWAP_REASON_REQUIRED, required=True)
    with transaction.atomic():
        locked = _lock_assignment(actor, assignment)
        shift = locked.shift
        check_keeper(actor, shift.roster.territory)
        if at >= shift.ends_at:
            raise StateRefused(_("该班次已结束"), code=ErrorCode.SWAP_SHIFT_OVER)
        if locked.checked_in_at is not None:
            raise StateRefused(_("值班人员已签到，不能撤下"), code=ErrorCode.SWAP_CHECKED_IN)
        if not DutyAssignment.objects.filter(shift=shift, role=locked.role).exclude(pk=locked.pk).exists():
            raise StateRefused(_("每个班次至少保留一名带班领导和一名值班员"), code=ErrorCode.LAST_ON_DUTY)
        before = _snapshot(locked)
        audit.record(actor=actor, action="duty.assignment_delete", obj=locked, before=before, note=reason)
        locked.delete()
