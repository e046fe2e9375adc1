"""What every write of the dispute ledger shares: the codes, the refusal details and the history row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core.actors import label_of, user_of
from wangge.core.errors import ValidationFailed
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import (
    Dispute,
    DisputeEvent,
)

CODE_PREFIX = "TJ"
MAX_PARTIES = 50
MAX_PEOPLE = 100000


def new_code(at: dt.datetime) -> str:
    """The next dispute code of the local day of ``at``: ``TJ`` + date + a four-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d}"
    last = Dispute.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


def _problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def _refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def _text(value: Any, field: str, limit: int, problems: list[dict[str, Any]], *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(_problem(field, ErrorCode.INVALID_DISPUTE, _("请填写此项")))
    elif len(text) > limit:
        problems.append(_problem(field, ErrorCode.INVALID_DISPUTE, _("不能超过 %(n)s 个字") % {"n": limit}))
    return text


def _event(
    dispute: Dispute,
    action: str,
    actor: ActorLike,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        from_status=from_status,
        to_status=dispute.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )


def _insert_with_code(dispute: Dispute, at: dt.datetime) -> None:
    """Insert ``dispute`` under the next code of the day, retrying when another writer took it meanwhile."""
    for _attempt in range(5):
        dispute.code = new_code(at)
        try:
            with transaction.atomic():
                dispute.save()
            return
        except IntegrityError:
            if not Dispute.objects.filter(code=dispute.code).exists():
                raise
    dispute.code = f"{new_code(at)[:-4]}{timezone.localtime(at):%H%M%S%f}"[:32]
    dispute.save()
