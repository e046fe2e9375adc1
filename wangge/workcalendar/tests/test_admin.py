"""The calendar admin: edits become manual rows with an audit entry; published rows cannot be deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.models import AuditEntry
from wangge.workcalendar.choices import DayKind, DaySource
from wangge.workcalendar.models import CalendarDay, CalendarYear
from wangge.workcalendar.tests.conftest import StaffFactory

pytestmark = pytest.mark.usefixtures("calendar")


@pytest.fixture
def admin_client_(db: Any) -> Client:
    client = Client()
    client.force_login(StaffFactory.create(is_superuser=True))
    return client


def test_the_day_list_renders_in_chinese(admin_client_: Client) -> None:
    response = admin_client_.get(reverse("admin:workcalendar_calendarday_changelist"), {"date__year": "2025"})

    assert response.status_code == 200
    assert "日历例外日" in response.content.decode()


def test_adding_a_day_in_the_admin_makes_an_audited_manual_row(admin_client_: Client) -> None:
    response = admin_client_.post(
        reverse("admin:workcalendar_calendarday_add"),
        {"date": "2025-11-03", "kind": DayKind.HOLIDAY, "name": "区庆"},
    )

    assert response.status_code == 302
    row = CalendarDay.objects.get(date=dt.date(2025, 11, 3))
    assert (row.kind, row.source) == (DayKind.HOLIDAY, DaySource.MANUAL)
    assert AuditEntry.objects.filter(action="workcalendar.day_set", object_id=str(row.pk)).count() == 1


def test_changing_an_official_day_in_the_admin_makes_it_manual(admin_client_: Client) -> None:
    row = CalendarDay.objects.get(date=dt.date(2025, 10, 11))

    response = admin_client_.post(
        reverse("admin:workcalendar_calendarday_change", args=[row.pk]),
        {"kind": DayKind.ORDINARY, "name": "取消调休"},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.kind, row.source) == (DayKind.ORDINARY, DaySource.MANUAL)


def test_a_holiday_on_a_weekend_is_refused_in_the_admin_and_nothing_changes(admin_client_: Client) -> None:
    audits = AuditEntry.objects.count()

    response = admin_client_.post(
        reverse("admin:workcalendar_calendarday_add"),
        {"date": "2025-11-01", "kind": DayKind.HOLIDAY, "name": ""},
    )

    assert response.status_code == 200
    assert "周末本就休息" in response.content.decode()
    assert not CalendarDay.objects.filter(date=dt.date(2025, 11, 1)).exists()
    assert AuditEntry.objects.count() == audits


def test_an_official_day_cannot_be_deleted_in_the_admin(admin_client_: Client) -> None:
    row = CalendarDay.objects.get(date=dt.date(2025, 10, 1))

    response = admin_client_.post(reverse("admin:workcalendar_calendarday_delete", args=[row.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk=row.pk, source=DaySource.OFFICIAL).exists()


def test_bulk_delete_of_manual_rows_goes_through_the_service(admin_client_: Client) -> None:
    first = CalendarDay.objects.create(date=dt.date(2025, 11, 3), kind=DayKind.HOLIDAY, source=DaySource.MANUAL)
    second = CalendarDay.objects.get(date=dt.date(2025, 10, 11))
    second.kind, second.source = DayKind.ORDINARY, DaySource.MANUAL
    second.save()

    response = admin_client_.post(
        reverse("admin:workcalendar_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=dt.date(2025, 11, 3)).exists()
    restored = CalendarDay.objects.get(date=dt.date(2025, 10, 11))  # the official 调休 is back
    assert (restored.kind, restored.source) == (DayKind.WORKDAY, DaySource.OFFICIAL)
    assert AuditEntry.objects.filter(action="workcalendar.day_remove").count() == 2


def test_bulk_delete_including_an_official_row_is_refused_and_nothing_changes(admin_client_: Client) -> None:
    manual = CalendarDay.objects.create(date=dt.date(2025, 11, 3), kind=DayKind.HOLIDAY, source=DaySource.MANUAL)
    official = CalendarDay.objects.get(date=dt.date(2025, 10, 1))

    response = admin_client_.post(
        reverse("admin:workcalendar_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [manual.pk, official.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk__in=[manual.pk, official.pk]).count() == 2
    assert not AuditEntry.objects.filter(action="workcalendar.day_remove").exists()


def test_marking_a_year_official_in_the_admin(admin_client_: Client) -> None:
    year = CalendarYear.objects.get(year=2027)

    response = admin_client_.post(
        reverse("admin:workcalendar_calendaryear_change", args=[year.pk]),
        {"is_official": "on", "note": "已录入国办通知"},
    )

    assert response.status_code == 302
    year.refresh_from_db()
    assert (year.is_official, year.source) == (True, DaySource.MANUAL)
    assert AuditEntry.objects.filter(action="workcalendar.year_set").count() == 1


def test_staff_without_admin_rights_cannot_edit(db: Any) -> None:
    client = Client()
    client.force_login(StaffFactory.create(is_superuser=False))

    response = client.post(
        reverse("admin:workcalendar_calendarday_add"),
        {"date": "2025-11-03", "kind": DayKind.HOLIDAY, "name": "区庆"},
    )

    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=dt.date(2025, 11, 3)).exists()
