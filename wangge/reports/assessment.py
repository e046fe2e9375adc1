"""The automatic items of a grid worker's monthly assessment (一考评, DOMAIN §5), read from the records.

Each item has a weight (``points``) and a target; the score is ``points × min(1, actual / target)``. Rate items
(valid reports, on-time verification, daily-log completeness) compare a share with its target share. Weights and
targets come from settings (``WANGGE_ASSESSMENT_AUTO_ITEMS``), so a district can tune them without code.

Empty items, one rule for the page, the export and every total:

* 点位巡查按时完成率 (``inspection_rounds``) is the share of the worker's inspection rounds due in the month (up to
  the day before) that were done on time; missed and late rounds lower it.
* An automatic item with nothing to measure — a rate with no denominator (no reports, no verifications, no
  elapsed working day), or a count whose target is 0 (the first days of a month) — is **不适用**: it is marked
  ``applicable: False`` and earns its full points. The worker is not marked down for work that did not arise; a
  month without reports already loses the 事件上报 points. (The former per-item ``when_empty`` setting is no
  longer read: it scored the same absence as full on one item and zero on another.)
* A manual item the community has not scored is **待评分**, never 0: while any configured manual item is
  unscored the assessment has no grade (``grade`` is empty) and every screen shows 待评分 instead of a total's
  grade (``outcome``, ``grade_label``).

The grade and the ladder read the thresholds as the rules write them ("80分以上积分定优", "70分以下为不合格",
阶梯晋级 "80分以上"): in Chinese legal usage 以上、以下、以内、届满 include the number itself (民法典 第1259条),
so 80 is 积分定优 and 70 is 不合格. ``grade`` and ``ladder_eligible`` are the only places that compare a total
with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.reports import conf
from wangge.reports.bulletins import day_bounds
from wangge.reports.choices import AssessmentGrade
from wangge.reports.models import DailyLog, PatrolCheckin
from wangge.workorders.choices import Channel, Status, Step
from wangge.workorders.models import Event, StepClock, WorkOrder

VERIFY_EVENTS = ("verify_pass", "verify_fail", "callback")


def month_bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start, _ = day_bounds(period.replace(day=1))
    nxt = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end, _ = day_bounds(nxt)
    return start, end


def grade(total: Decimal) -> AssessmentGrade:
    """积分定优 at or above the reward score (以上 includes it), 不合格 at or below the pass score (以下 includes
    it), 合格 strictly between."""
    if total >= Decimal(str(conf.reward_score())):
        return AssessmentGrade.REWARD
    if total <= Decimal(str(conf.pass_score())):
        return AssessmentGrade.UNQUALIFIED
    return AssessmentGrade.QUALIFIED


PENDING_LABEL = _("待评分")
NOT_APPLICABLE_LABEL = _("不适用")


def unscored_manual_items(manual: Mapping[str, Any] | None) -> list[str]:
    """The configured manual items without a score (an empty value is no score)."""
    manual = manual or {}
    return [i["key"] for i in conf.manual_items() if manual.get(i["key"]) in (None, "")]


@dataclass(frozen=True)
class Outcome:
    auto_score: Decimal
    manual_score: Decimal
    total: Decimal
    grade: str  # an ``AssessmentGrade``, or "" while manual items are pending
    pending: bool


def outcome(auto_items: Mapping[str, Any], manual: Mapping[str, Any] | None) -> Outcome:
    """The scores and the grade of an assessment, the one place they are computed. ``total`` adds what is
    scored so far; while a manual item is unscored there is no grade."""
    auto_score = sum((Decimal(str(i["score"])) for i in auto_items.values()), Decimal(0))
    manual_score = sum((Decimal(str(v)) for v in (manual or {}).values() if v not in (None, "")), Decimal(0))
    total = (auto_score + manual_score).quantize(Decimal("0.01"))
    pending = bool(unscored_manual_items(manual))
    return Outcome(auto_score, manual_score, total, "" if pending else grade(total), pending)


def is_pending(a: Any) -> bool:
    """Whether a stored assessment still waits for manual scoring."""
    return bool(unscored_manual_items(a.manual_items))


def grade_label(a: Any) -> str:
    """The grade as every screen and export shows it: 待评分 while manual items are pending."""
    if is_pending(a) or not a.grade:
        return str(PENDING_LABEL)
    return str(AssessmentGrade(a.grade).label)


def ladder_eligible(total: Decimal) -> bool:
    """阶梯晋级 takes workers scoring the ladder minimum or more (以上 includes it)."""
    return total >= Decimal(str(conf.ladder_min_score()))


def elapsed_working_days(period: dt.date, as_of: dt.datetime) -> list[dt.date]:
    """Working days of the month that have fully passed at ``as_of``."""
    from wangge.workcalendar.arithmetic import is_working_day

    day = period.replace(day=1)
    out = []
    while day.month == period.month:
        if day_bounds(day)[1] <= as_of and is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _score(points: float, actual: float, target: float) -> tuple[float | None, float]:
    """(achievement share, score); no target means nothing was asked of the worker: 不适用, full points."""
    if target <= 0:
        return None, points
    share = min(1.0, actual / target)
    return round(share, 4), round(points * share, 2)


def _count_item(points: float, actual: float, target: float, **extra: Any) -> dict[str, Any]:
    share, score = _score(points, actual, target)
    return {"actual": actual, **extra, "target": target, "share": share, "score": score, "applicable": target > 0}


def _rate_item(points: float, num: int, den: int, target: float) -> dict[str, Any]:
    if den == 0:  # nothing to measure: 不适用, full points
        return {
            "actual": None,
            "numerator": 0,
            "denominator": 0,
            "target": target,
            "share": None,
            "score": points,
            "applicable": False,
        }
    rate = num / den
    share, score = _score(points, rate, target)
    return {
        "actual": round(rate, 4),
        "numerator": num,
        "denominator": den,
        "target": target,
        "share": share,
        "score": score,
        "applicable": True,
    }


def raw_figures(worker: Any, period: dt.date, as_of: dt.datetime) -> dict[str, Any]:
    """The counts behind the automatic items for one worker and month, up to ``as_of``."""
    start, _ = month_bounds(period)
    in_month = {"gte": start, "lt": as_of}
    checkins = PatrolCheckin.objects.filter(worker=worker, at__gte=in_month["gte"], at__lt=in_month["lt"])
    reports = WorkOrder.objects.filter(
        reporter_user=worker, channel=Channel.PATROL, received_at__gte=start, received_at__lt=as_of
    )
    on_site = Event.objects.filter(actor=worker, name="resolve_on_site", at__gte=start, at__lt=as_of)
    by_worker = Event.objects.filter(
        work_order=OuterRef("work_order"), actor=worker, name__in=VERIFY_EVENTS, at=OuterRef("ended_at")
    )
    clocks = StepClock.objects.filter(
        step__in=[Step.VERIFY, Step.CALLBACK], ended_at__gte=start, ended_at__lt=as_of
    ).filter(Exists(by_worker))
    working_days = elapsed_working_days(period, as_of)
    logs = DailyLog.objects.filter(worker=worker, date__in=working_days).exclude(summary="")
    return {
        "checkins": checkins.count(),
        "checkins_in_own_grid": checkins.filter(in_own_grid=True).count(),
        "reports": reports.count(),
        "valid_reports": reports.exclude(status=Status.INVALID).count(),
        "on_site": on_site.count(),
        "verifications": clocks.count(),
        "verifications_on_time": clocks.filter(on_time=True).count(),
        "working_days": len(working_days),
        "logs_complete": logs.count(),
    }


def _round_figures(worker: Any, period: dt.date, as_of: dt.datetime) -> dict[str, Any]:
    """The worker's inspection rounds (巡查体检) due in the month up to the last settled day — the day before
    ``as_of``: a round due today may still be made (``inspections.selectors``, the one definition)."""
    from wangge.inspections.selectors import worker_round_figures

    first = period.replace(day=1)
    last = min(
        (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1),
        timezone.localtime(as_of).date() - dt.timedelta(days=1),
    )
    if last < first:
        return {"due": 0, "on_time": 0, "late": 0, "missed": 0}
    return worker_round_figures(worker, first, last, now=as_of)


def auto_items_for(worker: Any, period: dt.date, *, now: dt.datetime | None = None) -> dict[str, dict[str, Any]]:
    """Every configured automatic item: label, points, actual figure, target, share of target and score."""
    _, end = month_bounds(period)
    as_of = min(now or timezone.now(), end)
    f = raw_figures(worker, period, as_of)
    out: dict[str, dict[str, Any]] = {}
    for key, cfg in conf.auto_items().items():
        points = float(cfg["points"])
        item: dict[str, Any]
        if key == "patrol_checkins":
            target = float(cfg.get("target_per_working_day", 0)) * f["working_days"] or float(cfg.get("target", 0))
            item = _count_item(points, f["checkins_in_own_grid"], target, all_checkins=f["checkins"])
        elif key == "reports":
            item = _count_item(points, f["reports"], float(cfg["target"]))
        elif key == "valid_report_rate":
            item = _rate_item(points, f["valid_reports"], f["reports"], float(cfg["target"]))
        elif key == "on_site_resolutions":
            item = _count_item(points, f["on_site"], float(cfg["target"]))
        elif key == "on_time_verification":
            item = _rate_item(points, f["verifications_on_time"], f["verifications"], float(cfg["target"]))
        elif key == "daily_log_completeness":
            item = _rate_item(points, f["logs_complete"], f["working_days"], float(cfg["target"]))
        elif key == "inspection_rounds":
            rounds = _round_figures(worker, period, as_of)
            item = _rate_item(points, rounds["on_time"], rounds["due"], float(cfg["target"]))
            item.update(missed=rounds["missed"], late=rounds["late"])
        else:
            raise KeyError(f"unknown automatic assessment item {key!r}")
        item.update({"label": str(cfg["label"]), "points": points})
        out[key] = item
    return out
