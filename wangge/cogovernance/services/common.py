"""What the writes of 共商共治 share: who convenes and keeps records where, and the refusal helper."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.cogovernance.errors import ErrorCode
from wangge.core.errors import PermissionDenied, ValidationFailed

# Who convenes meetings and keeps the 红色物业 records of a territory.
CONVENERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
# Who sets the 分包 of leaders and units (the district's and streets' offices).
ASSIGNERS = frozenset({Role.STREET_STAFF, Role.ADMIN})


def may_convene(actor: Any, path: str | None) -> bool:
    return permissions.has_role_over(actor, CONVENERS, path)


def may_assign(actor: Any, path: str | None) -> bool:
    return permissions.has_role_over(actor, ASSIGNERS, path)


def require_convener(actor: Any, path: str | None) -> None:
    if not may_convene(actor, path):
        raise PermissionDenied(_("您不能在该辖区组织共商共治事项"), code=ErrorCode.NOT_CONVENER)


def refuse(field: str, code: ErrorCode, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, code=ErrorCode(code), details=[{"field": field, "error": code, "message": message}]
    )


def clean_text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]
