"""The warning API (scoped, create, acknowledge, coverage, steps), the pages (render, scope, 收到, steps, export
through the safe writer), the ``warning`` command and the demo step."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from wangge.core.models import AuditEntry
from wangge.demo.services import DEMO_ACTOR
from wangge.emergency.models import Warning, WarningDelivery
from wangge.emergency.selectors import active_warnings, coverage, warnings_in_period
from wangge.emergency.tests.conftest import T0, issue


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sent(fw: SimpleNamespace, django_capture_on_commit_callbacks) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        fw.warning = issue(fw)
    return fw


def test_acknowledging_through_the_api_moves_one_to_acknowledged(sent: SimpleNamespace) -> None:
    url = f"/api/warnings/{sent.warning.pk}/"
    before = api(sent.dispatcher).get(url + "coverage/").json()
    response = api(sent.worker2).post(url + "acknowledge/")
    assert response.status_code == 200
    assert response.json()["must_acknowledge"] is True and response.json()["acknowledged_at"]
    after = api(sent.dispatcher).get(url + "coverage/").json()
    assert (before["acknowledged"], after["acknowledged"]) == (0, 1)
    grid2 = next(g for g in after["by_grid"] if g["code"] == sent.grid2.code)
    assert (grid2["acknowledged"], grid2["must_ack"]) == (1, 1)


def test_the_api_is_scoped(sent: SimpleNamespace) -> None:
    url = f"/api/warnings/{sent.warning.pk}/"
    assert api(sent.worker1).get("/api/warnings/").json()["count"] == 1
    assert api(sent.stranger).get("/api/warnings/").json()["count"] == 0
    for path in ("", "coverage/"):
        assert api(sent.stranger).get(url + path).status_code == 404
    assert api(sent.other_worker).post(url + "acknowledge/").status_code == 404
    assert api(sent.dispatcher).post(url + "acknowledge/").status_code == 403


def test_the_command_centre_issues_and_lifts_through_the_api(fw: SimpleNamespace) -> None:
    body = {"hazard_type": "flood", "level": "yellow", "text": "沙河水位上涨", "nodes": [fw.street.code]}
    response = api(fw.dispatcher).post("/api/warnings/", body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["nodes"] == [fw.street.code]
    assert api(fw.inspector).post("/api/warnings/", body, format="json").status_code == 403
    assert api(fw.worker1).post("/api/warnings/", body, format="json").status_code == 400  # a node it cannot see
    assert api(fw.dispatcher).post("/api/warnings/", {**body, "level": "pink"}, format="json").status_code == 400
    steps = api(fw.dispatcher).get(f"/api/warnings/{pk}/transitions/").json()
    assert {s["name"] for s in steps} == {"upgrade", "downgrade", "lift"}
    bad = api(fw.dispatcher).post(f"/api/warnings/{pk}/transitions/", {"name": "upgrade", "new_level": "blue"})
    assert bad.status_code == 400
    assert api(fw.worker1).post(f"/api/warnings/{pk}/transitions/", {"name": "lift"}).status_code == 403
    lifted = api(fw.dispatcher).post(f"/api/warnings/{pk}/transitions/", {"name": "lift", "note": "退水"})
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    assert api(fw.dispatcher).post(f"/api/warnings/{pk}/transitions/", {"name": "lift"}).status_code == 409


def test_the_pages_render_for_the_command_centre(sent: SimpleNamespace) -> None:
    client = web(sent.dispatcher)
    pk = sent.warning.pk
    for url in ("/emergency/", "/emergency/warnings/", "/emergency/warnings/new/", f"/emergency/warnings/{pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/emergency/warnings/{pk}/").content.decode()
    assert "巡查频次加密" in page and "覆盖情况" in page and 'hx-trigger="every 10s"' in page
    assert "一网格" in client.get(f"/emergency/warnings/{pk}/coverage/").content.decode()
    shares = client.get(f"/emergency/warnings/{pk}/coverage.json").json()["grids"]
    assert shares[str(sent.grid1.pk)]["must_ack"] == 2


def test_the_pages_are_scoped(sent: SimpleNamespace) -> None:
    pk = sent.warning.pk
    for url in (
        f"/emergency/warnings/{pk}/",
        f"/emergency/warnings/{pk}/ack/",
        f"/emergency/warnings/{pk}/coverage.xlsx",
    ):
        assert web(sent.stranger).get(url).status_code == 404
    assert web(sent.worker1).get("/emergency/warnings/new/").status_code == 404
    assert web(sent.worker1).post(f"/emergency/warnings/{pk}/act/lift/", {"expected_version": 1}).status_code == 403
    assert Warning.objects.get(pk=pk).status == "active"


def test_a_grid_worker_taps_收到_from_the_inbox_link(sent: SimpleNamespace) -> None:
    client = web(sent.worker1)
    mine = client.get("/emergency/mine/").content.decode()
    assert sent.warning.code in mine and "收到" in mine
    ack = f"/emergency/warnings/{sent.warning.pk}/ack/"
    assert "收到" in client.get(ack).content.decode()
    assert client.post(ack).status_code == 302
    assert "确认收到" in client.get(ack).content.decode()
    assert WarningDelivery.objects.get(warning=sent.warning, recipient=sent.worker1).acknowledged_at is not None
    assert sent.warning.code not in client.get("/emergency/mine/").content.decode()


def test_issuing_and_lifting_from_the_pages(fw: SimpleNamespace) -> None:
    client = web(fw.dispatcher)
    form = {"hazard_type": "wind", "level": "blue", "text": "大风蓝色预警", "nodes": [fw.community.pk]}
    response = client.post("/emergency/warnings/new/", form)
    assert response.status_code == 302
    w = Warning.objects.get()
    assert (w.hazard_type, w.level) == ("wind", "blue")
    response = client.post(f"/emergency/warnings/{w.pk}/act/upgrade/", {"expected_version": 1, "new_level": "orange"})
    assert response.status_code == 302
    response = client.post(f"/emergency/warnings/{w.pk}/act/lift/", {"expected_version": 1, "note": "已过境"})
    assert response.status_code == 302
    w.refresh_from_db()
    assert (w.level, w.status, w.revision) == ("orange", "lifted", 2)


def test_the_coverage_export_goes_through_the_safe_writer(sent: SimpleNamespace) -> None:
    WarningDelivery.objects.filter(grid=sent.grid1).update(name="=HYPERLINK(1)")
    response = web(sent.dispatcher).get(f"/emergency/warnings/{sent.warning.pk}/coverage.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "网格编码"
    assert [r[0] for r in rows[2:4]] == [sent.grid1.code, sent.grid2.code]
    assert rows[-1][0] == "合计" and rows[-1][3] == coverage(sent.warning)["notified"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert AuditEntry.objects.filter(action="emergency.coverage_export").exists()


def test_the_command_issues_prints_coverage_and_lifts(fw: SimpleNamespace, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "warning",
            "issue",
            "--type",
            "rainstorm",
            "--level",
            "orange",
            "--scope",
            "410403",
            "--text",
            "暴雨",
            stdout=out,
        )
    line = out.getvalue().strip()
    assert line.startswith("warning=")
    pk = line.split("=")[1]
    out = io.StringIO()
    call_command("warning", "coverage", pk, stdout=out)
    c = json.loads(out.getvalue())
    assert (c["notified"], c["acknowledged"], c["not_reached"]) == (4, 0, 0)
    assert {g["code"] for g in c["by_grid"]} == {fw.grid1.code, fw.grid2.code}
    call_command("warning", "lift", pk, stdout=io.StringIO())
    assert Warning.objects.get(pk=pk).status == "lifted"


def test_the_report_selectors(sent: SimpleNamespace) -> None:
    assert [w.pk for w in active_warnings(sent.grid1, now=T0)] == [sent.warning.pk]
    assert active_warnings(sent.other_grid, now=T0) == []
    rows = warnings_in_period(sent.community, T0.date(), T0.date())
    assert [r["code"] for r in rows] == [sent.warning.code]
    assert rows[0]["notified"] == 4 and rows[0]["households_messaged"] == 2
    assert warnings_in_period(sent.other_district, T0.date(), T0.date()) == []


def test_the_demo_step_issues_one_partly_acknowledged_warning_once(fw: SimpleNamespace) -> None:
    from wangge.demo.emergency import emergency_seed

    created, unchanged = emergency_seed(actor=DEMO_ACTOR, options=None)
    assert created > 1 and unchanged == 0
    w = Warning.objects.get(is_synthetic=True)
    c = coverage(w)
    assert (w.level, w.hazard_type) == ("orange", "rainstorm")
    assert c["households"] == {"total": 3, "messaged": 2, "not_reached": 1}  # 卫东区's, one without a phone
    assert c["notified"] == 4 and c["pending"] == 0
    assert emergency_seed(actor=DEMO_ACTOR, options=None) == (0, 1)
