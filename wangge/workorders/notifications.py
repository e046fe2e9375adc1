"""Who hears about what happened to a case. Called inside the transition's transaction; delivery is after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from wangge.accounts.choices import Role
from wangge.accounts.models import User
from wangge.notifications.services import notify
from wangge.workorders.models import WorkOrder


def unit_members(unit_id: int | None) -> Iterable[User]:
    if unit_id is None:
        return User.objects.none()
    return User.objects.filter(Q(unit_id=unit_id) | Q(grants__unit_id=unit_id), is_active=True).distinct()


def role_holders_over(path: str, roles: Iterable[str]) -> Iterable[User]:
    """Users holding one of ``roles`` on a node whose subtree contains ``path``."""
    prefixes = [path[:i] for i in range(4, len(path) + 1, 4)]
    return User.objects.filter(
        is_active=True, grants__role__in=list(roles), grants__territory__path__in=prefixes
    ).distinct()


def _send(wo: WorkOrder, what: str, subject: str, recipients: Iterable[Any], body: str = "") -> None:
    notify(
        key=f"wo:{wo.pk}:v{wo.version}:{what}",
        subject=subject,
        body=body or wo.title,
        link=f"/cases/{wo.pk}/",
        recipients=recipients,
        territory_path=wo.scope_path,
        unit_id=wo.assigned_unit_id,
    )


def recipients(group: str, wo: WorkOrder) -> list[Any]:
    """The users of a notice's recipient group (``workflow.TO_*``)."""
    from wangge.workorders import workflow

    if group == workflow.TO_UNIT:
        return list(unit_members(wo.assigned_unit_id))
    if group == workflow.TO_DISPATCHERS:
        return list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    if group == workflow.TO_UNIT_OR_DISPATCHERS:
        # Not (or no longer) with a unit, e.g. a card on a case still awaiting dispatch: the dispatchers hear.
        return recipients(workflow.TO_UNIT, wo) or recipients(workflow.TO_DISPATCHERS, wo)
    raise ValueError(f"unknown recipient group {group!r}")


def on_transition(wo: WorkOrder, name: str) -> None:
    """The notice the step declares in the table (``workflow.WORKFLOW``), if any, to its recipient groups."""
    from wangge.workorders.workflow import WORKFLOW

    notice = WORKFLOW.notices(WORKFLOW[name], wo)
    if notice is None:
        return
    people: list[Any] = []
    for group in notice.to:
        people += recipients(group, wo)
    _send(wo, name, str(notice.subject).format(code=wo.tracking_code), people)


def on_filed_into_grid(wo: WorkOrder, filer: Any) -> None:
    """A staff member filed a case into a grid that is not theirs: the grid's own workers and leader hear."""
    assert wo.grid_id is not None
    grid_staff = User.objects.filter(
        is_active=True,
        grants__role__in=[Role.GRID_WORKER, Role.GRID_LEADER],
        grants__territory_id=wo.grid_id,
    ).exclude(pk=filer.pk)
    subject = gettext("%(filer)s 在本网格登记了工单 %(code)s") % {"filer": filer, "code": wo.tracking_code}
    _send(wo, "filed", subject, grid_staff.distinct())


def on_deadline(wo: WorkOrder, what: str) -> None:
    """``what`` is "approaching" or "overdue"; sent once per step run and deadline (the key carries the step
    start and its deadline, so a deadline moved by an extension or a pause is warned about again)."""
    start = f"{wo.step_started_at:%Y%m%d%H%M%S}" if wo.step_started_at else "none"
    due = f"{wo.step_due_at:%Y%m%d%H%M%S}" if wo.step_due_at else "none"
    stamp = f"{start}:{due}"
    label = gettext("即将超期") if what == "approaching" else gettext("已超期")
    recipients: list[Any] = list(unit_members(wo.assigned_unit_id)) if wo.assigned_unit_id else []
    if not recipients or what == "overdue":
        recipients += list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    notify(
        key=f"wo:{wo.pk}:{stamp}:{what}",
        subject=gettext("工单 %(code)s %(what)s（%(status)s）")
        % {"code": wo.tracking_code, "what": label, "status": wo.get_status_display()},
        body=wo.title,
        link=f"/cases/{wo.pk}/",
        recipients=recipients,
        territory_path=wo.scope_path,
        unit_id=wo.assigned_unit_id,
    )
