"""What every write of the warnings shares: the code, the actions a level requires and the history row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.core.actors import label_of, user_of
from wangge.emergency.models import Warning, WarningAction, WarningEvent

CODE_PREFIX = "YJ"


def actions_for(hazard_type: str, level: str) -> list[str]:
    """The actions ``level`` requires for ``hazard_type``: the type's own rows, else the rows for every type."""
    rows = WarningAction.objects.filter(level=level, is_active=True)
    own = list(rows.filter(hazard_type=hazard_type).order_by("ordering", "id").values_list("text", flat=True))
    if own:
        return own
    return list(rows.filter(hazard_type="").order_by("ordering", "id").values_list("text", flat=True))


def new_code(at: dt.datetime) -> str:
    """The next warning code of the local day of ``at``: ``YJ`` + date + a three-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d}"
    last = Warning.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:03d}"


def insert_with_code(warning: Warning, at: dt.datetime) -> None:
    """Insert ``warning`` under the next code of the day, retrying when another writer took it meanwhile."""
    for _attempt in range(5):
        warning.code = new_code(at)
        try:
            with transaction.atomic():
                warning.save()
            return
        except IntegrityError:
            if not Warning.objects.filter(code=warning.code).exists():
                raise
    warning.code = f"{new_code(at)[:-3]}{timezone.localtime(at):%H%M%S%f}"[:32]
    warning.save()


def event(
    warning: Warning,
    action: str,
    actor: Any,
    at: dt.datetime,
    *,
    from_status: str = "",
    from_level: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> WarningEvent:
    return WarningEvent.objects.create(
        warning=warning,
        action=action,
        from_status=from_status,
        to_status=warning.status,
        from_level=from_level,
        to_level=warning.level,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )
