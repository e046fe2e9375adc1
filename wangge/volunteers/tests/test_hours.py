"""Activities and service hours: recorded pending, confirmed (or not) by the team's leader — on the citizen pages,
under the number they verified — or by staff managing the territory; never by the leader for their own hours,
never twice; only confirmed hours count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from wangge.core.actors import CITIZEN
from wangge.core.errors import Conflict, PermissionDenied, ValidationFailed
from wangge.volunteers.choices import HoursStatus
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import Activity, ServiceHours
from wangge.volunteers.selectors import hours_totals, volunteer_figures
from wangge.volunteers.services import activity_create, hours_decide, hours_record

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 3)


def _activity(w: Any, actor: Any = None) -> Activity:
    return activity_create(
        actor=actor or w.community_staff,
        team=w.team,
        title="文明新风宣传",
        date=DAY,
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 0),
        place="华西社区广场",
        hours={w.leader_v: "2", w.member: "2.5", w.member2: 2},
    )


def _row(a: Activity, v: Any) -> ServiceHours:
    return ServiceHours.objects.get(activity=a, volunteer=v)


def test_an_activity_records_each_participants_hours_pending(w: Any) -> None:
    a = _activity(w)
    assert a.territory == w.community and a.created_by == w.community_staff
    assert sorted(a.hours.values_list("hours", "status")) == [
        (Decimal("2.0"), HoursStatus.PENDING),
        (Decimal("2.0"), HoursStatus.PENDING),
        (Decimal("2.5"), HoursStatus.PENDING),
    ]
    assert hours_totals(a.hours.all()) == {"confirmed": Decimal("0"), "pending": Decimal("6.5")}


def test_an_activity_is_refused_outside_the_actors_nodes_or_with_bad_times(w: Any) -> None:
    with pytest.raises(PermissionDenied):
        _activity(w, actor=w.stranger)
    with pytest.raises(PermissionDenied):
        _activity(w, actor=w.worker)  # the team's community is above the grid worker's grid
    with pytest.raises(ValidationFailed) as bad:
        activity_create(
            actor=w.community_staff,
            team=w.team,
            title="x",
            date=DAY,
            start_time=dt.time(11, 0),
            end_time=dt.time(9, 0),
            place="广场",
        )
    assert bad.value.code == ErrorCode.INVALID_ACTIVITY
    assert not Activity.objects.exists()


def test_hours_must_be_above_zero_and_within_a_day(w: Any) -> None:
    a = _activity(w)
    with pytest.raises(ValidationFailed) as refused:
        hours_record(actor=w.community_staff, activity=a, volunteer=w.member, hours="30")
    assert refused.value.code == ErrorCode.INVALID_HOURS
    assert _row(a, w.member).hours == Decimal("2.5")


def test_community_staff_confirm_and_reject(w: Any) -> None:
    a = _activity(w)
    confirmed = hours_decide(actor=w.community_staff, hours=_row(a, w.member), confirm=True)
    rejected = hours_decide(actor=w.community_staff, hours=_row(a, w.member2), confirm=False)

    assert confirmed.status == HoursStatus.CONFIRMED and confirmed.decided_by == w.community_staff
    assert rejected.status == HoursStatus.REJECTED
    assert hours_totals(a.hours.all()) == {"confirmed": Decimal("2.5"), "pending": Decimal("2.0")}
    figures = volunteer_figures(w.district, DAY, DAY)
    assert figures["hours_confirmed"] == Decimal("2.5") and figures["active"] == 1
    assert [t["hours"] for t in figures["hours_by_team"]] == [Decimal("2.5")]


def test_the_team_leader_confirms_a_members_hours_on_the_citizen_pages(w: Any) -> None:
    a = _activity(w)
    row = hours_decide(actor=CITIZEN, hours=_row(a, w.member), confirm=True, by_volunteer=w.leader_v)
    assert row.status == HoursStatus.CONFIRMED and row.decided_by is None and "何淑兰" in row.decided_by_name


@pytest.mark.parametrize("who", ["leader_own_hours", "member", "grid_worker", "other_community"])
def test_hours_are_not_confirmed_by_anyone_else(w: Any, who: str) -> None:
    a = _activity(w)
    target = _row(a, w.leader_v if who == "leader_own_hours" else w.member)
    call = {
        "leader_own_hours": {"actor": CITIZEN, "by_volunteer": w.leader_v},
        "member": {"actor": CITIZEN, "by_volunteer": w.member2},
        "grid_worker": {"actor": w.worker},  # records hours, does not confirm them
        "other_community": {"actor": w.stranger},
    }[who]

    with pytest.raises(PermissionDenied) as refused:
        hours_decide(hours=target, confirm=True, **call)

    assert refused.value.code == ErrorCode.NOT_HOURS_CONFIRMER
    target.refresh_from_db()
    assert target.status == HoursStatus.PENDING and target.decided_at is None


def test_decided_hours_are_not_decided_again_nor_changed(w: Any) -> None:
    a = _activity(w)
    hours_decide(actor=w.community_staff, hours=_row(a, w.member), confirm=True)
    with pytest.raises(Conflict) as again:
        hours_decide(actor=w.admin, hours=_row(a, w.member), confirm=False)
    with pytest.raises(Conflict):
        hours_record(actor=w.community_staff, activity=a, volunteer=w.member, hours="5")
    assert again.value.code == ErrorCode.HOURS_NOT_PENDING
    row = _row(a, w.member)
    assert (row.status, row.hours) == (HoursStatus.CONFIRMED, Decimal("2.5"))
