"""``work_order_transition``: the one function that changes a work order's status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core.actors import CitizenActor, is_system, require
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.core.workflow import FILES
from wangge.workorders.choices import FINAL_STATUSES, Relation
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import WorkOrder
from wangge.workorders.services.attachments import attachments_for_step
from wangge.workorders.services.handlers import HANDLERS
from wangge.workorders.services.records import now_or, record_event
from wangge.workorders.signals import case_transitioned
from wangge.workorders.workflow import WORKFLOW


def work_order_transition(
    *,
    actor: ActorLike,
    work_order_id: int,
    name: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    **payload: Any,
) -> WorkOrder:
    """Take step ``name`` on a case. Locks the row, checks state, who acts, the guard and the inputs (the
    declared table), runs the step's handler, settles the status among the declared targets, writes the
    history row and schedules notifications after commit.

    ``actor`` is a user (checked against their grants and the case's scope), ``SYSTEM``, or a
    ``CitizenActor`` carrying the case's tracking code. Raises NotFound (missing, out of scope, wrong code),
    Conflict (stale version), InvalidTransition (wrong state or guard), PermissionDenied, ValidationFailed.
    """
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    at = now_or(now)
    with transaction.atomic():
        qs = WorkOrder.objects.select_for_update(of=("self",))
        if isinstance(actor, CitizenActor):
            if not actor.tracking_code:
                raise NotFound(_("工单不存在"))  # no code, no case (and no empty-code query)
            qs = qs.filter(tracking_code=actor.tracking_code)
        elif not is_system(actor):
            qs = qs.restrict(actor)
        wo = qs.filter(pk=work_order_id).select_related("category").first()
        if wo is None:
            raise NotFound(_("工单不存在"))
        if expected_version is not None and wo.version != expected_version:
            raise Conflict(
                _("工单已被他人处理，请刷新后重试"),
                details={"expected_version": expected_version, "current_version": wo.version, "status": wo.status},
            )
        WORKFLOW.check(t, wo, actor, wo.status, payload)
        from_status, category_before = wo.status, wo.category_id
        data = HANDLERS[name](wo, actor, at, payload) or {}
        wo.status = WORKFLOW.settle(t, from_status, wo.status)
        wo.version += 1
        wo.save()
        event = record_event(wo, name, actor, at, from_status, wo.status, note=str(payload.get("note", "")), data=data)
        attachments_for_step(
            actor=actor, event=event, files={i.name: payload.get(i.name) or () for i in t.inputs if i.kind == FILES}
        )
        _after_transition(wo, name, from_status, at)
        case_transitioned.send(sender=WorkOrder, work_order=wo, actor=actor, name=name, category_before=category_before)
    return wo


def _after_transition(wo: WorkOrder, name: str, from_status: str, at: dt.datetime) -> None:
    """Children follow a merged parent (closed with it, open again when it is reopened); people are
    notified after commit."""
    from wangge.core.actors import SYSTEM

    children = wo.children.select_for_update().filter(relation=Relation.MERGED)
    follow: list[WorkOrder] = []
    closed_at: dt.datetime | None = None
    if wo.status in FINAL_STATUSES and from_status not in FINAL_STATUSES:
        follow = list(children.filter(closed_at__isnull=True))
        closed_at = at
    elif name == "reopen":
        follow = list(children.filter(closed_at__isnull=False))
    for child in follow:
        child.closed_at = closed_at
        child.version += 1
        child.save(update_fields=["closed_at", "version", "updated_at"])
        record_event(
            child,
            "follow_parent",
            SYSTEM,
            at,
            child.status,
            child.status,
            data={"parent": wo.tracking_code, "parent_transition": name},
        )
    from wangge.workorders import notifications

    notifications.on_transition(wo, name)
