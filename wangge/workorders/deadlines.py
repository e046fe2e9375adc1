"""Step deadlines through the working calendar: due time, warning time, pauses and extensions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from wangge.core.caches import KeyedProcessCache
from wangge.workcalendar import arithmetic
from wangge.workorders.choices import DurationUnit, Step, Urgency
from wangge.workorders.models import Category, StepDeadline

# Used when neither the category nor its ancestors define a step's time limit.
DEFAULT_LIMITS: dict[tuple[str, str], tuple[Decimal, str]] = {
    (Step.DISPATCH, Urgency.NORMAL): (Decimal("2"), DurationUnit.WORKING_HOURS),
    (Step.ACCEPT, Urgency.NORMAL): (Decimal("2"), DurationUnit.WORKING_HOURS),
    (Step.HANDLE, Urgency.NORMAL): (Decimal("7"), DurationUnit.WORKING_DAYS),
    (Step.VERIFY, Urgency.NORMAL): (Decimal("1"), DurationUnit.WORKING_DAYS),
    (Step.CALLBACK, Urgency.NORMAL): (Decimal("2"), DurationUnit.WORKING_DAYS),
    (Step.DISPATCH, Urgency.URGENT): (Decimal("0.5"), DurationUnit.CLOCK_HOURS),
    (Step.ACCEPT, Urgency.URGENT): (Decimal("0.5"), DurationUnit.CLOCK_HOURS),
    (Step.HANDLE, Urgency.URGENT): (Decimal("2"), DurationUnit.CLOCK_HOURS),
    (Step.VERIFY, Urgency.URGENT): (Decimal("2"), DurationUnit.CLOCK_HOURS),
    (Step.CALLBACK, Urgency.URGENT): (Decimal("1"), DurationUnit.WORKING_DAYS),
}

WORKING_UNITS = frozenset({DurationUnit.WORKING_HOURS, DurationUnit.WORKING_DAYS})


@dataclass(frozen=True)
class Limit:
    amount: Decimal
    unit: str


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    warn_at: dt.datetime
    provisional: bool
    limit: Limit


def _load_chain(category: Category) -> list[dict[tuple[str, str], Limit]]:
    """The limits of ``category`` and of each ancestor (at most ten levels), nearest first."""
    node: Category | None = category
    ids: list[int] = []
    while node is not None and len(ids) < 10:
        ids.append(node.pk)
        node = node.parent if node.parent_id else None
    rows = StepDeadline.objects.filter(category_id__in=ids).values_list(
        "category_id", "step", "urgency", "amount", "unit"
    )
    by_cat: dict[int, dict[tuple[str, str], Limit]] = {pk: {} for pk in ids}
    for cat_id, step, urgency, amount, unit in rows:
        by_cat[cat_id][(step, urgency)] = Limit(Decimal(amount), unit)
    return [by_cat[pk] for pk in ids]


# Limits per category (own rows, then ancestors'), kept briefly per process: a transition asks several
# times, and dictionary edits are rare. An edit takes effect everywhere within LIMIT_CACHE_SECONDS (at once
# in the process that made it through the admin, which calls clear_limit_cache). Keyed by the category
# (model instances hash and compare by primary key).
LIMIT_CACHE_SECONDS = 30.0
_limits: KeyedProcessCache[Category, list[dict[tuple[str, str], Limit]]] = KeyedProcessCache(
    "workorders.step_limits", _load_chain, recheck_seconds=LIMIT_CACHE_SECONDS
)


def _chain_limits(category: Category) -> list[dict[tuple[str, str], Limit]]:
    return _limits.get(category) if category.pk is not None else _load_chain(category)


def clear_limit_cache() -> None:
    _limits.forget()


def step_limit(category: Category | None, step: str, urgency: str) -> Limit:
    """The category's own limit, else its nearest ancestor's, else the platform default."""
    if category is not None:
        for rows in _chain_limits(category):
            row = rows.get((step, urgency)) or (rows.get((step, Urgency.NORMAL)) if urgency == Urgency.NORMAL else None)
            if row is not None:
                return row
    amount, unit = DEFAULT_LIMITS[(step, urgency)]
    return Limit(amount, unit)


def warn_share() -> float:
    return float(getattr(settings, "WANGGE_WARN_SHARE", 0.8))


def due_from(start: dt.datetime, limit: Limit) -> Due:
    cal = arithmetic.get_calendar()
    result = cal.add_duration(start, float(limit.amount), limit.unit)
    end: dt.datetime = result.value
    share = warn_share()
    if limit.unit in WORKING_UNITS:
        span = cal.working_seconds_between(start, end).value
        warn = cal.add_working_hours(start, span * share / 3600.0).value
    else:
        warn = start + (end - start) * share
    return Due(at=end, warn_at=warn, provisional=bool(result.provisional), limit=limit)


def warn_between(start: dt.datetime, end: dt.datetime, unit: str) -> dt.datetime:
    """The instant ``warn_share()`` of the way from ``start`` to ``end``, counted in the limit's kind of time
    (office time for working units, so a warning never falls in the lunch break or at night)."""
    if end <= start:
        return start
    share = warn_share()
    if unit in WORKING_UNITS:
        span = arithmetic.working_seconds_between(start, end).value
        return arithmetic.add_working_hours(start, span * share / 3600.0).value  # type: ignore[no-any-return]
    return start + (end - start) * share


def shift(instant: dt.datetime, seconds: float, unit: str) -> dt.datetime:
    """Move a deadline later by ``seconds`` of the kind of time the limit is counted in."""
    if seconds <= 0:
        return instant
    if unit in WORKING_UNITS:
        return arithmetic.add_working_hours(instant, seconds / 3600.0).value  # type: ignore[no-any-return]
    return instant + dt.timedelta(seconds=seconds)


def paused_seconds(start: dt.datetime, end: dt.datetime, unit: str) -> float:
    """How much of the limit's kind of time passed while the case was paused."""
    if end <= start:
        return 0.0
    if unit in WORKING_UNITS:
        return float(arithmetic.working_seconds_between(start, end).value)
    return (end - start).total_seconds()


def extend(instant: dt.datetime, amount: Decimal, unit: str) -> tuple[dt.datetime, bool]:
    result = arithmetic.add_duration(instant, float(amount), unit)
    return result.value, bool(result.provisional)
