"""Who sees what: meetings by the territory they belong to, tasks also by their unit; a street office's task of
the district meeting is seen by the street's staff; another district sees nothing; the notices reach the right
people."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from wangge.meetings.models import Meeting, Task
from wangge.meetings.services import issue_create, meeting_create
from wangge.notifications.models import Notification

from .conftest import MEETING_DAY, T0, split, step

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "sees_meeting", "sees"),
    [
        ("dispatcher", True, {"dept", "dept2", "office"}),
        ("leader", True, {"dept", "dept2", "office"}),
        ("handler", False, {"dept"}),
        ("handler2", False, {"dept2"}),
        ("street_staff", False, {"office"}),
        ("street2_staff", False, set()),
        ("worker", False, set()),
        ("stranger", False, set()),
    ],
)
def test_the_permission_matrix(mt: SimpleNamespace, who: str, sees_meeting: bool, sees: set[str]) -> None:
    tasks = split(
        mt,
        {"unit": mt.dept, "requirement": "a", "deadline_days": 2},
        {"unit": mt.dept2, "requirement": "b", "deadline_days": 2},
        {"unit": mt.office, "requirement": "c", "deadline_days": 2},
    )
    user = getattr(mt, who)
    assert Meeting.objects.restrict(user).filter(pk=mt.meeting.pk).exists() == sees_meeting
    names = {"dept": mt.dept.pk, "dept2": mt.dept2.pk, "office": mt.office.pk}
    visible: set[int] = set(
        Task.objects.restrict(user).filter(pk__in=[t.pk for t in tasks]).values_list("unit_id", flat=True)
    )
    assert visible == {names[n] for n in sees}


def test_a_street_meeting_is_the_streets_and_the_districts(mt: SimpleNamespace) -> None:
    m = meeting_create(actor=mt.street_staff, territory=mt.street, held_on=MEETING_DAY, now=T0)
    issue = issue_create(actor=mt.street_staff, meeting=m, title="楼道堆物", now=T0)
    from wangge.meetings.services import issue_split

    (task,) = issue_split(
        actor=mt.street_staff, issue=issue, tasks=[{"unit": mt.dept, "requirement": "检查", "deadline_days": 1}], now=T0
    )
    assert task.scope_path == mt.street.path
    for who, sees in (("street_staff", True), ("dispatcher", True), ("handler", True), ("street2_staff", False)):
        assert Task.objects.restrict(getattr(mt, who)).filter(pk=task.pk).exists() == sees, who
    assert Meeting.objects.restrict(mt.street2_staff).filter(pk=m.pk).exists() is False
    # the street's staff close its own meeting's task (the handler reported it)
    step(mt, task, "sign", "handler")
    step(mt, task, "report", "handler", 2, result="已检查")
    assert step(mt, task, "close", "street_staff", 3).status == "closed"


def test_anonymous_is_sent_to_log_in(mt: SimpleNamespace) -> None:
    for name, args in (("web:meeting_list", []), ("web:meeting_tasks", []), ("web:meeting_detail", [mt.meeting.pk])):
        r = Client().get(reverse(name, args=args))
        assert r.status_code == 302 and "login" in r["Location"]
    assert Client().get("/api/meeting-tasks/").status_code in (401, 403)


def test_the_coordinators_hear_of_a_report_and_the_unit_of_a_rejection(
    mt: SimpleNamespace, django_capture_on_commit_callbacks: object
) -> None:
    (task,) = split(mt)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        step(mt, task, "sign", "handler")
        step(mt, task, "report", "handler", 2, result="已清运")
        step(mt, task, "reject", "dispatcher", 3, note="仍有垃圾")
    assert Notification.objects.filter(recipient=mt.dispatcher, key__contains=":report:").count() == 1
    assert Notification.objects.filter(recipient=mt.street_staff, key__contains=":report:").count() == 0
    assert Notification.objects.filter(recipient=mt.handler, key__contains=":reject:").count() == 1
    assert not Notification.objects.filter(key__contains=":sign:").exists()  # signing declares no notice
