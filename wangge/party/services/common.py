"""What the writes of 党建引领 share: who keeps the organisations of a territory, and the refusal helpers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.party.errors import ErrorCode

# Who keeps the party organisations, members, 联户, 包片 and 红色管家 of a territory (and its subtree).
ORGANISERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})


def may_organise(actor: Any, path: str | None) -> bool:
    return permissions.has_role_over(actor, ORGANISERS, path)


def require_organiser(actor: Any, path: str | None) -> None:
    if not may_organise(actor, path):
        raise PermissionDenied(_("您不能维护该辖区的党组织"), code=ErrorCode.NOT_ORGANISER)


def refuse(field: str, code: ErrorCode, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, code=ErrorCode(code), details=[{"field": field, "error": code, "message": message}]
    )
