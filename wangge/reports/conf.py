"""Settings of supervision and assessment, with their defaults (see the reports block in config/settings/base.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_AUTO_ITEMS: dict[str, dict[str, Any]] = {
    # points: weight in the 100-point score; target: the figure that earns full points.
    "patrol_checkins": {"label": "巡查签到", "points": 10, "target_per_working_day": 2},
    "inspection_rounds": {"label": "点位巡查按时完成率", "points": 5, "target": 1.0},
    "reports": {"label": "事件上报", "points": 10, "target": 20},
    "valid_report_rate": {"label": "有效上报率", "points": 10, "target": 0.95},
    "on_site_resolutions": {"label": "现场解决", "points": 10, "target": 5},
    "on_time_verification": {"label": "按时核查回访", "points": 10, "target": 1.0},
    "daily_log_completeness": {"label": "工作日志完整率", "points": 10, "target": 1.0},
}
DEFAULT_MANUAL_ITEMS: list[dict[str, Any]] = [
    {"key": "discipline", "label": "工作纪律与作风", "points": 10},
    {"key": "residents", "label": "群众评价", "points": 10},
    {"key": "tasks", "label": "专项工作完成情况", "points": 15},
]


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def bulletin_time() -> dt.time:
    """Local time of day after which the day's bulletins are generated (before the 18:00 meeting)."""
    raw = str(_get("WANGGE_BULLETIN_TIME", "17:30"))
    try:
        hours, minutes = raw.split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError as exc:
        raise ImproperlyConfigured(f"WANGGE_BULLETIN_TIME must be HH:MM, not {raw!r}") from exc


def weekly_bulletin_time() -> dt.time:
    """Local time on Monday after which last week's 周通报 are generated (before the Monday 周例会)."""
    raw = str(_get("WANGGE_WEEKLY_BULLETIN_TIME", "08:00"))
    try:
        hours, minutes = raw.split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError as exc:
        raise ImproperlyConfigured(f"WANGGE_WEEKLY_BULLETIN_TIME must be HH:MM, not {raw!r}") from exc


def bulletin_kinds() -> list[str]:
    """Territory levels that get an automatic bulletin every day."""
    return list(_get("WANGGE_BULLETIN_KINDS", ["district", "street"]))


def bulletin_list_limit() -> int:
    return int(_get("WANGGE_BULLETIN_LIST_LIMIT", 200))


def bulletin_pdf_rows() -> int:
    """Rows of the overdue and 督办 lists printed in the PDF (the .xlsx holds them all)."""
    return int(_get("WANGGE_BULLETIN_PDF_ROWS", 50))


def hotspot_count() -> int:
    return int(_get("WANGGE_BULLETIN_HOTSPOT_COUNT", 10))


def hot_issue_days() -> int:
    return int(_get("WANGGE_BULLETIN_HOT_ISSUE_DAYS", 7))


def hot_issue_cases() -> int:
    return int(_get("WANGGE_BULLETIN_HOT_ISSUE_CASES", 1000))


def ranking_min_due() -> int:
    return int(_get("WANGGE_RANKING_MIN_DUE", 10))


def auto_items() -> dict[str, dict[str, Any]]:
    return dict(_get("WANGGE_ASSESSMENT_AUTO_ITEMS", DEFAULT_AUTO_ITEMS))


def manual_items() -> list[dict[str, Any]]:
    return list(_get("WANGGE_ASSESSMENT_MANUAL_ITEMS", DEFAULT_MANUAL_ITEMS))


def check_assessment_points() -> None:
    total = sum(float(i["points"]) for i in auto_items().values()) + sum(float(i["points"]) for i in manual_items())
    if abs(total - 100) > 1e-9:
        raise ImproperlyConfigured(f"assessment items must add up to 100 points, not {total:g}")


def reward_score() -> float:
    """积分定优 from this total up ("80分以上": 以上 includes the number)."""
    return float(_get("WANGGE_ASSESSMENT_REWARD_SCORE", 80))


def pass_score() -> float:
    """不合格 at this total and below ("70分以下为不合格": 以下 includes the number); 合格 lies above it."""
    return float(_get("WANGGE_ASSESSMENT_PASS_SCORE", 70))


def ladder_proportion() -> float:
    return float(_get("WANGGE_LADDER_PROPORTION", 0.10))


def ladder_min_score() -> float:
    """阶梯晋级 from this total up (以上 includes the number)."""
    return float(_get("WANGGE_LADDER_MIN_SCORE", 80))
