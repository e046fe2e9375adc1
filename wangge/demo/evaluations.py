"""Demo data of 好差评 and the monthly callbacks, on the 办件 the hall step finished (last full month and this
month): ratings on most of them (mostly 非常满意 and 满意, a few 差评), the 差评 through the real service so each
opens its rectification — some taken through 核实 and 整改, one fed back and called back, one left at 待核实 past
its deadline (overdue) — one appeal waiting for review and one upheld, and last month's callback draw with some of
its calls made (one reached with a problem that opens a rectification, one unreachable).

Deterministic (``random.Random`` seeded per 办件 id), idempotent (a 办件 already rated
is left alone; the draw of a month is drawn once, its calls only when it is drawn); without finished 办件 (the hall
step did not run) it does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.core.actors import CITIZEN, SystemActor
from wangge.evaluations import conf
from wangge.evaluations.choices import BAD_LEVELS, EvaluationChannel, Reason
from wangge.evaluations.models import Evaluation, Rectification
from wangge.evaluations.services import (
    appeal_file,
    appeal_transition,
    callback_draw,
    callback_task_record,
    evaluation_create,
    receipt_code,
    rectification_transition,
)
from wangge.hall.choices import ApplicationStatus
from wangge.hall.models import Application

SEED = 4104031507
RATED_SHARE = 0.8  # of the finished 办件
# Levels of the good ratings (5, 4, 3) and how many 差评 per month at most.
GOOD_WEIGHTS = ((5, 78), (4, 17), (3, 5))
BAD_PER_MONTH = 6
BAD_SHARE = 0.02  # chance that a rated 办件 is one of the month's 差评
COMMENTS_BAD = (
    "排队等候时间太长，窗口只开了一个",
    "材料要求前后说法不一致，跑了两趟",
    "工作人员态度生硬，没有耐心解释",
    "网上预约了到现场还要重新取号",
    "办事指南写得不清楚，缺少的材料没有一次告知",
    "打印证明等了很久",
)
REASONS_BAD = (
    [Reason.WAITING],
    [Reason.REPEATED_VISITS, Reason.GUIDANCE],
    [Reason.ATTITUDE],
    [Reason.EFFICIENCY],
    [Reason.GUIDANCE],
    [Reason.EFFICIENCY, Reason.WAITING],
)


def _months(today: dt.date) -> tuple[dt.date, dt.date]:
    this = today.replace(day=1)
    return (this - dt.timedelta(days=1)).replace(day=1), this


def evaluations_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    system = SystemActor("demo")
    now = timezone.now()
    last, this = _months(timezone.localdate())
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(last, dt.time.min, tzinfo=tz)
    apps = list(
        Application.objects.filter(status=ApplicationStatus.FINISHED, finished_at__gte=start, finished_at__lt=now)
        .order_by("id")
        .only("id", "code", "hall_id", "window_id", "staff_id", "item_id", "department_id", "finished_at")
    )
    if not apps:
        return 0, 0
    rated = set(
        Evaluation.objects.filter(application_id__in=[a.pk for a in apps]).values_list("application_id", flat=True)
    )
    levels, weights = zip(*GOOD_WEIGHTS, strict=True)
    good: list[Evaluation] = []
    bad: list[tuple[Application, int, dt.datetime]] = []
    month_of = {a.pk: timezone.localtime(a.finished_at).date().replace(day=1) for a in apps if a.finished_at}
    bad_count = {last: 0, this: 0}
    for app_id in Evaluation.objects.filter(application_id__in=rated, is_bad=True).values_list(
        "application_id", flat=True
    ):
        bad_count[month_of[app_id]] = bad_count.get(month_of[app_id], 0) + 1
    for a in apps:
        assert a.finished_at is not None
        rng = random.Random(f"{SEED}:{a.pk}")  # each 办件's draw its own: a later run decides the same
        roll, level = rng.random(), rng.choices(levels, weights)[0]
        delay = dt.timedelta(minutes=rng.randrange(5, 600))
        month = month_of[a.pk]
        wants_bad = rng.random() < BAD_SHARE
        if roll >= RATED_SHARE or a.pk in rated:
            continue
        at = min(a.finished_at + delay, now)
        if wants_bad and bad_count.get(month, BAD_PER_MONTH) < BAD_PER_MONTH:
            bad_count[month] += 1
            bad.append((a, 1 + len(bad) % 2, at))
            continue
        good.append(
            Evaluation(
                code=f"PJ{a.code}"[:32],
                application_id=a.pk,
                hall_id=a.hall_id,
                window_id=a.window_id,
                staff_id=a.staff_id,
                item_id=a.item_id,
                department_id=a.department_id,
                level=level,
                is_bad=level in BAD_LEVELS,
                reasons=[],
                channel=EvaluationChannel.QR if rng.random() < 0.7 else EvaluationChannel.ONLINE,
                rated_at=at,
            )
        )
    created = 0
    with transaction.atomic():
        Evaluation.objects.bulk_create(good, batch_size=2000)
        created += len(good)
        opened: list[Rectification] = []
        for n, (a, level, at) in enumerate(bad):
            real = n % 3 != 2
            ev = evaluation_create(
                actor=CITIZEN,
                level=level,
                code=a.code,
                receipt=receipt_code(a),
                reasons=REASONS_BAD[n % len(REASONS_BAD)],
                comment=COMMENTS_BAD[n % len(COMMENTS_BAD)],
                rater_name="王女士" if real else "",
                rater_phone=f"1390000{n:04d}" if real else "",
                now=at,
            )
            created += 1
            opened.extend(ev.rectifications.all())
        created += _work(opened, system, now)
        created += _callbacks(last, system, now)
    return created, len(rated)


def _work(opened: list[Rectification], system: SystemActor, now: dt.datetime) -> int:
    """Take the new rectifications some way: the oldest stays at 待核实 (overdue once its deadline passed), one is
    closed after its callback, some are at 整改 or 反馈, one is appealed (pending) and one appeal upheld."""
    if not opened:
        return 0
    done = 0
    for n, r in enumerate(opened[1:], start=1):
        at = min(r.opened_at + dt.timedelta(days=1), now)
        if n == len(opened) - 1 and r.evaluation is not None:
            appeal_file(
                actor=system,
                evaluation=r.evaluation,
                reason="经调取窗口录像核实，申请人当日未在该窗口办理，系误评",
                now=at,
            )
            done += 1
            continue
        if n == len(opened) - 2 and r.evaluation is not None:
            appeal = appeal_file(
                actor=system, evaluation=r.evaluation, reason="评价内容与该办件无关，疑为恶意差评", now=at
            )
            appeal_transition(actor=system, appeal=appeal, name="uphold", note="核实为恶意差评，予以剔除", now=at)
            done += 2
            continue
        r = rectification_transition(
            actor=system, rectification=r, name="verify", finding="经调取录像核实，情况属实", now=at
        )
        done += 1
        if n % 2 == 1:
            r = rectification_transition(
                actor=system, rectification=r, name="rectify", measures="对窗口人员开展服务规范培训，增开窗口", now=at
            )
            r = rectification_transition(
                actor=system, rectification=r, name="feedback", feedback="已向办事人说明整改情况并致歉", now=at
            )
            done += 2
            if r.status == "callback" and n == 1:
                rectification_transition(
                    actor=system, rectification=r, name="callback", satisfied=True, note="办事人表示满意", now=at
                )
                done += 1
    return done


def _callbacks(month: dt.date, system: SystemActor, now: dt.datetime) -> int:
    """Last month's draw (seed YYYYMM, the configured share) and about one call in eight made."""
    first_of_this = timezone.localdate().replace(day=1)
    if month >= first_of_this:
        return 0
    draw, created = callback_draw(
        actor=system, month=month, seed=int(f"{month:%Y%m}"), share=conf.callback_share(), now=now
    )
    if not created:
        return 0
    rng = random.Random(SEED + 1)
    made = 1
    tasks = list(draw.tasks.order_by("id"))
    for n, t in enumerate(tasks):
        if rng.random() > 0.12:
            continue
        if n % 17 == 0:
            callback_task_record(actor=system, task=t, reached=False, note="三次拨打无人接听", now=now)
        elif n % 11 == 0:
            callback_task_record(
                actor=system, task=t, reached=True, satisfied=False, problems="反映现场缺少填表指引", now=now
            )
        else:
            callback_task_record(actor=system, task=t, reached=True, satisfied=True, now=now)
        made += 1
    return made
