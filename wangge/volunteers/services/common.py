"""What the writes of 志愿服务与岗位 share: who may act where, and refusal details.

- Registrars (grid workers, grid leaders, community and street staff, administrators) over a node register
  volunteers there and record activities and hours;
- managers (community and street staff, administrators) over a node keep its teams, posts and rosters and
  confirm hours (as does the team's leader, see ``services.activities``);
- the roles table is edited by administrators.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.actors import is_system
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.volunteers.errors import ErrorCode

REGISTRARS = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
MANAGERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})


def may_register(actor: Any, path: str | None) -> bool:
    return permissions.has_role_over(actor, REGISTRARS, path)


def may_manage(actor: Any, path: str | None) -> bool:
    return permissions.has_role_over(actor, MANAGERS, path)


def may_edit_roles(actor: Any) -> bool:
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    return bool(actor.is_superuser) or actor.grants.filter(role=Role.ADMIN).exists()


def require_register(actor: Any, path: str | None) -> None:
    if not may_register(actor, path):
        raise PermissionDenied(_("您不能在该辖区登记志愿服务"), code=ErrorCode.NOT_VOLUNTEER_MANAGER)


def require_manage(actor: Any, path: str | None) -> None:
    if not may_manage(actor, path):
        raise PermissionDenied(_("您不能管理该辖区的志愿服务"), code=ErrorCode.NOT_VOLUNTEER_MANAGER)


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)
