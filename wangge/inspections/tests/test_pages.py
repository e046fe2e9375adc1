"""The pages: my rounds today, the round form done on the phone (with photos and position), the round detail and
its steps, the managers' list and summary, the checklists and the schedules; scope answers 404."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from wangge.inspections.models import ChecklistTemplate, Round, Schedule

from .conftest import jpeg, make_rounds

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@freeze_time("2025-07-02 02:00:00")
def test_my_rounds_today_and_the_form_done_on_the_phone(w: SimpleNamespace) -> None:
    rounds = make_rounds(w, dt.date(2025, 7, 2))
    r = rounds["P-1"]
    c = client(w.worker)
    home = c.get(reverse("web:inspection_home"))
    assert (
        home.status_code == 200 and "测试易积水点" in home.content.decode() and "测试河道" not in home.content.decode()
    )
    form = c.get(reverse("web:inspection_round_do", args=[r.pk]))
    assert (
        form.status_code == 200 and "排水口畅通" in form.content.decode() and 'name="latitude"' in form.content.decode()
    )

    def data() -> dict[str, Any]:
        return {
            "r_drains_clear": "false",
            "r_pumps_ready": "true",
            "r_water_depth": "4",
            "r_warning_signs": "true",
            "p_photo": jpeg(),
            "p_drains_clear": jpeg("drain.jpg"),
            "latitude": "33.0201",
            "longitude": "113.0201",
        }

    missing = c.post(reverse("web:inspection_round_do", args=[r.pk]), {**data(), "p_photo": ""})
    assert missing.status_code == 400 and Round.objects.get(pk=r.pk).status == "pending"
    done = c.post(reverse("web:inspection_round_do", args=[r.pk]), data())
    assert done.status_code == 302
    r.refresh_from_db()
    assert r.status == "done" and r.failed_items == 1 and r.cases_opened == 1 and r.photos.count() == 2
    detail = c.get(reverse("web:inspection_round_detail", args=[r.pk])).content.decode()
    assert "不合格" in detail and r.results.get(item__key="drains_clear").work_order.tracking_code in detail  # type: ignore[union-attr]
    photo = r.photos.first()
    assert photo is not None
    got = c.get(reverse("web:inspection_round_photo", args=[r.pk, photo.pk]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")


@freeze_time("2025-07-02 02:00:00")
def test_spot_check_from_the_detail_page(w: SimpleNamespace) -> None:
    r = make_rounds(w, dt.date(2025, 7, 2))["P-1"]
    client(w.worker).post(
        reverse("web:inspection_round_do", args=[r.pk]),
        {
            "r_drains_clear": "true",
            "r_pumps_ready": "true",
            "r_water_depth": "1",
            "r_warning_signs": "true",
            "p_photo": jpeg(),
        },
    )
    c = client(w.inspector)
    page = c.get(reverse("web:inspection_round_detail", args=[r.pk])).content.decode()
    assert "抽查" in page and "未定位" in page
    response = c.post(
        reverse("web:inspection_round_act", args=[r.pk, "spot_check"]),
        {"expected_version": 1, "agree": "1", "note": "属实"},
    )
    assert response.status_code == 302
    assert Round.objects.get(pk=r.pk).status == "checked"


def test_another_district_sees_404(w: SimpleNamespace) -> None:
    r = make_rounds(w)["P-1"]
    c = client(w.stranger)
    for name in ("web:inspection_round_detail", "web:inspection_round_do"):
        assert c.get(reverse(name, args=[r.pk])).status_code == 404
    assert c.post(reverse("web:inspection_round_act", args=[r.pk, "spot_check"]), {"agree": "True"}).status_code == 404
    assert "测试易积水点" not in c.get(reverse("web:inspection_round_list")).content.decode()


def test_the_managers_list_summary_and_filters(w: SimpleNamespace) -> None:
    make_rounds(w)
    c = client(w.dispatcher)
    page = c.get(reverse("web:inspection_round_list"), {"point_type": "river"}).content.decode()
    assert "测试河道" in page and "测试易积水点" not in page
    summary = c.get(reverse("web:inspection_summary"), {"from": "2025-07-02", "to": "2025-07-02"})
    assert summary.status_code == 200 and "一网格" in summary.content.decode() and "二网格" in summary.content.decode()
    home = c.get(reverse("web:inspection_home"), {"from": "2025-07-02", "to": "2025-07-02"})
    assert home.status_code == 200 and "按点位类型" in home.content.decode()


def test_the_command_centre_publishes_a_checklist_a_grid_worker_cannot(w: SimpleNamespace) -> None:
    c = client(w.dispatcher)
    assert "易积水点巡查体检表" in c.get(reverse("web:inspection_checklists")).content.decode()
    edit = reverse("web:inspection_checklist_edit", args=["waterlogging"])
    assert c.get(edit).status_code == 200
    data = {
        "name": "易积水点巡查体检表",
        "note": "增加井盖",
        "i0_label": "井盖完好",
        "i0_key": "covers",
        "i0_kind": "yes_no",
        "i0_required": "on",
        "i0_opens_case": "on",
        "i0_category": "C0102",
    }
    for n in range(1, 12):
        data[f"i{n}_kind"] = "yes_no"
    response = c.post(edit, data)
    assert response.status_code == 302
    current = ChecklistTemplate.objects.get(point_type__key="waterlogging", is_current=True)
    assert current.version == 2 and [i.key for i in current.items.all()] == ["covers"]
    assert client(w.worker).get(edit).status_code == 404
    detail = c.get(reverse("web:inspection_checklist_detail", args=[current.pk])).content.decode()
    assert "井盖完好" in detail and "v1" in detail


def test_street_staff_keep_the_schedules(w: SimpleNamespace) -> None:
    assert "防汛隐患点巡查" in client(w.dispatcher).get(reverse("web:inspection_schedules")).content.decode()
    c = client(w.street_staff)
    assert "防汛隐患点巡查" not in c.get(reverse("web:inspection_schedules")).content.decode()  # the district's
    data = {
        "name": "街道桥涵周巡",
        "territory": w.street.pk,
        "point_types": [w.river.type.pk],
        "season_start": "06-01",
        "season_end": "09-30",
        "season_frequency": "daily",
        "off_season_frequency": "weekly",
        "assignee_rule": "grid_workers",
        "priority": "50",
        "is_active": "on",
    }
    assert c.post(reverse("web:inspection_schedule_new"), data).status_code == 302
    s = Schedule.objects.get(name="街道桥涵周巡")
    assert s.territory == w.street and s.priority == 50
    assert "街道桥涵周巡" in c.get(reverse("web:inspection_schedules")).content.decode()
    bad = c.post(reverse("web:inspection_schedule_new"), {**data, "name": "错", "season_start": "02-30"})
    assert bad.status_code == 400 and not Schedule.objects.filter(name="错").exists()
    assert c.get(reverse("web:inspection_schedule_edit", args=[w.schedule.pk])).status_code == 404  # district's
    worker = client(w.worker).post(
        reverse("web:inspection_schedule_new"), {**data, "territory": w.grid1.pk, "name": "网格员计划"}
    )
    assert worker.status_code == 403 and not Schedule.objects.filter(name="网格员计划").exists()
