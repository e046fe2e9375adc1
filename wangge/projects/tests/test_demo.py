"""The demo's project step: 湛河区's 8 roads with the published totals and 30 民生 projects, written once."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from shapely.geometry import shape

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.demo.projects import projects_seed
from wangge.demo.services import DEMO_ACTOR
from wangge.projects.choices import ProjectStatus, ProjectType
from wangge.projects.models import Project, ProjectProblem, WeeklyEntry
from wangge.projects.selectors import project_rollup, project_week_summary
from wangge.projects.tests.conftest import _node, square
from wangge.territory.choices import TerritoryKind

pytestmark = pytest.mark.django_db

STREETS = ("马庄街道", "轻工路街道", "九里山街道", "南环路街道", "曹镇乡")


@pytest.fixture
def zhanhe(world: SimpleNamespace) -> SimpleNamespace:
    """湛河区 of the test world with five streets (a community and a grid each) and its 住建局."""
    from wangge.territory import locator

    d = world.other_district
    for i, name in enumerate(STREETS):
        s = _node(d, f"410411{i + 1:03d}", name, TerritoryKind.STREET, square(114.0 + 0.02 * i, 33.0, 0.02))
        c = _node(
            s, f"410411{i + 1:03d}001", f"{name}社区", TerritoryKind.COMMUNITY, square(114.0 + 0.02 * i, 33.0, 0.02)
        )
        _node(c, f"410411{i + 1:03d}001001", f"{name}一网格", TerritoryKind.GRID, square(114.0 + 0.02 * i, 33.0, 0.02))
    locator.invalidate()
    Unit.objects.create(code="410411-zjj", name="湛河区住房和城乡建设局", kind=UnitKind.DEPARTMENT, territory=d)
    return world


def test_the_demo_seeds_the_roads_and_livelihood_projects_once(zhanhe: SimpleNamespace) -> None:
    created, unchanged = projects_seed(actor=DEMO_ACTOR, options=None)
    assert (created, unchanged) == (38, 0)
    district = zhanhe.other_district
    rollup = project_rollup(district, timezone.localdate())
    roads = next(r for r in rollup["by_type"] if r["type"] == ProjectType.ROAD)
    assert roads["count"] == 8
    assert Decimal(roads["total_investment"]) == Decimal("3015")
    assert Decimal(roads["invested"]) == Decimal("1700")
    assert roads["finished"] == 2 and roads["started"] == 8
    livelihood = next(r for r in rollup["by_type"] if r["type"] == ProjectType.LIVELIHOOD)
    assert livelihood["count"] == 30 and Decimal(livelihood["total_investment"]) == Decimal("101000")
    assert Project.objects.filter(name="新建公厕", status=ProjectStatus.COMPLETED).exists()
    old = Project.objects.get(name="老旧小区改造")
    assert {c["name"]: c["quantity"] for c in old.components}["已完工小区"] == 31
    # every road is a line inside 湛河区, with weekly entries; two problems became work orders
    outline = shape(district.geometry)
    for road in Project.objects.filter(type=ProjectType.ROAD):
        assert road.geometry and outline.contains(shape(road.geometry))
        assert road.entries.exists()
    assert Project.objects.get(name="盛世华章西侧道路新建工程").length_m == Decimal("280.0")
    assert ProjectProblem.objects.count() == 2
    assert WeeklyEntry.objects.filter(is_synthetic=False).count() == 0
    week = project_week_summary(district, timezone.localdate())
    assert week["entries"] and week["totals"]["count"] == 38
    assert projects_seed(actor=DEMO_ACTOR, options=None) == (0, 38)


def test_the_demo_step_does_nothing_without_zhanhe(db: Any) -> None:
    assert projects_seed(actor=DEMO_ACTOR, options=None) == (0, 0)
