"""The demo's volunteer step on a small 卫东区 (the ledger's test district under 卫东区's code): volunteers from
the residents, a team per community and a 护学岗 team, a month of activities with hours, reports through the
intake service, the gates' roster this week with check-ins; the second run creates nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from freezegun import freeze_time

from wangge.accounts.tests.factories import territory_tree
from wangge.demo import volunteers as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.ledgers.tests.factories import ResidentFactory, place_household
from wangge.volunteers.models import Activity, CheckIn, Post, RosterSlot, Team, Volunteer, VolunteerReport
from wangge.volunteers.selectors import volunteer_figures
from wangge.workorders import catalog

pytestmark = pytest.mark.django_db


@freeze_time("2026-12-02 04:00:00")  # a Wednesday, noon in 平顶山
def test_the_demo_seeds_volunteers_teams_activities_reports_and_a_gate_once(monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "VOLUNTEERS", 30)
    tree = territory_tree("410403")
    catalog.category_seed()
    for n in range(40):
        grid = tree.grid_a1 if n % 2 else tree.grid_a2
        ResidentFactory.create(
            household=place_household(grid), gender="F", birth_date=dt.date(1966, 5, 1), phone=f"1370000{n:04d}"
        )

    created, _unchanged = demo.volunteers_seed(actor=DEMO_ACTOR, options=None)

    assert Volunteer.objects.filter(is_synthetic=True).count() == 30
    assert Team.objects.filter(is_synthetic=True).count() == 2  # 甲社区's team and its 护学岗 team
    assert Activity.objects.filter(is_synthetic=True).count() >= 6
    assert Post.objects.filter(kind="school").count() == 2
    slots = RosterSlot.objects.all()
    assert slots.count() == 2 * 5 * 2 * 2  # two gates, five school days, two windows, two volunteers
    assert 0 < CheckIn.objects.count() < slots.count()
    assert VolunteerReport.objects.count() >= 1
    assert all(r.work_order.reporter_name == r.volunteer.name for r in VolunteerReport.objects.all())
    figures = volunteer_figures(tree.district, dt.date(2026, 11, 1), dt.date(2026, 12, 2))
    assert figures["hours_confirmed"] > 0 and figures["coverage_rate"] is not None
    assert created > 30
    assert demo.volunteers_seed(actor=DEMO_ACTOR, options=None)[0] == 0
