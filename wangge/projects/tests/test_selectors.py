"""The rollups and the weekly summary: one definition of each figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from wangge.projects.choices import ProjectType
from wangge.projects.schedule import behind_reasons, planned_progress
from wangge.projects.selectors import project_rollup, project_week_summary
from wangge.projects.services import project_transition, weekly_entry_save
from wangge.projects.tests.conftest import local, new_project

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 10, 27)


def test_the_linear_plan_and_behind_schedule(world: SimpleNamespace) -> None:
    p = new_project(world)  # 2025-06-30 → 2025-11-10, milestone 2025-09-30
    assert planned_progress(p, dt.date(2025, 6, 1)) == 0
    assert planned_progress(p, dt.date(2025, 12, 1)) == 100
    assert planned_progress(p, AS_OF) == 89
    reasons = behind_reasons(p, AS_OF, p.milestones.all())
    assert len(reasons) == 2 and "89%" in reasons[0] and "管网完工" in reasons[1]
    p.progress = 80
    p.milestones.update(done_date=dt.date(2025, 9, 29))
    assert behind_reasons(p, AS_OF, p.milestones.all()) == []  # 80 ≥ 89 − 10, milestone done


def test_the_rollup_counts_sums_and_splits_by_type_and_territory(world: SimpleNamespace) -> None:
    a = new_project(world, total_investment="730", invested="390", progress=85)
    b = new_project(world, name="新建公厕", type=ProjectType.LIVELIHOOD, territory=world.street, geometry=None,
                    total_investment="1300", invested="1300", progress=100)  # fmt: skip
    new_project(
        world,
        actor=world.stranger,
        territory=world.other_district,
        geometry=None,
        lead_unit=None,
        total_investment="99",
    )
    project_transition(actor=world.admin, project=a, name="start", now=local(2025, 7, 1, 9))
    project_transition(actor=world.admin, project=b, name="start", now=local(2025, 7, 1, 9))
    project_transition(actor=world.admin, project=b, name="complete", now=local(2025, 10, 1, 9))
    r = project_rollup(world.district, AS_OF)
    assert r["totals"]["count"] == 2
    assert Decimal(r["totals"]["total_investment"]) == Decimal("2030")
    assert Decimal(r["totals"]["invested"]) == Decimal("1690")
    assert r["totals"]["invested_pct"] == 83.3
    assert r["totals"]["average_progress"] == 92.5
    assert (r["totals"]["started"], r["totals"]["finished"]) == (2, 1)
    road = next(t for t in r["by_type"] if t["type"] == ProjectType.ROAD)
    assert (road["count"], road["behind"]) == (1, 1)  # its milestone is past due
    assert {t["code"]: t["count"] for t in r["by_territory"]} == {"410403": 1, "410403001": 1}


def test_the_week_summary_lists_entries_missing_and_behind(world: SimpleNamespace) -> None:
    a = new_project(world)
    b = new_project(world, name="沁园中路改造工程")
    for p in (a, b):
        project_transition(actor=world.admin, project=p, name="start", now=local(2025, 7, 1, 9))
    weekly_entry_save(actor=world.builder, project=a, week=dt.date(2025, 10, 20), progress=70, invested="200",
                      work_done="管网", now=local(2025, 10, 27, 9))  # fmt: skip
    weekly_entry_save(actor=world.builder, project=a, week=dt.date(2025, 10, 27), progress=78, invested="230",
                      work_done="水稳层", now=local(2025, 10, 28, 9))  # fmt: skip
    s = project_week_summary(world.district, dt.date(2025, 10, 29))
    assert s["week_start"] == "2025-10-27" and s["week_label"] == "2025年第44周"
    assert [(e["code"], e["progress"], e["progress_change"]) for e in s["entries"]] == [(a.code, 78, 8)]
    assert [m["code"] for m in s["missing"]] == [b.code]
    assert {r["code"] for r in s["behind"]} == {a.code, b.code}
