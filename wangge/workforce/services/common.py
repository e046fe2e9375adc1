"""What the writes of the grid workforce share: who manages a grid's workforce, and text checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core.actors import is_system
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workforce.errors import ErrorCode

# Who keeps a grid's workforce records (五长一员, profiles, 下沉, rewards): community and street staff, admins.
KEEPERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})


def may_keep(actor: Any, node: Territory) -> bool:
    return permissions.has_role_over(actor, KEEPERS, node.path)


def visible_grid(actor: ActorLike, grid: Territory | int) -> Territory:
    """The grid, in the actor's scope (out of scope answers like missing); refuses a node that is no grid."""
    pk = grid.pk if isinstance(grid, Territory) else int(grid)
    qs = Territory.objects.all() if is_system(actor) else Territory.objects.restrict(actor)
    node = qs.filter(pk=pk).first()
    if node is None:
        raise NotFound(_("找不到该网格"), code=ErrorCode.NOT_FOUND)
    if node.kind != TerritoryKind.GRID:
        raise ValidationFailed(_("请选择网格"), code=ErrorCode.INVALID_ASSIGNMENT, details=[{"field": "grid"}])
    return node


def require_keeper(actor: ActorLike, node: Territory) -> None:
    if not may_keep(actor, node):
        raise PermissionDenied(_("无权管理该网格的网格队伍"), code=ErrorCode.FORBIDDEN)


def text(value: Any, field: str, limit: int, code: ErrorCode, *, required: bool = False) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise ValidationFailed(_("请填写此项"), code=ErrorCode(code), details=[{"field": field, "reason": "required"}])
    if len(out) > limit:
        raise ValidationFailed(
            _("不能超过 %(n)s 字") % {"n": limit},
            code=ErrorCode(code),
            details=[{"field": field, "reason": "too_long"}],
        )
    return out


def check_period(start: dt.date, end: dt.date | None, code: ErrorCode) -> None:
    if end is not None and end < start:
        raise ValidationFailed(_("结束日期不能早于开始日期"), code=ErrorCode(code), details=[{"field": "end_date"}])
