"""The demo's duty step: a month of rosters for the district and its streets, depots with one shortfall and an
overdue stock-take, four teams, two plans with two versions each, a drill and a 会商 record; written once."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from freezegun import freeze_time

from wangge.demo import duty as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DutyRoster,
    DutyShift,
    EmergencyPlan,
    PlanVersion,
    RescueTeam,
)
from wangge.duty.selectors import flood_readiness
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

from .conftest import _square, local


def test_the_demo_builds_the_flood_season_once(w: Any) -> None:
    for code, name in (("410403002", "东高皇街道"), ("410403003", "五一一路街道")):
        Territory.objects.add_child(
            w.district,
            {"code": code, "name": name, "kind": TerritoryKind.STREET, "geometry": _square(113.0, 33.0, 0.1)},
        )
    with freeze_time(local(2025, 7, 20, 10, 0)):
        created, unchanged = demo.duty_seed(actor=DEMO_ACTOR, options=None)
        assert created > 0 and unchanged == 0
        rosters = DutyRoster.objects.filter(is_synthetic=True)
        assert rosters.count() == 4  # the district and its three streets
        assert (
            DutyShift.objects.filter(day__month=7).values("roster").annotate(n=Count("id")).filter(n__lt=31).count()
            == 0
        )
        dupes = DutyShift.objects.values("roster", "day", "pattern").annotate(n=Count("id")).filter(n__gt=1)
        assert not dupes.exists()
        figures = flood_readiness(w.district)
        assert figures["depots"] == 4
        assert [(r["depot_name"], r["item_key"], r["shortfall"]) for r in figures["shortfalls"]] == [
            ("东高皇街道防汛物资储备点（示例）", "life_jacket", 20)
        ]
        assert [d["depot"] for d in figures["overdue_stocktakes"]] == ["五一一路街道防汛物资储备点（示例）"]
        assert figures["duty"] and figures["missing_check_ins"] >= 1
        assert RescueTeam.objects.count() == 4
        assert EmergencyPlan.objects.count() == 2
        assert PlanVersion.objects.filter(superseded_at__isnull=False).count() == 2
        assert Drill.objects.count() == 1 and Consultation.objects.count() == 1
        assert all(d.is_synthetic for d in Depot.objects.all())
        again = demo.duty_seed(actor=DEMO_ACTOR, options=None)
    assert again[0] == 0 and again[1] > 0
    assert DutyRoster.objects.count() == 4 and RescueTeam.objects.count() == 4
