"""Pages and JSON of the reports app: they render, downloads are what they say, and scope holds."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from wangge.accounts.choices import Role
from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.core.tests.images import PNG
from wangge.reports.models import Assessment, Bulletin, PatrolCheckin
from wangge.reports.services import bulletin_generate
from wangge.workorders.tests.conftest import _user

from .test_bulletin import AT, DAY, day  # noqa: F401  (fixture)


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


@pytest.fixture
def bulletin(world: SimpleNamespace, day: SimpleNamespace) -> Bulletin:  # noqa: F811
    return bulletin_generate(actor=SYSTEM, date=DAY, scope_code=world.district.code, now=AT)


def test_pages_need_a_login(world: SimpleNamespace) -> None:
    for name in ("reports:index", "reports:bulletins", "reports:dashboard", "reports:patrol", "reports:assessments"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]


def test_bulletin_page_and_downloads(world: SimpleNamespace, bulletin: Bulletin) -> None:
    c = client_for(world.dispatcher)
    page = c.get(reverse("reports:bulletin_detail", args=[bulletin.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "卫东区网格化服务管理日通报" in html and "共受理群众诉求 6 件" in html and "生态环境分局" in html
    xlsx = c.get(reverse("reports:bulletin_xlsx", args=[bulletin.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "日通报"
    pdf = c.get(reverse("reports:bulletin_pdf", args=[bulletin.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]


def test_bulletin_downloads_are_audited(world: SimpleNamespace, bulletin: Bulletin) -> None:
    c = client_for(world.dispatcher)

    c.get(reverse("reports:bulletin_xlsx", args=[bulletin.pk]), REMOTE_ADDR="203.0.113.7")
    c.get(reverse("reports:bulletin_pdf", args=[bulletin.pk]), REMOTE_ADDR="203.0.113.7")

    entries = AuditEntry.objects.filter(action="reports.bulletin_download").order_by("id")
    assert [e.after["format"] for e in entries if e.after] == ["xlsx", "pdf"]
    for entry in entries:
        assert entry.actor == world.dispatcher and entry.ip == "203.0.113.7"
        assert (entry.model, entry.object_id) == ("bulletin", str(bulletin.pk))
        assert entry.after is not None and entry.after["filters"] == {
            "scope": bulletin.scope_code,
            "date": DAY.isoformat(),
        }


def test_bulletin_out_of_scope_is_not_found(world: SimpleNamespace, bulletin: Bulletin) -> None:
    c = client_for(world.stranger)
    for name in ("reports:bulletin_detail", "reports:bulletin_xlsx", "reports:bulletin_pdf"):
        assert c.get(reverse(name, args=[bulletin.pk])).status_code == 404
    assert bulletin.scope_name not in c.get(reverse("reports:bulletins")).content.decode()


def test_generate_from_the_page(world: SimpleNamespace, day: SimpleNamespace) -> None:  # noqa: F811
    c = client_for(world.dispatcher)
    response = c.post(reverse("reports:bulletins"), {"date": DAY.isoformat(), "scope": world.street.code})
    b = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:bulletin_detail", args=[b.pk])
    refused = client_for(world.stranger).post(
        reverse("reports:bulletins"), {"date": DAY.isoformat(), "scope": "410403"}
    )
    assert refused.status_code == 200 and "找不到编码" in refused.content.decode()
    assert Bulletin.objects.count() == 1


def test_rankings_page(world: SimpleNamespace, day: SimpleNamespace) -> None:  # noqa: F811
    response = client_for(world.leader).get(reverse("reports:rankings"), {"month": "2025-06", "by": "street"})
    html = response.content.decode()
    assert response.status_code == 200 and "三率综合得分率" in html and "样本不足" in html and "测试街道" in html


def test_dashboard_page_loads_echarts_locally(world: SimpleNamespace) -> None:
    html = client_for(world.leader).get(reverse("reports:dashboard")).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html and "http" not in html.split("<script")[1][:80]
    # the wall clock shows the platform's time, not the time zone of the PC driving the screen
    assert 'data-time-zone="Asia/Shanghai"' in html


def test_dashboard_json_follows_the_scope(world: SimpleNamespace, day: SimpleNamespace) -> None:  # noqa: F811
    mine = client_for(world.leader).get(reverse("reports:dashboard_data")).json()
    assert set(mine) >= {"kpis", "trend", "categories", "heat", "gauges", "overdue_units"}
    assert len(mine["trend"]["dates"]) == 30
    assert {h["name"] for h in mine["heat"]} == {world.grid1.code, world.grid2.code}
    theirs = client_for(world.stranger).get(reverse("reports:dashboard_data")).json()
    assert theirs["heat"] == [] and theirs["kpis"]["open"] == 0 and theirs["overdue_units"] == []
    assert mine["kpis"]["open"] > 0
    grids = client_for(world.leader).get(reverse("reports:dashboard_grids")).json()
    assert {f["properties"]["name"] for f in grids["features"]} == {world.grid1.code, world.grid2.code}


def test_patrol_page_checks_in(world: SimpleNamespace) -> None:
    c = client_for(world.worker)
    assert c.get(reverse("reports:patrol")).status_code == 200
    response = c.post(reverse("reports:patrol"), {"lng": "113.01", "lat": "33.01", "crs": "wgs84", "note": "巡查"})
    assert response.status_code == 302
    checkin = PatrolCheckin.objects.get()
    assert checkin.grid == world.grid1
    data = c.get(reverse("reports:checkins"), {"date": checkin.at.astimezone().date().isoformat()}).json()
    assert [x["grid"] for x in data["checkins"]] == [world.grid1.code]
    outside = c.post(reverse("reports:patrol"), {"lng": "120", "lat": "30", "crs": "wgs84"})
    assert outside.status_code == 200 and "不在本平台任何辖区内" in outside.content.decode()
    assert PatrolCheckin.objects.count() == 1


def test_patrol_photo_upload_is_audited(world: SimpleNamespace) -> None:
    c = client_for(world.worker)
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")

    c.post(
        reverse("reports:patrol"),
        {"lng": "113.01", "lat": "33.01", "crs": "wgs84", "note": "巡查", "photo": photo},
        REMOTE_ADDR="203.0.113.7",
    )

    checkin = PatrolCheckin.objects.get()
    assert checkin.photo.name
    entry = AuditEntry.objects.get(action="patrol.checkin")
    assert entry.actor == world.worker and entry.ip == "203.0.113.7"
    assert (entry.model, entry.object_id) == ("patrolcheckin", str(checkin.pk))
    assert entry.after is not None and entry.after["photo"] == checkin.photo.name


def test_assessment_pages(world: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_ASSESSMENT_AUTO_ITEMS = {
        "on_time_verification": {"label": "按时核查回访", "points": 65, "target": 1.0, "when_empty": "full"}
    }
    settings.WANGGE_ASSESSMENT_MANUAL_ITEMS = [{"key": "work", "label": "日常工作", "points": 35}]
    community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=world.community)
    street_staff = _user("jd", Role.STREET_STAFF, territory=world.street)
    sq, jd = client_for(community_staff), client_for(street_staff)
    response = sq.post(reverse("reports:assessment_prepare"), {"month": "2025-06", "community": world.community.pk})
    assert response.status_code == 302 and Assessment.objects.count() == 2
    a = Assessment.objects.get(worker=world.worker)
    detail = sq.get(reverse("reports:assessment_detail", args=[a.pk])).content.decode()
    assert "提交评分" in detail and "确认考评结果" not in detail
    sq.post(reverse("reports:assessment_score", args=[a.pk]), {"m_work": "20", "note": "", "version": a.version})
    a.refresh_from_db()
    assert (a.status, str(a.total)) == ("scored", "85.00")
    # The community cannot confirm; the street can.
    sq.post(reverse("reports:assessment_confirm", args=[a.pk]), {"version": a.version})
    a.refresh_from_db()
    assert a.status == "scored"
    assert "确认考评结果" in jd.get(reverse("reports:assessment_detail", args=[a.pk])).content.decode()
    jd.post(reverse("reports:assessment_confirm", args=[a.pk]), {"version": a.version})
    a.refresh_from_db()
    assert a.status == "confirmed"
    export = jd.get(reverse("reports:assessment_export"), {"month": "2025-06"}, REMOTE_ADDR="203.0.113.7")
    assert load_workbook(io.BytesIO(export.content)).active.max_row >= 5  # type: ignore[union-attr]
    entry = AuditEntry.objects.get(action="reports.assessment_export")
    assert entry.actor == street_staff and entry.ip == "203.0.113.7"
    assert entry.after == {
        "what": "reports.assessment",
        "format": "xlsx",
        "count": 2,
        "filters": {"month": "2025-06"},
        "revealed": False,
    }
    assert client_for(world.stranger).get(reverse("reports:assessment_detail", args=[a.pk])).status_code == 404
    own = client_for(world.worker).get(reverse("reports:assessment_detail", args=[a.pk]))
    assert own.status_code == 200 and "提交评分" not in own.content.decode()


def test_assessment_prepare_refuses_an_unseen_community(world: SimpleNamespace) -> None:
    c = client_for(world.stranger)
    response = c.post(reverse("reports:assessment_prepare"), {"month": "2025-06", "community": world.community.pk})
    assert response.status_code == 404 and not Assessment.objects.exists()
