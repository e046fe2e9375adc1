"""The demo's inspection step: the default checklists, the hazard-point schedule, a flood-season week of daily
rounds (some missed, some late, some failed into real work orders) and the current period's rounds; once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time

from wangge.demo import inspections as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.inspections.models import Round, Schedule
from wangge.inspections.selectors import rounds_summary
from wangge.workorders.choices import Channel
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_the_demo_week_is_the_last_flood_season_week() -> None:
    assert demo.demo_week(dt.date(2026, 12, 4)) == (dt.date(2026, 9, 24), dt.date(2026, 9, 30))
    assert demo.demo_week(dt.date(2026, 3, 1)) == (dt.date(2025, 9, 24), dt.date(2025, 9, 30))
    assert demo.demo_week(dt.date(2026, 7, 20)) == (dt.date(2026, 7, 13), dt.date(2026, 7, 19))


@freeze_time("2026-12-04 02:00:00")
def test_the_demo_seeds_a_flood_season_week_once(w: SimpleNamespace, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "CASES", 2)
    monkeypatch.setattr(demo, "MISSED", 0.2)
    Schedule.objects.all().delete()
    created, _unchanged = demo.inspections_seed(actor=DEMO_ACTOR, options=None)
    week = Round.objects.filter(period_start__gte=dt.date(2026, 9, 24), period_end__lte=dt.date(2026, 9, 30))
    assert week.count() == 14 and all(r.is_synthetic for r in week)
    summary = rounds_summary(w.district, dt.date(2026, 9, 24), dt.date(2026, 9, 30))
    assert summary["due"] == 14 and summary["missed"] >= 1 and summary["done"] + summary["missed"] == 14
    assert summary["cases_opened"] == 2
    cases = WorkOrder.objects.filter(channel=Channel.INSPECTION)
    assert cases.count() == 2 and all(c.inspection_results.exists() for c in cases)  # type: ignore[attr-defined]
    current = Round.objects.filter(period_start=dt.date(2026, 11, 30))  # this week's weekly round, generated
    assert current.count() == 2 and {r.frequency for r in current} == {"weekly"}
    assert created > 14 and demo.inspections_seed(actor=DEMO_ACTOR, options=None) == (0, 16)
