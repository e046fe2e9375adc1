"""The register: volunteers from a resident or registered directly, the roles table, teams, leaving — each
allowed for the roles over the node and refused (changing nothing) for the others."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wangge.core.crypto import blind_index
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.ledgers.tests.factories import ResidentFactory, place_household
from wangge.volunteers.choices import VolunteerStatus
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import RosterSlot, Team, Volunteer, VolunteerRole
from wangge.volunteers.services import (
    team_save,
    volunteer_create,
    volunteer_leave,
    volunteer_reveal_phone,
    volunteer_role_save,
    volunteer_update,
)
from wangge.volunteers.tests.factories import slot

pytestmark = pytest.mark.django_db


def _resident(w: Any, **kw: Any) -> Any:
    return ResidentFactory.create(household=place_household(w.grid), name="张桂英", phone="13811112222", **kw)


def test_a_grid_worker_registers_a_resident_of_their_grid(w: Any) -> None:
    resident = _resident(w)

    v = volunteer_create(actor=w.worker, resident=resident, roles=["opinion", "inspector"])

    assert (v.name, v.phone, v.territory) == ("张桂英", "13811112222", w.grid)
    assert v.phone_index == blind_index("13811112222")
    assert sorted(v.roles.values_list("key", flat=True)) == ["inspector", "opinion"]
    assert AuditEntry.objects.filter(action="volunteers.volunteer_create", object_id=str(v.pk)).exists()


def test_a_grid_worker_of_another_grid_registers_nothing(w: Any) -> None:
    resident = _resident(w)
    before = Volunteer.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        volunteer_create(actor=w.other_worker, resident=resident)

    assert refused.value.code == ErrorCode.NOT_VOLUNTEER_MANAGER
    assert Volunteer.objects.count() == before


def test_a_direct_registration_needs_a_valid_unique_number(w: Any) -> None:
    before = Volunteer.objects.count()
    with pytest.raises(ValidationFailed) as missing:
        volunteer_create(actor=w.community_staff, name="赵大妈", territory=w.grid)
    with pytest.raises(ValidationFailed) as taken:
        volunteer_create(actor=w.community_staff, name="赵大妈", phone="13900000001", territory=w.grid)
    with pytest.raises(ValidationFailed) as unknown_role:
        volunteer_create(actor=w.community_staff, name="赵大妈", phone="13900000077", territory=w.grid, roles=["x"])

    assert missing.value.code == ErrorCode.INVALID_VOLUNTEER
    assert taken.value.code == ErrorCode.DUPLICATE_VOLUNTEER
    assert unknown_role.value.code == ErrorCode.INVALID_VOLUNTEER
    assert Volunteer.objects.count() == before
    v = volunteer_create(actor=w.community_staff, name="赵大妈", phone="139 0000 0077", territory=w.grid)
    assert v.phone == "13900000077"


def test_a_resident_is_registered_once(w: Any) -> None:
    resident = _resident(w)
    volunteer_create(actor=w.worker, resident=resident)
    with pytest.raises(ValidationFailed) as refused:
        volunteer_create(actor=w.worker, resident=resident)
    assert refused.value.code == ErrorCode.DUPLICATE_VOLUNTEER


def test_roles_are_changed_by_registrars_over_the_volunteer(w: Any) -> None:
    volunteer_update(actor=w.worker, volunteer=w.member, roles=["mediator"])
    assert list(w.member.roles.values_list("key", flat=True)) == ["mediator"]

    with pytest.raises(PermissionDenied):
        volunteer_update(actor=w.other_worker, volunteer=w.member, roles=["opinion"])
    assert list(w.member.roles.values_list("key", flat=True)) == ["mediator"]


def test_the_roles_table_is_edited_by_administrators_only(w: Any) -> None:
    role = volunteer_role_save(actor=w.admin, key="elder_care", name="助老志愿者")
    assert role.name == "助老志愿者"

    with pytest.raises(PermissionDenied) as refused:
        volunteer_role_save(actor=w.community_staff, key="elder_care", name="改名")
    assert refused.value.code == ErrorCode.NOT_ROLE_EDITOR
    assert VolunteerRole.objects.get(key="elder_care").name == "助老志愿者"


def test_community_staff_keep_a_team_and_grid_workers_do_not(w: Any) -> None:
    team = team_save(
        actor=w.community_staff, name="文明宣传队", territory=w.community, members=[w.member], leader=w.leader_v
    )
    assert set(team.members.all()) == {w.member, w.leader_v} and team.leader == w.leader_v

    with pytest.raises(PermissionDenied):
        team_save(actor=w.worker, name="网格队", territory=w.grid)
    assert not Team.objects.filter(name="网格队").exists()


def test_a_team_takes_only_volunteers_under_its_node(w: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        team_save(actor=w.admin, name="混编队", territory=w.grid, members=[w.member2])
    assert refused.value.code == ErrorCode.INVALID_TEAM
    assert not Team.objects.filter(name="混编队").exists()


def test_leaving_keeps_the_volunteer_and_drops_future_slots(w: Any) -> None:
    today = dt.date.today()
    past = slot(w.post, w.member, today - dt.timedelta(days=1))
    slot(w.post, w.member, today + dt.timedelta(days=2))

    v = volunteer_leave(actor=w.community_staff, volunteer=w.member, on=today)

    assert v.status == VolunteerStatus.LEFT
    assert list(RosterSlot.objects.filter(volunteer=w.member)) == [past]
    with pytest.raises(ValidationFailed):
        volunteer_leave(actor=w.community_staff, volunteer=w.member)


def test_the_full_number_is_revealed_to_registrars_and_audited(w: Any) -> None:
    assert volunteer_reveal_phone(actor=w.worker, volunteer=w.member) == "13900000002"
    assert AuditEntry.objects.filter(action="volunteers.reveal_phone", object_id=str(w.member.pk)).count() == 1

    with pytest.raises(PermissionDenied):
        volunteer_reveal_phone(actor=w.other_worker, volunteer=w.member)
    assert AuditEntry.objects.filter(action="volunteers.reveal_phone").count() == 1
