"""Recording a meeting, its issues and splitting an issue into tasks: allowed and refused."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.meetings.choices import MeetingStatus, TaskStatus
from wangge.meetings.errors import ErrorCode
from wangge.meetings.models import Issue, Meeting, Task, TaskEvent
from wangge.meetings.services import issue_create, issue_split, meeting_create, meeting_transition, meeting_update
from wangge.notifications.models import Notification

from .conftest import MEETING_DAY, T0, meeting, split

pytestmark = pytest.mark.django_db


def test_splitting_an_issue_assigns_one_task_per_unit_with_its_deadline(
    mt: SimpleNamespace, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        tasks = split(
            mt,
            {"unit": mt.dept, "requirement": "牵头清运", "deadline_days": 3},
            {"unit": mt.office, "requirement": "配合做好群众工作", "deadline": "2025-06-10"},
        )
    assert [t.status for t in tasks] == [TaskStatus.ASSIGNED, TaskStatus.ASSIGNED]
    # three working days after Tuesday 3 June 2025: Friday 6 June
    assert tasks[0].deadline == dt.date(2025, 6, 6) and tasks[0].deadline_days == 3
    assert tasks[1].deadline == dt.date(2025, 6, 10) and tasks[1].deadline_days is None
    assert tasks[0].code.startswith("JB20250603") and tasks[0].code != tasks[1].code
    # the street office's task sits on the street (its staff see it), the department's on the district
    assert tasks[0].scope_path == mt.district.path and tasks[1].scope_path == mt.street.path
    assert TaskEvent.objects.filter(action="assign").count() == 2
    assert AuditEntry.objects.filter(action="meetings.task_assign").count() == 2
    assert Notification.objects.filter(recipient=mt.handler, key__contains=":assigned:").count() == 1
    assert Notification.objects.filter(recipient=mt.street_staff, key__contains=":assigned:").count() == 1


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ({"requirement": "x", "deadline_days": 3}, ErrorCode.INVALID_TASK),  # no unit
        ({"unit": "dept", "requirement": "", "deadline_days": 3}, ErrorCode.INVALID_TASK),
        ({"unit": "dept", "requirement": "x"}, ErrorCode.INVALID_TASK),  # no deadline
        ({"unit": "dept", "requirement": "x", "deadline": "2025-06-01"}, ErrorCode.INVALID_TASK),  # before the meeting
        ({"unit": "other_dept", "requirement": "x", "deadline_days": 3}, ErrorCode.UNIT_OUT_OF_REACH),
    ],
)
def test_a_bad_row_refuses_the_whole_split(mt: SimpleNamespace, row: dict[str, object], code: str) -> None:
    if "unit" in row:
        row = {**row, "unit": getattr(mt, str(row["unit"]))}
    with pytest.raises(ValidationFailed) as exc:
        split(mt, {"unit": mt.dept2, "requirement": "好的一行", "deadline_days": 2}, row)
    assert exc.value.code == code
    assert Task.objects.count() == 0 and TaskEvent.objects.count() == 0


def test_a_street_meeting_cannot_assign_to_another_streets_office(mt: SimpleNamespace) -> None:
    m = meeting_create(actor=mt.street_staff, territory=mt.street, held_on=MEETING_DAY, now=T0)
    issue = issue_create(actor=mt.street_staff, meeting=m, title="楼道堆物", now=T0)
    with pytest.raises(ValidationFailed) as exc:
        split(mt, {"unit": mt.office2, "requirement": "x", "deadline_days": 1}, issue=issue)
    assert exc.value.code == ErrorCode.UNIT_OUT_OF_REACH


def test_only_the_coordinators_of_the_node_record_its_meeting(mt: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        meeting_create(actor=mt.street_staff, territory=mt.district, held_on=MEETING_DAY)
    assert exc.value.code == ErrorCode.MEETING_TERRITORY
    with pytest.raises(ValidationFailed):
        meeting_create(actor=mt.handler, territory=mt.district, held_on=MEETING_DAY)
    with pytest.raises(ValidationFailed):
        meeting_create(actor=mt.dispatcher, territory=mt.community, held_on=MEETING_DAY)  # not a district or street
    assert Meeting.objects.count() == 1
    # the street holds its own meeting
    assert meeting_create(actor=mt.street_staff, territory=mt.street, held_on=MEETING_DAY).pk


def test_others_cannot_add_issues_and_strangers_see_no_meeting(mt: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        issue_create(actor=mt.stranger, meeting=mt.meeting, title="x")
    with pytest.raises(PermissionDenied):
        issue_create(actor=mt.leader, meeting=mt.meeting, title="x")  # sees it, does not coordinate it
    with pytest.raises(NotFound):
        issue_split(
            actor=mt.stranger, issue=mt.issue, tasks=[{"unit": mt.dept, "requirement": "x", "deadline_days": 1}]
        )
    assert Issue.objects.count() == 1 and Task.objects.count() == 0


def test_finalising_needs_minutes_and_locks_the_record(mt: SimpleNamespace) -> None:
    with pytest.raises(InvalidTransition) as exc:
        meeting_transition(actor=mt.dispatcher, meeting=mt.meeting, name="finalise")
    assert exc.value.code == ErrorCode.MINUTES_REQUIRED and meeting(mt).status == MeetingStatus.DRAFT
    meeting_update(actor=mt.dispatcher, meeting=mt.meeting, minutes="会议研究了背街小巷卫生问题。")
    with pytest.raises(PermissionDenied):
        meeting_transition(actor=mt.leader, meeting=mt.meeting, name="finalise")
    m = meeting_transition(actor=mt.dispatcher, meeting=mt.meeting, name="finalise")
    assert m.status == MeetingStatus.FINAL and m.finalised_at is not None
    for write in (
        lambda: issue_create(actor=mt.dispatcher, meeting=m, title="再加一个"),
        lambda: meeting_update(actor=mt.dispatcher, meeting=m, minutes="改"),
        lambda: split(mt),
    ):
        with pytest.raises(ValidationFailed) as refused:
            write()
        assert refused.value.code == ErrorCode.MEETING_FINAL
    with pytest.raises(InvalidTransition):
        meeting_transition(actor=mt.dispatcher, meeting=m, name="finalise")
    reopened = meeting_transition(actor=mt.dispatcher, meeting=m, name="reopen", note="补充议题")
    assert reopened.status == MeetingStatus.DRAFT
    assert list(reopened.events.values_list("action", flat=True)) == [
        "create",
        "issue_create",
        "update",
        "finalise",
        "reopen",
    ]


def test_an_issue_from_a_work_order_the_actor_cannot_see_is_refused(mt: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        issue_create(actor=mt.dispatcher, meeting=mt.meeting, work_order=999999)
    assert exc.value.code == ErrorCode.WORK_ORDER_NOT_VISIBLE
