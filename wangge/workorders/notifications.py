"""Who hears about what happened to a case. Called inside the transition's transaction; delivery is after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

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


def on_transition(wo: WorkOrder, name: str) -> None:
    code = wo.tracking_code
    if name == "dispatch":
        _send(wo, name, f"新派遣工单 {code}，请及时签收", unit_members(wo.assigned_unit_id))
    elif name == "return":
        _send(wo, name, f"工单 {code} 被退回，请重新派遣", role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    elif name == "request_extension":
        _send(wo, name, f"工单 {code} 申请延期，请审批", role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    elif name in {"approve_extension", "reject_extension", "verify_fail", "supervise", "reopen"}:
        labels = {
            "approve_extension": "延期已批准",
            "reject_extension": "延期被驳回",
            "verify_fail": "核查未通过，请返工",
            "supervise": "被督办，请加快办理",
            "reopen": "已重办，请重新办理",
        }
        # Not (or no longer) with a unit, e.g. a card on a case still awaiting dispatch: the dispatchers hear.
        recipients = list(unit_members(wo.assigned_unit_id)) or list(
            role_holders_over(wo.scope_path, [Role.DISPATCHER])
        )
        _send(wo, name, f"工单 {code} {labels[name]}", recipients)
    elif name == "callback" and wo.rating is not None and wo.rating <= 2:
        _send(
            wo,
            name,
            f"工单 {code} 回访差评，已生成整改工单",
            [*unit_members(wo.assigned_unit_id), *role_holders_over(wo.scope_path, [Role.DISPATCHER])],
        )


def on_deadline(wo: WorkOrder, what: str) -> None:
    """``what`` is "approaching" or "overdue"; sent once per step run and deadline (the key carries the step
    start and its deadline, so a deadline moved by an extension or a pause is warned about again)."""
    start = f"{wo.step_started_at:%Y%m%d%H%M%S}" if wo.step_started_at else "none"
    due = f"{wo.step_due_at:%Y%m%d%H%M%S}" if wo.step_due_at else "none"
    stamp = f"{start}:{due}"
    label = "即将超期" if what == "approaching" else "已超期"
    recipients: list[Any] = list(unit_members(wo.assigned_unit_id)) if wo.assigned_unit_id else []
    if not recipients or what == "overdue":
        recipients += list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    notify(
        key=f"wo:{wo.pk}:{stamp}:{what}",
        subject=f"工单 {wo.tracking_code} {label}（{wo.get_status_display()}）",
        body=wo.title,
        link=f"/cases/{wo.pk}/",
        recipients=recipients,
        territory_path=wo.scope_path,
        unit_id=wo.assigned_unit_id,
    )
