"""上升 / 持平 / 下降: one rule with one threshold for every table that shows a trend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wangge.intel.hotspots import FALLING, RISING, STEADY, HotIssue, trend, trend_rule_text
from wangge.reports.bulletins import trend_of
from wangge.reports.layout import HOT_COLUMNS, HOT_ISSUE_COLUMNS


@pytest.mark.parametrize(
    ("current", "baseline", "verdict"),
    [
        (2, 0, RISING),  # from nothing: the fewest cases of a hot issue already rise …
        (3, 0, RISING),  # … as more do
        (1, 0, STEADY),  # one case is not a trend
        (0, 0, STEADY),
        (4, 4, STEADY),
        (3, 2, STEADY),  # +50 % but only one case more
        (4, 2, RISING),
        (5, 4, STEADY),  # one more, and less than 1.5 × 4
        (4, round(3 / 7, 2), RISING),  # against a daily average
        (0, 2, FALLING),
        (2, 4, FALLING),
        (0, 1, STEADY),
    ],
)
def test_the_trend_rule(current: float, baseline: float, verdict: str) -> None:
    assert trend(current, baseline) == verdict


def test_two_and_three_from_nothing_get_the_same_verdict_on_every_table() -> None:
    assert trend_of(2, 0) == trend_of(3, 0) == RISING  # hot spots against the previous week's daily average
    assert _issue(size=2, previous=0).trend == _issue(size=3, previous=0).trend == RISING  # hot issues


def test_the_threshold_comes_from_the_settings(settings: Any) -> None:
    settings.WANGGE_BULLETIN_RISING_MIN_INCREASE = 3

    assert trend(2, 0) == trend_of(2, 0) == STEADY and trend(3, 0) == RISING
    assert "多出至少 3 件" in trend_rule_text()


def test_the_bulletin_tables_show_the_same_verdict_and_say_the_rule() -> None:
    hot_spot = {
        "_type": "诉求分类",
        "name": "暴露垃圾",
        "count": 2,
        "avg_7d": 0.0,
        "change": 2.0,
        "trend": trend_of(2, 0),
    }
    issue = {"size": 2, "previous": 0}  # a snapshot stored before hot issues kept their trend
    trend_column = next(c for c in HOT_COLUMNS if c.title == "趋势")
    issue_column = next(c for c in HOT_ISSUE_COLUMNS if c.title == "趋势")

    assert trend_column.get(hot_spot) == issue_column.get(issue) == "↑ 上升"
    assert "1.5 倍及以上且多出至少 2 件为“上升”" in trend_rule_text()


def _issue(*, size: int, previous: int) -> HotIssue:
    at = dt.datetime(2025, 6, 2, tzinfo=dt.UTC)
    return HotIssue(
        label="路灯·不亮",
        keywords=["路灯", "不亮"],
        size=size,
        previous=previous,
        growth=None,
        support=size,
        heat=float(size),
        places=[],
        community_id=None,
        case_ids=list(range(size)),
        representatives=[],
        first_received=at,
        last_received=at,
    )
