"""The automatic items of a grid worker's monthly assessment (一考评, DOMAIN §5), read from the records.

Each item has a weight (``points``) and a target; the score is ``points × min(1, actual / target)``. Rate items
(valid reports, on-time verification, daily-log completeness) compare a share with its target share; when
there is nothing to measure, ``when_empty`` says whether the item earns full points or none. Weights and
targets come from settings (``WANGGE_ASSESSMENT_AUTO_ITEMS``), so a district can tune them without code.

The grade and the ladder read the thresholds as the rules write them ("80分以上积分定优", "70分以下为不合格",
阶梯晋级 "80分以上"): in Chinese legal usage 以上、以下、以内、届满 include the number itself (民法典 第1259条),
so 80 is 积分定优 and 70 is 不合格. ``grade`` and ``ladder_eligible`` are the only places that compare a total
with them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

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


def _score(points: float, actual: float, target: float, when_empty: str = "zero") -> tuple[float | None, float]:
    """(achievement share, score); no target means nothing was asked of the worker."""
    if target <= 0:
        return None, points if when_empty == "full" else 0.0
    share = min(1.0, actual / target)
    return round(share, 4), round(points * share, 2)


def _rate_item(points: float, num: int, den: int, target: float, when_empty: str) -> dict[str, Any]:
    if den == 0:
        return {
            "actual": None,
            "numerator": 0,
            "denominator": 0,
            "target": target,
            "share": None,
            "score": points if when_empty == "full" else 0.0,
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


def auto_items_for(worker: Any, period: dt.date, *, now: dt.datetime | None = None) -> dict[str, dict[str, Any]]:
    """Every configured automatic item: label, points, actual figure, target, share of target and score."""
    _, end = month_bounds(period)
    as_of = min(now or timezone.now(), end)
    f = raw_figures(worker, period, as_of)
    out: dict[str, dict[str, Any]] = {}
    for key, cfg in conf.auto_items().items():
        points = float(cfg["points"])
        empty = str(cfg.get("when_empty", "zero"))
        item: dict[str, Any]
        if key == "patrol_checkins":
            target = float(cfg.get("target_per_working_day", 0)) * f["working_days"] or float(cfg.get("target", 0))
            share, score = _score(points, f["checkins_in_own_grid"], target, empty)
            item = {
                "actual": f["checkins_in_own_grid"],
                "all_checkins": f["checkins"],
                "target": target,
                "share": share,
                "score": score,
            }
        elif key == "reports":
            share, score = _score(points, f["reports"], float(cfg["target"]), empty)
            item = {"actual": f["reports"], "target": float(cfg["target"]), "share": share, "score": score}
        elif key == "valid_report_rate":
            item = _rate_item(points, f["valid_reports"], f["reports"], float(cfg["target"]), empty)
        elif key == "on_site_resolutions":
            share, score = _score(points, f["on_site"], float(cfg["target"]), empty)
            item = {"actual": f["on_site"], "target": float(cfg["target"]), "share": share, "score": score}
        elif key == "on_time_verification":
            item = _rate_item(points, f["verifications_on_time"], f["verifications"], float(cfg["target"]), empty)
        elif key == "daily_log_completeness":
            item = _rate_item(points, f["logs_complete"], f["working_days"], float(cfg["target"]), empty)
        else:
            raise KeyError(f"unknown automatic assessment item {key!r}")
        item.update({"label": str(cfg["label"]), "points": points})
        out[key] = item
    return out
