"""Writes on units, staff and role grants. Every function checks scope and writes its audit entry.

``actor=SYSTEM`` is the platform itself (migrations, seeds, management commands run by an
operator); a real actor is checked against the scope of their grants. A target outside the
actor's view scope answers exactly like a missing one (NotFound).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts import lockout
from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.errors import ErrorCode
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.accounts.roles import (
    ADMINISTER,
    ELEVATED_ROLES,
    ROLE_TERRITORY_KIND,
    TERRITORIAL_ROLES,
    UNIT_ROLES,
)
from wangge.accounts.selectors import forget_scope
from wangge.accounts.tokens import api_tokens_revoke_all
from wangge.core import audit
from wangge.core.actors import is_system
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE, VIEW, scope_for
from wangge.core.validators import normalise_phone, validate_phone
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

# An administrator's lock without an end: far enough to outlive the platform, near enough for every database.
LOCKED_INDEFINITELY = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)

# --------------------------------------------------------------------------------------------
# Scope checks shared by the services (and by the admin forms, which must refuse the same input).


def _is_system(actor: Any) -> bool:
    return is_system(actor)


def _covers_territory(actor: Any, territory: Territory, action: str = CHANGE) -> bool:
    return _is_system(actor) or scope_for(actor, action).covers_path(territory.path)


def _covers_unit(actor: Any, unit: Unit, action: str = CHANGE) -> bool:
    if _is_system(actor):
        return True
    scope = scope_for(actor, action)
    return scope.covers_path(unit.territory.path) or unit.pk in scope.unit_ids


def _require_territory(actor: Any, territory: Territory) -> None:
    if _covers_territory(actor, territory, CHANGE):
        return
    if _covers_territory(actor, territory, VIEW):
        raise PermissionDenied(_("无权在该辖区操作"), code=ErrorCode.OUT_OF_SCOPE)
    raise NotFound(_("辖区不存在"), code=ErrorCode.TERRITORY_NOT_FOUND)


def _require_unit(actor: Any, unit: Unit) -> None:
    if _covers_unit(actor, unit, CHANGE):
        return
    if _covers_unit(actor, unit, VIEW):
        raise PermissionDenied(_("无权管理该单位"), code=ErrorCode.OUT_OF_SCOPE)
    raise NotFound(_("单位不存在"), code=ErrorCode.UNIT_NOT_FOUND)


def _is_unassigned(user: User) -> bool:
    """A freshly created account that belongs to no unit and holds no grant yet."""
    return user.unit_id is None and not user.grants.exists()


def _require_user(actor: Any, user: User, *, allow_self: bool = False) -> None:
    if _is_system(actor):
        return
    if allow_self and getattr(actor, "pk", None) == user.pk:
        return
    if User.objects.restrict(actor, CHANGE).filter(pk=user.pk).exists() or _is_unassigned(user):
        return
    if User.objects.restrict(actor, VIEW).filter(pk=user.pk).exists():
        raise PermissionDenied(_("无权管理该人员"), code=ErrorCode.OUT_OF_SCOPE)
    raise NotFound(_("人员不存在"), code=ErrorCode.USER_NOT_FOUND)


def _clean_mobile(mobile: str) -> str:
    if not mobile:
        return ""
    try:
        validate_phone(mobile)
    except ValidationError as exc:
        raise ValidationFailed(
            _("手机号格式不正确"),
            code=ErrorCode.INVALID_PHONE,
            details=[{"field": "mobile", "reason": str(exc.messages[0])}],
        ) from exc
    return normalise_phone(mobile)


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            _("密码不符合安全策略"),
            code=ErrorCode.WEAK_PASSWORD,
            details=[{"field": "password", "reason": str(m)} for m in exc.messages],
        ) from exc


# --------------------------------------------------------------------------------------------
# Units


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    territory: Territory,
    parent: Unit | None = None,
    phone: str = "",
) -> Unit:
    _require_territory(actor, territory)
    code = (code or "").strip()
    name = (name or "").strip()
    problems: list[dict[str, str]] = []
    if not code:
        problems.append({"field": "code", "reason": _("单位编码不能为空")})
    elif Unit.objects.filter(code=code).exists():
        problems.append({"field": "code", "reason": _("单位编码已存在")})
    if not name:
        problems.append({"field": "name", "reason": _("单位名称不能为空")})
    if kind not in UnitKind.values:
        problems.append({"field": "kind", "reason": _("未知的单位类型")})
    if parent is not None and not parent.is_active:
        problems.append({"field": "parent", "reason": _("上级单位已停用")})
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            problems.append({"field": "phone", "reason": str(exc.messages[0])})
    if problems:
        raise ValidationFailed(_("单位信息不完整或有误"), code=ErrorCode.INVALID_UNIT, details=problems)
    unit = Unit.objects.create(
        code=code,
        name=name,
        kind=kind,
        territory=territory,
        parent=parent,
        phone=normalise_phone(phone) if phone else "",
    )
    audit.record(actor=actor, action="accounts.unit_create", obj=unit, after=audit.snapshot(unit))
    return unit


# --------------------------------------------------------------------------------------------
# Staff


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    username: str,
    display_name: str,
    password: str | None = None,
    mobile: str = "",
    unit: Unit | None = None,
    is_demo: bool = False,
) -> User:
    """Create a staff account. Without ``password`` the account cannot log in until one is set; with one, its
    owner must change it at the first login (someone else chose it)."""
    if unit is not None:
        _require_unit(actor, unit)
    elif not _is_system(actor) and scope_for(actor, CHANGE).empty:
        raise PermissionDenied(_("无权创建人员"), code=ErrorCode.OUT_OF_SCOPE)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(
            _("用户名不能为空"), code=ErrorCode.INVALID_USERNAME, details=[{"field": "username", "reason": _("必填")}]
        )
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            _("用户名已被使用"),
            code=ErrorCode.USERNAME_TAKEN,
            details=[{"field": "username", "reason": _("用户名已被使用")}],
        )
    if unit is not None and not unit.is_active:
        raise ValidationFailed(
            _("单位已停用"), code=ErrorCode.UNIT_INACTIVE, details=[{"field": "unit", "reason": _("单位已停用")}]
        )
    clean_mobile = _clean_mobile(mobile)
    user = User(
        username=username,
        display_name=(display_name or "").strip(),
        mobile=clean_mobile,
        mobile_index=blind_index(clean_mobile),
        unit=unit,
        is_demo=is_demo,
    )
    if password:
        _validate_password(password, user)
        user.set_password(password)
        user.must_change_password = True
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor=actor, action="accounts.staff_create", obj=user, after=audit.snapshot(user))
    return user


_UNSET: Any = object()


@transaction.atomic
def staff_update(
    *,
    actor: Any,
    user: User,
    display_name: str = _UNSET,
    mobile: str = _UNSET,
    unit: Unit | None = _UNSET,
    is_active: bool = _UNSET,
) -> User:
    """Change the given fields; fields not passed stay as they are."""
    _require_user(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user)
    if display_name is not _UNSET:
        user.display_name = (display_name or "").strip()
    if mobile is not _UNSET:
        user.mobile = _clean_mobile(mobile)
        user.mobile_index = blind_index(user.mobile)
    if unit is not _UNSET:
        if unit is not None:
            _require_unit(actor, unit)
        user.unit = unit
    if is_active is not _UNSET:
        if not is_active and getattr(actor, "pk", None) == user.pk:
            raise ValidationFailed(_("不能停用自己的账号"), code=ErrorCode.CANNOT_DEACTIVATE_SELF)
        user.is_active = is_active
    user.save()
    audit.record(actor=actor, action="accounts.staff_update", obj=user, before=before, after=audit.snapshot(user))
    if not user.is_active:
        api_tokens_revoke_all(actor=actor, user=user, reason="inactive")
    return user


@transaction.atomic
def staff_set_password(*, actor: Any, user: User, password: str) -> User:
    """Set a new password under the policy (AUTH_PASSWORD_VALIDATORS, history included). The account's API
    tokens are revoked; a password set by anyone but its owner must be changed by the owner at the next login."""
    _require_user(actor, user, allow_self=True)
    user = User.objects.select_for_update().get(pk=user.pk)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    return staff_password_changed(actor=actor, user=user)


@transaction.atomic
def staff_password_changed(*, actor: Any, user: User) -> User:
    """What follows a new password however it was set (the services, the admin's password form): the owner must
    change one somebody else chose, every API token of the account is revoked, and the change is audited.
    (Django ends the account's other sessions itself: their hash no longer matches.)"""
    by_owner = getattr(actor, "pk", None) == user.pk
    User.objects.filter(pk=user.pk).update(must_change_password=not by_owner)
    user.must_change_password = not by_owner
    audit.record(
        actor=actor,
        action="accounts.password_set",
        obj=user,
        after={
            "password_changed_at": user.password_changed_at.isoformat() if user.password_changed_at else None,
            "by_owner": by_owner,
        },
        only_changes=False,
    )
    api_tokens_revoke_all(actor=actor, user=user, reason="password_changed")
    return user


@transaction.atomic
def staff_lock(*, actor: Any, user: User, until: dt.datetime | None = None) -> User:
    """Lock an account (suspected compromise, leave): no login until ``until`` (default: until unlocked), and
    every API token revoked. Failed logins never do this (wangge.accounts.lockout)."""
    _require_user(actor, user)
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationFailed(_("不能锁定自己的账号"), code=ErrorCode.CANNOT_LOCK_SELF)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user)
    user.locked_until = until or LOCKED_INDEFINITELY
    user.save(update_fields=["locked_until"])
    audit.record(actor=actor, action="accounts.staff_lock", obj=user, before=before, after=audit.snapshot(user))
    api_tokens_revoke_all(actor=actor, user=user, reason="locked")
    return user


@transaction.atomic
def staff_unlock(*, actor: Any, user: User) -> User:
    """Lift an administrator's lock, and the login-failure limits counted against the username."""
    _require_user(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user)
    user.locked_until = None
    user.save(update_fields=["locked_until"])
    lockout.forget(user.username)
    audit.record(
        actor=actor,
        action="accounts.staff_unlock",
        obj=user,
        before=before,
        after=audit.snapshot(user),
        only_changes=False,
    )
    return user


# --------------------------------------------------------------------------------------------
# Role grants


def grant_problems(*, role: str, territory: Territory | None, unit: Unit | None) -> list[dict[str, str]]:
    """Why a grant of ``role`` on ``territory`` / ``unit`` would be inconsistent (empty: it is fine)."""
    problems: list[dict[str, str]] = []
    if role not in Role.values:
        return [{"field": "role", "code": ErrorCode.GRANT_UNKNOWN_ROLE, "reason": _("未知的角色")}]
    if role in TERRITORIAL_ROLES:
        if territory is None:
            problems.append(
                {
                    "field": "territory",
                    "code": ErrorCode.GRANT_TERRITORY_REQUIRED,
                    "reason": _("该角色须授权到辖区节点"),
                }
            )
        else:
            expected = ROLE_TERRITORY_KIND.get(role)
            if expected is not None and territory.kind != expected:
                problems.append(
                    {
                        "field": "territory",
                        "code": ErrorCode.GRANT_TERRITORY_KIND,
                        "reason": _("该角色须授权到“%(kind)s”层级的节点") % {"kind": _kind_label(expected)},
                    }
                )
            if unit is not None and not territory.path.startswith(unit.territory.path):
                problems.append(
                    {
                        "field": "unit",
                        "code": ErrorCode.GRANT_OUTSIDE_UNIT,
                        "reason": _("授权辖区不在该单位的管辖范围内"),
                    }
                )
    if role in UNIT_ROLES and unit is None:
        problems.append({"field": "unit", "code": ErrorCode.GRANT_UNIT_REQUIRED, "reason": _("该角色须授权到单位")})
    if unit is not None and not unit.is_active:
        problems.append({"field": "unit", "code": ErrorCode.GRANT_UNIT_INACTIVE, "reason": _("单位已停用")})
    return problems


def _kind_label(kind: str) -> str:
    return str(dict(TerritoryKind.choices).get(kind, kind))


def role_grant_check(
    *, actor: Any, user: User, role: str, territory: Territory | None = None, unit: Unit | None = None
) -> None:
    """Raise the error ``role_grant`` would raise, without writing anything."""
    problems = grant_problems(role=role, territory=territory, unit=unit)
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode(problems[0]["code"]), details=problems)
    _require_user(actor, user)
    if territory is not None:
        _require_territory(actor, territory)
    if unit is not None:
        _require_unit(actor, unit)
    if role in ELEVATED_ROLES and not _is_system(actor):
        target_path = territory.path if territory is not None else None
        if not (target_path and scope_for(actor, ADMINISTER).covers_path(target_path)):
            raise PermissionDenied(_("只有该辖区的管理员可以授予此角色"), code=ErrorCode.ELEVATED_ROLE)
    duplicate = RoleGrant.objects.filter(user=user, role=role, territory=territory, unit=unit).exists()
    if duplicate:
        raise ValidationFailed(
            _("该人员已拥有此授权"),
            code=ErrorCode.GRANT_EXISTS,
            details=[{"field": "role", "code": ErrorCode.GRANT_EXISTS, "reason": _("该人员已拥有此授权")}],
        )


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, role: str, territory: Territory | None = None, unit: Unit | None = None
) -> RoleGrant:
    role_grant_check(actor=actor, user=user, role=role, territory=territory, unit=unit)
    grant = RoleGrant.objects.create(user=user, role=role, territory=territory, unit=unit)
    audit.record(actor=actor, action="accounts.role_grant", obj=user, after=_grant_snapshot(grant))
    forget_scope(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    if not _is_system(actor):
        target_ok = (grant.territory is None or _covers_territory(actor, grant.territory)) and (
            grant.unit is None or _covers_unit(actor, grant.unit)
        )
        if not target_ok:
            if User.objects.restrict(actor, VIEW).filter(pk=grant.user_id).exists():
                raise PermissionDenied(_("无权撤销该授权"), code=ErrorCode.OUT_OF_SCOPE)
            raise NotFound(_("授权不存在"), code=ErrorCode.GRANT_NOT_FOUND)
        if grant.role in ELEVATED_ROLES and not (
            grant.territory is not None and scope_for(actor, ADMINISTER).covers_path(grant.territory.path)
        ):
            raise PermissionDenied(_("只有该辖区的管理员可以撤销此角色"), code=ErrorCode.ELEVATED_ROLE)
    user = grant.user
    before = _grant_snapshot(grant)
    grant.delete()
    audit.record(actor=actor, action="accounts.role_revoke", obj=user, before=before, only_changes=False)
    forget_scope(user)


def _grant_snapshot(grant: RoleGrant) -> dict[str, Any]:
    return {
        "grant_id": grant.pk,
        "role": grant.role,
        "territory": grant.territory.code if grant.territory_id else None,  # type: ignore[union-attr]
        "unit": grant.unit.code if grant.unit_id else None,  # type: ignore[union-attr]
    }
