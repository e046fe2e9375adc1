"""一考评 empty items, one rule everywhere: a draft whose manual items are not scored is 待评分 (no grade) on the
list, the detail page and the export; an automatic item with nothing to measure is 不适用 and earns its points."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from wangge.accounts.choices import Role
from wangge.reports import assessment, services
from wangge.reports.choices import AssessmentGrade
from wangge.workorders.tests.conftest import _user, local

JUNE_1 = local(2025, 6, 1, 9, 0)  # a Sunday: no working day of June has passed yet
JULY = local(2025, 7, 1, 9, 0)


@pytest.fixture
def staff(world: SimpleNamespace) -> SimpleNamespace:
    world.community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=world.community)
    world.street_staff = _user("jd", Role.STREET_STAFF, territory=world.street)
    return world


def test_a_draft_before_manual_scoring_has_no_grade(staff: SimpleNamespace) -> None:
    a = services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    assert a.grade == "" and assessment.is_pending(a)
    assert assessment.grade_label(a) == "待评分"

    scored = services.assessment_score(
        actor=staff.community_staff,
        assessment_id=a.pk,
        manual={"discipline": "10", "residents": "10", "tasks": "15"},
        now=JULY,
    )
    assert not assessment.is_pending(scored) and scored.grade in AssessmentGrade.values
    assert assessment.grade_label(scored) == str(AssessmentGrade(scored.grade).label)


def test_an_unscored_manual_item_is_pending_not_zero() -> None:
    items = {"reports": {"score": 60.0}}
    partial = assessment.outcome(items, {"discipline": "10", "residents": ""})
    assert partial.pending and partial.grade == "" and partial.manual_score == Decimal("10")
    complete = assessment.outcome(items, {"discipline": "10", "residents": "5", "tasks": "0"})  # 75
    assert not complete.pending and complete.grade == AssessmentGrade.QUALIFIED


def test_automatic_items_with_nothing_to_measure_are_not_applicable_and_earn_full_points(
    staff: SimpleNamespace,
) -> None:
    items = assessment.auto_items_for(staff.worker, JUNE_1.date(), now=JUNE_1)
    empty = {k for k, i in items.items() if not i["applicable"]}
    # No elapsed working day: no check-in target, no log to keep; no report and no verification to rate.
    assert empty == {
        "patrol_checkins",
        "valid_report_rate",
        "on_time_verification",
        "daily_log_completeness",
        "inspection_rounds",
    }
    assert all(items[k]["score"] == items[k]["points"] for k in empty)
    # Counted work with a target and none done is applicable and scores zero.
    assert items["reports"]["applicable"] and items["reports"]["score"] == 0


def test_pages_and_export_show_pending_not_unqualified(staff: SimpleNamespace) -> None:
    a = services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    assert a.total <= 70  # by the numbers alone this draft would read 不合格
    client = Client()
    client.force_login(staff.street_staff)

    listing = client.get(reverse("reports:assessments"), {"month": "2025-06"}).content.decode()
    detail = client.get(reverse("reports:assessment_detail", args=[a.pk])).content.decode()
    export = client.get(reverse("reports:assessment_export"), {"month": "2025-06"})

    for page in (listing, detail):
        assert "待评分" in page and "不合格" not in page
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "待评分" in cells and "不合格" not in cells


def test_a_stored_draft_graded_by_the_old_rule_reads_pending(staff: Any) -> None:
    a = services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    a.grade = AssessmentGrade.UNQUALIFIED  # as drafts were saved before the rule
    a.save()
    assert assessment.grade_label(a) == "待评分"
