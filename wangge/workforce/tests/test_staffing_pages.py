"""The pages that keep 五长一员, worker profiles and 下沉 staff: allowed for community / street staff over the grid,
refused to the anonymous (login), to users without a role and other streets (404) and to a grid worker (403); a
bad form writes nothing. The dispatch page lists the grid's 下沉力量 with the phone masked."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core.models import AuditEntry
from wangge.workforce.choices import Route, WorkerKind
from wangge.workforce.models import RoleAssignment, SunkStaff, WorkerProfile, WorkforceRole
from wangge.workforce.services import assignment_create, sunk_staff_assign


def client_for(user: Any) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def who(w: SimpleNamespace, name: str) -> Any:
    return None if name == "anonymous" else getattr(w, name)


REFUSED = [("anonymous", 302), ("stranger", 404), ("other_street", 404), ("worker", 403)]
ALLOWED = ["street_staff", "community_staff"]


def an_assignment(w: SimpleNamespace) -> RoleAssignment:
    return assignment_create(
        actor=w.community_staff,
        role=WorkforceRole.objects.get(key="party_group_head"),
        grid=w.grid_a1,
        name="刘大妈",
        phone="13800001234",
        start_date=dt.date(2025, 1, 1),
    )


def a_sunk(w: SimpleNamespace) -> SunkStaff:
    return sunk_staff_assign(
        actor=w.community_staff, grid=w.grid_a1, unit=w.dept, name="城管小陈", start_date=dt.date(2025, 1, 1)
    )


def appoint_post(w: SimpleNamespace) -> dict[str, Any]:
    role = WorkforceRole.objects.get(key="property_head")
    return {"role": role.pk, "name": "周物业", "phone": "139-0000-5678", "start_date": "2025-03-01"}


@pytest.mark.parametrize("name", ALLOWED)
def test_appointing_a_resident_stores_the_phone_and_shows_it_masked(w: SimpleNamespace, name: str) -> None:
    c = client_for(getattr(w, name))
    url = reverse("web:workforce_assignment_new", args=[w.grid_a1.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, appoint_post(w))
    assert response.status_code == 302
    a = RoleAssignment.objects.get(name="周物业")
    assert a.phone == "13900005678" and a.grid_id == w.grid_a1.pk
    page = c.get(reverse("web:workforce_grid", args=[w.grid_a1.pk])).content.decode()
    assert "周物业" in page and "13900005678" not in page and "5678" in page


@pytest.mark.parametrize(("name", "expected"), REFUSED)
def test_appointing_is_refused_and_writes_nothing(w: SimpleNamespace, name: str, expected: int) -> None:
    url = reverse("web:workforce_assignment_new", args=[w.grid_a1.pk])
    response = client_for(who(w, name)).post(url, appoint_post(w))
    assert response.status_code == expected
    assert not RoleAssignment.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "not-a-phone"},
        {"name": ""},  # a resident needs a name
        {"phone": ""},  # and a phone
        {"role": "999999"},
        {"start_date": "2025-13-40"},
    ],
)
def test_a_bad_appointment_form_writes_nothing(w: SimpleNamespace, change: dict[str, str]) -> None:
    url = reverse("web:workforce_assignment_new", args=[w.grid_a1.pk])
    response = client_for(w.community_staff).post(url, {**appoint_post(w), **change})
    assert response.status_code == 400
    assert not RoleAssignment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="workforce.").exists()


def test_a_building_role_needs_a_building(w: SimpleNamespace) -> None:
    url = reverse("web:workforce_assignment_new", args=[w.grid_a1.pk])
    role = WorkforceRole.objects.get(key="building_head")
    response = client_for(w.community_staff).post(url, {**appoint_post(w), "role": role.pk})
    assert response.status_code == 400 and "请选择楼栋" in response.content.decode()
    assert not RoleAssignment.objects.exists()


@pytest.mark.parametrize("name", ALLOWED)
def test_ending_an_appointment(w: SimpleNamespace, name: str) -> None:
    a = an_assignment(w)
    c = client_for(getattr(w, name))
    url = reverse("web:workforce_assignment_end", args=[a.pk])
    assert c.get(url).status_code == 200
    assert c.post(url, {"end_date": "2025-06-30"}).status_code == 302
    a.refresh_from_db()
    assert a.end_date == dt.date(2025, 6, 30)


@pytest.mark.parametrize(("name", "expected"), REFUSED)
def test_ending_an_appointment_is_refused(w: SimpleNamespace, name: str, expected: int) -> None:
    a = an_assignment(w)
    response = client_for(who(w, name)).post(
        reverse("web:workforce_assignment_end", args=[a.pk]), {"end_date": "2025-06-30"}
    )
    assert response.status_code == expected
    a.refresh_from_db()
    assert a.end_date is None


def test_an_end_before_the_start_writes_nothing(w: SimpleNamespace) -> None:
    a = an_assignment(w)
    response = client_for(w.community_staff).post(
        reverse("web:workforce_assignment_end", args=[a.pk]), {"end_date": "2024-06-30"}
    )
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.content.decode()
    a.refresh_from_db()
    assert a.end_date is None


PROFILE_POST = {"kind": WorkerKind.PART_TIME, "route": Route.VOLUNTEER, "start_date": "2024-05-01", "note": ""}


@pytest.mark.parametrize("name", ALLOWED)
def test_editing_a_profile(w: SimpleNamespace, name: str) -> None:
    c = client_for(getattr(w, name))
    url = reverse("web:workforce_profile_edit", args=[w.profile.pk])
    assert c.get(url).status_code == 200
    assert c.post(url, PROFILE_POST).status_code == 302
    p = WorkerProfile.objects.get(pk=w.profile.pk)
    assert (p.kind, p.route, p.start_date) == (WorkerKind.PART_TIME, Route.VOLUNTEER, dt.date(2024, 5, 1))
    assert p.ladder_level == w.profile.ladder_level


@pytest.mark.parametrize(("name", "expected"), REFUSED)
def test_editing_a_profile_is_refused(w: SimpleNamespace, name: str, expected: int) -> None:
    response = client_for(who(w, name)).post(reverse("web:workforce_profile_edit", args=[w.profile.pk]), PROFILE_POST)
    assert response.status_code == expected
    p = WorkerProfile.objects.get(pk=w.profile.pk)
    assert (p.kind, p.route) == (w.profile.kind, w.profile.route)


def test_a_bad_profile_form_writes_nothing(w: SimpleNamespace) -> None:
    response = client_for(w.community_staff).post(
        reverse("web:workforce_profile_edit", args=[w.profile.pk]), {**PROFILE_POST, "route": "bribe"}
    )
    assert response.status_code == 400
    p = WorkerProfile.objects.get(pk=w.profile.pk)
    assert (p.kind, p.route) == (w.profile.kind, w.profile.route)


def sunk_post(w: SimpleNamespace) -> dict[str, Any]:
    return {"unit": w.dept.pk, "name": "城管小陈", "duty": "市容巡查", "start_date": "2025-03-01", "end_date": ""}


@pytest.mark.parametrize("name", ALLOWED)
def test_adding_sunk_staff(w: SimpleNamespace, name: str) -> None:
    c = client_for(getattr(w, name))
    url = reverse("web:workforce_sunk_new", args=[w.grid_a1.pk])
    assert c.get(url).status_code == 200
    assert c.post(url, sunk_post(w)).status_code == 302
    s = SunkStaff.objects.get()
    assert (s.grid_id, s.unit_id, s.duty) == (w.grid_a1.pk, w.dept.pk, "市容巡查")


@pytest.mark.parametrize(("name", "expected"), REFUSED)
def test_adding_sunk_staff_is_refused(w: SimpleNamespace, name: str, expected: int) -> None:
    response = client_for(who(w, name)).post(reverse("web:workforce_sunk_new", args=[w.grid_a1.pk]), sunk_post(w))
    assert response.status_code == expected
    assert not SunkStaff.objects.exists()


@pytest.mark.parametrize("change", [{"name": ""}, {"end_date": "2025-01-01"}, {"unit": "999999"}])
def test_a_bad_sunk_form_writes_nothing(w: SimpleNamespace, change: dict[str, str]) -> None:
    response = client_for(w.community_staff).post(
        reverse("web:workforce_sunk_new", args=[w.grid_a1.pk]), {**sunk_post(w), **change}
    )
    assert response.status_code == 400
    assert not SunkStaff.objects.exists()


@pytest.mark.parametrize("name", ALLOWED)
def test_ending_sunk_staff(w: SimpleNamespace, name: str) -> None:
    s = a_sunk(w)
    url = reverse("web:workforce_sunk_end", args=[s.pk])
    c = client_for(getattr(w, name))
    assert c.get(url).status_code == 200
    assert c.post(url, {"end_date": "2025-06-30"}).status_code == 302
    s.refresh_from_db()
    assert s.end_date == dt.date(2025, 6, 30)
    assert AuditEntry.objects.filter(action="workforce.sunk_end").count() == 1


@pytest.mark.parametrize(("name", "expected"), REFUSED)
def test_ending_sunk_staff_is_refused(w: SimpleNamespace, name: str, expected: int) -> None:
    s = a_sunk(w)
    response = client_for(who(w, name)).post(reverse("web:workforce_sunk_end", args=[s.pk]), {"end_date": "2025-06-30"})
    assert response.status_code == expected
    s.refresh_from_db()
    assert s.end_date is None


def test_the_grid_and_worker_pages_link_the_forms_for_keepers_only(w: SimpleNamespace) -> None:
    a, s = an_assignment(w), a_sunk(w)
    grid_url = reverse("web:workforce_grid", args=[w.grid_a1.pk])
    worker_url = reverse("web:workforce_worker", args=[w.profile.pk])
    links = [
        reverse("web:workforce_assignment_new", args=[w.grid_a1.pk]),
        reverse("web:workforce_assignment_end", args=[a.pk]),
        reverse("web:workforce_sunk_new", args=[w.grid_a1.pk]),
        reverse("web:workforce_sunk_end", args=[s.pk]),
    ]
    page = client_for(w.community_staff).get(grid_url).content.decode()
    assert all(link in page for link in links)
    assert reverse("web:workforce_profile_edit", args=[w.profile.pk]) in (
        client_for(w.community_staff).get(worker_url).content.decode()
    )
    worker_page = client_for(w.worker).get(grid_url).content.decode()
    assert not any(link in worker_page for link in links)


def test_the_sunk_list_only_shows_staff_in_force_today(w: SimpleNamespace) -> None:
    today = timezone.localdate()
    sunk_staff_assign(
        actor=w.community_staff,
        grid=w.grid_a1,
        unit=w.dept,
        name="已走的人",
        start_date=today - dt.timedelta(days=30),
        end_date=today - dt.timedelta(days=1),
    )
    page = client_for(w.community_staff).get(reverse("web:workforce_grid", args=[w.grid_a1.pk])).content.decode()
    assert "已走的人" not in page
