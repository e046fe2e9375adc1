"""Monthly rankings of units and streets by the 三率 composite, 结案率 and 按期结案率.

The figures are ``wangge.workorders.measures`` for the month. A minimum sample (``WANGGE_RANKING_MIN_DUE``,
default 10) keeps one lucky case from topping a ranking: a unit takes part only when every rate behind the
metric rests on at least that many cases (结案率 and 按期结案率: 应结案; the composite: 派遣 for 响应率,
回访 for 解决率 and 评价 for 满意率). Smaller units are listed apart as "样本不足". Equal values share a rank
(1, 2, 2, 4).

应结案 is :func:`wangge.workorders.headlines.period_measures`: the cases whose deadline fell in the month up to the
moment of counting (a month still running is counted up to now, as the 大屏 counts it). A unit ranking leaves out
the cases not dispatched to any unit, a street ranking those not located in a street, so its rows add up to the
大屏's 应结案 less those; the page says so beside the tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from wangge.accounts.models import Unit
from wangge.reports import conf
from wangge.reports.assessment import month_bounds
from wangge.territory.models import Territory
from wangge.workorders.headlines import period_measures
from wangge.workorders.measures import sanlv_weights, satisfaction_definition
from wangge.workorders.models import WorkOrder

METRICS = {
    "composite": "三率综合得分率",
    "closure": "结案率",
    "on_time_closure": "按期结案率",
}
GROUPS = {"unit": "承办单位", "street": "街道"}
# The denominators each metric rests on: (count field, label of the cases counted).
SAMPLES: dict[str, list[tuple[str, str]]] = {
    "composite": [("dispatched", "派遣"), ("callbacks", "回访"), ("rated", "评价")],
    "closure": [("due", "应结案")],
    "on_time_closure": [("due", "应结案")],
}
# The rates a composite row shows beside its value, with their numerator and denominator.
COMPONENTS = [
    ("response", "响应率", "responded_on_time", "dispatched"),
    ("resolution", "解决率", "resolved", "callbacks"),
    ("satisfaction", "满意率", None, "rated"),
]


@dataclass
class RankedRow:
    key: Any
    code: str
    name: str
    due: int
    value: float | None
    rank: int | None = None
    reason: str = ""
    measures: dict[str, Any] = field(default_factory=dict)

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value:.2%}"

    @property
    def components(self) -> list[dict[str, Any]]:
        """The 三率 behind a composite value: label, rate, numerator and denominator."""
        rates = self.measures.get("rates", {})
        out = []
        for key, label, num, den in COMPONENTS:
            numerator = self.measures.get(num) if num else _satisfied(self.measures)
            rate = rates.get(key)
            out.append(
                {
                    "label": label,
                    "value": rate,
                    "percent": "—" if rate is None else f"{rate:.2%}",
                    "numerator": numerator,
                    "denominator": self.measures.get(den, 0),
                }
            )
        return out


@dataclass
class Ranking:
    metric: str
    label: str
    ranked: list[RankedRow]
    insufficient: list[RankedRow]


def _satisfied(m: dict[str, Any]) -> int:
    return int(m["satisfied_top3"] if satisfaction_definition() == "top3" else m["satisfied_top2"])


def _short_sample(metric: str, m: dict[str, Any], minimum: int) -> str:
    """Why a row is too small to rank on ``metric`` ("" when every denominator reaches the minimum)."""
    short = [f"{label} {m[f]} 件" for f, label in SAMPLES[metric] if m[f] < minimum]
    return f"{'、'.join(short)}，少于 {minimum} 件" if short else ""


def _names(by: str, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    if by == "unit":
        return {u.pk: (u.code, u.name) for u in Unit.objects.filter(pk__in=keys)}
    return {t.pk: (t.code, t.name) for t in Territory.objects.filter(pk__in=keys)}


def monthly_rankings(
    queryset: QuerySet[WorkOrder],
    year: int,
    month: int,
    *,
    by: str = "unit",
    min_due: int | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Ranking]:
    """Rankings of the month for each metric in :data:`METRICS`, over an already scoped queryset."""
    if by not in GROUPS:
        raise ValueError(f"rank by unit or street, not {by!r}")
    minimum = conf.ranking_min_due() if min_due is None else min_due
    start, end = month_bounds(dt.date(year, month, 1))
    as_of = min(now or timezone.now(), end)
    # A month still running is counted up to now, like the 大屏: a deadline still ahead is not yet 应结案.
    rows = [m for m in period_measures(queryset, start, end, group_by=by, now=as_of) if m.key is not None]
    names = _names(by, [m.key for m in rows])
    out: dict[str, Ranking] = {}
    for metric, label in METRICS.items():
        ranked: list[RankedRow] = []
        insufficient: list[RankedRow] = []
        for m in rows:
            code, name = names.get(m.key, ("", str(m.key)))
            row = RankedRow(m.key, code, name, m.due, m.rates.get(metric), measures=m.as_dict())
            short = _short_sample(metric, row.measures, minimum)
            if short:
                row.reason = short
                insufficient.append(row)
            elif row.value is None:
                row.reason = "无回访评价数据" if metric == "composite" else "无应结案工单"
                insufficient.append(row)
            else:
                ranked.append(row)
        ranked.sort(key=lambda r: (-(r.value or 0.0), -r.due, r.code))
        previous: float | None = None
        for i, row in enumerate(ranked, start=1):
            value = round(row.value or 0.0, 6)
            row.rank = ranked[i - 2].rank if previous is not None and value == previous else i
            previous = value
        insufficient.sort(key=lambda r: (-r.due, r.code))
        out[metric] = Ranking(metric, label, ranked, insufficient)
    return out


def weights_text() -> str:
    w = sanlv_weights()
    total = sum(w[k] for k in ("response", "resolution", "satisfaction")) or 1.0
    share = {k: w[k] / total * 100 for k in w}
    return f"响应率 {share['response']:g}%、解决率 {share['resolution']:g}%、满意率 {share['satisfaction']:g}%"
