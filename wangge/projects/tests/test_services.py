"""Registering a project, its weekly progress and its problems as work orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.projects.models import Project, ProjectProblem, WeeklyEntry
from wangge.projects.services import (
    project_problem_raise,
    project_transition,
    project_update,
    weekly_entry_save,
)
from wangge.projects.tests.conftest import jpeg, local, new_project
from wangge.workorders.choices import Channel

pytestmark = pytest.mark.django_db

NOW = local(2025, 10, 27, 10, 0)  # a Monday


def started(w: SimpleNamespace, project: Project) -> Project:
    return project_transition(actor=w.admin, project=project, name="start", now=local(2025, 6, 30, 9, 0))


def entry(w: SimpleNamespace, project: Project, week: dt.date, progress: int, invested: str, **kw: object):
    fields: dict[str, object] = {
        "actor": w.builder,
        "project": project,
        "week": week,
        "progress": progress,
        "invested": invested,
        "work_done": "铺设管网",
        "now": NOW,
    }
    fields.update(kw)
    return weekly_entry_save(**fields)  # type: ignore[arg-type]


# --- registering -----------------------------------------------------------------------------------------------


def test_a_project_is_registered_with_its_line_length_code_and_audit(world: SimpleNamespace, road: Project) -> None:
    assert road.code.startswith("XM2025")
    assert road.geometry is not None and road.geometry["type"] == "LineString"
    # 0.02° of longitude at 33.02°N is about 1,865 m.
    assert road.length_m is not None and Decimal("1800") < road.length_m < Decimal("1900")
    assert road.milestones.count() == 1
    assert road.total_investment == Decimal("420.00")
    assert AuditEntry.objects.filter(action="projects.project_create", object_id=str(road.pk)).exists()
    assert road.events.get().action == "create"


def test_a_line_given_in_gcj02_is_kept_in_wgs84(world: SimpleNamespace) -> None:
    p = new_project(world, crs="gcj02")
    assert p.geometry is not None
    x, _y = p.geometry["coordinates"][0]
    assert x != 113.01 and abs(x - 113.01) < 0.01


def test_a_geojson_feature_collection_is_accepted(world: SimpleNamespace) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[113.01, 33.01], [113.02, 33.01], [113.02, 33.02], [113.01, 33.01]]],
                },
            }
        ],
    }
    p = new_project(world, geometry=fc)
    assert p.geometry is not None and p.geometry["type"] == "Polygon" and p.length_m is None


@pytest.mark.parametrize(
    ("geometry", "code"),
    [
        ({"type": "Point", "coordinates": [113.01, 33.01]}, "invalid_geometry"),
        ("not json", "invalid_geometry"),
        ({"type": "LineString", "coordinates": [[114.01, 33.02], [114.02, 33.02]]}, "geometry_outside_territory"),
    ],
)
def test_a_bad_or_misplaced_geometry_is_refused_and_nothing_is_kept(
    world: SimpleNamespace, geometry: object, code: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        new_project(world, geometry=geometry)
    assert exc.value.code == code
    assert not Project.objects.exists()


def test_a_grid_worker_or_another_district_cannot_register_here(world: SimpleNamespace) -> None:
    for who in (world.worker, world.stranger):
        with pytest.raises(PermissionDenied):
            new_project(world, actor=who)
    assert not Project.objects.exists()


def test_editing_recomputes_the_length_and_replaces_milestones(world: SimpleNamespace, road: Project) -> None:
    short = {"type": "LineString", "coordinates": [[113.01, 33.02], [113.0125, 33.02]]}
    p = project_update(
        actor=world.builder,
        project=road,
        geometry=short,
        milestones=[{"name": "通车", "planned_date": dt.date(2025, 11, 10)}],
    )
    assert p.length_m is not None and Decimal("200") < p.length_m < Decimal("300")
    assert list(p.milestones.values_list("name", flat=True)) == ["通车"]
    assert AuditEntry.objects.filter(action="projects.project_update").exists()


def test_another_unit_cannot_edit_and_another_district_does_not_see_it(world: SimpleNamespace, road: Project) -> None:
    with pytest.raises(NotFound):
        project_update(actor=world.stranger, project=road, name="改名")
    with pytest.raises(NotFound):
        project_update(actor=world.other_handler, project=road, name="改名")
    road.refresh_from_db()
    assert road.name == "翡翠路改造工程"


# --- weekly entries --------------------------------------------------------------------------------------------


def test_one_entry_per_week_is_updated_in_place(world: SimpleNamespace, road: Project) -> None:
    started(world, road)
    first, created = entry(world, road, dt.date(2025, 10, 20), 40, "150")
    again, created_again = entry(world, road, dt.date(2025, 10, 23), 45, "170", photos=[jpeg()])
    assert created and not created_again and first.pk == again.pk
    assert WeeklyEntry.objects.filter(project=road).count() == 1
    again.refresh_from_db()
    assert (again.week_start, again.progress, again.iso_week) == (dt.date(2025, 10, 20), 45, 43)
    assert again.photos.count() == 1
    road.refresh_from_db()
    assert (road.progress, road.invested) == (45, Decimal("170.00"))
    assert AuditEntry.objects.filter(action="projects.entry_update", object_id=str(again.pk)).exists()


def test_progress_going_down_is_refused_without_a_reason(world: SimpleNamespace, road: Project) -> None:
    started(world, road)
    entry(world, road, dt.date(2025, 10, 20), 50, "200")
    with pytest.raises(ValidationFailed) as exc:
        entry(world, road, dt.date(2025, 10, 27), 45, "200")
    assert exc.value.code == "progress_decrease"
    assert WeeklyEntry.objects.filter(project=road).count() == 1
    road.refresh_from_db()
    assert road.progress == 50
    fixed, _created = entry(world, road, dt.date(2025, 10, 27), 45, "200", decrease_reason="上周多报，核减")
    assert fixed.decrease_reason == "上周多报，核减"
    road.refresh_from_db()
    assert road.progress == 45


def test_investment_going_down_is_refused_too(world: SimpleNamespace, road: Project) -> None:
    started(world, road)
    entry(world, road, dt.date(2025, 10, 20), 50, "200")
    with pytest.raises(ValidationFailed) as exc:
        entry(world, road, dt.date(2025, 10, 27), 55, "150")
    assert exc.value.code == "progress_decrease"


@pytest.mark.parametrize(
    ("setup", "week", "code"),
    [("planning", dt.date(2025, 10, 20), "not_under_construction"), ("start", dt.date(2025, 11, 3), "future_week")],
)
def test_entries_only_for_projects_under_construction_and_weeks_begun(
    world: SimpleNamespace, road: Project, setup: str, week: dt.date, code: str
) -> None:
    if setup == "start":
        started(world, road)
    with pytest.raises(ValidationFailed) as exc:
        entry(world, road, week, 10, "10")
    assert exc.value.code == code
    assert not WeeklyEntry.objects.exists()


def test_a_leader_who_only_views_cannot_report_progress(world: SimpleNamespace, road: Project) -> None:
    started(world, road)
    with pytest.raises(PermissionDenied):
        entry(world, road, dt.date(2025, 10, 20), 10, "10", actor=world.leader)
    assert not WeeklyEntry.objects.exists()


# --- problems --------------------------------------------------------------------------------------------------


def test_a_problem_opens_a_work_order_on_the_line_in_the_right_grid(world: SimpleNamespace, road: Project) -> None:
    link = project_problem_raise(
        actor=world.builder, project=road, title="管线迁改滞后", description="燃气管线未迁改，影响施工", now=NOW
    )
    wo = link.work_order
    assert wo.grid_id == world.grid1.pk  # the middle of the line lies in grid 1
    assert wo.channel == Channel.INSPECTION
    assert "翡翠路改造工程" in wo.title and road.code in wo.description
    assert (link.lng, link.lat) == (113.02, 33.02)
    assert AuditEntry.objects.filter(action="projects.problem_create", object_id=str(road.pk)).exists()


def test_a_problem_at_a_chosen_point_lands_in_that_grid(world: SimpleNamespace, road: Project) -> None:
    link = project_problem_raise(
        actor=world.admin, project=road, title="占道", description="材料占道", lng=113.07, lat=33.02, now=NOW
    )
    assert link.work_order.grid_id == world.grid2.pk


def test_a_problem_outside_the_platform_is_refused_and_nothing_is_kept(world: SimpleNamespace, road: Project) -> None:
    with pytest.raises(ValidationFailed):
        project_problem_raise(actor=world.admin, project=road, title="x", description="y", lng=120.0, lat=30.0)
    assert not ProjectProblem.objects.exists()


def test_a_leader_who_only_views_cannot_raise_a_project_problem(world: SimpleNamespace, road: Project) -> None:
    with pytest.raises(PermissionDenied):
        project_problem_raise(actor=world.leader, project=road, title="x", description="y")
    assert not ProjectProblem.objects.exists()
