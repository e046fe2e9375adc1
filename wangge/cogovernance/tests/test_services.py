"""The writes of 共商共治: meetings with resolutions and tasks (working-day deadlines), the task workflow, 红色物业
and its ratings (rate-limited), 分包; each allowed and refused, and a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.cogovernance.choices import AssignmentKind, MeetingKind, Reviewer, TaskStatus
from wangge.cogovernance.deadlines import is_overdue, working_deadline
from wangge.cogovernance.errors import ErrorCode
from wangge.cogovernance.models import (
    Assignment,
    FollowUpTask,
    Meeting,
    PropertyReview,
    Resolution,
    ServiceRating,
    TaskEvent,
)
from wangge.cogovernance.selectors import property_figures, task_figures, territory_assignments
from wangge.cogovernance.services import (
    assignment_end,
    assignment_save,
    meeting_record,
    rating_submit,
    review_record,
    task_transition,
)
from wangge.cogovernance.services.properties import RatingLimited
from wangge.cogovernance.workflow import TRANSITIONS, WORKFLOW
from wangge.core.actors import CITIZEN
from wangge.core.errors import DomainError, PermissionDenied, ValidationFailed
from wangge.core.workflow import InvalidTransition

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def fingerprint() -> tuple[Any, ...]:
    counts = tuple(
        m.objects.count()
        for m in (Meeting, Resolution, FollowUpTask, TaskEvent, PropertyReview, ServiceRating, Assignment)
    )
    return (*counts, tuple(FollowUpTask.objects.order_by("id").values_list("status", flat=True)))


def refused(call: Any, error: type[DomainError], code: str) -> None:
    before = fingerprint()
    with pytest.raises(error) as exc:
        call()
    assert exc.value.code == code and fingerprint() == before


def test_a_meeting_keeps_its_resolutions_and_tasks_with_working_day_deadlines(w: SimpleNamespace) -> None:
    assert [r.text for r in w.meeting.resolutions.order_by("number")] == ["施划停车位", "张贴停车公约"]
    assert w.meeting.participant_list == ["居委会", "业委会", "物业"]
    assert w.task.deadline == working_deadline(dt.date(2026, 11, 2), 5) == dt.date(2026, 11, 9)
    assert w.task.resolution.number == 1 and w.own_task.owner == w.worker
    assert w.task.events.get().action == "create"


def test_a_joint_meeting_needs_its_estate_and_a_grid_worker_convenes_nothing(w: SimpleNamespace) -> None:
    def joint(actor: Any, **kw: Any) -> Any:
        return meeting_record(
            actor=actor,
            kind=MeetingKind.JOINT,
            title="联席会议",
            territory=w.community,
            held_on=dt.date(2026, 11, 3),
            **kw,
        )

    refused(lambda: joint(w.admin), ValidationFailed, ErrorCode.INVALID_MEETING)
    refused(lambda: joint(w.worker, estate=w.estate), PermissionDenied, ErrorCode.NOT_CONVENER)
    refused(
        lambda: joint(w.admin, estate=w.estate, tasks=[{"title": "x", "owner_name": "y", "deadline_days": 0}]),
        ValidationFailed,
        ErrorCode.INVALID_TASK,
    )
    assert joint(w.community_staff, estate=w.estate).estate == w.estate


def test_every_step_has_an_allowed_and_a_forbidden_case() -> None:
    assert set(TRANSITIONS) == {"complete", "cancel", "reopen"}
    assert WORKFLOW.statuses == set(TaskStatus.values)


def test_the_owner_or_the_staff_complete_a_task_and_a_stranger_cannot(w: SimpleNamespace) -> None:
    refused(
        lambda: task_transition(actor=w.other_worker, task=w.own_task, name="complete", result="x"),
        DomainError,
        ErrorCode.TASK_NOT_FOUND,
    )
    refused(
        lambda: task_transition(actor=w.leader, task=w.own_task, name="complete", result="x"),
        PermissionDenied,
        "transition_forbidden",
    )
    refused(
        lambda: task_transition(actor=w.worker, task=w.own_task, name="complete"), ValidationFailed, "missing_fields"
    )
    done = task_transition(actor=w.worker, task=w.own_task, name="complete", result="已张贴")
    assert done.status == TaskStatus.DONE and done.done_at is not None and done.result == "已张贴"
    assert [e.action for e in done.events.order_by("id")] == ["create", "complete"]
    refused(
        lambda: task_transition(actor=w.worker, task=w.own_task, name="complete", result="x"),
        InvalidTransition,
        "invalid_transition",
    )


def test_the_staff_cancel_and_reopen_and_the_owner_does_not(w: SimpleNamespace) -> None:
    done = task_transition(actor=w.community_staff, task=w.own_task, name="complete", result="好")
    refused(
        lambda: task_transition(actor=w.worker, task=done, name="reopen", note="x"),
        PermissionDenied,
        "transition_forbidden",
    )
    again = task_transition(actor=w.community_staff, task=done, name="reopen", note="未张贴到位")
    assert again.status == TaskStatus.OPEN and again.done_at is None
    refused(
        lambda: task_transition(actor=w.worker, task=w.task, name="cancel", note="x"),
        DomainError,
        ErrorCode.TASK_NOT_FOUND,
    )
    assert task_transition(actor=w.admin, task=w.task, name="cancel", note="方案调整").status == TaskStatus.CANCELLED
    refused(
        lambda: task_transition(actor=w.admin, task=w.task, name="fly"), ValidationFailed, ErrorCode.UNKNOWN_TRANSITION
    )


def test_overdue_is_after_the_deadline_day(w: SimpleNamespace) -> None:
    on_the_day = dt.datetime(2026, 11, 9, 23, 0, tzinfo=TZ)
    next_day = dt.datetime(2026, 11, 10, 0, 1, tzinfo=TZ)
    assert not is_overdue(w.task, on_the_day) and is_overdue(w.task, next_day)
    figures = task_figures(FollowUpTask.objects.all(), next_day)
    assert figures == {"total": 2, "open": 2, "done": 0, "on_time": 0, "overdue": 1, "cancelled": 0}
    task_transition(actor=w.admin, task=w.task, name="complete", result="完成", now=next_day)
    assert task_figures(FollowUpTask.objects.all(), next_day)["on_time"] == 0


def test_reviews_score_zero_to_a_hundred_once_per_party(w: SimpleNamespace) -> None:
    def review(actor: Any, reviewer: str, score: Any) -> Any:
        return review_record(
            actor=actor,
            property=w.prop,
            period="2026年上半年",
            held_on=dt.date(2026, 7, 5),
            reviewer=reviewer,
            score=score,
        )

    review(w.community_staff, Reviewer.COMMITTEE, 90)
    review(w.admin, Reviewer.OWNERS, "85.5")
    refused(lambda: review(w.admin, Reviewer.OWNERS, 80), ValidationFailed, ErrorCode.INVALID_REVIEW)
    refused(lambda: review(w.admin, Reviewer.RESIDENTS, 101), ValidationFailed, ErrorCode.INVALID_REVIEW)
    refused(lambda: review(w.worker, Reviewer.RESIDENTS, 80), PermissionDenied, ErrorCode.NOT_CONVENER)
    assert str(property_figures(w.prop)["review_mean"]) == "87.8"


def test_residents_rate_without_an_account_within_the_rate(w: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_COGOV_RATING_RATE = "2/h"
    rating_submit(actor=CITIZEN, property=w.prop, stars=5, staff=w.staff, client_key="1.2.3.4")
    rating_submit(actor=CITIZEN, property=w.prop, stars=3, client_key="1.2.3.4", comment="停车难")
    refused(
        lambda: rating_submit(actor=CITIZEN, property=w.prop, stars=4, client_key="1.2.3.4"),
        RatingLimited,
        ErrorCode.RATING_LIMITED,
    )
    rating_submit(actor=CITIZEN, property=w.prop, stars=4, client_key="5.6.7.8")
    refused(
        lambda: rating_submit(actor=CITIZEN, property=w.prop, stars=6, client_key="9"),
        ValidationFailed,
        ErrorCode.INVALID_RATING,
    )
    figures = property_figures(w.prop)
    assert figures["ratings"] == 3 and figures["stars"] == 4.0 and figures["good_share"] == 66.7


def test_assignments_sit_on_communities_and_on_road_and_intersection_points(w: SimpleNamespace) -> None:
    assert w.road_assignment.territory == w.grid and w.road_assignment.line["type"] == "LineString"
    crossing = assignment_save(
        actor=w.admin, kind=AssignmentKind.INTERSECTION, point=w.crossing, unit_name="文明单位甲", duty="早晚高峰劝导"
    )
    assert crossing.responsible == "文明单位甲"
    assert {a.pk for a in territory_assignments(w.admin, w.grid)} == {w.community_assignment.pk, w.road_assignment.pk}
    refused(
        lambda: assignment_save(actor=w.admin, kind=AssignmentKind.INTERSECTION, point=w.road, unit=w.unit),
        ValidationFailed,
        ErrorCode.INVALID_ASSIGNMENT,
    )
    refused(
        lambda: assignment_save(
            actor=w.admin, kind=AssignmentKind.ROAD, point=w.road, unit=w.unit, line={"type": "Point"}
        ),
        ValidationFailed,
        ErrorCode.INVALID_ASSIGNMENT,
    )
    refused(
        lambda: assignment_save(actor=w.admin, kind=AssignmentKind.COMMUNITY, territory=w.community),
        ValidationFailed,
        ErrorCode.INVALID_ASSIGNMENT,
    )
    refused(
        lambda: assignment_save(
            actor=w.community_staff, kind=AssignmentKind.COMMUNITY, territory=w.community, leader_name="x"
        ),
        PermissionDenied,
        ErrorCode.NOT_CONVENER,
    )
    assert not assignment_end(actor=w.admin, assignment=crossing).is_active


def test_a_convener_takes_a_badge_off_duty_and_others_cannot(w: SimpleNamespace) -> None:
    from wangge.cogovernance.services import staff_remove
    from wangge.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        staff_remove(actor=w.worker, staff=w.staff)
    w.staff.refresh_from_db()
    assert w.staff.is_active
    staff_remove(actor=w.community_staff, staff=w.staff)
    w.staff.refresh_from_db()
    assert not w.staff.is_active
    with pytest.raises(ValidationFailed):
        staff_remove(actor=w.community_staff, staff=w.staff)
