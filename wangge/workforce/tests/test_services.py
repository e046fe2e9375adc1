"""The writes of the grid workforce, allowed and forbidden (a refusal changes nothing), and its figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.choices import UnitKind
from wangge.accounts.tests.factories import UnitFactory
from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.ledgers.models import Building
from wangge.workforce import selectors
from wangge.workforce.choices import RecordKind, Route, WorkerKind
from wangge.workforce.models import RoleAssignment, SunkStaff, WorkerProfile, WorkerRecord, WorkforceRole
from wangge.workforce.services import (
    assignment_create,
    assignment_end,
    profile_save,
    record_create,
    sunk_staff_assign,
)
from wangge.workforce.tests.factories import WorkerRecordFactory

SYSTEM = SystemActor("test")


def role(key: str) -> WorkforceRole:
    return WorkforceRole.objects.get(key=key)


def test_the_default_roles_of_wuzhang_yiyuan_are_seeded(db: Any) -> None:
    names = list(WorkforceRole.objects.values_list("name", flat=True))
    assert names == ["网格长", "楼栋长", "单元长", "党小组长", "物业长", "网格员"]


# --- 五长一员 ------------------------------------------------------------------------------------------------


def test_community_staff_appoint_a_grid_head_and_a_resident_building_head(w: SimpleNamespace) -> None:
    building = Building.objects.create(code="B001", name="1号楼", grid=w.grid_a1)
    head = assignment_create(actor=w.community_staff, role=role("grid_head"), grid=w.grid_a1, user=w.worker)
    volunteer = assignment_create(
        actor=w.community_staff,
        role=role("building_head"),
        grid=w.grid_a1,
        building=building,
        name="刘大妈",
        phone="13800001234",
        start_date=dt.date(2025, 1, 1),
    )
    assert (head.name, head.user, head.building) == ("张网格", w.worker, None)
    assert volunteer.phone == "13800001234" and volunteer.phone_index
    assert list(selectors.assignments_for_grid(w.grid_a1)) == [head, volunteer]  # the role order
    assert list(selectors.assignments_for_grid(w.grid_a1, dt.date(2025, 6, 1))) == [volunteer]  # head: from today
    assert AuditEntry.objects.filter(action="workforce.assignment_create").count() == 2


def test_an_assignment_ends_and_leaves_the_grid_page(w: SimpleNamespace) -> None:
    a = assignment_create(
        actor=w.community_staff, role=role("grid_head"), grid=w.grid_a1, user=w.worker, start_date=dt.date(2025, 1, 1)
    )
    assignment_end(actor=w.community_staff, assignment=a, end_date=dt.date(2025, 5, 31))
    assert list(selectors.assignments_for_grid(w.grid_a1, dt.date(2025, 5, 31))) == [a]
    assert list(selectors.assignments_for_grid(w.grid_a1, dt.date(2025, 6, 1))) == []


@pytest.mark.parametrize(
    ("who", "error"),
    [("worker", PermissionDenied), ("stranger", NotFound), ("other_street", NotFound)],
)
def test_only_community_or_street_staff_over_the_grid_appoint(w: SimpleNamespace, who: str, error: type) -> None:
    with pytest.raises(error):
        assignment_create(actor=getattr(w, who), role=role("grid_head"), grid=w.grid_a1, name="某人")
    assert not RoleAssignment.objects.exists()


def test_a_building_role_needs_a_building_of_the_grid(w: SimpleNamespace) -> None:
    elsewhere = Building.objects.create(code="B900", name="9号楼", grid=w.grid_a2)
    for building in (None, elsewhere):
        with pytest.raises(ValidationFailed):
            assignment_create(
                actor=w.community_staff, role=role("building_head"), grid=w.grid_a1, building=building, name="刘"
            )
    assert not RoleAssignment.objects.exists()


# --- 网格员档案 ----------------------------------------------------------------------------------------------


def test_street_staff_record_a_workers_kind_and_route(w: SimpleNamespace) -> None:
    p = profile_save(
        actor=w.street_staff,
        user=w.worker,
        grid=w.grid_a1,
        kind=WorkerKind.PART_TIME,
        route=Route.VOLUNTEER,
        start_date=dt.date(2024, 9, 1),
        ladder_level=4,
    )
    assert (p.kind, p.route, p.ladder_level) == (WorkerKind.PART_TIME, Route.VOLUNTEER, 1)  # the level stays
    counts = selectors.worker_counts(WorkerProfile.objects.filter(grid__path__startswith=w.street_a.path))
    assert counts["total"] == 3
    assert dict((k, n) for k, _label, n in counts["by_kind"]) == {"full_time": 1, "part_time": 2}
    assert dict((k, n) for k, _label, n in counts["by_route"])["volunteer"] == 1


def test_a_profile_refuses_an_unknown_route_and_a_worker_cannot_edit_it(w: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed):
        profile_save(actor=w.street_staff, user=w.worker, grid=w.grid_a1, route="bribe")
    with pytest.raises(PermissionDenied):
        profile_save(actor=w.worker, user=w.worker, grid=w.grid_a1, route=Route.VOLUNTEER)
    w.profile.refresh_from_db()
    assert w.profile.route == Route.STREET


# --- 下沉力量 ------------------------------------------------------------------------------------------------


def test_sunk_staff_are_usable_in_their_period(w: SimpleNamespace) -> None:
    s = sunk_staff_assign(
        actor=w.street_staff,
        grid=w.grid_a1,
        unit=w.dept,
        name="城管队员小陈",
        duty="市容巡查",
        start_date=dt.date(2025, 6, 1),
        end_date=dt.date(2025, 6, 30),
    )
    assert list(selectors.sunk_staff_for_grid(w.grid_a1, on=dt.date(2025, 6, 15))) == [s]
    assert list(selectors.sunk_staff_for_grid(w.grid_a1, on=dt.date(2025, 7, 1))) == []
    assert list(selectors.sunk_staff_for_grid(w.grid_a2, on=dt.date(2025, 6, 15))) == []


def test_sunk_staff_come_from_departments_or_companies_only(w: SimpleNamespace) -> None:
    office = UnitFactory.create(kind=UnitKind.STREET_OFFICE, territory=w.street_a)
    with pytest.raises(ValidationFailed):
        sunk_staff_assign(actor=w.street_staff, grid=w.grid_a1, unit=office, name="某人")
    with pytest.raises(PermissionDenied):
        sunk_staff_assign(actor=w.worker, grid=w.grid_a1, unit=w.dept, name="某人")
    assert not SunkStaff.objects.exists()


# --- 奖惩 ----------------------------------------------------------------------------------------------------


def test_a_reward_and_a_penalty_are_recorded_and_audited(w: SimpleNamespace) -> None:
    r = record_create(
        actor=w.community_staff,
        worker=w.worker,
        date=dt.date(2025, 6, 20),
        kind=RecordKind.REWARD,
        title="防汛表现突出",
        reason="暴雨夜转移群众",
        amount="300",
    )
    p = record_create(
        actor=w.community_staff,
        worker=w.worker,
        date=dt.date(2025, 6, 21),
        kind=RecordKind.PENALTY,
        title="脱岗",
        reason="巡查期间脱岗",
        amount=50,
        points=-2,
    )
    assert (r.recorded_by, r.grid, r.amount) == (w.community_staff, w.grid_a1, Decimal("300.00"))
    net = selectors.records_amount([w.worker.pk], dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert net == {w.worker.pk: Decimal("250.00")} and p.points == -2
    assert AuditEntry.objects.filter(action="workforce.record_create").count() == 2


@pytest.mark.parametrize(
    ("who", "amount", "error"),
    [("worker", 10, PermissionDenied), ("other_street", 10, NotFound), ("community_staff", -5, ValidationFailed)],
)
def test_a_record_is_refused(w: SimpleNamespace, who: str, amount: int, error: type) -> None:
    with pytest.raises(error):
        record_create(
            actor=getattr(w, who),
            worker=w.worker,
            date=dt.date(2025, 6, 1),
            kind=RecordKind.REWARD,
            title="奖励",
            reason="事由",
            amount=amount,
        )
    assert not WorkerRecord.objects.exists()


def test_the_awards_tally_counts_titles_in_the_period(w: SimpleNamespace) -> None:
    for worker, grid, day in ((w.worker, w.grid_a1, 5), (w.worker2, w.grid_a2, 6), (w.other_worker, w.grid_b1, 7)):
        WorkerRecordFactory.create(
            worker=worker, grid=grid, kind=RecordKind.AWARD, title="优秀网格员", date=dt.date(2025, 6, day)
        )
    WorkerRecordFactory.create(worker=w.worker, grid=w.grid_a1, kind=RecordKind.AWARD, title="最美网格员")
    WorkerRecordFactory.create(worker=w.worker, grid=w.grid_a1)  # a reward: not an award
    WorkerRecordFactory.create(
        worker=w.worker, grid=w.grid_a1, kind=RecordKind.AWARD, title="优秀网格员", date=dt.date(2024, 6, 1)
    )
    tally = selectors.awards_tally(WorkerRecord.objects.all(), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert tally["total"] == 4 and tally["workers"] == 3
    assert tally["by_title"] == [("优秀网格员", 3), ("最美网格员", 1)]
    assert dict(tally["by_street"]) == {"甲街道": 3, "乙街道": 1}


def test_refusals_are_domain_errors_with_the_apps_codes(w: SimpleNamespace) -> None:
    with pytest.raises(DomainError) as caught:
        assignment_create(actor=w.worker, role=role("grid_head"), grid=w.grid_a1, name="某人")
    assert caught.value.code == "workforce_forbidden"
