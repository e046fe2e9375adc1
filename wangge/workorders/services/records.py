"""What every write on a case shares: the tracking code, the INSERT that draws another code on a collision,
the history row and the "it was taken in the meantime" error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.core import tracking
from wangge.core.actors import label_of, user_of
from wangge.workorders.models import Event, WorkOrder

TRACKING_CODE_ATTEMPTS = 5


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def new_tracking_code(at: dt.datetime) -> str:
    """A fresh 查询码 (60 random bits; ``core.tracking``)."""
    return tracking.new_tracking_code(at)


def insert_case(wo: WorkOrder, at: dt.datetime) -> None:
    """INSERT a new case. Its random tracking code may already be taken (a busy city draws tens of thousands a
    day out of 32¹² per day): then another is drawn, inside a savepoint so the caller's transaction goes on."""
    for attempt in range(TRACKING_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                wo.save(force_insert=True)
            return
        except IntegrityError as exc:
            if "tracking_code" not in str(exc) or attempt == TRACKING_CODE_ATTEMPTS - 1:
                raise
            wo.pk = None
            wo.tracking_code = new_tracking_code(at)


def record_event(
    wo: WorkOrder,
    name: str,
    actor: Any,
    at: dt.datetime,
    from_status: str,
    to_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """One row of the case's history: who (an account, or the system / citizen / client named), what, when."""
    return Event.objects.create(
        work_order=wo,
        name=name,
        actor=user_of(actor),
        actor_label=label_of(actor),
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
