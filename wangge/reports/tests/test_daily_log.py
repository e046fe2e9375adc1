"""一日志: patrol check-ins located in a grid (any datum), the daily log, and who sees them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.accounts.choices import Role
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.geo import wgs84_to_bd09, wgs84_to_gcj02
from wangge.core.models import AuditEntry
from wangge.core.tests.images import PNG
from wangge.reports import selectors, services
from wangge.reports.models import DailyLog, PatrolCheckin
from wangge.workorders.tests.conftest import _user, local

AT = local(2025, 6, 11, 9, 30)


def test_checkin_is_located_in_the_own_grid(world: SimpleNamespace) -> None:
    c = services.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, note="巡查主干道", at=AT)
    assert (c.grid, c.territory, c.in_own_grid, c.scope_path) == (world.grid1, world.grid1, True, world.grid1.path)
    log = DailyLog.objects.get(worker=world.worker, date=dt.date(2025, 6, 11))
    assert (log.patrol_count, log.summary) == (1, "")
    assert AuditEntry.objects.filter(action="patrol.checkin", object_id=str(c.pk)).exists()


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_phone_datums_are_converted_before_locating(world: SimpleNamespace, crs: str) -> None:
    # A point in grid 1, 200 m west of the border with grid 2: in GCJ-02/BD-09 its numbers fall in grid 2.
    lng, lat = 113.048, 33.02
    phone = wgs84_to_gcj02(lng, lat) if crs == "gcj02" else wgs84_to_bd09(lng, lat)
    assert phone[0] > 113.05  # read as WGS-84 it would be in the wrong grid
    c = services.patrol_checkin(actor=world.worker, lng=phone[0], lat=phone[1], crs=crs, at=AT)
    assert c.grid == world.grid1 and c.source_crs == crs
    assert c.lng == pytest.approx(lng, abs=1e-6) and c.lat == pytest.approx(lat, abs=1e-6)


def test_checkin_in_another_grid_is_kept_and_marked(world: SimpleNamespace) -> None:
    c = services.patrol_checkin(actor=world.worker, lng=113.07, lat=33.01, at=AT)
    assert (c.grid, c.in_own_grid) == (world.grid2, False)


def test_checkin_with_a_photo(world: SimpleNamespace) -> None:
    photo = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    c = services.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, photo=photo, at=AT)
    assert c.photo.name.startswith("patrol/") and c.photo.name.endswith(".png")
    c.photo.open("rb")
    assert c.photo.read() == PNG


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"lng": 120.0, "lat": 30.0}, ValidationFailed),  # outside every territory
        ({"lng": 113.01, "lat": 33.01, "crs": "epsg3857"}, ValidationFailed),
        ({"lng": "abc", "lat": 33.01}, ValidationFailed),
        ({"lng": 113.01, "lat": 33.01, "photo": SimpleUploadedFile("a.txt", b"hello world!!!!!")}, ValidationFailed),
    ],
)
def test_bad_checkins_are_refused(world: SimpleNamespace, kw: dict, error: type) -> None:  # type: ignore[type-arg]
    with pytest.raises(error):
        services.patrol_checkin(actor=world.worker, at=AT, **kw)
    assert not PatrolCheckin.objects.exists() and not DailyLog.objects.exists()


@pytest.mark.parametrize("who", ["dispatcher", "handler", "leader"])
def test_only_grid_workers_check_in(world: SimpleNamespace, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.patrol_checkin(actor=getattr(world, who), lng=113.01, lat=33.01, at=AT)
    with pytest.raises(PermissionDenied):
        services.daily_log_save(actor=getattr(world, who), date=AT.date(), summary="x", now=AT)
    assert not PatrolCheckin.objects.exists() and not DailyLog.objects.exists()


def test_daily_log_counts_the_days_checkins(world: SimpleNamespace) -> None:
    for hour in (9, 11, 15):
        services.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, at=local(2025, 6, 11, hour))
    services.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, at=local(2025, 6, 12, 9))
    log = services.daily_log_save(
        actor=world.worker,
        date=dt.date(2025, 6, 11),
        summary="  走访商户 5 户，发现占道经营 1 处。 ",
        now=local(2025, 6, 11, 18),
    )
    assert (log.summary, log.patrol_count, log.is_complete) == ("走访商户 5 户，发现占道经营 1 处。", 3, True)
    again = services.daily_log_save(
        actor=world.worker, date=dt.date(2025, 6, 11), summary="补记", now=local(2025, 6, 12)
    )
    assert again.pk == log.pk and DailyLog.objects.filter(worker=world.worker).count() == 2


@pytest.mark.parametrize(
    ("day", "summary"),
    [
        (dt.date(2025, 6, 12), "明天的日志"),  # future
        (dt.date(2025, 6, 11), "   "),  # empty
        (dt.date(2025, 4, 30), "上上月"),  # archived
    ],
)
def test_bad_logs_are_refused(world: SimpleNamespace, day: dt.date, summary: str) -> None:
    with pytest.raises(ValidationFailed):
        services.daily_log_save(actor=world.worker, date=day, summary=summary, now=local(2025, 6, 11, 18))
    assert not DailyLog.objects.exclude(summary="").exists()


def test_checkins_are_listed_per_worker_and_day_in_scope(world: SimpleNamespace) -> None:
    services.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, at=local(2025, 6, 11, 9))
    services.patrol_checkin(actor=world.worker, lng=113.07, lat=33.01, at=local(2025, 6, 11, 10))
    services.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, at=local(2025, 6, 12, 9))
    community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=world.community)
    day = dt.date(2025, 6, 11)

    def seen(user: object) -> list[str]:
        return [c.territory.code for c in selectors.checkins_for(user, worker_id=world.worker.pk, day=day)]

    assert seen(world.worker) == ["410403001001001", "410403001001002"]  # own check-ins, wherever they were
    assert seen(community_staff) == ["410403001001001", "410403001001002"]
    assert seen(world.other_worker) == ["410403001001002"]  # only what happened in the own grid
    assert seen(world.stranger) == []


def test_a_checkin_photo_is_sanitised_and_served_as_a_download(world: SimpleNamespace) -> None:
    """A "photo" that is an HTML page with GIF magic is refused; a real one is stored re-encoded under a
    generated name and served with its image type, nosniff and a sandbox."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from wangge.core.errors import ValidationFailed
    from wangge.core.tests.images import PNG
    from wangge.reports.models import PatrolCheckin
    from wangge.reports.services import patrol_checkin

    w = world
    fake = SimpleUploadedFile("look.html", b"GIF89a<script>alert(1)</script>", content_type="image/gif")
    with pytest.raises(ValidationFailed):
        patrol_checkin(actor=w.worker, lng=113.01, lat=33.01, note="", photo=fake)
    assert not PatrolCheckin.objects.exists()

    real = SimpleUploadedFile("my holiday.png", PNG, content_type="image/png")
    checkin = patrol_checkin(actor=w.worker, lng=113.01, lat=33.01, note="", photo=real)
    assert checkin.photo.name.endswith(".png") and "holiday" not in checkin.photo.name
    client = Client()
    client.force_login(w.worker)
    response = client.get(f"/reports/patrol/checkins/{checkin.pk}/photo/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
