"""申诉复核: the window or department appeals a 差评 shown false or malicious; the hall's leaders decide.

An upheld appeal excludes the rating from every figure (``Evaluation.excluded``) and withdraws its open
rectification (the ``withdraw`` step, taken by the reviewer in the same transaction); a refused one changes
nothing else. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.evaluations.choices import OPEN_RECTIFICATION, AppealStatus
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import Appeal, Evaluation
from wangge.evaluations.services.common import acts_for_hall
from wangge.evaluations.services.rectifications import rectification_transition
from wangge.evaluations.workflow import APPEAL_WORKFLOW, HALL_ROLES

__all__ = ["appeal_file", "appeal_transition"]


def appeal_file(
    *, actor: ActorLike, evaluation: Evaluation | int, reason: str, now: dt.datetime | None = None
) -> Appeal:
    """申诉: the hall's staff over the rating's hall or a member of the item's department appeal a 差评, once.
    Raises NotFound (missing or out of scope), PermissionDenied, ValidationFailed and Conflict (appealed)."""
    require(actor)
    pk = evaluation.pk if isinstance(evaluation, Evaluation) else int(evaluation)
    if not reason.strip():
        raise ValidationFailed(_("请填写申诉理由"), code=ErrorCode.APPEAL_NOT_ALLOWED, details=[{"field": "reason"}])
    at = now or timezone.now()
    with transaction.atomic():
        qs = Evaluation.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        ev = qs.select_related("hall__territory").filter(pk=pk).first()
        if ev is None:
            raise NotFound(_("评价不存在"), code=ErrorCode.APPLICATION_NOT_FOUND)
        if not acts_for_hall(actor, ev.hall, HALL_ROLES, ev.department_id):
            raise PermissionDenied(_("无权对该评价提出申诉"), code=ErrorCode.APPEAL_NOT_ALLOWED)
        if not ev.is_bad or ev.excluded:
            raise ValidationFailed(_("只能对计入统计的差评提出申诉"), code=ErrorCode.APPEAL_NOT_ALLOWED)
        if Appeal.objects.filter(evaluation=ev).exists():
            raise Conflict(_("该评价已提出过申诉"), code=ErrorCode.APPEAL_EXISTS)
        appeal = Appeal.objects.create(
            evaluation=ev,
            reason=reason.strip()[:2000],
            filed_at=at,
            filed_by=user_of(actor),
            filed_by_name=label_of(actor)[:150],
        )
        audit.record(actor=actor, action="evaluations.appeal_create", obj=appeal, after=audit.snapshot(appeal))
    return appeal


def appeal_transition(
    *, actor: ActorLike, appeal: Appeal | int, name: str, now: dt.datetime | None = None, **inputs: Any
) -> Appeal:
    """复核: ``uphold`` or ``refuse`` a pending appeal (the leaders and administrators over the hall, never the
    one who filed it). Upholding excludes the rating and withdraws its open rectifications."""
    require(actor)
    t = APPEAL_WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = appeal.pk if isinstance(appeal, Appeal) else int(appeal)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Appeal.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("evaluation__hall__territory").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("申诉不存在"), code=ErrorCode.APPEAL_NOT_FOUND)
        APPEAL_WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        locked.status = APPEAL_WORKFLOW.settle(t, from_status, locked.status)
        locked.reviewed_at = at
        locked.reviewed_by = user_of(actor)
        locked.review_note = str(inputs.get("note") or "").strip()[:2000]
        locked.save()
        withdrawn: list[str] = []
        if locked.status == AppealStatus.UPHELD:
            ev = Evaluation.objects.select_for_update().get(pk=locked.evaluation_id)
            ev.excluded = True
            ev.excluded_at = at
            ev.save(update_fields=["excluded", "excluded_at", "updated_at"])
            for r in ev.rectifications.filter(status__in=sorted(OPEN_RECTIFICATION)):
                rectification_transition(
                    actor=actor, rectification=r, name="withdraw", now=at, note=_("申诉成立：") + locked.review_note
                )
                withdrawn.append(r.code)
        audit.record(
            actor=actor,
            action=f"evaluations.appeal_{name}",
            obj=locked,
            before=before,
            after={**(audit.snapshot(locked) or {}), "withdrawn": withdrawn},
        )
    return locked
