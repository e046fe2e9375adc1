"""The pages: meetings by day, a meeting, the split form, the tasks of a unit's handler (sign from the phone page),
a task, the 交办单 (page, PDF with the unit's tasks) and the .xlsx; out of scope answers 404."""

from __future__ import annotations

import io
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from wangge.meetings.models import Task

from .conftest import one_task, split

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_the_meeting_pages_render_for_the_dispatcher(mt: SimpleNamespace) -> None:
    t = one_task(mt)
    c = client_for(mt.dispatcher)
    page = c.get(reverse("web:meeting_list"))
    assert page.status_code == 200 and mt.meeting.title in page.content.decode()
    detail = c.get(reverse("web:meeting_detail", args=[mt.meeting.pk])).content.decode()
    assert "建设路背街小巷垃圾堆积" in detail and t.code in detail and "分解交办" in detail
    assert c.get(reverse("web:meeting_new")).status_code == 200
    assert c.get(reverse("web:meeting_issue_split", args=[mt.issue.pk])).status_code == 200
    assert c.get(reverse("web:meeting_task_detail", args=[t.pk])).status_code == 200


def test_new_meeting_issue_and_split_through_the_forms(mt: SimpleNamespace) -> None:
    c = client_for(mt.dispatcher)
    r = c.post(
        reverse("web:meeting_new"),
        {"territory": mt.district.pk, "kind": "daily", "held_on": "2025-06-04", "starts_at": "18:00"},
    )
    assert r.status_code == 302
    pk = int(r["Location"].rstrip("/").rsplit("/", 1)[-1])
    r = c.post(reverse("web:meeting_issue_new", args=[pk]), {"title": "桥涵积水", "source": "supervision"})
    assert r.status_code == 302
    issue = mt.meeting.__class__.objects.get(pk=pk).issues.get()
    r = c.post(
        reverse("web:meeting_issue_split", args=[issue.pk]),
        {
            "r0_unit": mt.dept.pk,
            "r0_requirement": "疏通管网",
            "r0_deadline_days": "2",
            "r1_unit": mt.office.pk,
            "r1_requirement": "设置警示",
            "r1_deadline": "2025-06-06",
        },
    )
    assert r.status_code == 302
    assert Task.objects.filter(issue=issue).count() == 2


def test_a_units_handler_sees_and_signs_its_tasks_only(mt: SimpleNamespace) -> None:
    mine, theirs = split(
        mt,
        {"unit": mt.dept, "requirement": "清运", "deadline_days": 2},
        {"unit": mt.dept2, "requirement": "修补", "deadline_days": 2},
    )
    c = client_for(mt.handler)
    page = c.get(reverse("web:meeting_tasks")).content.decode()
    assert mine.code in page and theirs.code not in page
    assert c.get(reverse("web:meeting_task_detail", args=[theirs.pk])).status_code == 404
    assert c.get(reverse("web:meeting_detail", args=[mt.meeting.pk])).status_code == 404  # meetings: by territory
    r = c.post(reverse("web:meeting_task_act", args=[mine.pk, "sign"]), {"expected_version": 1})
    assert r.status_code == 302
    assert Task.objects.get(pk=mine.pk).status == "signed"
    r = c.post(reverse("web:meeting_task_act", args=[mine.pk, "close"]), {"expected_version": 1})
    assert r.status_code in (403, 409) and Task.objects.get(pk=mine.pk).status == "signed"


def test_another_district_sees_nothing(mt: SimpleNamespace) -> None:
    t = one_task(mt)
    c = client_for(mt.stranger)
    assert c.get(reverse("web:meeting_detail", args=[mt.meeting.pk])).status_code == 404
    assert c.get(reverse("web:meeting_task_detail", args=[t.pk])).status_code == 404
    assert c.get(reverse("web:meeting_unit_sheet_pdf", args=[mt.meeting.pk, mt.dept.pk])).status_code == 404
    assert t.code not in c.get(reverse("web:meeting_tasks")).content.decode()


def test_the_unit_sheet_is_a_pdf_with_the_units_tasks(mt: SimpleNamespace, tmp_path: object) -> None:
    split(
        mt,
        {"unit": mt.dept, "requirement": "三日内清运完毕", "deadline": "2025-06-06"},
        {"unit": mt.dept2, "requirement": "修补路面坑洼", "deadline": "2025-06-09"},
    )
    c = client_for(mt.handler)
    page = c.get(reverse("web:meeting_unit_sheet", args=[mt.meeting.pk, mt.dept.pk])).content.decode()
    assert "三日内清运完毕" in page and "修补路面坑洼" not in page and "签收人" in page
    r = c.get(reverse("web:meeting_unit_sheet_pdf", args=[mt.meeting.pk, mt.dept.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
        compact = "".join(out.split())
        assert "区城市管理局" in compact and "2025-06-06" in compact and "修补路面坑洼" not in compact


def test_the_task_list_exports_as_xlsx(mt: SimpleNamespace) -> None:
    t = one_task(mt, requirement='=HYPERLINK("http://x")')
    r = client_for(mt.dispatcher).get(reverse("web:meeting_tasks_export"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "交办编号" and rows[1][0] == t.code
    assert rows[1][5] == '=HYPERLINK("http://x")' and ws.cell(2, 6).data_type == "s"
