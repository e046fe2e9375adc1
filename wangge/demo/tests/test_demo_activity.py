"""The demo's patrol records and supervision flags: built once through the services, left alone on re-runs."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.actors import SYSTEM
from wangge.demo.services import DemoOptions, demo_patrols_seed, demo_supervision_seed
from wangge.reports.models import DailyLog, PatrolCheckin
from wangge.workcalendar.arithmetic import get_calendar
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import new_case

pytestmark = pytest.mark.django_db
WITH_CASES = DemoOptions(cases=10)


def test_grid_workers_of_the_demo_street_check_in_inside_their_grid_and_keep_logs(world: SimpleNamespace) -> None:
    result = demo_patrols_seed(actor=SYSTEM, options=WITH_CASES)

    checkins = PatrolCheckin.objects.all()
    assert result.created == checkins.count() > 0
    assert set(checkins.values_list("worker__username", flat=True)) == {"worker", "other_worker"}
    assert all(c.in_own_grid for c in checkins)
    calendar = get_calendar()
    assert all(calendar.is_working_day(timezone.localtime(c.at).date()) for c in checkins)
    assert all(timezone.localtime(c.at).date() < timezone.localdate() for c in checkins)
    logs = DailyLog.objects.exclude(submitted_at=None)
    assert logs.exists() and all(log.patrol_count >= 1 for log in logs)


def test_patrols_are_not_added_twice(world: SimpleNamespace) -> None:
    demo_patrols_seed(actor=SYSTEM, options=WITH_CASES)
    count = PatrolCheckin.objects.count()

    again = demo_patrols_seed(actor=SYSTEM, options=WITH_CASES)

    assert (again.created, again.unchanged) == (0, 1) and PatrolCheckin.objects.count() == count


def test_without_cases_the_demo_has_no_patrols(world: SimpleNamespace) -> None:
    demo_patrols_seed(actor=SYSTEM, options=DemoOptions())

    assert not PatrolCheckin.objects.exists()


def test_the_inspector_cards_the_longest_overdue_case_red(world: SimpleNamespace) -> None:
    inspector = User.objects.create_user(username="demo_inspector", password="x-Passw0rd-long")
    RoleGrant.objects.create(user=inspector, role=Role.INSPECTOR, territory=world.district)
    now = timezone.now()
    older = new_case(world, at=now - dt.timedelta(days=30))
    newer = new_case(world, at=now - dt.timedelta(days=20))

    first = demo_supervision_seed(actor=SYSTEM, options=WITH_CASES)
    second = demo_supervision_seed(actor=SYSTEM, options=WITH_CASES)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.supervision, newer.supervision) == ("red", "yellow")
    assert (first.created, second.created, second.unchanged) == (2, 0, 1)
    assert WorkOrder.objects.filter(pk=older.pk, events__name="supervise", events__actor=inspector).exists()
