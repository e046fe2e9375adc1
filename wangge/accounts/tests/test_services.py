"""Units, staff and grants through the services: allowed and forbidden, with their audit trail."""

from __future__ import annotations

import pytest

from wangge.accounts import services
from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.accounts.tests.factories import (
    PASSWORD,
    RoleGrantFactory,
    UnitFactory,
    UserFactory,
    territory_tree,
    user_with_role,
)
from wangge.core.actors import SYSTEM
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.scoping import VIEW

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return territory_tree()


# ---------------------------------------------------------------------------------------------
# Units


def test_unit_create_by_street_staff_in_their_street(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    unit = services.unit_create(
        actor=actor, code="COMM-A", name="甲社区居委会", kind=UnitKind.COMMUNITY_COMMITTEE, territory=tree.community_a
    )

    # then
    assert Unit.objects.get(code="COMM-A").territory == tree.community_a
    entry = AuditEntry.objects.get(action="accounts.unit_create")
    assert entry.object_id == str(unit.pk)
    assert entry.actor == actor
    assert (entry.after or {})["code"] == "COMM-A"


def test_unit_create_outside_scope_looks_like_missing_territory(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    with pytest.raises(NotFound):
        services.unit_create(
            actor=actor,
            code="COMM-B",
            name="乙社区居委会",
            kind=UnitKind.COMMUNITY_COMMITTEE,
            territory=tree.community_b,
        )

    # then
    assert not Unit.objects.exists()
    assert not AuditEntry.objects.exists()


def test_unit_create_by_grid_worker_is_refused_inside_their_view_scope(tree) -> None:
    # given: the worker can see their grid but not change it
    actor = user_with_role(Role.GRID_WORKER, tree.grid_a1)

    # when
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=actor, code="X", name="某单位", kind=UnitKind.COMPANY, territory=tree.grid_a1)

    # then
    assert not Unit.objects.exists()


def test_unit_create_reports_every_bad_field(tree) -> None:
    # given
    UnitFactory.create(code="TAKEN", territory=tree.district)

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.unit_create(actor=SYSTEM, code="TAKEN", name="", kind="nonsense", territory=tree.district, phone="12")

    # then
    assert {d["field"] for d in caught.value.details} == {"code", "name", "kind", "phone"}
    assert Unit.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Staff


def test_staff_create_stores_mobile_protected_with_blind_index(tree) -> None:
    # given
    unit = UnitFactory.create(territory=tree.street_a, kind=UnitKind.STREET_OFFICE)
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    user = services.staff_create(
        actor=actor,
        username="li4",
        display_name="李四",
        password="Grid-Work-2024!",
        mobile="+86 138-0013-8000",
        unit=unit,
    )

    # then
    stored = User.objects.get(pk=user.pk)
    assert stored.mobile == "13800138000"
    assert stored.mobile_index == blind_index("13800138000")
    assert User.objects.filter(mobile_index=blind_index("13800138000")).get() == stored
    assert stored.check_password("Grid-Work-2024!")
    assert stored.password_changed_at is not None
    entry = AuditEntry.objects.get(action="accounts.staff_create")
    after = entry.after or {}
    assert after["mobile"] == "***"
    assert "password" not in after
    assert "13800138000" not in str(entry.after)


def test_staff_create_without_password_cannot_log_in(tree) -> None:
    # when
    user = services.staff_create(actor=SYSTEM, username="nopass", display_name="无密码")

    # then
    assert not user.has_usable_password()
    assert user.password_changed_at is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"mobile": "12345678"}, "invalid_phone"),
        ({"password": "short"}, "weak_password"),
        ({"password": "1234567890123"}, "weak_password"),
        ({"username": "taken"}, "username_taken"),
    ],
)
def test_staff_create_refuses_bad_input(tree, kwargs, code) -> None:
    # given
    UserFactory.create(username="taken")
    before = User.objects.count()
    args = {"username": "new", "display_name": "新人", **kwargs}

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.staff_create(actor=SYSTEM, **args)

    # then
    assert caught.value.code == code
    assert User.objects.count() == before
    assert not AuditEntry.objects.filter(action="accounts.staff_create").exists()


def test_staff_create_in_another_street_unit_is_refused(tree) -> None:
    # given
    unit_b = UnitFactory.create(territory=tree.street_b, kind=UnitKind.STREET_OFFICE)
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    with pytest.raises(NotFound):
        services.staff_create(actor=actor, username="x", display_name="某人", unit=unit_b)

    # then
    assert not User.objects.filter(username="x").exists()


def test_staff_update_changes_mobile_and_index(tree) -> None:
    # given
    actor = user_with_role(Role.ADMIN, tree.district)
    user = services.staff_create(actor=actor, username="w", display_name="王", mobile="13800138000")

    # when
    services.staff_update(actor=actor, user=user, mobile="13900139000", display_name="王五")

    # then
    user.refresh_from_db()
    assert (user.mobile, user.display_name) == ("13900139000", "王五")
    assert user.mobile_index == blind_index("13900139000")
    entry = AuditEntry.objects.get(action="accounts.staff_update")
    assert entry.before == {"display_name": "王", "mobile_index": blind_index("13800138000")}
    assert entry.after == {"display_name": "王五", "mobile_index": blind_index("13900139000")}


def test_staff_update_by_grid_worker_changes_nothing(tree) -> None:
    # given
    colleague = user_with_role(Role.GRID_WORKER, tree.grid_a1, display_name="原名")
    actor = user_with_role(Role.GRID_WORKER, tree.grid_a1)

    # when
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=actor, user=colleague, display_name="改名")

    # then
    colleague.refresh_from_db()
    assert colleague.display_name == "原名"


def test_staff_set_password_applies_policy_and_stamps_time(tree) -> None:
    # given
    user = user_with_role(Role.GRID_WORKER, tree.grid_a1)
    admin = user_with_role(Role.ADMIN, tree.district)

    # when
    services.staff_set_password(actor=admin, user=user, password="Another-Pass-99")

    # then: set by an administrator, so its owner must change it
    user.refresh_from_db()
    assert user.check_password("Another-Pass-99")
    assert user.password_changed_at is not None
    assert user.must_change_password
    entry = AuditEntry.objects.get(action="accounts.password_set")
    assert entry.object_id == str(user.pk)
    assert user.password not in str(entry.after)


def test_staff_set_password_for_oneself(tree) -> None:
    # given
    user = UserFactory.create()

    User.objects.filter(pk=user.pk).update(must_change_password=True)

    # when
    services.staff_set_password(actor=user, user=user, password="Mine-Own-Pass-1")

    # then
    user.refresh_from_db()
    assert user.check_password("Mine-Own-Pass-1")
    assert not user.must_change_password


@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901234", "staffwangge1"])
def test_staff_set_password_weak_is_refused(tree, password) -> None:
    # given
    user = UserFactory.create(username="staffwangge1")
    old_hash = user.password

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.staff_set_password(actor=SYSTEM, user=user, password=password)

    # then
    assert caught.value.code == "weak_password"
    user.refresh_from_db()
    assert user.password == old_hash
    assert user.check_password(PASSWORD)


def test_staff_set_password_for_someone_out_of_scope_is_refused(tree) -> None:
    # given
    victim = user_with_role(Role.GRID_WORKER, tree.grid_b1)
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    old_hash = victim.password

    # when
    with pytest.raises(NotFound):
        services.staff_set_password(actor=actor, user=victim, password="Takeover-Pass-1")

    # then
    victim.refresh_from_db()
    assert victim.password == old_hash


def test_password_hash_upgrade_is_not_a_password_change(tree, settings) -> None:
    # given: a password stored with an older hasher
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = UserFactory.create()
    User.objects.filter(pk=user.pk).update(password_changed_at=None)
    user.refresh_from_db()

    # when: checking it upgrades the hash
    assert user.check_password(PASSWORD)

    # then
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert user.password_changed_at is None


# ---------------------------------------------------------------------------------------------
# Grants


def test_role_grant_gives_scope_at_once(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    user = services.staff_create(actor=actor, username="new_worker", display_name="新网格员")
    assert user.get_scope(VIEW).empty

    # when
    grant = services.role_grant(actor=actor, user=user, role=Role.GRID_WORKER, territory=tree.grid_a1)

    # then
    assert user.get_scope(VIEW).covers_path(tree.grid_a1.path)
    assert RoleGrant.objects.get(user=user) == grant
    entry = AuditEntry.objects.get(action="accounts.role_grant")
    assert entry.after == {"grant_id": grant.pk, "role": "grid_worker", "territory": tree.grid_a1.code, "unit": None}


def test_dept_handler_grant_carries_the_unit_in_scope(tree) -> None:
    # given
    department = UnitFactory.create(territory=tree.district, kind=UnitKind.DEPARTMENT)
    user = UserFactory.create()

    # when
    services.role_grant(actor=SYSTEM, user=user, role=Role.DEPT_HANDLER, unit=department)

    # then
    scope = user.get_scope(VIEW)
    assert scope.unit_ids == (department.pk,)
    assert scope.territory_paths == ()


@pytest.mark.parametrize(
    ("role", "where", "code"),
    [
        (Role.GRID_WORKER, None, "grant_territory_required"),
        (Role.GRID_WORKER, "community_a", "grant_territory_kind"),
        (Role.GRID_LEADER, "street_a", "grant_territory_kind"),
        (Role.COMMUNITY_STAFF, "grid_a1", "grant_territory_kind"),
        (Role.STREET_STAFF, "district", "grant_territory_kind"),
        (Role.ADMIN, None, "grant_territory_required"),
        (Role.LEADER, None, "grant_territory_required"),
        (Role.DEPT_HANDLER, "district", "grant_unit_required"),
        ("mayor", "district", "grant_unknown_role"),
    ],
)
def test_inconsistent_grant_is_refused_and_changes_nothing(tree, role, where, code) -> None:
    # given
    user = UserFactory.create()
    territory = getattr(tree, where) if where else None

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.role_grant(actor=SYSTEM, user=user, role=role, territory=territory)

    # then
    assert caught.value.code == code
    assert not RoleGrant.objects.exists()
    assert not AuditEntry.objects.exists()


def test_grant_outside_the_units_territory_is_refused(tree) -> None:
    # given
    committee_a = UnitFactory.create(territory=tree.community_a, kind=UnitKind.COMMUNITY_COMMITTEE)
    user = UserFactory.create()

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.role_grant(
            actor=SYSTEM, user=user, role=Role.COMMUNITY_STAFF, territory=tree.community_b, unit=committee_a
        )

    # then
    assert caught.value.code == "grant_outside_unit"
    assert not RoleGrant.objects.exists()


def test_grant_on_inactive_unit_is_refused(tree) -> None:
    # given
    unit = UnitFactory.create(territory=tree.district, is_active=False)

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.role_grant(actor=SYSTEM, user=UserFactory.create(), role=Role.DEPT_HANDLER, unit=unit)

    # then
    assert caught.value.code == "grant_unit_inactive"
    assert not RoleGrant.objects.exists()


def test_duplicate_grant_is_refused(tree) -> None:
    # given
    user = user_with_role(Role.GRID_WORKER, tree.grid_a1)

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.role_grant(actor=SYSTEM, user=user, role=Role.GRID_WORKER, territory=tree.grid_a1)

    # then
    assert caught.value.code == "grant_exists"
    assert RoleGrant.objects.count() == 1


def test_street_staff_cannot_grant_in_another_street(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    user = UserFactory.create()

    # when
    with pytest.raises(NotFound):
        services.role_grant(actor=actor, user=user, role=Role.GRID_WORKER, territory=tree.grid_b1)

    # then
    assert not user.grants.exists()


def test_street_staff_cannot_grant_an_elevated_role(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    user = UserFactory.create()

    # when
    with pytest.raises(PermissionDenied) as caught:
        services.role_grant(actor=actor, user=user, role=Role.ADMIN, territory=tree.street_a)

    # then
    assert caught.value.code == "elevated_role"
    assert not user.grants.exists()


def test_district_admin_grants_an_elevated_role(tree) -> None:
    # given
    actor = user_with_role(Role.ADMIN, tree.district)
    user = UserFactory.create()

    # when
    services.role_grant(actor=actor, user=user, role=Role.DISPATCHER, territory=tree.district)

    # then
    assert user.grants.get().role == Role.DISPATCHER


def test_grant_to_someone_elses_staff_is_refused(tree) -> None:
    # given: a worker of street B, managed by street B
    worker_b = user_with_role(Role.GRID_WORKER, tree.grid_b1)
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    with pytest.raises(NotFound):
        services.role_grant(actor=actor, user=worker_b, role=Role.GRID_WORKER, territory=tree.grid_a1)

    # then
    assert worker_b.grants.count() == 1


def test_role_revoke_removes_scope_and_audits(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    user = user_with_role(Role.GRID_WORKER, tree.grid_a1)
    grant = user.grants.get()
    assert user.get_scope(VIEW).covers_path(tree.grid_a1.path)

    # when
    services.role_revoke(actor=actor, grant=grant)

    # then
    assert not RoleGrant.objects.filter(user=user).exists()
    fresh = User.objects.get(pk=user.pk)
    assert fresh.get_scope(VIEW).empty
    entry = AuditEntry.objects.get(action="accounts.role_revoke")
    assert (entry.before or {})["role"] == "grid_worker"
    assert entry.after is None


def test_role_revoke_out_of_scope_changes_nothing(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_b)
    grant = RoleGrantFactory.create(user=UserFactory.create(), role=Role.GRID_WORKER, territory=tree.grid_a1)

    # when
    with pytest.raises(NotFound):
        services.role_revoke(actor=actor, grant=grant)

    # then
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not AuditEntry.objects.filter(action="accounts.role_revoke").exists()


def test_street_staff_cannot_revoke_an_admin(tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    grant = RoleGrantFactory.create(user=UserFactory.create(), role=Role.ADMIN, territory=tree.street_a)

    # when
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=actor, grant=grant)

    # then
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_staff_lock_locks_until_unlocked_and_is_audited(tree) -> None:
    # given
    user = user_with_role(Role.GRID_WORKER, tree.grid_a1)
    admin = user_with_role(Role.ADMIN, tree.district)

    # when
    services.staff_lock(actor=admin, user=user)

    # then
    user.refresh_from_db()
    assert user.is_locked and user.locked_until == services.LOCKED_INDEFINITELY
    assert AuditEntry.objects.filter(action="accounts.staff_lock", object_id=str(user.pk)).count() == 1


def test_staff_lock_of_someone_out_of_scope_is_refused(tree) -> None:
    # given
    victim = user_with_role(Role.GRID_WORKER, tree.grid_b1)
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    with pytest.raises(NotFound):
        services.staff_lock(actor=actor, user=victim)

    # then
    victim.refresh_from_db()
    assert victim.locked_until is None
    assert not AuditEntry.objects.filter(action="accounts.staff_lock").exists()


def test_staff_lock_of_oneself_is_refused(tree) -> None:
    admin = user_with_role(Role.ADMIN, tree.district)

    with pytest.raises(ValidationFailed):
        services.staff_lock(actor=admin, user=admin)

    admin.refresh_from_db()
    assert admin.locked_until is None
