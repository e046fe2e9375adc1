"""Reading the suggestion records: per month the suggestion's top-1 and top-3 accuracy and the unit taken, the
acceptance rate per suggested category, and the retrains with their figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from wangge.core.scoping import scope_for
from wangge.intel.models import ClassifierRetrain, SuggestionRecord


def records_for(user: Any) -> QuerySet[SuggestionRecord]:
    """The records of the cases in ``user``'s territory (a suggestion record is seen where its case is)."""
    scope = scope_for(user)
    qs = SuggestionRecord.objects.all()
    if scope.everything:
        return qs
    q = Q(pk__in=[])
    for path in scope.territory_paths:
        q |= Q(scope_path__startswith=path)
    return qs.filter(q)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(rate: float | None) -> str:
    """A rate as the pages show it: 50.0%, or — when there is nothing to count."""
    return "—" if rate is None else f"{100 * rate:.1f}%"


@dataclass(frozen=True)
class MonthAccuracy:
    month: dt.date
    records: int  # suggestions shown
    judged: int  # ... where a category was chosen
    top1: int
    top3: int
    changed: int  # the person chose another category than the first guess
    units_suggested: int  # ... with a suggested unit and a chosen unit
    units_taken: int

    @property
    def top1_rate(self) -> float | None:
        return _rate(self.top1, self.judged)

    @property
    def top3_rate(self) -> float | None:
        return _rate(self.top3, self.judged)

    @property
    def unit_rate(self) -> float | None:
        return _rate(self.units_taken, self.units_suggested)

    @property
    def top1_pct(self) -> str:
        return percent(self.top1_rate)

    @property
    def top3_pct(self) -> str:
        return percent(self.top3_rate)

    @property
    def unit_pct(self) -> str:
        return percent(self.unit_rate)

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "top1_rate": self.top1_rate,
            "top3_rate": self.top3_rate,
            "unit_rate": self.unit_rate,
        }


@dataclass(frozen=True)
class CategoryAcceptance:
    category_id: int | None
    code: str
    name: str
    suggested: int  # times it was the first guess and a category was chosen
    accepted: int  # ... and the person kept it (or chose one of its sub-categories)

    @property
    def rate(self) -> float | None:
        return _rate(self.accepted, self.suggested)

    @property
    def changed(self) -> int:
        return self.suggested - self.accepted

    @property
    def rate_pct(self) -> str:
        return percent(self.rate)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changed": self.changed, "rate": self.rate}


def window(records: QuerySet[SuggestionRecord], *, months: int, step: str = "", now: dt.datetime | None = None) -> Any:
    """The records of the last ``months`` calendar months (this one included), of one step or both."""
    today = timezone.localdate(now or timezone.now())
    first = today.replace(day=1)
    for _i in range(max(1, months) - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    qs = records.filter(at__gte=start)
    if step:
        qs = qs.filter(step=step)
    return qs


def monthly_accuracy(records: QuerySet[SuggestionRecord]) -> list[MonthAccuracy]:
    """One row per month (local time), newest first."""
    judged = Q(top1_hit__isnull=False)
    rows = (
        records.annotate(month=TruncMonth("at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            records=Count("pk"),
            judged=Count("pk", filter=judged),
            top1=Count("pk", filter=Q(top1_hit=True)),
            top3=Count("pk", filter=Q(top3_hit=True)),
            changed=Count("pk", filter=Q(top1_hit=False)),
            units_suggested=Count("pk", filter=Q(unit_hit__isnull=False)),
            units_taken=Count("pk", filter=Q(unit_hit=True)),
        )
        .order_by("-month")
    )
    out = []
    for row in rows:
        month = row.pop("month")
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        out.append(MonthAccuracy(month=month, **row))
    return out


def category_acceptance(records: QuerySet[SuggestionRecord]) -> list[CategoryAcceptance]:
    """Per first guess: how often it was kept, most suggested first."""
    rows = (
        records.filter(top1_hit__isnull=False)
        .values("suggested_category", "suggested_category__code", "suggested_category__name")
        .annotate(suggested=Count("pk"), accepted=Count("pk", filter=Q(top1_hit=True)))
        .order_by("-suggested", "suggested_category__code")
    )
    return [
        CategoryAcceptance(
            category_id=row["suggested_category"],
            code=row["suggested_category__code"] or "",
            name=row["suggested_category__name"] or "",
            suggested=row["suggested"],
            accepted=row["accepted"],
        )
        for row in rows
    ]


def recent_retrains(limit: int = 12) -> list[ClassifierRetrain]:
    return list(ClassifierRetrain.objects.order_by("-month", "-id")[:limit])


def retrain_as_dict(row: ClassifierRetrain) -> dict[str, Any]:
    return {
        "month": row.month.isoformat(),
        "decision": row.decision,
        "decision_label": str(row.get_decision_display()),
        "champion_version": row.champion_version,
        "challenger_version": row.challenger_version,
        "champion_macro_f1": row.champion_macro_f1,
        "challenger_macro_f1": row.challenger_macro_f1,
        "champion_accuracy": row.champion_accuracy,
        "challenger_accuracy": row.challenger_accuracy,
        "n_train": row.n_train,
        "n_test": row.n_test,
        "note": row.note,
        "created_at": row.created_at.isoformat(),
    }


def may_read_report(user: Any) -> bool:
    """The suggestion report is for the command centre, the inspectors, the leaders and the administrators."""
    from wangge.accounts.choices import Role
    from wangge.accounts.selectors import user_roles

    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    readers = {Role.ADMIN, Role.DISPATCHER, Role.CALL_TAKER, Role.INSPECTOR, Role.LEADER}
    return bool(readers & user_roles(user))


def parse_until(value: str | None, now: dt.datetime | None = None) -> dt.datetime:
    """The end of the report window: the last instant of month ``YYYY-MM``, or now."""
    try:
        month = dt.datetime.strptime((value or "")[:7], "%Y-%m").date()
    except ValueError:
        return now or timezone.now()
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(dt.datetime.combine(following, dt.time.min)) - dt.timedelta(microseconds=1)


MAX_MONTHS = 24


def report(user: Any, *, months: int = 12, step: str = "", until: str | None = None) -> dict[str, Any]:
    """What the page and the API show: per month (newest first) and per suggested category, over the window."""
    months = max(1, min(MAX_MONTHS, months))
    end = parse_until(until)
    records = window(records_for(user), months=months, step=step, now=end).filter(at__lte=end)
    return {
        "months": monthly_accuracy(records),
        "categories": category_acceptance(records),
        "retrains": recent_retrains(),
        "window": {"months": months, "step": step, "until": timezone.localdate(end)},
    }
