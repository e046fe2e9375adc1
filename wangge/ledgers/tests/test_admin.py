"""The 基础台账 admin: saves go through the services (history, audit, cleaned numbers), numbers are shown masked
and a masked number sent back keeps the stored one, residents are never deleted, tags are administrators' own."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from wangge.accounts.models import User
from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.ledgers import services
from wangge.ledgers.choices import MoveKind
from wangge.ledgers.models import ResidenceChange, Resident, ResidentTag
from wangge.ledgers.tests.factories import id_number, ledger_world, place_household

pytestmark = pytest.mark.django_db

NUMBER = id_number(dt.date(1966, 6, 6), male=True, seq=11)


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    return ledger_world()


def admin_client(user: User, *models: str) -> Client:
    """``user`` as a staff member holding every admin permission on the named ledger models."""
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="ledgers", content_type__model__in=models)
    )
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def resident_form(resident: Resident, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "grid": resident.grid_id,
        "household": resident.household_id or "",
        "name": resident.name,
        "id_number": f"{NUMBER[:6]}********{NUMBER[-4:]}",  # as the form shows it
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else "",
        "phone": "139****5678",
        "relation": resident.relation,
        "residence_type": resident.residence_type,
        "address": resident.address,
        "notes": resident.notes,
        "tags": [t.pk for t in resident.tags.all()],
        "moves-TOTAL_FORMS": "0",
        "moves-INITIAL_FORMS": "0",
        "moves-MIN_NUM_FORMS": "0",
        "moves-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_list_and_the_form_show_masked_numbers(w: SimpleNamespace) -> None:
    resident = services.resident_create(actor=SYSTEM, name="张三", id_number=NUMBER, phone="13912345678", grid=w.grid)
    client = admin_client(w.worker, "resident")

    listing = client.get("/admin/ledgers/resident/").content.decode()
    form = client.get(f"/admin/ledgers/resident/{resident.pk}/change/").content.decode()
    # the leader sees the ledger but does not keep it: a read-only page
    read_only = admin_client(w.leader, "resident").get(f"/admin/ledgers/resident/{resident.pk}/change/")

    assert read_only.status_code == 200 and 'name="name"' not in read_only.content.decode()
    for page in (listing, form, read_only.content.decode()):
        assert NUMBER not in page and "13912345678" not in page
        assert "139****5678" in page
    assert f"{NUMBER[:6]}********{NUMBER[-4:]}" in listing


def test_a_form_sent_back_masked_keeps_the_numbers_and_saves_through_the_service(w: SimpleNamespace) -> None:
    resident = services.resident_create(actor=SYSTEM, name="张三", id_number=NUMBER, phone="13912345678", grid=w.grid)
    client = admin_client(w.worker, "resident")

    response = client.post(f"/admin/ledgers/resident/{resident.pk}/change/", resident_form(resident, name="张叁"))

    assert response.status_code == 302, response.content.decode()[:3000]
    resident.refresh_from_db()
    assert (resident.name, resident.id_number, resident.phone) == ("张叁", NUMBER, "13912345678")
    assert AuditEntry.objects.filter(action="ledgers.resident_update", object_id=str(resident.pk)).exists()


def test_a_wrong_check_digit_is_shown_on_the_form(w: SimpleNamespace) -> None:
    resident = services.resident_create(actor=SYSTEM, name="张三", id_number=NUMBER, grid=w.grid)
    client = admin_client(w.worker, "resident")
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")

    response = client.post(f"/admin/ledgers/resident/{resident.pk}/change/", resident_form(resident, id_number=wrong))

    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    resident.refresh_from_db()
    assert resident.id_number == NUMBER


def test_adding_a_resident_registers_the_history(w: SimpleNamespace) -> None:
    household = place_household(w.grid)
    client = admin_client(w.worker, "resident")
    data = {
        "grid": w.grid.pk,
        "household": household.pk,
        "name": "李四",
        "id_number": NUMBER,
        "phone": "13912345678",
        "relation": "head",
        "residence_type": "registered",
        "moves-TOTAL_FORMS": "0",
        "moves-INITIAL_FORMS": "0",
        "moves-MIN_NUM_FORMS": "0",
        "moves-MAX_NUM_FORMS": "1000",
    }

    response = client.post("/admin/ledgers/resident/add/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    resident = Resident.objects.get(name="李四")
    assert resident.gender == "M" and resident.birth_date == dt.date(1966, 6, 6)
    assert ResidenceChange.objects.get(resident=resident).kind == MoveKind.REGISTER
    household.refresh_from_db()
    assert household.head == resident


def test_residents_are_not_deleted_in_admin(w: SimpleNamespace) -> None:
    resident = services.resident_create(actor=SYSTEM, name="张三", grid=w.grid)
    client = admin_client(w.worker, "resident")

    assert client.post(f"/admin/ledgers/resident/{resident.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Resident.objects.filter(pk=resident.pk).exists()


def test_the_tag_dictionary_is_edited_by_administrators(w: SimpleNamespace) -> None:
    staff = admin_client(w.community_staff, "residenttag")
    admin = admin_client(w.admin, "residenttag")
    data = {"key": "hearing", "name": "听障人士", "ordering": 5, "is_active": "on"}

    assert staff.post("/admin/ledgers/residenttag/add/", data).status_code == 403
    assert admin.post("/admin/ledgers/residenttag/add/", data).status_code == 302
    tag = ResidentTag.objects.get(key="hearing")
    assert AuditEntry.objects.filter(action="ledgers.tag_create", object_id=str(tag.pk)).exists()
    assert admin.post(f"/admin/ledgers/residenttag/{tag.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_building_moved_to_another_grid_takes_its_people(w: SimpleNamespace) -> None:
    household = place_household(w.grid)
    resident = services.resident_create(actor=SYSTEM, name="张三", household=household)

    assert household.building is not None
    services.building_update(actor=w.community_staff, building=household.building, grid=w.grid2)

    household.refresh_from_db()
    resident.refresh_from_db()
    assert household.grid == w.grid2 and resident.grid == w.grid2
