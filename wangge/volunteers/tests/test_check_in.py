"""On-post check-ins: on time and at the post, or flagged late, far from the post or without a position (never
refused for those); refused outside the slot's window, on another volunteer's slot, twice, or by staff of
another grid."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.core.actors import CITIZEN
from wangge.core.errors import Conflict, PermissionDenied
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import CheckIn
from wangge.volunteers.selectors import volunteer_figures
from wangge.volunteers.services import check_in_record
from wangge.volunteers.tests.factories import slot

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2025, 6, 3)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2025, 6, 3, hour, minute, tzinfo=TZ)


def test_an_on_time_check_in_at_the_post_has_no_flag(w: Any) -> None:
    s = slot(w.post, w.member, DAY)
    c = check_in_record(actor=CITIZEN, slot=s, volunteer=w.member, lng=w.post.lng, lat=w.post.lat, now=at(7, 15))
    assert (c.is_late, c.far_from_post, c.no_position, c.distance_m) == (False, False, False, 0.0)
    assert c.recorded_by is None and c.recorded_by_name == w.member.name
    figures = volunteer_figures(w.district, DAY, DAY, now=at(9, 0))
    assert (figures["slots"], figures["covered"], figures["coverage_rate"]) == (1, 1, 1.0)


def test_a_late_far_check_in_is_kept_and_flagged(w: Any) -> None:
    s = slot(w.post, w.member, DAY)
    c = check_in_record(actor=CITIZEN, slot=s, volunteer=w.member, lng=w.post.lng + 0.01, lat=w.post.lat, now=at(7, 40))
    assert c.is_late and c.late_minutes == 20 and c.far_from_post and c.distance_m and c.distance_m > 900
    figures = volunteer_figures(w.district, DAY, DAY, now=at(9, 0))
    assert (figures["covered"], figures["late"], figures["far"]) == (0, 1, 1)


def test_a_check_in_without_a_position_is_flagged(w: Any) -> None:
    s = slot(w.post, w.member, DAY)
    c = check_in_record(actor=CITIZEN, slot=s, volunteer=w.member, now=at(7, 20))
    assert c.no_position and not c.far_from_post and c.distance_m is None


def test_a_gcj02_position_is_measured_in_wgs84(w: Any) -> None:
    from wangge.core.geo import wgs84_to_gcj02

    s = slot(w.post, w.member, DAY)
    x, y = wgs84_to_gcj02(w.post.lng, w.post.lat)
    c = check_in_record(actor=CITIZEN, slot=s, volunteer=w.member, lng=x, lat=y, crs="gcj02", now=at(7, 20))
    assert c.distance_m is not None and c.distance_m < 5


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("too_early", ErrorCode.CHECK_IN_CLOSED),
        ("after_the_end", ErrorCode.CHECK_IN_CLOSED),
        ("another_volunteers_slot", ErrorCode.NOT_OWN_SLOT),
        ("staff_of_another_grid", ErrorCode.NOT_VOLUNTEER_MANAGER),
        ("twice", ErrorCode.CHECKED_IN_ALREADY),
    ],
)
def test_a_check_in_is_refused(w: Any, case: str, error: ErrorCode) -> None:
    s = slot(w.post, w.member, DAY)
    call: dict[str, Any] = {"actor": CITIZEN, "volunteer": w.member, "now": at(7, 25)}
    if case == "too_early":
        call["now"] = at(6, 10)
    elif case == "after_the_end":
        call["now"] = at(8, 1)
    elif case == "another_volunteers_slot":
        call["volunteer"] = w.member2
    elif case == "staff_of_another_grid":
        call = {"actor": w.other_worker, "now": at(7, 25)}
    elif case == "twice":
        check_in_record(slot=s, **call)
    before = CheckIn.objects.count()

    with pytest.raises((Conflict, PermissionDenied)) as refused:
        check_in_record(slot=s, **call)

    assert refused.value.code == error
    assert CheckIn.objects.count() == before


def test_staff_of_the_grid_check_a_volunteer_in_on_their_behalf(w: Any) -> None:
    s = slot(w.post, w.member, DAY)
    c = check_in_record(actor=w.worker, slot=s, lng=w.post.lng, lat=w.post.lat, now=at(7, 21))
    assert c.volunteer == w.member and c.recorded_by == w.worker and not c.is_late


def test_a_slot_not_checked_in_after_its_end_is_absent(w: Any) -> None:
    slot(w.post, w.member, DAY)
    figures = volunteer_figures(w.district, DAY, DAY, now=at(9, 0))
    assert (figures["slots"], figures["absent"], figures["coverage_rate"]) == (1, 1, 0.0)
