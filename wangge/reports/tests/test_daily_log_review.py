"""一日志 read back: check-in photos, the daily-log review of those who oversee grid workers, one worker's day."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from wangge.accounts.choices import Role
from wangge.reports import selectors, services
from wangge.reports.models import DailyLog, PatrolCheckin
from wangge.workorders.tests.conftest import _user, local

from .test_assessment import PNG

DAY = dt.date(2025, 6, 11)


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


@pytest.fixture
def patrols(world: SimpleNamespace) -> SimpleNamespace:
    """The worker checks in twice on June 11 (once with a photo, once in the neighbouring grid) and writes
    the log; the other worker checks in once and writes nothing."""
    w = world
    photo = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    w.c1 = services.patrol_checkin(
        actor=w.worker, lng=113.01, lat=33.01, note="主干道暴露垃圾", photo=photo, at=local(2025, 6, 11, 9, 5)
    )
    w.c2 = services.patrol_checkin(actor=w.worker, lng=113.07, lat=33.01, at=local(2025, 6, 11, 15, 40))
    w.c3 = services.patrol_checkin(actor=w.other_worker, lng=113.07, lat=33.02, at=local(2025, 6, 11, 10, 0))
    services.daily_log_save(actor=w.worker, date=DAY, summary="巡查 2 次，上报 1 件。", now=local(2025, 6, 11, 18))
    w.community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=w.community)
    return w


def test_the_photo_is_shown_to_the_worker_and_the_community(patrols: SimpleNamespace) -> None:
    url = reverse("reports:checkin_photo", args=[patrols.c1.pk])
    for user in (patrols.worker, patrols.community_staff, patrols.leader):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["stranger", "other_worker", "handler"])
def test_the_photo_out_of_scope_is_not_found(patrols: SimpleNamespace, who: str) -> None:
    response = client_for(getattr(patrols, who)).get(reverse("reports:checkin_photo", args=[patrols.c1.pk]))
    assert response.status_code == 404


def test_a_checkin_without_photo_has_none(patrols: SimpleNamespace) -> None:
    assert client_for(patrols.worker).get(reverse("reports:checkin_photo", args=[patrols.c2.pk])).status_code == 404
    data = client_for(patrols.worker).get(reverse("reports:checkins"), {"date": DAY.isoformat()}).json()
    assert [c["photo"] for c in data["checkins"]] == [reverse("reports:checkin_photo", args=[patrols.c1.pk]), None]


def test_review_lists_every_worker_with_the_days_checkins_and_log(patrols: SimpleNamespace) -> None:
    rows = {r.worker.username: r for r in selectors.worker_days(patrols.community_staff, day=DAY)}
    assert set(rows) == {"worker", "other_worker"}
    mine = rows["worker"]
    assert (mine.checkins, mine.in_own_grid, mine.submitted) == (2, 1, True)
    assert (mine.first_at, mine.last_at) == (patrols.c1.at, patrols.c2.at)
    assert [g.code for g in mine.grids] == [patrols.grid1.code]
    other = rows["other_worker"]
    assert (other.checkins, other.in_own_grid, other.submitted) == (1, 1, False)
    assert other.log is not None and (other.log.patrol_count, other.log.summary) == (1, "")  # opened by the check-in
    # the counts match the raw rows
    assert mine.checkins == PatrolCheckin.objects.filter(worker=patrols.worker, at__date=DAY).count()
    assert DailyLog.objects.get(worker=patrols.worker, date=DAY).patrol_count == 2


def test_review_follows_the_scope(patrols: SimpleNamespace) -> None:
    # a grid worker sees the workers of the own grid only; a stranger and a department handler nobody
    assert [r.worker.username for r in selectors.worker_days(patrols.other_worker, day=DAY)] == ["other_worker"]
    assert selectors.worker_days(patrols.stranger, day=DAY) == []
    assert selectors.worker_days(patrols.handler, day=DAY) == []
    # narrowed to a community the user sees
    rows = selectors.worker_days(patrols.leader, day=DAY, under=patrols.community)
    assert {r.worker.username for r in rows} == {"worker", "other_worker"}


def test_review_page(patrols: SimpleNamespace) -> None:
    with freeze_time("2025-06-12 02:00:00"):
        html = client_for(patrols.community_staff).get(reverse("reports:daily_logs"), {"date": "2025-06-11"})
    assert html.status_code == 200
    text = html.content.decode()
    assert "网格员工作日志" in text and "已提交" in text and "未提交" in text
    assert reverse("reports:worker_day", args=[patrols.worker.pk, "2025-06-11"]) in text


def test_worker_day_page_shows_checkins_photo_and_log(patrols: SimpleNamespace) -> None:
    url = reverse("reports:worker_day", args=[patrols.worker.pk, "2025-06-11"])
    with freeze_time("2025-06-12 02:00:00"):
        page = client_for(patrols.community_staff).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "主干道暴露垃圾" in text and "巡查 2 次，上报 1 件。" in text and "非责任网格" in text
    assert reverse("reports:checkin_photo", args=[patrols.c1.pk]) in text
    assert page.context["map"]["points"][0] == {  # type: ignore[index]
        "lng": 113.01,
        "lat": 33.01,
        "time": "09:05",
        "own": True,
        "note": "主干道暴露垃圾",
    }
    assert "修改日志" not in text  # only the worker amends the own log
    with freeze_time("2025-06-12 02:00:00"):
        own = client_for(patrols.worker).get(url).content.decode()
    assert "修改日志" in own


@pytest.mark.parametrize("who", ["stranger", "other_worker", "handler"])
def test_worker_day_out_of_scope_is_not_found(patrols: SimpleNamespace, who: str) -> None:
    url = reverse("reports:worker_day", args=[patrols.worker.pk, "2025-06-11"])
    assert client_for(getattr(patrols, who)).get(url).status_code == 404


def test_worker_day_with_a_bad_date_is_not_found(patrols: SimpleNamespace) -> None:
    url = reverse("reports:worker_day", args=[patrols.worker.pk, "2025-13-45"])
    assert client_for(patrols.worker).get(url).status_code == 404


def test_an_earlier_days_log_is_amended_from_the_phone_page(patrols: SimpleNamespace) -> None:
    c = client_for(patrols.worker)
    with freeze_time("2025-06-12 02:00:00"):  # June 12, 10:00 in Asia/Shanghai
        page = c.get(reverse("reports:patrol"), {"date": "2025-06-11"})
        assert page.context["log_form"].initial == {"date": DAY, "summary": "巡查 2 次，上报 1 件。"}  # type: ignore[index]
        response = c.post(reverse("reports:daily_log"), {"date": "2025-06-11", "summary": "补记：下午复查已清运。"})
    assert response.status_code == 302 and response["Location"].endswith("?date=2025-06-11")
    assert DailyLog.objects.get(worker=patrols.worker, date=DAY).summary == "补记：下午复查已清运。"
