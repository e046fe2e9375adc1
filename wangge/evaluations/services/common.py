"""What the writes of 好差评 share: who works on a hall's ratings, and the history row of a rectification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from wangge.accounts import permissions
from wangge.accounts.permissions import ActorLike
from wangge.accounts.selectors import user_grant_rows
from wangge.core.actors import is_system, label_of, user_of
from wangge.evaluations.models import Rectification, RectificationEvent
from wangge.hall.models import Hall


def hall_path(hall: Hall) -> str:
    return str(hall.territory.path)


def acts_for_hall(actor: ActorLike, hall: Hall, roles: Iterable[str], unit_id: int | None = None) -> bool:
    """Holds one of ``roles`` over the hall, or is a member of the unit (the item's department) when given."""
    if is_system(actor):
        return True
    if unit_id is not None and permissions.in_unit(actor, unit_id):
        return True
    return permissions.has_role_over(actor, roles, hall_path(hall))


def holds_any(actor: ActorLike, roles: Iterable[str]) -> bool:
    """Holds one of ``roles`` anywhere (the platform-wide callback draw)."""
    if is_system(actor):
        return True
    user = user_of(actor)
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    wanted = frozenset(roles)
    return any(r in wanted for r, _p, _u in user_grant_rows(user))


def event(
    r: Rectification,
    action: str,
    actor: ActorLike,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> RectificationEvent:
    return RectificationEvent.objects.create(
        rectification=r,
        action=action,
        from_status=from_status,
        to_status=r.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )
