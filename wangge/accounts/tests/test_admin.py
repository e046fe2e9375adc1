"""The admin writes before/after for every change, keeps password hashes out of the trail,
masks phones in lists, routes grants through the services and stays inside the user's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.accounts.tests.factories import Tree, UnitFactory, UserFactory, territory_tree, user_with_role
from wangge.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> Tree:
    return territory_tree()


@pytest.fixture
def root_client() -> Client:
    root = UserFactory.create(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    return client


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "display_name": user.display_name,
        "mobile": user.mobile,
        "unit": user.unit_id or "",
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_unit_change_in_admin_writes_before_and_after(tree: Tree, root_client: Client) -> None:
    # given
    unit = UnitFactory.create(code="DEPT-1", name="城管局", territory=tree.district)

    # when
    response = root_client.post(
        f"/admin/accounts/unit/{unit.pk}/change/",
        {
            "code": "DEPT-1",
            "name": "城市管理局",
            "kind": UnitKind.DEPARTMENT,
            "territory": tree.district.pk,
            "phone": "0375-2345678",
            "is_active": "on",
        },
    )

    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.change", model="unit")
    assert entry.before == {"name": "城管局", "phone": ""}
    assert entry.after == {"name": "城市管理局", "phone": "0375-2345678"}
    assert entry.actor_name == "root"


def test_unit_admin_refuses_a_bad_phone_and_changes_nothing(tree: Tree, root_client: Client) -> None:
    # given
    unit = UnitFactory.create(code="DEPT-1", name="城管局", territory=tree.district)

    # when
    response = root_client.post(
        f"/admin/accounts/unit/{unit.pk}/change/",
        {
            "code": "DEPT-1",
            "name": "城管局",
            "kind": UnitKind.DEPARTMENT,
            "territory": tree.district.pk,
            "phone": "12",
            "is_active": "on",
        },
    )

    # then
    assert response.status_code == 200
    assert Unit.objects.get(pk=unit.pk).phone == ""
    assert not AuditEntry.objects.exclude(action__startswith="auth.").exists()


def test_user_added_in_admin_leaves_no_password_hash_in_the_trail(tree: Tree, root_client: Client) -> None:
    # when
    response = root_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "zhao6",
            "display_name": "赵六",
            "mobile": "13800138000",
            "usable_password": "true",
            "password1": "Admin-Made-Pass-1",
            "password2": "Admin-Made-Pass-1",
        },
    )

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="zhao6")
    assert user.check_password("Admin-Made-Pass-1")
    assert user.password_changed_at is not None
    assert user.mobile == "13800138000"
    entry = AuditEntry.objects.get(action="accounts.staff_create", model="user")  # written by the service
    trail = str(list(AuditEntry.objects.values_list("before", "after", "note")))
    assert "password" not in (entry.after or {})
    assert user.password not in trail
    assert user.password.split("$")[-1] not in trail
    assert "13800138000" not in trail


def test_user_change_in_admin_is_audited_and_list_masks_the_mobile(tree: Tree, root_client: Client) -> None:
    # given
    user = UserFactory.create(username="sun7", display_name="孙七")

    # when
    response = root_client.post(
        f"/admin/accounts/user/{user.pk}/change/", user_form(user, mobile="139 0013 9000", display_name="孙七七")
    )
    listing = root_client.get("/admin/accounts/user/").content.decode()

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.mobile == "13900139000"
    entry = AuditEntry.objects.get(action="admin.change", model="user")
    assert (entry.before or {})["display_name"] == "孙七"
    assert (entry.after or {})["display_name"] == "孙七七"
    assert (entry.after or {})["mobile"] == "***"
    assert "139****9000" in listing
    assert "13900139000" not in listing


def test_password_change_in_admin_is_audited_without_the_hash(tree: Tree, root_client: Client) -> None:
    # given
    user = UserFactory.create(username="zhou8")

    # when
    response = root_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Brand-New-Pass-8", "password2": "Brand-New-Pass-8", "usable_password": "true"},
    )

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.check_password("Brand-New-Pass-8")
    entry = AuditEntry.objects.get(action="accounts.password_set")
    assert entry.object_id == str(user.pk)
    assert user.password not in str(entry.after)


def test_weak_password_in_admin_is_refused(tree: Tree, root_client: Client) -> None:
    # given
    user = UserFactory.create(username="wu9")
    old_hash = user.password

    # when
    response = root_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "abc123", "password2": "abc123", "usable_password": "true"},
    )

    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old_hash
    assert not AuditEntry.objects.exclude(action__startswith="auth.").exists()


def test_grant_added_inline_goes_through_the_service(tree: Tree, root_client: Client) -> None:
    # given
    user = UserFactory.create(username="zheng10")
    data = user_form(user)
    data.update({"grants-TOTAL_FORMS": "1", "grants-0-role": Role.GRID_WORKER, "grants-0-territory": tree.grid_a1.pk})

    # when
    response = root_client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.territory_id) == (Role.GRID_WORKER, tree.grid_a1.pk)
    entry = AuditEntry.objects.get(action="accounts.role_grant")
    assert (entry.after or {})["territory"] == tree.grid_a1.code


def test_inconsistent_grant_inline_is_refused_and_nothing_changes(tree: Tree, root_client: Client) -> None:
    # given: a grid worker role on a street node
    user = UserFactory.create(username="feng11", display_name="冯十一")
    data = user_form(user, display_name="改名")
    data.update({"grants-TOTAL_FORMS": "1", "grants-0-role": Role.GRID_WORKER, "grants-0-territory": tree.street_a.pk})

    # when
    response = root_client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    # then
    assert response.status_code == 200
    assert "网格" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "冯十一"
    assert not RoleGrant.objects.exists()
    assert not AuditEntry.objects.exclude(action__startswith="auth.").exists()


def test_grant_removed_inline_is_revoked_through_the_service(tree: Tree, root_client: Client) -> None:
    # given
    user = user_with_role(Role.GRID_WORKER, tree.grid_a1, username="chen12")
    grant = user.grants.get()
    data = user_form(user)
    data.update(
        {
            "grants-TOTAL_FORMS": "1",
            "grants-INITIAL_FORMS": "1",
            "grants-0-id": grant.pk,
            "grants-0-user": user.pk,
            "grants-0-role": grant.role,
            "grants-0-territory": tree.grid_a1.pk,
            "grants-0-DELETE": "on",
        }
    )

    # when
    response = root_client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not RoleGrant.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="accounts.role_revoke").count() == 1


def test_staff_admin_sees_only_units_in_scope(tree: Tree) -> None:
    # given: a street staff member with admin permissions on units
    staff = user_with_role(Role.STREET_STAFF, tree.street_a, username="street_a", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_unit", "change_unit"]))
    mine = UnitFactory.create(code="COMM-A", territory=tree.community_a, kind=UnitKind.COMMUNITY_COMMITTEE)
    theirs = UnitFactory.create(code="COMM-B", territory=tree.community_b, kind=UnitKind.COMMUNITY_COMMITTEE)
    client = Client()
    client.force_login(staff)

    # when
    listing = client.get("/admin/accounts/unit/").content.decode()
    other = client.get(f"/admin/accounts/unit/{theirs.pk}/change/")
    own = client.get(f"/admin/accounts/unit/{mine.pk}/change/")

    # then: the other street's unit answers like a missing one
    assert "COMM-A" in listing
    assert "COMM-B" not in listing
    assert other.status_code == 302
    assert own.status_code == 200
