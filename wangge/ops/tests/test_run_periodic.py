"""The periodic schedule: every job enqueued on its interval, and each one doing its work through the queue."""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.core.management import call_command
from django_tasks.base import Task
from freezegun import freeze_time

from wangge.notifications.models import Notification
from wangge.ops.schedule import PERIODIC
from wangge.reports.models import Bulletin
from wangge.workorders.tests.conftest import act, local, new_case

SCOPES = ["410403", "410403001", "410411"]  # both districts and the street, in tree order


def test_the_schedule_names_each_task_once_with_an_interval() -> None:
    names = [job.name for job in PERIODIC]
    assert len(set(names)) == len(names)
    assert all(isinstance(job.task, Task) and job.every_seconds > 0 for job in PERIODIC)
    assert all(job.task.name == job.name for job in PERIODIC)


def test_one_run_enqueues_every_job_once(world: SimpleNamespace) -> None:
    out = io.StringIO()

    call_command("run_periodic", "--once", stdout=out)

    enqueued = [line.split()[1] for line in out.getvalue().splitlines()]
    assert enqueued == [job.name for job in PERIODIC]


def test_the_periodic_runner_enqueues_the_sweep(world: SimpleNamespace) -> None:
    # given a case dispatched long ago and never accepted
    at = local(2025, 6, 3, 9, 0)
    category = world.category.category_set.categories.get(code="E0102")
    wo = act(world, new_case(world, at=at, category=category), "dispatch", "dispatcher", at, unit=world.dept)

    # when
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)

    # then
    assert "enqueued sweep_deadlines" in out.getvalue()
    wo.refresh_from_db()
    assert wo.breached_step_at is not None
    assert Notification.objects.filter(key__endswith=":overdue").exists()


def test_the_periodic_runner_generates_the_days_bulletins_after_the_time(world: SimpleNamespace) -> None:
    with freeze_time(local(2025, 6, 11, 17, 40)):
        out = io.StringIO()
        call_command("run_periodic", "--once", stdout=out)

    assert "enqueued generate_due_bulletins" in out.getvalue()
    assert sorted(Bulletin.objects.filter(period="day").values_list("scope_code", flat=True)) == sorted(SCOPES)
    # A Wednesday: last week's 周通报 were owed since Monday morning, and are made by their own job.
    assert "enqueued generate_due_weekly_bulletins" in out.getvalue()
    assert sorted(Bulletin.objects.filter(period="week").values_list("scope_code", flat=True)) == sorted(SCOPES)


def test_the_periodic_runner_generates_nothing_before_the_time(world: SimpleNamespace) -> None:
    with freeze_time(local(2025, 6, 9, 7, 0)):  # a Monday, before the daily and the weekly time
        call_command("run_periodic", "--once", stdout=io.StringIO())

    assert not Bulletin.objects.exists()
