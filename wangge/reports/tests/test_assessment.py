"""Monthly assessment (一考评): automatic items from the records, thresholds, the community → street flow,
the ladder quota, history and export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from wangge.accounts.choices import Role
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.tests.images import PNG
from wangge.reports import services
from wangge.reports.choices import AssessmentGrade, AssessmentStatus
from wangge.reports.models import Assessment
from wangge.reports.xlsx import assessments_xlsx
from wangge.workorders.choices import Channel
from wangge.workorders.tests.conftest import _user, act, local, new_case

JULY = local(2025, 7, 1, 9, 0)


def png(name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def staff(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=w.community)
    w.street_staff = _user("jd", Role.STREET_STAFF, territory=w.street)
    return w


@pytest.fixture
def simple_items(settings: Any) -> None:
    """One automatic item that a worker without verifications earns in full (65) and one manual item (35)."""
    settings.WANGGE_ASSESSMENT_AUTO_ITEMS = {
        "on_time_verification": {"label": "按时核查回访", "points": 65, "target": 1.0, "when_empty": "full"}
    }
    settings.WANGGE_ASSESSMENT_MANUAL_ITEMS = [{"key": "work", "label": "日常工作", "points": 35}]


# --- automatic items -------------------------------------------------------------------------------


@pytest.fixture
def june(staff: SimpleNamespace) -> SimpleNamespace:
    """A month of one grid worker's records."""
    w = staff
    # Check-ins: four in the own grid, one in the neighbouring grid.
    for day in (3, 4, 5, 6):
        services.patrol_checkin(actor=w.worker, lng=113.01, lat=33.01, at=local(2025, 6, day, 9, 0))
    services.patrol_checkin(actor=w.worker, lng=113.07, lat=33.01, at=local(2025, 6, 6, 10, 0))
    # Reports (随手拍): one dispatched, one invalid, one solved on the spot.
    report = {"actor": w.worker, "channel": Channel.PATROL, "reporter_phone": "", "reporter_name": ""}
    new_case(w, at=local(2025, 6, 3, 10, 0), **report)
    bad = new_case(w, at=local(2025, 6, 4, 10, 0), **report)
    act(w, bad, "invalidate", "caller", local(2025, 6, 4, 10, 30), note="重复上报")
    on_site = new_case(w, at=local(2025, 6, 5, 10, 0), **report)
    act(
        w,
        on_site,
        "resolve_on_site",
        "worker",
        local(2025, 6, 5, 10, 20),
        text="已清理",
        before_photos=[png()],
        after_photos=[png()],
    )
    # Verification by the worker: one within the 1-working-day limit, one a week late; one by the inspector.
    for reply_day, verify_day, who in ((9, 9, "worker"), (10, 17, "worker"), (11, 11, "inspector")):
        wo = new_case(w, at=local(2025, 6, reply_day, 8, 0))
        act(w, wo, "dispatch", "dispatcher", local(2025, 6, reply_day, 8, 40), unit=w.dept)
        act(w, wo, "accept", "handler", local(2025, 6, reply_day, 8, 45))
        act(w, wo, "reply", "handler", local(2025, 6, reply_day, 9, 0), text="已拆除", result="resolved")
        act(w, wo, "verify_pass", who, local(2025, 6, verify_day, 15, 0))
    # Daily logs on five working days.
    for day in (3, 4, 5, 6, 9):
        services.daily_log_save(
            actor=w.worker, date=dt.date(2025, 6, day), summary="巡查网格，走访商户。", now=local(2025, 6, day, 18, 0)
        )
    return w


def test_automatic_items_come_from_the_records(june: SimpleNamespace) -> None:
    a = services.assessment_prepare(actor=june.community_staff, worker=june.worker, year=2025, month=6, now=JULY)
    items = a.auto_items
    # June 2025 has 20 working days (端午 on the 2nd, nine weekend days): 2 check-ins a day → target 40.
    assert (items["patrol_checkins"]["actual"], items["patrol_checkins"]["all_checkins"]) == (4, 5)
    assert (items["patrol_checkins"]["target"], items["patrol_checkins"]["score"]) == (40, 1.0)
    assert (items["reports"]["actual"], items["reports"]["score"]) == (3, 1.5)
    assert items["valid_report_rate"]["actual"] == round(2 / 3, 4)
    assert items["valid_report_rate"]["score"] == round(10 * (2 / 3) / 0.95, 2)
    assert (items["on_site_resolutions"]["actual"], items["on_site_resolutions"]["score"]) == (1, 2.0)
    verification = items["on_time_verification"]
    assert (verification["numerator"], verification["denominator"], verification["score"]) == (1, 2, 5.0)
    log = items["daily_log_completeness"]
    assert (log["numerator"], log["denominator"], log["score"]) == (5, 20, 2.5)
    # 签到 1.0 + 上报 1.5 + 有效上报率 + 现场解决 2.0 + 核查 5.0 + 日志 2.5 + 点位巡查 5.0 (不适用: no rounds)
    assert a.auto_score == Decimal(str(1.0 + 1.5 + round(10 * (2 / 3) / 0.95, 2) + 2.0 + 5.0 + 2.5 + 5.0))
    assert (a.status, a.grid, a.community, a.street) == (
        AssessmentStatus.DRAFT,
        june.grid1,
        june.community,
        june.street,
    )


def test_weights_and_targets_are_configurable(june: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_ASSESSMENT_AUTO_ITEMS = {
        "reports": {"label": "事件上报", "points": 50, "target": 3},
        "patrol_checkins": {"label": "巡查签到", "points": 15, "target_per_working_day": 0.2},
    }
    a = services.assessment_prepare(actor=june.community_staff, worker=june.worker, year=2025, month=6, now=JULY)
    assert a.auto_items["reports"]["score"] == 50.0
    assert a.auto_items["patrol_checkins"]["target"] == 4.0 and a.auto_items["patrol_checkins"]["score"] == 15.0


def test_items_must_add_up_to_100(staff: SimpleNamespace, settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.WANGGE_ASSESSMENT_MANUAL_ITEMS = [{"key": "work", "label": "日常工作", "points": 5}]
    with pytest.raises(ImproperlyConfigured):
        services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    assert not Assessment.objects.exists()


# --- thresholds ----------------------------------------------------------------------------------------


# "80分以上积分定优", "70分以下为不合格": 以上 and 以下 include the number (民法典 第1259条), so 80 is rewarded and
# 70 fails; 合格 lies strictly between.
@pytest.mark.parametrize(
    ("manual", "total", "grade"),
    [
        ("35", "100.00", AssessmentGrade.REWARD),
        ("15.01", "80.01", AssessmentGrade.REWARD),
        ("15", "80.00", AssessmentGrade.REWARD),
        ("14.99", "79.99", AssessmentGrade.QUALIFIED),
        ("14.9", "79.90", AssessmentGrade.QUALIFIED),
        ("5.1", "70.10", AssessmentGrade.QUALIFIED),
        ("5.01", "70.01", AssessmentGrade.QUALIFIED),
        ("5", "70.00", AssessmentGrade.UNQUALIFIED),
        ("4.99", "69.99", AssessmentGrade.UNQUALIFIED),
        ("4.9", "69.90", AssessmentGrade.UNQUALIFIED),
        ("0", "65.00", AssessmentGrade.UNQUALIFIED),
    ],
)
def test_grade_thresholds(staff: SimpleNamespace, simple_items: None, manual: str, total: str, grade: str) -> None:
    a = services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    a = services.assessment_score(actor=staff.community_staff, assessment_id=a.pk, manual={"work": manual}, now=JULY)
    assert (a.total, a.grade) == (Decimal(total), grade)


# --- the flow: draft → scored → confirmed ------------------------------------------------------------------


@pytest.fixture
def draft(staff: SimpleNamespace, simple_items: None) -> Assessment:
    return services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)


def _state(a: Assessment) -> tuple[Any, ...]:
    a.refresh_from_db()
    return (a.status, a.version, a.manual_items, a.total, a.scored_by_id, a.confirmed_by_id, a.promoted)


def test_community_scores_and_street_confirms(staff: SimpleNamespace, draft: Assessment) -> None:
    scored = services.assessment_score(
        actor=staff.community_staff, assessment_id=draft.pk, manual={"work": 30}, note="工作扎实", now=JULY
    )
    assert (scored.status, scored.total, scored.scored_by) == ("scored", Decimal("95.00"), staff.community_staff)
    confirmed = services.assessment_confirm(actor=staff.street_staff, assessment_id=draft.pk, now=JULY)
    assert (confirmed.status, confirmed.confirmed_by) == ("confirmed", staff.street_staff)
    actions = list(AuditEntry.objects.filter(object_id=str(draft.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["assessment.prepare", "assessment.score", "assessment.confirm"]


@pytest.mark.parametrize("who", ["street_staff", "worker", "dispatcher", "leader"])
def test_only_the_community_scores(staff: SimpleNamespace, draft: Assessment, who: str) -> None:
    before = _state(draft)
    with pytest.raises(PermissionDenied):
        services.assessment_score(actor=getattr(staff, who), assessment_id=draft.pk, manual={"work": 30}, now=JULY)
    assert _state(draft) == before


def test_out_of_scope_is_not_found(staff: SimpleNamespace, draft: Assessment) -> None:
    before = _state(draft)
    with pytest.raises(NotFound):
        services.assessment_score(actor=staff.stranger, assessment_id=draft.pk, manual={"work": 30}, now=JULY)
    with pytest.raises(NotFound):
        services.assessment_confirm(actor=staff.other_worker, assessment_id=draft.pk, now=JULY)
    assert _state(draft) == before


@pytest.mark.parametrize("who", ["community_staff", "worker", "leader"])
def test_only_the_street_confirms(staff: SimpleNamespace, draft: Assessment, who: str) -> None:
    services.assessment_score(actor=staff.community_staff, assessment_id=draft.pk, manual={"work": 30}, now=JULY)
    before = _state(draft)
    with pytest.raises((PermissionDenied, NotFound)):
        services.assessment_confirm(actor=getattr(staff, who), assessment_id=draft.pk, now=JULY)
    assert _state(draft) == before


def test_a_draft_cannot_be_confirmed(staff: SimpleNamespace, draft: Assessment) -> None:
    before = _state(draft)
    with pytest.raises(Conflict):
        services.assessment_confirm(actor=staff.street_staff, assessment_id=draft.pk, now=JULY)
    assert _state(draft) == before


def test_a_confirmed_assessment_is_closed(staff: SimpleNamespace, draft: Assessment) -> None:
    services.assessment_score(actor=staff.community_staff, assessment_id=draft.pk, manual={"work": 30}, now=JULY)
    services.assessment_confirm(actor=staff.street_staff, assessment_id=draft.pk, now=JULY)
    before = _state(draft)
    with pytest.raises(Conflict):
        services.assessment_score(actor=staff.community_staff, assessment_id=draft.pk, manual={"work": 1}, now=JULY)
    with pytest.raises(Conflict):
        services.assessment_prepare(actor=staff.community_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    with pytest.raises(Conflict):
        services.assessment_return(actor=staff.street_staff, assessment_id=draft.pk, note="重评")
    assert _state(draft) == before


def test_street_returns_to_the_community(staff: SimpleNamespace, draft: Assessment) -> None:
    services.assessment_score(actor=staff.community_staff, assessment_id=draft.pk, manual={"work": 30}, now=JULY)
    with pytest.raises(ValidationFailed):
        services.assessment_return(actor=staff.street_staff, assessment_id=draft.pk, note=" ")
    a = services.assessment_return(actor=staff.street_staff, assessment_id=draft.pk, note="群众评价分偏高")
    assert a.status == "draft"
    a = services.assessment_score(actor=staff.community_staff, assessment_id=draft.pk, manual={"work": 20}, now=JULY)
    assert (a.status, a.total) == ("scored", Decimal("85.00"))


@pytest.mark.parametrize("manual", [{"work": 36}, {"work": -1}, {}, {"work": "abc"}, {"work": 10, "extra": 1}])
def test_manual_items_are_checked(staff: SimpleNamespace, draft: Assessment, manual: dict[str, Any]) -> None:
    before = _state(draft)
    with pytest.raises(ValidationFailed):
        services.assessment_score(actor=staff.community_staff, assessment_id=draft.pk, manual=manual, now=JULY)
    assert _state(draft) == before


def test_stale_version_conflicts(staff: SimpleNamespace, draft: Assessment) -> None:
    before = _state(draft)
    with pytest.raises(Conflict):
        services.assessment_score(
            actor=staff.community_staff,
            assessment_id=draft.pk,
            manual={"work": 30},
            expected_version=draft.version - 1,
            now=JULY,
        )
    assert _state(draft) == before


def test_only_grid_workers_are_assessed(staff: SimpleNamespace, simple_items: None) -> None:
    with pytest.raises(ValidationFailed):
        services.assessment_prepare(actor=staff.community_staff, worker=staff.handler, year=2025, month=6, now=JULY)
    with pytest.raises(PermissionDenied):
        services.assessment_prepare(actor=staff.street_staff, worker=staff.worker, year=2025, month=6, now=JULY)
    assert not Assessment.objects.exists()


# --- ladder promotion -------------------------------------------------------------------------------


@pytest.mark.parametrize(("workers", "quota"), [(0, 0), (4, 0), (5, 1), (11, 1), (15, 2), (833, 83)])
def test_ladder_quota_is_a_share_of_the_street_workers(settings: Any, workers: int, quota: int) -> None:
    settings.WANGGE_LADDER_PROPORTION = 0.10
    assert services.ladder_quota(workers) == quota


def _confirmed(w: SimpleNamespace, worker: Any, score: int | str, month: int = 6) -> Assessment:
    a = services.assessment_prepare(actor=w.community_staff, worker=worker, year=2025, month=month, now=JULY)
    services.assessment_score(actor=w.community_staff, assessment_id=a.pk, manual={"work": score}, now=JULY)
    return services.assessment_confirm(actor=w.street_staff, assessment_id=a.pk, now=JULY)


def test_ladder_promotes_the_best_within_the_quota(staff: SimpleNamespace, simple_items: None, settings: Any) -> None:
    settings.WANGGE_LADDER_PROPORTION = 0.5  # two grid workers in the street → one promotion
    mine, other = _confirmed(staff, staff.worker, 20), _confirmed(staff, staff.other_worker, 30)
    ordered = services.assessment_ladder(actor=staff.street_staff, street=staff.street, year=2025, month=6)
    assert [(a.worker.username, a.street_rank, a.promoted) for a in ordered] == [
        ("other_worker", 1, True),
        ("worker", 2, False),
    ]
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (other.promoted, mine.promoted) == (True, False)


def test_ladder_needs_the_minimum_score(staff: SimpleNamespace, simple_items: None, settings: Any) -> None:
    settings.WANGGE_LADDER_PROPORTION = 1.0
    _confirmed(staff, staff.worker, 10)  # 75: qualified, below the ladder minimum of 80
    _confirmed(staff, staff.other_worker, 16)  # 81
    ordered = services.assessment_ladder(actor=staff.street_staff, street=staff.street, year=2025, month=6)
    assert [(a.worker.username, a.promoted) for a in ordered] == [("other_worker", True), ("worker", False)]


def test_ladder_takes_a_score_of_exactly_the_minimum(staff: SimpleNamespace, simple_items: None, settings: Any) -> None:
    # "80分以上" includes 80
    settings.WANGGE_LADDER_PROPORTION = 1.0
    _confirmed(staff, staff.worker, "14.99")  # 79.99
    _confirmed(staff, staff.other_worker, "15")  # 80.00
    ordered = services.assessment_ladder(actor=staff.street_staff, street=staff.street, year=2025, month=6)
    assert [(a.worker.username, a.total, a.promoted) for a in ordered] == [
        ("other_worker", Decimal("80.00"), True),
        ("worker", Decimal("79.99"), False),
    ]


def test_ladder_waits_for_every_confirmation(staff: SimpleNamespace, simple_items: None, settings: Any) -> None:
    settings.WANGGE_LADDER_PROPORTION = 0.5
    done = _confirmed(staff, staff.worker, 30)
    pending = services.assessment_prepare(
        actor=staff.community_staff, worker=staff.other_worker, year=2025, month=6, now=JULY
    )
    before = (_state(done), _state(pending))
    with pytest.raises(Conflict):
        services.assessment_ladder(actor=staff.street_staff, street=staff.street, year=2025, month=6)
    with pytest.raises(NotFound):  # the street is above the community's scope
        services.assessment_ladder(actor=staff.community_staff, street=staff.street, year=2025, month=6)
    with pytest.raises(PermissionDenied):  # sees the street, holds no street role
        services.assessment_ladder(actor=staff.leader, street=staff.street, year=2025, month=6)
    assert (_state(done), _state(pending)) == before
    assert Assessment.objects.filter(street_rank__isnull=False).count() == 0


def test_history_and_export(staff: SimpleNamespace, simple_items: None) -> None:
    may, june = _confirmed(staff, staff.worker, 30, month=5), _confirmed(staff, staff.worker, 10, month=6)
    from wangge.reports.selectors import assessments_for

    history = list(assessments_for(staff.worker).filter(worker=staff.worker).order_by("period"))
    assert [(a.period, a.total) for a in history] == [(may.period, Decimal("95.00")), (june.period, Decimal("75.00"))]
    wb = load_workbook(io.BytesIO(assessments_xlsx([june], year=2025, month=6)))
    ws = wb.active
    assert ws is not None
    assert ws["A1"].value == "网格员月度考评结果表（2025年6月）"
    header = [c.value for c in ws[3]]
    assert header[:5] == ["序号", "街道", "社区", "网格", "网格员"]
    row = dict(zip(header, [c.value for c in ws[4]], strict=True))
    assert (row["网格员"], row["总分"], row["等次"], row["状态"]) == ("worker", 75.0, "合格", "已确认")
    assert ws.freeze_panes == "F4" and ws.page_setup.orientation == "landscape"
