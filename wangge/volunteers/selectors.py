"""Reading 志愿服务与岗位: the posts under a territory node, a volunteer's own record, today's roster of a post, the
volunteer recognised by a verified phone number, and the figures of a node over a period. One definition of
each number, used by the pages and the API.

Definitions (``DEFINITIONS`` shows them on the page, in Chinese), over the volunteers, teams, activities, reports
and posts in the node's subtree and the period ``start``–``end`` (dates, inclusive):

- 在册志愿者 (``volunteers``): volunteers in the register (not left), today; 按角色 (``by_role``): of those, per
  role (a volunteer with two roles counts in both);
- 期间活跃 (``active``): volunteers with confirmed service hours in an activity of the period, an on-post
  check-in in the period, or a report filed in the period;
- 服务时长 (``hours_confirmed``): confirmed hours of the activities of the period; 待确认 (``hours_pending``);
  按队伍 (``hours_by_team``): confirmed hours and activities per team;
- 志愿者反映 (``reports``): work orders filed by volunteers in the period; 已办结 (``reports_closed``): of those,
  closed (已结案); 办结率 = closed / reports;
- 排班 (``slots``): roster slots of the period up to today; 到岗 (``covered``): of those, with a check-in on time
  and at the post (not late, not far); 迟到 (``late``), 位置偏离 (``far``), 未到岗 (``absent``: no check-in and
  the slot has ended); 到岗率 = covered / slots.

The functions read the subtree of a territory node (and a queryset the caller already scoped where they take
one); they never decide who may see what — except :func:`posts_for_territory`, which restricts to the user.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core import crypto
from wangge.territory.models import Territory
from wangge.volunteers.choices import HoursStatus, VolunteerStatus
from wangge.volunteers.models import (
    Activity,
    CheckIn,
    Post,
    RosterSlot,
    ServiceHours,
    Team,
    Volunteer,
    VolunteerReport,
    VolunteerRole,
)
from wangge.workorders.choices import Status

__all__ = [
    "DEFINITIONS",
    "hours_totals",
    "post_today",
    "posts_for_territory",
    "slot_window",
    "volunteer_by_phone_index",
    "volunteer_figures",
    "volunteer_record",
]

DEFINITIONS = {
    "volunteers": _("在册志愿者：辖区内登记在册（未退出）的志愿者数；按角色统计时，一人多角色的分别计入。"),
    "active": _("期间活跃：期间内有已确认服务时长的活动、有到岗签到或有反映问题的志愿者数。"),
    "hours": _("服务时长：期间内活动的已确认时长（小时）；待确认的单列，不计入合计。"),
    "reports": _("志愿者反映：期间内志愿者以本人名义反映并立案的工单数；办结率 = 已结案 / 反映数。"),
    "coverage": _(
        "到岗率：期间内（截至今日）的排班中，按时（上岗时间后 5 分钟内，可配置）"
        "且在岗位附近（默认 150 米内）签到的比例；迟到、位置偏离只标记不拒收。"
    ),
}


def _in(node: Territory, field: str) -> Q:
    return Q(**{f"{field}__startswith": node.path})


def posts_for_territory(user: Any, territory: Territory) -> QuerySet[Post]:
    """The active posts under ``territory`` (its subtree) that ``user`` may see, by code."""
    qs: QuerySet[Post] = Post.objects.restrict(user).filter(is_active=True)
    return qs.filter(_in(territory, "territory__path")).select_related("territory", "team").order_by("code")


def volunteer_by_phone_index(index: str | None) -> Volunteer | None:
    """The volunteer (in the register) whose mobile number has this blind index — who a verified citizen is."""
    if not index:
        return None
    return (
        Volunteer.objects.filter(phone_index=index, status=VolunteerStatus.ACTIVE).select_related("territory").first()
    )


def volunteer_by_phone(phone: str) -> Volunteer | None:
    return volunteer_by_phone_index(crypto.blind_index(phone))


def slot_window(slot: RosterSlot) -> tuple[dt.datetime, dt.datetime]:
    """The slot's start and end as aware datetimes in the current time zone."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(slot.date, slot.start_time, tzinfo=tz),
        dt.datetime.combine(slot.date, slot.end_time, tzinfo=tz),
    )


def hours_totals(qs: QuerySet[ServiceHours]) -> dict[str, Decimal]:
    """Confirmed and pending hours of a set of hour rows."""
    row = qs.aggregate(
        confirmed=Sum("hours", filter=Q(status=HoursStatus.CONFIRMED)),
        pending=Sum("hours", filter=Q(status=HoursStatus.PENDING)),
    )
    return {"confirmed": row["confirmed"] or Decimal("0"), "pending": row["pending"] or Decimal("0")}


def volunteer_record(volunteer: Volunteer, *, today: dt.date | None = None) -> dict[str, Any]:
    """What a volunteer sees of themselves: their reports (newest first), their activities with hours, their
    slots from today on and their recent check-ins, and their hour totals (all time and this month)."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    hours = ServiceHours.objects.filter(volunteer=volunteer).select_related("activity", "activity__team")
    return {
        "volunteer": volunteer,
        "roles": list(volunteer.roles.order_by("ordering")),
        "teams": list(volunteer.teams.select_related("leader").order_by("name")),
        "reports": list(
            VolunteerReport.objects.filter(volunteer=volunteer)
            .select_related("work_order", "role")
            .order_by("-created_at")[:50]
        ),
        "hours": list(hours.order_by("-activity__date", "-activity__start_time")[:50]),
        "totals": hours_totals(hours),
        "month": hours_totals(hours.filter(activity__date__gte=month_start, activity__date__lte=today)),
        "slots": list(
            RosterSlot.objects.filter(volunteer=volunteer, date__gte=today)
            .select_related("post", "check_in")
            .order_by("date", "start_time")[:20]
        ),
        "check_ins": list(
            CheckIn.objects.filter(volunteer=volunteer).select_related("post", "slot").order_by("-at")[:20]
        ),
        "pending_to_confirm": list(
            ServiceHours.objects.filter(activity__team__leader=volunteer, status=HoursStatus.PENDING)
            .exclude(volunteer=volunteer)
            .select_related("activity", "volunteer")
            .order_by("activity__date", "id")[:50]
        ),
    }


def post_today(post: Post, *, day: dt.date | None = None) -> list[RosterSlot]:
    """A post's roster of a day, each slot with its check-in (or none)."""
    day = day or timezone.localdate()
    return list(
        RosterSlot.objects.filter(post=post, date=day)
        .select_related("volunteer", "check_in")
        .order_by("start_time", "volunteer__name")
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours_by_team(
    node: Territory, start: dt.date, end: dt.date, hours: QuerySet[ServiceHours]
) -> list[dict[str, Any]]:
    """Per team of the subtree: confirmed hours and activities of the period, and members (three grouped
    queries: one join would multiply the hours by the members)."""
    confirmed = dict(
        hours.filter(status=HoursStatus.CONFIRMED)
        .values("activity__team")
        .annotate(h=Sum("hours"))
        .values_list("activity__team", "h")
    )
    activities = dict(
        Activity.objects.filter(_in(node, "territory__path"), date__gte=start, date__lte=end)
        .values("team")
        .annotate(n=Count("id"))
        .values_list("team", "n")
    )
    teams = (
        Team.objects.filter(_in(node, "territory__path"))
        .select_related("territory")
        .annotate(m=Count("members", distinct=True))
    )
    rows = [
        {
            "id": t.pk,
            "name": t.name,
            "territory": t.territory.name,
            "hours": confirmed.get(t.pk) or Decimal("0"),
            "activities": activities.get(t.pk, 0),
            "members": t.m,
        }
        for t in teams
    ]
    rows.sort(key=lambda r: (-r["hours"], r["name"]))
    return rows


def volunteer_figures(
    node: Territory,
    start: dt.date,
    end: dt.date,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The figures of ``node``'s subtree over ``start``–``end`` (see the module's definitions)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    volunteers = Volunteer.objects.filter(_in(node, "territory__path"), status=VolunteerStatus.ACTIVE)
    by_role = [
        {"key": r.key, "name": r.name, "count": r.n}
        for r in VolunteerRole.objects.filter(is_active=True)
        .annotate(n=Count("volunteers", filter=Q(volunteers__in=volunteers), distinct=True))
        .order_by("ordering", "key")
    ]
    hours = ServiceHours.objects.filter(
        _in(node, "activity__territory__path"), activity__date__gte=start, activity__date__lte=end
    )
    totals = hours_totals(hours)
    by_team = _hours_by_team(node, start, end, hours)
    reports = VolunteerReport.objects.filter(
        _in(node, "work_order__scope_path"), created_at__date__gte=start, created_at__date__lte=end
    )
    report_row = reports.aggregate(n=Count("id"), closed=Count("id", filter=Q(work_order__status=Status.CLOSED)))
    check_ins = CheckIn.objects.filter(_in(node, "post__territory__path"), at__date__gte=start, at__date__lte=end)
    active_ids = (
        set(hours.filter(status=HoursStatus.CONFIRMED).values_list("volunteer_id", flat=True))
        | set(check_ins.values_list("volunteer_id", flat=True))
        | set(reports.values_list("volunteer_id", flat=True))
    )
    slots = RosterSlot.objects.filter(_in(node, "post__territory__path"), date__gte=start, date__lte=min(end, today))
    slot_row = slots.aggregate(
        n=Count("id"),
        covered=Count("id", filter=Q(check_in__isnull=False, check_in__is_late=False, check_in__far_from_post=False)),
        late=Count("id", filter=Q(check_in__is_late=True)),
        far=Count("id", filter=Q(check_in__far_from_post=True)),
        checked=Count("id", filter=Q(check_in__isnull=False)),
    )
    local_now = timezone.localtime(now)
    absent = (
        slots.filter(check_in__isnull=True)
        .filter(Q(date__lt=today) | Q(date=today, end_time__lte=local_now.time()))
        .count()
    )
    n_volunteers = volunteers.count()
    return {
        "node": {"code": node.code, "name": node.name},
        "start": start,
        "end": end,
        "volunteers": n_volunteers,
        "by_role": by_role,
        "active": len(active_ids),
        "hours_confirmed": totals["confirmed"],
        "hours_pending": totals["pending"],
        "activities": Activity.objects.filter(_in(node, "territory__path"), date__gte=start, date__lte=end).count(),
        "hours_by_team": by_team,
        "reports": report_row["n"],
        "reports_closed": report_row["closed"],
        "reports_closed_rate": _rate(report_row["closed"], report_row["n"]),
        "slots": slot_row["n"],
        "covered": slot_row["covered"],
        "checked_in": slot_row["checked"],
        "late": slot_row["late"],
        "far": slot_row["far"],
        "absent": absent,
        "coverage_rate": _rate(slot_row["covered"], slot_row["n"]),
        "posts": Post.objects.filter(_in(node, "territory__path"), is_active=True).count(),
    }
