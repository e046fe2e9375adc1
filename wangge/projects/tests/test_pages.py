"""The pages: list with rollup cards and export, detail, create and edit, weekly entry, problem, week summary."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wangge.core.models import AuditEntry
from wangge.projects.models import Project, ProjectProblem, WeeklyEntry
from wangge.projects.services import project_transition
from wangge.projects.tests.conftest import ROAD, jpeg, new_project

pytestmark = pytest.mark.django_db


def login(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_list_shows_the_rollup_cards_and_the_projects(world: SimpleNamespace, road: Project) -> None:
    html = login(world.admin).get(reverse("web:project_list")).content.decode()
    assert "项目台账" in html and road.name in html and "总投资（万元）" in html and "420.00" in html
    assert "道路" in html and "登记项目" in html
    assert road.name not in login(world.stranger).get(reverse("web:project_list")).content.decode()


def test_the_list_filters_with_the_shared_filterset(world: SimpleNamespace, road: Project) -> None:
    new_project(world, name="新建公厕", type="livelihood", geometry=None)
    html = login(world.admin).get(reverse("web:project_list"), {"type": "livelihood"}).content.decode()
    assert "新建公厕" in html and road.code not in html


def test_the_export_is_a_workbook_with_the_rollup_and_is_audited(world: SimpleNamespace, road: Project) -> None:
    new_project(world, name='=HYPERLINK("http://x")', geometry=None)
    response = login(world.admin).get(reverse("web:project_list"), {"export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["项目清单"].iter_rows(values_only=True))
    assert rows[0][0] == "项目编号" and len(rows) == 3
    names = [r[1] for r in rows[1:]]
    assert '=HYPERLINK("http://x")' in names
    cell = next(c for c in book["项目清单"]["B"] if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"  # text, never a live formula
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert any(r[0] == "按类型" and r[1] == "道路" and r[2] == 2 for r in summary)
    assert AuditEntry.objects.filter(action="projects.export").exists()


def test_the_detail_shows_map_milestones_chart_entries_and_steps(world: SimpleNamespace, road: Project) -> None:
    project_transition(actor=world.admin, project=road, name="start")
    response = login(world.builder).get(reverse("web:project_detail", args=[road.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-project-map="project-shape"' in html and "管网完工" in html and "填报周进度" in html
    assert "完工" in html and "<script>" not in html.replace("<script src", "")


def test_another_district_gets_404(world: SimpleNamespace, road: Project) -> None:
    client = login(world.stranger)
    for name in ("web:project_detail", "web:project_edit", "web:project_entry", "web:project_problem"):
        assert client.get(reverse(name, args=[road.pk])).status_code == 404


def test_creating_a_project_from_the_form(world: SimpleNamespace) -> None:
    response = login(world.admin).post(
        reverse("web:project_new"),
        {
            "name": "沁园中路改造工程",
            "type": "road",
            "territory": world.district.pk,
            "geometry": json.dumps(ROAD),
            "crs": "wgs84",
            "components": "路面 3200 平方米\n路灯 40 盏",
            "milestones": "管网完工 | 2025-09-30\n通车 | 2025-11-30 | ",
            "total_investment": "205",
            "invested": "0",
            "progress": "0",
            "lead_unit": world.zjj.pk,
        },
    )
    project = Project.objects.get(name="沁园中路改造工程")
    assert response.status_code == 302
    assert project.components[1] == {"name": "路灯", "quantity": 40.0, "unit": "盏"}
    assert project.milestones.count() == 2 and project.length_m is not None


def test_a_geojson_file_can_be_uploaded(world: SimpleNamespace) -> None:
    upload = SimpleUploadedFile("road.geojson", json.dumps(ROAD).encode(), content_type="application/geo+json")
    login(world.admin).post(
        reverse("web:project_new"),
        {"name": "上传线位", "type": "road", "territory": world.district.pk, "geojson": upload,
         "total_investment": "10", "invested": "0", "progress": "0"},
    )  # fmt: skip
    shape = Project.objects.get(name="上传线位").geometry
    assert shape is not None and shape["type"] == "LineString"


def test_editing_keeps_the_drawing_when_untouched(world: SimpleNamespace, road: Project) -> None:
    client = login(world.builder)
    assert client.get(reverse("web:project_edit", args=[road.pk])).status_code == 200
    data = {
        "name": "翡翠路改造工程（二期）",
        "type": "road",
        "territory": world.district.pk,
        "total_investment": "420",
        "invested": "0",
        "progress": "0",
        "milestones": "管网完工 | 2025-09-30",
        "geometry": "",
    }
    assert client.post(reverse("web:project_edit", args=[road.pk]), data).status_code == 302
    road.refresh_from_db()
    assert road.name == "翡翠路改造工程（二期）" and road.geometry is not None and road.geometry["type"] == "LineString"


def test_the_weekly_entry_form_creates_then_updates_the_week(world: SimpleNamespace, road: Project) -> None:
    project_transition(actor=world.admin, project=road, name="start")
    client = login(world.builder)
    url = reverse("web:project_entry", args=[road.pk])
    assert "填报周进度" in client.get(url).content.decode()
    today = timezone.localdate().isoformat()
    data = {"week": today, "progress": "30", "invested": "120", "work_done": "管网铺设"}
    assert client.post(url, {**data, "photos": jpeg()}).status_code == 302
    assert client.post(url, {**data, "progress": "35"}).status_code == 302
    entry = WeeklyEntry.objects.get()
    assert entry.progress == 35 and entry.photos.count() == 1
    photo = entry.photos.get()
    assert client.get(reverse("web:project_photo", args=[road.pk, photo.pk])).status_code == 200
    assert login(world.stranger).get(reverse("web:project_photo", args=[road.pk, photo.pk])).status_code == 404


def test_the_entry_form_explains_a_refused_decrease(world: SimpleNamespace, road: Project) -> None:
    project_transition(actor=world.admin, project=road, name="start")
    client = login(world.builder)
    url = reverse("web:project_entry", args=[road.pk])
    last_week = timezone.localdate() - dt.timedelta(days=7)
    client.post(url, {"week": last_week.isoformat(), "progress": "50", "invested": "120", "work_done": "a"})
    response = client.post(url, {"week": timezone.localdate().isoformat(), "progress": "40", "invested": "120",
                                 "work_done": "b"})  # fmt: skip
    assert response.status_code == 200 and "请说明原因" in response.content.decode()
    assert WeeklyEntry.objects.count() == 1


def test_a_problem_from_the_page_becomes_a_work_order(world: SimpleNamespace, road: Project) -> None:
    client = login(world.builder)
    url = reverse("web:project_problem", args=[road.pk])
    assert 'data-project-pick="project-shape"' in client.get(url).content.decode()
    response = client.post(url, {"title": "井盖缺失", "description": "施工路段井盖缺失", "crs": "wgs84"})
    assert response.status_code == 302
    link = ProjectProblem.objects.get()
    assert link.work_order.grid_id == world.grid1.pk
    assert link.work_order.tracking_code in client.get(reverse("web:project_detail", args=[road.pk])).content.decode()


def test_a_step_from_the_detail_page(world: SimpleNamespace, road: Project) -> None:
    client = login(world.builder)
    response = client.post(reverse("web:project_act", args=[road.pk, "start"]), {"expected_version": 1})
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.status == "building"
    refused = login(world.leader).post(reverse("web:project_act", args=[road.pk, "complete"]), {"expected_version": 1})
    assert refused.status_code == 403
    road.refresh_from_db()
    assert road.status == "building"


def test_the_week_summary_page(world: SimpleNamespace, road: Project) -> None:
    project_transition(actor=world.admin, project=road, name="start")
    html = login(world.admin).get(reverse("web:project_week"), {"territory": "410403"}).content.decode()
    assert "项目周通报" in html and "在建未填报" in html and road.name in html


def test_a_weekly_entrys_problem_opens_the_case_form_and_is_linked(world: SimpleNamespace, road: Project) -> None:
    project_transition(actor=world.admin, project=road, name="start")
    client = login(world.builder)
    client.post(
        reverse("web:project_entry", args=[road.pk]),
        {"week": timezone.localdate().isoformat(), "progress": "20", "invested": "50", "work_done": "管网",
         "problems": "燃气管线未迁改\n影响东段施工"},
    )  # fmt: skip
    entry = WeeklyEntry.objects.get()
    assert f"?entry={entry.pk}" in client.get(reverse("web:project_detail", args=[road.pk])).content.decode()
    url = reverse("web:project_problem", args=[road.pk]) + f"?entry={entry.pk}"
    assert "燃气管线未迁改" in client.get(url).content.decode()
    client.post(url, {"title": "燃气管线未迁改", "description": "影响东段施工", "crs": "wgs84", "entry": entry.pk})
    link = ProjectProblem.objects.get()
    assert link.entry_id == entry.pk and "周进度" in link.work_order.description
