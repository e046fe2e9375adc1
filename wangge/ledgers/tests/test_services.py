"""The 基础台账 services and record cleaners: check digits and derived facts, one person per ID number, moves with
their history, archive that never deletes, scope (a grid worker records in their own grid only), blind-index
storage."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.actors import SYSTEM
from wangge.core.crypto import blind_index
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.ledgers import services
from wangge.ledgers.choices import (
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    MoveKind,
    Relation,
    ResidenceType,
    ResidentStatus,
)
from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.models import Building, Household, ResidenceChange, Resident
from wangge.ledgers.records import KEEP, clean_building, clean_household, clean_merchant, clean_resident
from wangge.ledgers.tests.factories import (
    BuildingFactory,
    EstateFactory,
    HouseholdFactory,
    ResidentFactory,
    credit_code,
    id_number,
    ledger_world,
    place_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    return ledger_world()


def codes(problems: list[dict[str, Any]]) -> dict[str, str]:
    return {p["field"]: p["error"] for p in problems}


# -- records --------------------------------------------------------------------------------------------------


def test_an_id_number_gives_gender_and_birth_date() -> None:
    number = id_number(dt.date(1975, 2, 28), male=False)

    clean, problems = clean_resident({"name": "李四", "id_number": number.lower()})

    assert problems == []
    assert clean["id_number"] == number.upper()
    assert clean["gender"] == "F"
    assert clean["birth_date"] == dt.date(1975, 2, 28)


def test_a_wrong_check_digit_is_named() -> None:
    number = id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")

    _clean, problems = clean_resident({"name": "李四", "id_number": wrong})

    assert codes(problems) == {"id_number": ErrorCode.INVALID_ID_NUMBER}
    assert "校验位" in problems[0]["reason"]


def test_a_gender_or_birth_date_that_disagrees_with_the_id_number_is_an_error() -> None:
    number = id_number(dt.date(1990, 1, 2), male=True)

    _clean, problems = clean_resident({"name": "王五", "id_number": number, "gender": "女", "birth_date": "1990-01-03"})

    assert codes(problems) == {"gender": ErrorCode.ID_NUMBER_MISMATCH, "birth_date": ErrorCode.ID_NUMBER_MISMATCH}


def test_agreeing_gender_and_birth_date_are_accepted() -> None:
    number = id_number(dt.date(1990, 1, 2), male=True)

    clean, problems = clean_resident({"name": "王五", "id_number": number, "gender": "男", "birth_date": "1990/1/2"})

    assert problems == []
    assert (clean["gender"], clean["birth_date"]) == ("M", dt.date(1990, 1, 2))


def test_choices_and_tags_by_label(db: Any) -> None:
    clean, problems = clean_resident(
        {
            "name": "赵六",
            "relation": "配偶",
            "residence_type": "流动",
            "tags": "党员、志愿者;dibao",
            "phone": "+86 139-1234-5678",
        }
    )

    assert problems == []
    assert clean["relation"] == Relation.SPOUSE
    assert clean["residence_type"] == ResidenceType.FLOATING
    assert sorted(t.key for t in clean["tags"]) == ["dibao", "party_member", "volunteer"]
    assert clean["phone"] == "13912345678"


def test_unknown_values_are_problems(db: Any) -> None:
    _clean, problems = clean_resident(
        {"name": "", "relation": "表舅", "residence_type": "临时", "tags": "党员,外星人", "phone": "12345678"}
    )

    assert codes(problems) == {
        "name": ErrorCode.REQUIRED,
        "relation": ErrorCode.UNKNOWN_RELATION,
        "residence_type": ErrorCode.UNKNOWN_RESIDENCE_TYPE,
        "tags": ErrorCode.UNKNOWN_TAG,
        "phone": ErrorCode.INVALID_PHONE,
    }
    assert "外星人" in next(p["reason"] for p in problems if p["field"] == "tags")


def test_a_masked_number_keeps_the_stored_one_only() -> None:
    stored = {"phone": "13912345678"}

    kept, ok = clean_resident({"phone": "139****5678"}, partial=True, stored=stored)
    _other, refused = clean_resident({"phone": "139****0000"}, partial=True, stored=stored)

    assert ok == [] and kept["phone"] is KEEP
    assert codes(refused) == {"phone": ErrorCode.MASKED_VALUE}


def test_merchant_credit_code_kind_and_licence_dates() -> None:
    good = credit_code()
    clean, problems = clean_merchant(
        {"name": "便民超市", "credit_code": good.lower(), "kind": "企业", "licence_issued": "2020-01-01"}
    )
    assert problems == []
    assert clean["credit_code"] == good
    assert clean["kind"] == MerchantKind.ENTERPRISE

    bad = good[:17] + ("0" if good[17] != "0" else "1")
    _clean, problems = clean_merchant(
        {
            "name": "便民超市",
            "credit_code": bad,
            "kind": "作坊",
            "licence_issued": "2024-01-01",
            "licence_expires": "2023-01-01",
        }
    )
    assert codes(problems) == {
        "credit_code": ErrorCode.INVALID_CREDIT_CODE,
        "kind": ErrorCode.UNKNOWN_KIND,
        "licence_expires": ErrorCode.LICENCE_DATES,
    }


def test_building_and_household_numbers() -> None:
    _clean, problems = clean_building({"name": "1号楼", "floors": "三", "units": 0, "lng": 113.2})
    assert codes(problems) == {
        "floors": ErrorCode.NOT_A_NUMBER,
        "units": ErrorCode.OUT_OF_RANGE,
        "lat": ErrorCode.COORDINATES_INCOMPLETE,
    }
    clean, problems = clean_household({"room": "301", "use": "出租"})
    assert problems == [] and clean["use"] == HouseholdUse.RENTED


# -- buildings and households ---------------------------------------------------------------------------------


def test_a_building_code_continues_the_grid_code(w: SimpleNamespace) -> None:
    first = services.building_create(actor=w.worker, grid=w.grid, name="1号楼", head_phone="139 1234 5678")
    second = services.building_create(actor=w.worker, grid=w.grid, name="2号楼")

    assert first.code == f"{w.grid.code}001"
    assert second.code == f"{w.grid.code}002"
    assert first.head_phone == "13912345678"
    assert first.head_phone_index == blind_index("13912345678")
    assert AuditEntry.objects.filter(action="ledgers.building_create", object_id=str(first.pk)).exists()


def test_a_building_belongs_to_a_grid(w: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.building_create(actor=SYSTEM, grid=w.community, name="1号楼")
    assert exc.value.code == ErrorCode.NOT_A_GRID


def test_an_estate_of_another_community_is_refused(w: SimpleNamespace) -> None:
    estate = EstateFactory.create(community=w.community_b)

    with pytest.raises(ValidationFailed) as exc:
        services.building_create(actor=SYSTEM, grid=w.grid, name="1号楼", estate=estate)
    assert exc.value.code == ErrorCode.ESTATE_ELSEWHERE


def test_estates_are_kept_by_community_staff(w: SimpleNamespace) -> None:
    estate = services.estate_create(actor=w.community_staff, community=w.community, name="阳光小区")

    assert estate.code == f"{w.community.code}-001"
    with pytest.raises(NotFound):
        services.estate_create(actor=w.worker, community=w.community_b, name="月亮小区")
    updated = services.estate_update(actor=w.community_staff, estate=estate, property_company="平安物业")
    assert updated.property_company == "平安物业"


def test_household_address_is_composed_and_rooms_are_unique(w: SimpleNamespace) -> None:
    estate = EstateFactory.create(community=w.community, name="阳光小区")
    building = BuildingFactory.create(grid=w.grid, estate=estate, name="3号楼")

    household = services.household_create(actor=w.worker, building=building, unit_no="2", room="301")

    assert household.grid == w.grid
    assert household.address == "阳光小区 3号楼2单元301"
    assert household.code == f"{building.code}-0001"
    with pytest.raises(Conflict) as exc:
        services.household_create(actor=w.worker, building=building, unit_no="2", room="301")
    assert exc.value.code == ErrorCode.ROOM_TAKEN


def test_a_household_needs_a_room_or_a_house_number(w: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.household_create(actor=w.worker, grid=w.grid)
    assert exc.value.code == ErrorCode.REQUIRED

    village = services.household_create(actor=w.worker, grid=w.grid, house_no="王庄村3组15号")
    assert village.address == "王庄村3组15号"
    assert village.building is None


# -- residents ------------------------------------------------------------------------------------------------


def test_a_grid_worker_registers_a_resident_in_their_grid(w: SimpleNamespace) -> None:
    household = place_household(w.grid)
    number = id_number(dt.date(1960, 3, 8), male=False)

    resident = services.resident_create(
        actor=w.worker,
        name="张秀兰",
        id_number=number,
        phone="0375-2345678",
        household=household,
        relation="户主",
        tags=["独居老人"],
    )

    resident.refresh_from_db()
    assert resident.grid == w.grid
    assert (resident.gender, resident.birth_date) == ("F", dt.date(1960, 3, 8))
    assert resident.id_number == number and resident.id_number_index == blind_index(number)
    assert resident.phone_index == blind_index("0375-2345678")
    assert [t.key for t in resident.tags.all()] == ["living_alone_elderly"]
    household.refresh_from_db()
    assert household.head == resident
    change = ResidenceChange.objects.get(resident=resident)
    assert (change.kind, change.to_household, change.by) == (MoveKind.REGISTER, household, w.worker)
    entry = AuditEntry.objects.get(action="ledgers.resident_create", object_id=str(resident.pk))
    # protected numbers never enter the audit trail
    assert entry.after is not None and entry.after["id_number"] == "***"


def test_one_record_per_id_number(w: SimpleNamespace) -> None:
    number = id_number()
    first = services.resident_create(actor=w.worker, name="甲", id_number=number, grid=w.grid)

    with pytest.raises(Conflict) as exc:
        services.resident_create(actor=w.worker, name="乙", id_number=number.lower(), grid=w.grid)
    assert exc.value.code == ErrorCode.RESIDENT_EXISTS
    assert exc.value.details[0]["resident"] == first.pk

    with pytest.raises(Conflict) as hidden:  # someone outside the first's grid is not told who it is
        services.resident_create(actor=w.other_worker, name="丙", id_number=number, grid=w.grid2)
    assert "resident" not in hidden.value.details[0]
    assert Resident.objects.count() == 1


def test_a_worker_records_in_their_own_grid_only(w: SimpleNamespace) -> None:
    with pytest.raises(NotFound) as exc:
        services.resident_create(actor=w.worker, name="甲", grid=w.grid2)
    assert exc.value.code == ErrorCode.GRID_NOT_FOUND

    theirs = ResidentFactory.create(grid=w.grid2)
    with pytest.raises(NotFound) as exc:
        services.resident_update(actor=w.worker, resident=theirs, name="改名")
    assert exc.value.code == ErrorCode.RESIDENT_NOT_FOUND

    with pytest.raises(PermissionDenied) as denied:  # the leader sees the ledger but does not keep it
        services.resident_update(actor=w.leader, resident=theirs, name="改名")
    assert denied.value.code == ErrorCode.RECORD_DENIED

    assert services.resident_update(actor=w.community_staff, resident=theirs, name="改名").name == "改名"


def test_an_update_checks_gender_against_the_stored_id_number(w: SimpleNamespace) -> None:
    resident = services.resident_create(actor=w.worker, name="甲", id_number=id_number(male=True), grid=w.grid)

    with pytest.raises(ValidationFailed) as exc:
        services.resident_update(actor=w.worker, resident=resident, gender="F")
    assert exc.value.code == ErrorCode.ID_NUMBER_MISMATCH

    services.resident_update(actor=w.worker, resident=resident, tags="党员", phone="139 0000 1111")
    resident.refresh_from_db()
    assert resident.phone_index == blind_index("13900001111")
    assert [t.key for t in resident.tags.all()] == ["party_member"]


def test_a_move_keeps_the_history_and_the_grid_follows(w: SimpleNamespace) -> None:
    old = place_household(w.grid)
    new = place_household(w.grid2)
    head = services.resident_create(actor=SYSTEM, name="户主", household=old, relation=Relation.HEAD)
    spouse = services.resident_create(actor=SYSTEM, name="配偶", household=old, relation=Relation.SPOUSE)
    at = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)

    moved = services.resident_move(
        actor=w.community_staff, resident=head, to_household=new, relation="户主", successor=spouse, note="购房", at=at
    )

    assert moved.household == new and moved.grid == w.grid2
    change = ResidenceChange.objects.get(resident=head, kind=MoveKind.MOVE)
    assert (change.from_household, change.to_household, change.at, change.by) == (old, new, at, w.community_staff)
    assert change.note == "购房"
    old.refresh_from_db()
    new.refresh_from_db()
    spouse.refresh_from_db()
    assert old.head == spouse and spouse.relation == Relation.HEAD
    assert new.head == head


def test_a_moved_head_leaves_the_household_headless_when_no_successor(w: SimpleNamespace) -> None:
    old = place_household(w.grid)
    new = place_household(w.grid)
    head = services.resident_create(actor=w.worker, name="户主", household=old, relation=Relation.HEAD)

    services.resident_move(actor=w.worker, resident=head, to_household=new)

    old.refresh_from_db()
    head.refresh_from_db()
    assert old.head is None
    assert head.relation == Relation.OTHER


def test_moving_into_another_workers_grid_is_refused_and_writes_nothing(w: SimpleNamespace) -> None:
    mine = place_household(w.grid)
    theirs = place_household(w.grid2)
    resident = services.resident_create(actor=w.worker, name="甲", household=mine)

    with pytest.raises(NotFound):
        services.resident_move(actor=w.worker, resident=resident, to_household=theirs)

    resident.refresh_from_db()
    assert resident.household == mine
    assert not ResidenceChange.objects.filter(kind=MoveKind.MOVE).exists()


def test_archive_never_deletes_and_the_record_stays_searchable(w: SimpleNamespace) -> None:
    from wangge.ledgers.selectors import household_overview, residents_by_id_number

    household = place_household(w.grid)
    number = id_number()
    resident = services.resident_create(
        actor=w.worker, name="甲", id_number=number, household=household, relation=Relation.HEAD
    )

    services.resident_archive(actor=w.worker, resident=resident, reason="deceased", note="病故")

    resident.refresh_from_db()
    assert resident.status == ResidentStatus.DECEASED and resident.archived_at is not None
    assert resident.household is None and resident.grid == w.grid
    assert list(residents_by_id_number(w.worker, number)) == [resident]
    overview = household_overview(household)
    assert overview.members == [] and overview.head is None
    assert [f.resident for f in overview.former] == [resident]
    assert [m.kind for m in overview.former[0].moves] == [MoveKind.DECEASED, MoveKind.REGISTER]

    with pytest.raises(ValidationFailed) as exc:
        services.resident_archive(actor=w.worker, resident=resident, reason="moved_away")
    assert exc.value.code == ErrorCode.RESIDENT_ARCHIVED

    restored = services.resident_restore(actor=w.worker, resident=resident, household=household, note="误登")
    assert restored.status == ResidentStatus.CURRENT and restored.household == household
    assert Resident.objects.count() == 1


def test_an_unknown_archive_reason_is_refused(w: SimpleNamespace) -> None:
    resident = ResidentFactory.create(grid=w.grid)
    with pytest.raises(ValidationFailed) as exc:
        services.resident_archive(actor=w.worker, resident=resident, reason="lost")
    assert exc.value.code == ErrorCode.INVALID_ARCHIVE_REASON


def test_a_second_head_is_refused_and_headship_can_be_set(w: SimpleNamespace) -> None:
    household = place_household(w.grid)
    head = services.resident_create(actor=w.worker, name="甲", household=household, relation=Relation.HEAD)
    with pytest.raises(ValidationFailed) as exc:
        services.resident_create(actor=w.worker, name="乙", household=household, relation=Relation.HEAD)
    assert exc.value.code == ErrorCode.HEAD_TAKEN

    child = services.resident_create(actor=w.worker, name="丙", household=household, relation="子女")
    services.household_set_head(actor=w.worker, household=household, resident=child)
    household.refresh_from_db()
    head.refresh_from_db()
    child.refresh_from_db()
    assert household.head == child and child.relation == Relation.HEAD and head.relation == Relation.OTHER

    stranger = ResidentFactory.create(grid=w.grid)
    with pytest.raises(ValidationFailed) as exc:
        services.household_set_head(actor=w.worker, household=household, resident=stranger)
    assert exc.value.code == ErrorCode.HEAD_NOT_MEMBER


def test_an_invalid_resident_writes_nothing(w: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.resident_create(actor=w.worker, name="甲", id_number="410403198005170000", phone="1", grid=w.grid)
    assert {d["field"] for d in exc.value.details} == {"id_number", "phone"}
    assert not Resident.objects.exists() and not ResidenceChange.objects.exists()


# -- merchants ------------------------------------------------------------------------------------------------


def test_merchants_one_per_credit_code_and_closing(w: SimpleNamespace) -> None:
    code = credit_code()
    merchant = services.merchant_create(
        actor=w.worker,
        grid=w.grid,
        name="便民超市",
        credit_code=code,
        kind="个体工商户/门店",
        contact_phone="13700001111",
    )
    assert merchant.contact_phone_index == blind_index("13700001111")

    with pytest.raises(Conflict) as exc:
        services.merchant_create(actor=w.worker, grid=w.grid, name="另一家", credit_code=code)
    assert exc.value.code == ErrorCode.CREDIT_CODE_TAKEN

    services.merchant_close(actor=w.worker, merchant=merchant, note="停业注销")
    merchant.refresh_from_db()
    assert merchant.status == MerchantStatus.CLOSED
    with pytest.raises(ValidationFailed) as closed:
        services.merchant_close(actor=w.worker, merchant=merchant)
    assert closed.value.code == ErrorCode.MERCHANT_CLOSED


def test_a_merchant_building_lies_in_its_grid(w: SimpleNamespace) -> None:
    building = BuildingFactory.create(grid=w.grid2)
    with pytest.raises(ValidationFailed) as exc:
        services.merchant_create(actor=SYSTEM, grid=w.grid, name="店", building=building)
    assert exc.value.code == ErrorCode.GRID_MISMATCH


# -- the tag dictionary ---------------------------------------------------------------------------------------


def test_only_administrators_edit_tags(w: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied) as exc:
        services.tag_create(actor=w.community_staff, key="hearing", name="听障人士")
    assert exc.value.code == ErrorCode.ADMIN_REQUIRED

    tag = services.tag_create(actor=w.admin, key="hearing", name="听障人士")
    assert services.tag_update(actor=SYSTEM, tag=tag, name="听力障碍").name == "听力障碍"
    with pytest.raises(Conflict):
        services.tag_create(actor=w.admin, key="hearing", name="重复")


def test_building_and_household_updates(w: SimpleNamespace) -> None:
    building = BuildingFactory.create(grid=w.grid)
    updated = services.building_update(actor=w.worker, building=building, floors=18, head_phone="13800000000")
    assert updated.floors == 18 and updated.head_phone_index == blind_index("13800000000")

    household = HouseholdFactory.create(building=building)
    services.household_update(actor=w.worker, household=household, use="rented", room="1802")
    household.refresh_from_db()
    assert (household.use, household.room) == (HouseholdUse.RENTED, "1802")
    assert Building.objects.count() == 1 and Household.objects.count() == 1
