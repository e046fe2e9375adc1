"""What the writes of 预约与叫号 share: who manages a hall and who works at a window, the refusal helper and the
ticket's history row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core.actors import is_system, label_of, user_of
from wangge.core.errors import PermissionDenied
from wangge.hall.models import Hall, Window
from wangge.queueing.errors import ErrorCode
from wangge.queueing.models import Ticket, TicketEvent

# Who sets a hall's groups, slot templates and tidal rules.
MANAGERS = frozenset({Role.ADMIN, Role.LEADER, Role.STREET_STAFF})
# Who may work any window of a hall in their territory (besides the staff named on the window).
WINDOW_ROLES = frozenset({Role.HALL_STAFF, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})


def hall_path(hall: Hall) -> str:
    path: str = hall.territory.path
    return path


def may_manage(actor: Any, hall: Hall) -> bool:
    return permissions.has_role_over(actor, MANAGERS, hall_path(hall))


def may_work(actor: Any, window: Window) -> bool:
    """Whether ``actor`` may call and serve at ``window``: the system, the window's named staff, or a window role
    over the hall's territory."""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    if window.staff.filter(pk=actor.pk).exists():
        return True
    return permissions.has_role_over(actor, WINDOW_ROLES, hall_path(window.hall))


def require_manager(actor: Any, hall: Hall) -> None:
    if not may_manage(actor, hall):
        raise PermissionDenied(_("只有大厅管理人员可以修改叫号设置"), code=ErrorCode.NOT_HALL_MANAGER)


def require_window(actor: Any, window: Window) -> None:
    if not may_work(actor, window):
        raise PermissionDenied(_("您不是该窗口的工作人员"), code=ErrorCode.NOT_WINDOW_STAFF)


def event(
    ticket: Ticket,
    action: str,
    actor: ActorLike,
    at: dt.datetime,
    window: Window | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        at=at,
        window=window,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        data=data or {},
    )
