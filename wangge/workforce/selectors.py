"""Every figure of the grid workforce has one definition here, and every page and API response reads it.

- In force, open and overdue: ``workforce.rules``.
- **Performance pay** of a month (``monthly_pay``) is computed from the month's settled assessment score (the
  ladder row the street's 阶梯晋级 wrote) with the formula of ``conf.pay()`` — see docs/workforce.md.
- The **awards tally** (``awards_tally``) counts the 表彰 records dated in a period by title.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from wangge.territory.models import Territory
from wangge.workforce import conf
from wangge.workforce.choices import RecordKind, Route, WorkerKind
from wangge.workforce.models import LadderChange, RoleAssignment, SpecialTask, SunkStaff, WorkerProfile, WorkerRecord
from wangge.workforce.rules import in_force_q, open_q, overdue_q

CENT = Decimal("0.01")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def parse_month(value: str | None, default: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM`` → its first day; ``default`` when empty or malformed."""
    try:
        year, month = (int(x) for x in str(value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return default


# --- 五长一员 ------------------------------------------------------------------------------------------------


def assignments_for_grid(grid: Territory, on: dt.date | None = None) -> QuerySet[RoleAssignment]:
    """The roles of 五长一员 held on a grid (and its buildings) on a day, in the roles' order."""
    day = on or timezone.localdate()
    return (
        RoleAssignment.objects.filter(grid=grid)
        .filter(in_force_q(day))
        .select_related("role", "building", "user")
        .order_by("role__ordering", "role__key", "building__code", "start_date", "id")
    )


def sunk_staff_for_grid(grid: Territory, on: dt.date | None = None) -> QuerySet[SunkStaff]:
    """下沉力量 assigned to ``grid`` on the day ``on`` (today by default): usable for the grid's dispatch."""
    day = on or timezone.localdate()
    return (
        SunkStaff.objects.filter(grid=grid)
        .filter(in_force_q(day))
        .select_related("unit", "user")
        .order_by("unit__code", "name", "id")
    )


def worker_counts(profiles: QuerySet[WorkerProfile]) -> dict[str, Any]:
    """Active grid workers: the total, by 专职/兼职 and by recruitment route (with 未登记 for no route)."""
    rows = profiles.filter(is_active=True).values("kind", "route").annotate(n=Count("id"))
    by_kind: Counter[str] = Counter()
    by_route: Counter[str] = Counter()
    for row in rows:
        by_kind[row["kind"]] += row["n"]
        by_route[row["route"]] += row["n"]
    return {
        "total": sum(by_kind.values()),
        "by_kind": [(k.value, k.label, by_kind[k.value]) for k in WorkerKind],
        "by_route": [(r.value, r.label, by_route[r.value]) for r in Route] + [("", "未登记", by_route[""])],
    }


# --- 专项任务 ------------------------------------------------------------------------------------------------


def task_figures(tasks: QuerySet[SpecialTask], now: dt.datetime | None = None) -> dict[str, int]:
    at = now or timezone.now()
    return tasks.aggregate(
        total=Count("id"),
        open=Count("id", filter=open_q()),
        overdue=Count("id", filter=overdue_q(at)),
        done=Count("id", filter=Q(status="done")),
    )


# --- 阶梯晋级 ------------------------------------------------------------------------------------------------


def ladder_history(profile: WorkerProfile) -> QuerySet[LadderChange]:
    """The worker's settled months, the latest first."""
    return profile.ladder_changes.select_related("settled_by").order_by("-month", "-id")


def level_label(number: int) -> str:
    return conf.level_name(number)


# --- 绩效工资 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayLine:
    profile: WorkerProfile
    month: dt.date
    level: int
    level_name: str
    coefficient: Decimal
    kind_factor: Decimal
    score: Decimal | None
    base_part: Decimal | None
    score_part: Decimal | None
    records_part: Decimal
    total: Decimal | None  # None while the month has no settled score (待评定)


def _score_share(score: Decimal, floor: Decimal) -> Decimal:
    if floor >= 100:
        return Decimal(1) if score >= 100 else Decimal(0)
    share = (score - floor) / (Decimal(100) - floor)
    return max(Decimal(0), min(Decimal(1), share))


def pay_amount(
    *, level: int, kind: str, score: Decimal | None, records: Decimal = Decimal(0)
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(base part, score part, total) of the performance pay, by the formula of ``conf.pay()``:

    基础绩效 × 等级系数 × 专兼职系数
    + 考评绩效 × clamp((得分 − 起算分) ÷ (100 − 起算分), 0, 1) × 专兼职系数
    [+ 当月奖励金额 − 当月处罚金额].
    Without a settled score there is no pay yet (None, None, None)."""
    if score is None:
        return None, None, None
    p = conf.pay()
    factor = Decimal(str(p["kind_factors"].get(kind, "1")))
    coefficient = conf.level(level).coefficient
    base = (Decimal(str(p["base"])) * coefficient * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    share = _score_share(Decimal(score), Decimal(str(p["score_floor"])))
    scored = (Decimal(str(p["score_part"])) * share * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    extra = records if p.get("include_records", True) else Decimal(0)
    return base, scored, (base + scored + extra).quantize(CENT, rounding=ROUND_HALF_UP)


def records_amount(worker_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """The net amount (rewards − penalties, 元) recorded per worker with a date in [start, end]."""
    rows = (
        WorkerRecord.objects.filter(worker_id__in=list(worker_ids), date__gte=start, date__lte=end)
        .values("worker_id", "kind")
        .annotate(total=Sum("amount"))
    )
    out: dict[int, Decimal] = {}
    for row in rows:
        sign = -1 if row["kind"] == RecordKind.PENALTY else 1 if row["kind"] == RecordKind.REWARD else 0
        out[row["worker_id"]] = out.get(row["worker_id"], Decimal(0)) + sign * (row["total"] or Decimal(0))
    return out


def monthly_pay(profiles: QuerySet[WorkerProfile], month: dt.date) -> list[PayLine]:
    """The performance pay of each worker for ``month``: the level held during the month (the settled row's
    ``from_level``), the settled score and the month's rewards and penalties."""
    first = month_start(month)
    rows = list(profiles.select_related("user", "grid").order_by("grid__path", "user_id"))
    settled = {
        c.worker_id: c for c in LadderChange.objects.filter(month=first, worker_id__in=[p.user_id for p in rows])
    }
    extras = records_amount([p.user_id for p in rows], first, month_end(first))
    p = conf.pay()
    out = []
    for profile in rows:
        change = settled.get(profile.user_id)
        level = change.from_level if change is not None else profile.ladder_level
        score = change.score if change is not None else None
        extra = extras.get(profile.user_id, Decimal(0))
        base, scored, total = pay_amount(level=level, kind=profile.kind, score=score, records=extra)
        out.append(
            PayLine(
                profile=profile,
                month=first,
                level=level,
                level_name=conf.level_name(level),
                coefficient=conf.level(level).coefficient,
                kind_factor=Decimal(str(p["kind_factors"].get(profile.kind, "1"))),
                score=score,
                base_part=base,
                score_part=scored,
                records_part=extra,
                total=total,
            )
        )
    return out


# --- 表彰统计 ------------------------------------------------------------------------------------------------


def awards_tally(records: QuerySet[WorkerRecord], start: dt.date, end: dt.date) -> dict[str, Any]:
    """表彰 records dated in [start, end]: the count per title (优秀网格员 …), per street, and the workers awarded."""
    awards = records.filter(kind=RecordKind.AWARD, date__gte=start, date__lte=end)
    by_title = list(awards.values("title").annotate(n=Count("id")).order_by("-n", "title"))
    streets = {t.path: t for t in Territory.objects.filter(kind="street")}
    by_street: Counter[str] = Counter()
    for path, n in awards.values_list("grid__path").annotate(n=Count("id")):
        street = next((t for p, t in streets.items() if path.startswith(p)), None)
        by_street[street.name if street else "—"] += n
    return {
        "start": start,
        "end": end,
        "total": sum(r["n"] for r in by_title),
        "workers": awards.values("worker_id").distinct().count(),
        "by_title": [(r["title"], r["n"]) for r in by_title],
        "by_street": sorted(by_street.items(), key=lambda kv: (-kv[1], kv[0])),
    }
