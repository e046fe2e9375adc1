"""Service days as recurring events: 市场主体服务日 on the 8th of each month (over a district or a street) and
助企见面日 every Wednesday (over a street), generated from their rule and moved to the next working day of the working
calendar when the rule's date is a holiday or a weekend; then the attendance and the problems raised on the day
(each a work order, as on a visit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import PermissionDenied
from wangge.enterprises.choices import ServiceDayKind
from wangge.enterprises.errors import ErrorCode
from wangge.enterprises.models import Cadre, Enterprise, ServiceDay
from wangge.enterprises.services.common import clean_problems, issue_raise, may_organise, problem, refuse
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar

MAX_DAYS = 400  # the longest period generated at once


@dataclass(frozen=True)
class Rule:
    kind: str
    territory_kinds: frozenset[str]
    title: str
    month_day: int | None = None  # monthly on this day
    weekday: int | None = None  # weekly on this weekday (Monday 0)


RULES: dict[str, Rule] = {
    ServiceDayKind.MARKET_DAY: Rule(
        ServiceDayKind.MARKET_DAY,
        frozenset({TerritoryKind.DISTRICT, TerritoryKind.STREET}),
        "市场主体服务日",
        month_day=8,
    ),
    ServiceDayKind.MEETING_DAY: Rule(
        ServiceDayKind.MEETING_DAY, frozenset({TerritoryKind.STREET}), "助企见面日", weekday=2
    ),
}


def rule_dates(kind: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(rule date, held on) of ``kind`` in [start, end]: the held-on date is the first working day from the rule
    date on."""
    rule = RULES[kind]
    calendar = get_calendar()
    out: list[tuple[dt.date, dt.date]] = []
    day = start
    while day <= end:
        if (rule.month_day is not None and day.day == rule.month_day) or (
            rule.weekday is not None and day.weekday() == rule.weekday
        ):
            held = day
            for _step in range(31):
                if calendar.is_working_day(held):
                    break
                held += dt.timedelta(days=1)
            out.append((day, held))
        day += dt.timedelta(days=1)
    return out


def service_days_generate(
    *, actor: ActorLike, territory: Territory, kind: str, start: dt.date, end: dt.date, place: str = ""
) -> int:
    """Make the service days of ``kind`` over ``territory`` whose rule date falls in [start, end] (those already
    made are left alone); returns how many were made. Raises PermissionDenied and ValidationFailed."""
    require(actor)
    if not may_organise(actor, territory.path):
        raise PermissionDenied(_("您不能为该辖区安排助企服务日"), code=ErrorCode.NOT_ORGANISER)
    problems: list[dict[str, Any]] = []
    if kind not in RULES:
        problems.append(problem("kind", ErrorCode.INVALID_SERVICE_DAY, _("服务日类型不正确")))
    elif territory.kind not in RULES[kind].territory_kinds:
        problems.append(problem("territory", ErrorCode.INVALID_SERVICE_DAY, _("该类服务日不能在此级辖区举办")))
    if end < start or (end - start).days > MAX_DAYS:
        problems.append(problem("end", ErrorCode.INVALID_SERVICE_DAY, _("起止日期不正确（最长 400 天）")))
    if problems:
        raise refuse(problems)
    rule = RULES[kind]
    with transaction.atomic():
        have = set(
            ServiceDay.objects.filter(kind=kind, territory=territory, nominal_date__range=(start, end)).values_list(
                "nominal_date", flat=True
            )
        )
        rows = [
            ServiceDay(
                kind=kind,
                territory=territory,
                nominal_date=nominal,
                held_on=held,
                title=f"{territory.name}{rule.title}（{held:%m-%d}）",
                place=place[:120],
            )
            for nominal, held in rule_dates(kind, start, end)
            if nominal not in have
        ]
        ServiceDay.objects.bulk_create(rows)
        if rows:
            audit.record(
                actor=actor,
                action="enterprises.service_days_generate",
                after={
                    "kind": kind,
                    "territory": territory.code,
                    "dates": [r.held_on.isoformat() for r in rows],
                },
                only_changes=False,
            )
    return len(rows)


def service_day_record(
    *,
    actor: ActorLike,
    service_day: ServiceDay,
    enterprises: Iterable[Enterprise] = (),
    cadres: Iterable[Cadre] = (),
    note: str = "",
    problems: Sequence[tuple[Enterprise, str]] = (),
    now: dt.datetime | None = None,
) -> ServiceDay:
    """Record who came (enterprises, cadres), the minutes, and the problems raised — each ``(enterprise, text)``
    becomes a work order as on a visit, and its enterprise counts as attending. Raises PermissionDenied and
    ValidationFailed (an enterprise outside the day's territory)."""
    require(actor)
    if not may_organise(actor, service_day.territory.path):
        raise PermissionDenied(_("您不能记录该服务日"), code=ErrorCode.NOT_ORGANISER)
    chosen = {e.pk: e for e in enterprises}
    raised: list[tuple[Enterprise, str]] = []
    for enterprise, text in problems:
        cleaned = clean_problems([text])
        if cleaned:
            raised.append((enterprise, cleaned[0]))
            chosen.setdefault(enterprise.pk, enterprise)
    outside = [e.name for e in chosen.values() if not e.grid.path.startswith(service_day.territory.path)]
    if outside:
        raise refuse(
            [
                problem(
                    "enterprises",
                    ErrorCode.INVALID_SERVICE_DAY,
                    _("以下企业不在服务日的辖区内：%(n)s") % {"n": "、".join(outside[:5])},
                )
            ]
        )
    with transaction.atomic():
        before = audit.snapshot(service_day)
        service_day.note = str(note or "").strip()
        service_day.save(update_fields=["note", "updated_at"])
        service_day.enterprises.add(*chosen.values())
        people = list(cadres)
        service_day.cadres.add(*people)
        opened = [
            issue_raise(
                actor=actor,
                enterprise=enterprise,
                text=text,
                raised_on=service_day.held_on,
                service_day=service_day,
                now=now,
            )
            for enterprise, text in raised
        ]
        audit.record(
            actor=actor,
            action="enterprises.service_day_record",
            obj=service_day,
            before=before,
            after={
                **(audit.snapshot(service_day) or {}),
                "enterprises": sorted(chosen),
                "cadres": sorted(c.pk for c in people),
                "work_orders": [i.work_order.tracking_code for i in opened],
            },
        )
    return service_day
