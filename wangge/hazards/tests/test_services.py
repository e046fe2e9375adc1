"""Reporting a finding: the place resolves the grid, the reporter must keep that grid's ledgers, the deadline
counts working days, photos are sanitised, the code is generated; and the overdue and count selectors."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from PIL import Image

from wangge.accounts.choices import Role
from wangge.core.crypto import blind_index
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.hazards import selectors
from wangge.hazards.choices import HazardStatus, PhotoStage
from wangge.hazards.models import HazardEvent, HazardFinding
from wangge.hazards.services import hazard_transition
from wangge.hazards.tests.conftest import jpeg, local, report
from wangge.places.models import Point, PointType
from wangge.workcalendar.arithmetic import get_calendar
from wangge.workorders.tests.conftest import _user

pytestmark = pytest.mark.django_db


def test_a_building_gives_the_grid_position_and_address(hw: SimpleNamespace) -> None:
    finding = report(hw)

    assert finding.grid == hw.grid1
    assert (finding.lng, finding.lat, finding.address) == (113.02, 33.02, "测试路1号")
    assert finding.status == HazardStatus.OPEN
    assert finding.found_by == hw.worker
    assert finding.code == "YH202506030001"
    assert report(hw).code == "YH202506030002"
    assert finding.owner_phone_index == blind_index("13900001111")
    event = HazardEvent.objects.get(finding=finding)
    assert (event.action, event.to_status, event.actor) == ("report", HazardStatus.OPEN, hw.worker)
    assert AuditEntry.objects.filter(action="hazards.report", object_id=str(finding.pk)).exists()


def test_a_position_is_located_to_its_grid(hw: SimpleNamespace) -> None:
    finding = report(hw, building=None, lng=113.07, lat=33.01, actor=hw.community_staff)

    assert finding.grid == hw.grid2


def test_a_point_gives_its_grid(hw: SimpleNamespace) -> None:
    ptype = PointType.objects.create(key="t", name="类型")
    point = Point.objects.create(
        code="P1",
        name="网吧",
        type=ptype,
        lng=113.01,
        lat=33.01,
        grid=hw.grid1,
        territory=hw.grid1,
        responsible_name="张",
    )

    finding = report(hw, building=None, point=point)

    assert (finding.grid, finding.point, finding.lng) == (hw.grid1, point, 113.01)


def test_places_in_different_grids_are_refused(hw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        report(hw, grid=hw.grid2)

    assert exc.value.code == "place_mismatch"
    assert not HazardFinding.objects.exists()


def test_without_a_place_or_outside_every_grid_nothing_is_written(hw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as missing:
        report(hw, building=None)
    with pytest.raises(ValidationFailed) as outside:
        report(hw, building=None, lng=120.0, lat=30.0)

    assert (missing.value.code, outside.value.code) == ("place_required", "outside_territory")
    assert not HazardFinding.objects.exists()


def test_a_grid_worker_of_another_grid_may_not_report_here(hw: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied) as exc:
        report(hw, actor=hw.other_worker)
    with pytest.raises(PermissionDenied):
        report(hw, actor=hw.dispatcher)  # views the district, keeps no ledger

    assert exc.value.code == "place_out_of_scope"
    assert not HazardFinding.objects.exists()


def test_bad_fields_are_all_named(hw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        report(hw, title=" ", owner_phone="139-0000", deadline_days=0, found_at=local(2025, 6, 4, 9, 0))

    fields = {d["field"] for d in exc.value.details}
    assert fields == {"title", "owner_phone", "deadline_days", "found_at"}


def test_the_deadline_counts_working_days_over_a_weekend(hw: SimpleNamespace) -> None:
    friday = local(2025, 6, 6, 16, 0)

    finding = report(hw, deadline_days=1, found_at=friday, now=friday)

    assert finding.due_at == get_calendar().office_end(dt.date(2025, 6, 9))  # Monday


def test_the_deadline_skips_a_holiday_and_counts_a_make_up_day(hw: SimpleNamespace) -> None:
    before_national_day = local(2025, 9, 30, 9, 0)

    finding = report(hw, deadline_days=3, found_at=before_national_day, now=before_national_day)

    # 1-8 October are holidays; Saturday 11 October is a make-up working day: the third working day after.
    assert finding.due_at == get_calendar().office_end(dt.date(2025, 10, 11))


def test_before_photos_are_sanitised(hw: SimpleNamespace) -> None:
    finding = report(hw, photos=[jpeg("IMG_0001.jpg", exif_gps=True)])

    photo = finding.photos.get()
    assert photo.stage == PhotoStage.BEFORE
    assert "IMG_0001" not in photo.file.name
    with photo.file.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
    assert not image.getexif()  # the GPS position and the maker are gone


def test_a_file_that_is_no_image_refuses_the_report(hw: SimpleNamespace) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"GIF89a<html><script>alert(1)</script>", content_type="image/jpeg")

    with pytest.raises(ValidationFailed):
        report(hw, photos=[fake])

    assert not HazardFinding.objects.exists()


def test_overdue_and_counts(hw: SimpleNamespace) -> None:
    late = report(hw, deadline_days=1)  # due Wednesday 4 June
    report(hw, deadline_days=10)
    done = report(hw, deadline_days=1, type=hw.gambling)
    hazard_transition(
        actor=hw.worker, finding=done, name="submit_rectification", rectification="已清理", after_photos=[jpeg()]
    )
    done = hazard_transition(actor=hw.community_staff, finding=done, name="verify")
    report(hw, building=None, lng=113.07, lat=33.01, actor=hw.community_staff, deadline_days=1)  # grid 2
    now = local(2025, 6, 5, 9, 0)

    assert list(selectors.overdue(selectors.in_subtree(hw.grid1), now=now)) == [late]
    assert selectors.is_overdue(late, now) and not selectors.is_overdue(done, now)
    counts = selectors.counts_for(hw.community, now=now)
    assert (counts["total"], counts["open"], counts["overdue"]) == (4, 3, 2)
    assert counts["by_status"][HazardStatus.CLOSED] == 1
    fire = next(r for r in counts["by_type"] if r["key"] == "fire")
    assert (fire["total"], fire["open"], fire["overdue"]) == (3, 3, 2)
    assert selectors.counts_for(hw.grid1, now=now)["overdue"] == 1


def test_a_grid_leader_keeps_the_ledger_of_the_grid(hw: SimpleNamespace) -> None:
    leader = _user("leader2", Role.GRID_LEADER, territory=hw.grid1)

    assert report(hw, actor=leader).grid == hw.grid1
