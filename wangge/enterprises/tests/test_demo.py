"""The demo's 助企 step: enterprises, the cadre roster with a few accounts, liaisons, a month of visits with some
problems through the real intake service, the month's service days and a matchmaking event; once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time

from wangge.demo import enterprises as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.enterprises.models import Cadre, Enterprise, FinancingEvent, Issue, Liaison, ServiceDay, Visit
from wangge.enterprises.selectors import enterprise_figures

pytestmark = pytest.mark.django_db


@freeze_time("2025-06-20 02:00:00")
def test_the_demo_seeds_once(w: SimpleNamespace, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "TOTAL", 20)
    monkeypatch.setattr(demo, "LEADERS", 2)
    monkeypatch.setattr(demo, "CADRES", 10)
    monkeypatch.setattr(demo, "ACCOUNTS", 3)
    monkeypatch.setattr(demo, "REAL_PROBLEMS", 2)
    created, _unchanged = demo.enterprises_seed(actor=DEMO_ACTOR, options=None)
    assert Enterprise.objects.filter(is_synthetic=True).count() == 17  # 20 with the three of the test world
    assert Cadre.objects.filter(is_synthetic=True).count() == 12
    assert Cadre.objects.filter(is_synthetic=True).exclude(user=None).count() == 3
    assert Liaison.objects.filter(cadre__user__username=demo.DEMO_CADRE).count() == 5
    assert Visit.objects.filter(is_synthetic=True).exists()
    issues = Issue.objects.select_related("work_order")
    assert issues.count() == 2 and all(i.work_order.enterprise_related for i in issues)
    assert ServiceDay.objects.filter(kind="market_day").count() == 1 and ServiceDay.objects.count() == 5
    assert FinancingEvent.objects.get().participations.exists()
    figures = enterprise_figures(w.admin, dt.date(2025, 6, 1))
    assert figures["enterprises"] == 20 and figures["visits"] > 0 and figures["financing"]["credit"] >= 0
    assert created > 0
    again = demo.enterprises_seed(actor=DEMO_ACTOR, options=None)
    assert again[0] == 0 and again[1] > 0
