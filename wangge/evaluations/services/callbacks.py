"""Monthly callbacks (调查回访): the draw of a month's sample and the outcome of each call.

The draw (:func:`callback_draw`), decided here and documented in docs/evaluations.md:

- **finished**: the 办件 finished (办结) in the month (``finished_at`` in the month, Asia/Shanghai), by id;
- **sampled** = ⌈share × finished⌉ (rounded up, so a month with any finished 办件 has at least one call),
  drawn with ``random.Random(seed).sample(ids sorted ascending, sampled)``;
- plus **every 差评** rated in the month and **every real-name complaint** (实名投诉) rated in the month that the
  random part did not draw — ratings excluded by an upheld appeal are not counted;
- ``ids_sha256``: SHA-256 of the drawn 办件 ids, ascending, joined by commas.

One draw per month. Drawing the month again with the same share and seed returns the recorded draw (no new
tasks); with another share or seed it is refused — the recorded draw stands and can be checked with
:func:`callback_draw_replay`, which draws again from the recorded seed over today's records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.evaluations.choices import CallbackReason, CallbackStatus
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import CallbackDraw, CallbackTask, Evaluation
from wangge.evaluations.services.common import acts_for_hall, holds_any
from wangge.evaluations.services.rectifications import rectification_open
from wangge.evaluations.workflow import CALLERS, DRAWERS
from wangge.hall.choices import ApplicationStatus
from wangge.hall.models import Application

__all__ = [
    "ROUNDING",
    "Sample",
    "callback_draw",
    "callback_draw_replay",
    "callback_phone_reveal",
    "callback_task_record",
    "month_bounds",
]

ROUNDING = "向上取整：随机抽取数 = ⌈抽取比例 × 上月办结数⌉"


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first day 00:00, next month's first day 00:00) in the platform's time zone."""
    tz = timezone.get_current_timezone()
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(first, dt.time.min, tzinfo=tz), dt.datetime.combine(nxt, dt.time.min, tzinfo=tz)


def _share(value: Any) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        share = Decimal(0)
    if not (Decimal(0) < share <= Decimal(1)):
        raise ValidationFailed(
            _("抽取比例须大于 0 且不超过 1"), code=ErrorCode.INVALID_DRAW, details=[{"field": "share"}]
        )
    return share


@dataclass(frozen=True)
class Sample:
    finished: int
    sampled: int
    reasons: dict[int, str]  # 办件 id → CallbackReason
    evaluations: dict[int, int]  # 办件 id → the rating that put it in (差评 or complaint)
    bad_ratings: int
    complaints: int

    @property
    def ids(self) -> list[int]:
        return sorted(self.reasons)

    @property
    def ids_sha256(self) -> str:
        return hashlib.sha256(",".join(str(i) for i in self.ids).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        return {
            "finished": self.finished,
            "sampled": self.sampled,
            "bad_ratings_included": self.bad_ratings,
            "ids_sha256": self.ids_sha256,
        }


def draw_sample(month: dt.date, share: Decimal, seed: int) -> Sample:
    """The month's sample from the records as they are now (no write)."""
    start, end = month_bounds(month)
    finished = list(
        Application.objects.filter(status=ApplicationStatus.FINISHED, finished_at__gte=start, finished_at__lt=end)
        .order_by("id")
        .values_list("id", flat=True)
    )
    quota = math.ceil(share * len(finished))
    drawn = random.Random(seed).sample(finished, quota)
    rated = Evaluation.objects.filter(rated_at__gte=start, rated_at__lt=end, excluded=False)
    bad = dict(rated.filter(is_bad=True).values_list("application_id", "id"))
    complaints = dict(rated.filter(is_complaint=True, is_real_name=True).values_list("application_id", "id"))
    reasons: dict[int, str] = {i: CallbackReason.SAMPLED for i in drawn}
    for app_id in complaints:
        reasons[app_id] = CallbackReason.REAL_NAME_COMPLAINT
    for app_id in bad:
        reasons[app_id] = CallbackReason.BAD_RATING
    return Sample(
        finished=len(finished),
        sampled=quota,
        reasons=reasons,
        evaluations={**complaints, **bad},
        bad_ratings=len(bad),
        complaints=len(set(complaints) - set(bad)),
    )


def _summary(draw: CallbackDraw) -> dict[str, Any]:
    return {
        "finished": draw.finished,
        "sampled": draw.sampled,
        "bad_ratings_included": draw.bad_ratings_included,
        "ids_sha256": draw.ids_sha256,
    }


def callback_draw(
    *, actor: ActorLike, month: dt.date, seed: int, share: Any = None, now: dt.datetime | None = None
) -> tuple[CallbackDraw, bool]:
    """Draw ``month``'s callback sample (or return the recorded one drawn with the same share and seed) and
    create its tasks. Returns (draw, created). The system (the monthly command) and the leaders and
    administrators may draw; the month must be over. Raises PermissionDenied, ValidationFailed, Conflict."""
    from wangge.evaluations import conf

    require(actor)
    if not holds_any(actor, DRAWERS):
        raise PermissionDenied(_("无权抽取回访样本"), code=ErrorCode.NOT_CALLER)
    rate = _share(conf.callback_share() if share in (None, "") else share)
    try:
        seed = int(seed)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("随机种子须为整数"), code=ErrorCode.INVALID_DRAW, details=[{"field": "seed"}]) from exc
    if not 0 <= seed < 2**63:
        raise ValidationFailed(_("随机种子须为非负整数"), code=ErrorCode.INVALID_DRAW, details=[{"field": "seed"}])
    first = month.replace(day=1)
    at = now or timezone.now()
    if month_bounds(first)[1] > at:
        raise ValidationFailed(_("该月尚未结束，不能抽取"), code=ErrorCode.INVALID_DRAW, details=[{"field": "month"}])
    with transaction.atomic():
        existing = CallbackDraw.objects.select_for_update().filter(month=first).first()
        if existing is not None:
            if existing.share == rate and existing.seed == seed:
                return existing, False
            raise Conflict(
                _("%(month)s 已按比例 %(share)s、种子 %(seed)s 抽取，不能重新抽取")
                % {"month": f"{first:%Y-%m}", "share": existing.share, "seed": existing.seed},
                code=ErrorCode.DRAW_EXISTS,
            )
        sample = draw_sample(first, rate, seed)
        draw = CallbackDraw.objects.create(
            month=first,
            share=rate,
            seed=seed,
            rounding=ROUNDING,
            finished=sample.finished,
            sampled=sample.sampled,
            bad_ratings_included=sample.bad_ratings,
            complaints_included=sample.complaints,
            total=len(sample.reasons),
            ids=sample.ids,
            ids_sha256=sample.ids_sha256,
            drawn_at=at,
            drawn_by=user_of(actor),
            drawn_by_name=label_of(actor)[:150],
        )
        apps = Application.objects.filter(pk__in=sample.ids).values(
            "id", "hall_id", "window_id", "staff_id", "item_id", "department_id"
        )
        CallbackTask.objects.bulk_create(
            [
                CallbackTask(
                    draw=draw,
                    application_id=a["id"],
                    evaluation_id=sample.evaluations.get(a["id"]),
                    reason=sample.reasons[a["id"]],
                    hall_id=a["hall_id"],
                    window_id=a["window_id"],
                    staff_id=a["staff_id"],
                    item_id=a["item_id"],
                    department_id=a["department_id"],
                )
                for a in apps.iterator(chunk_size=2000)
            ],
            batch_size=1000,
        )
        audit.record(
            actor=actor,
            action="evaluations.draw_create",
            obj=draw,
            after={**_summary(draw), "month": f"{first:%Y-%m}", "share": str(rate), "seed": seed, "total": draw.total},
            only_changes=False,
        )
    return draw, True


def callback_draw_replay(draw: CallbackDraw) -> dict[str, Any]:
    """Draw the recorded month again from its recorded share and seed over today's records, and say whether
    the result is the one recorded (a 办件 finished or a rating excluded since would change it)."""
    sample = draw_sample(draw.month, draw.share, draw.seed)
    return {"recorded": _summary(draw), "now": sample.summary(), "same": sample.ids_sha256 == draw.ids_sha256}


def _task_for(actor: ActorLike, task: CallbackTask | int, lock: bool = False) -> CallbackTask:
    pk = task.pk if isinstance(task, CallbackTask) else int(task)
    qs = CallbackTask.objects.select_for_update(of=("self",)) if lock else CallbackTask.objects.all()
    if not is_system(actor):
        qs = qs.restrict(actor)
    found = qs.select_related("hall__territory", "application").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("回访任务不存在"), code=ErrorCode.TASK_NOT_FOUND)
    if not acts_for_hall(actor, found.hall, CALLERS):
        raise PermissionDenied(_("无权回访该办件"), code=ErrorCode.NOT_CALLER)
    return found


def callback_task_record(
    *,
    actor: ActorLike,
    task: CallbackTask | int,
    reached: bool,
    satisfied: bool | None = None,
    problems: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> CallbackTask:
    """The outcome of a call: not reached (无法联系), or reached with satisfied or not; problems found open a
    rectification. Once per task. Raises NotFound, PermissionDenied, ValidationFailed, Conflict (done)."""
    require(actor)
    at = now or timezone.now()
    with transaction.atomic():
        t = _task_for(actor, task, lock=True)
        if t.status != CallbackStatus.PENDING:
            raise Conflict(_("该回访任务已记录结果"), code=ErrorCode.TASK_DONE)
        text = problems.strip()[:2000]
        if reached and satisfied is None:
            raise ValidationFailed(
                _("请选择是否满意"), code=ErrorCode.INVALID_OUTCOME, details=[{"field": "satisfied"}]
            )
        if reached and satisfied is False and not text:
            raise ValidationFailed(
                _("不满意时请填写发现的问题"), code=ErrorCode.INVALID_OUTCOME, details=[{"field": "problems"}]
            )
        before = audit.snapshot(t)
        t.reached = bool(reached)
        t.satisfied = satisfied if reached else None
        t.problems = text if reached else ""
        t.note = note.strip()[:2000]
        t.called_at = at
        t.caller = user_of(actor)
        t.status = CallbackStatus.DONE if reached else CallbackStatus.UNREACHABLE
        t.save()
        opened = None
        if t.reached and t.problems:
            opened = rectification_open(actor=actor, application=t.application, at=at, task=t, problem=t.problems)
        audit.record(
            actor=actor,
            action="evaluations.callback_record",
            obj=t,
            before=before,
            after={**(audit.snapshot(t) or {}), "rectification": opened.code if opened else None},
        )
    return t


def callback_phone_reveal(*, actor: ActorLike, task: CallbackTask | int) -> str:
    """The applicant's full phone number, for the caller: written to the audit trail."""
    require(actor)
    t = _task_for(actor, task)
    audit.record_reveal(
        actor=actor,
        revealed={"hall.application": {"ids": {t.application_id}, "fields": {"applicant_phone"}}},
        note=_("回访任务 %(pk)s") % {"pk": t.pk},
    )
    return str(t.application.applicant_phone or "")
