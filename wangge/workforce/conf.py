"""Settings of the grid workforce, with their defaults (documented in docs/workforce.md).

- ``WANGGE_WORKFORCE_LADDER_LEVELS``: the ladder (阶梯晋级), lowest first, each ``{"name", "coefficient"}``; the
  coefficient multiplies the base of the performance pay.
- ``WANGGE_WORKFORCE_DEMOTE_UNQUALIFIED``: whether a month graded 不合格 moves the worker one level down (default
  False: the seed leaves the penalty of a 不合格 month to the case, recorded by hand as a 处罚).
- ``WANGGE_WORKFORCE_PAY``: the performance-pay formula (``selectors.monthly_pay``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULT_LEVELS: list[dict[str, Any]] = [
    {"name": "一级网格员", "coefficient": "1.00"},
    {"name": "二级网格员", "coefficient": "1.10"},
    {"name": "三级网格员", "coefficient": "1.20"},
    {"name": "四级网格员", "coefficient": "1.30"},
    {"name": "五级网格员", "coefficient": "1.40"},
]

DEFAULT_PAY: dict[str, Any] = {
    "base": "1500",  # 基础绩效 (元), times the level coefficient and the kind factor
    "score_part": "1000",  # 考评绩效 (元) paid in full at 100 points
    "score_floor": "60",  # no 考评绩效 at or below this score; linear up to 100
    "kind_factors": {"full_time": "1.0", "part_time": "0.5"},  # 专职 / 兼职
    "include_records": True,  # add the month's rewards and subtract its penalties (金额)
}


@dataclass(frozen=True)
class Level:
    number: int  # 1 = the lowest
    name: str
    coefficient: Decimal


def levels() -> list[Level]:
    raw = getattr(settings, "WANGGE_WORKFORCE_LADDER_LEVELS", DEFAULT_LEVELS)
    return [Level(i, str(x["name"]), Decimal(str(x["coefficient"]))) for i, x in enumerate(raw, start=1)]


def top_level() -> int:
    return len(levels())


def level(number: int) -> Level:
    known = levels()
    return known[max(1, min(number, len(known))) - 1]


def level_name(number: int) -> str:
    return level(number).name


def demote_unqualified() -> bool:
    return bool(getattr(settings, "WANGGE_WORKFORCE_DEMOTE_UNQUALIFIED", False))


def pay() -> dict[str, Any]:
    return {**DEFAULT_PAY, **getattr(settings, "WANGGE_WORKFORCE_PAY", {})}


def max_deadline_days() -> int:
    return int(getattr(settings, "WANGGE_WORKFORCE_MAX_TASK_DAYS", 60))
