"""Learning from dispatchers: what was suggested at intake and dispatch (受理、派遣时的建议), and what was chosen.

Work orders cannot import this app, so the record is made here, on the signals ``wangge.workorders.signals``
sends inside the step's transaction: ``case_filed`` (a case registered by a staff member: 受理登记, the API, a
patrol report) and ``case_transitioned`` with ``dispatch`` (派遣). The suggestion is recomputed from the case
as saved, with the classifier active at that moment: the same text and the same model give the three guesses
the page or the API showed. Recording is an aid: a failure is logged and never stops the step.

Nothing is recorded while no classifier is active (there is no category suggestion to judge).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.core.actors import user_of
from wangge.intel import intake, services
from wangge.intel.choices import SuggestionStep
from wangge.intel.models import ClassifierModel, SuggestionRecord
from wangge.workorders.models import Category, WorkOrder

logger = logging.getLogger(__name__)


def category_chain(category_id: int | None) -> list[int]:
    """The category and every category above it (ids), nearest first."""
    chain: list[int] = []
    current = category_id
    while current is not None and current not in chain:
        chain.append(current)
        current = Category.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def hits(guessed: list[int | None], chosen_category_id: int | None) -> tuple[bool | None, bool | None]:
    """(top-1 right, top-3 right): a guess is right when the chosen category is it or lies under it; None when
    there is no guess or no chosen category."""
    if not guessed or chosen_category_id is None:
        return None, None
    chain = set(category_chain(chosen_category_id))
    return guessed[0] in chain, any(g in chain for g in guessed[:3])


def record(
    work_order: WorkOrder,
    *,
    step: str,
    actor: Any,
    at: dt.datetime | None = None,
    category_before: int | None = None,
) -> SuggestionRecord | None:
    """Record the suggestion for ``work_order`` at ``step`` against the category and unit it now has. At
    dispatch, the unit suggested is routing's answer for the category the case had before the step (else for
    the confident guess), as the dispatch screen showed it; at intake, for the confident guess."""
    model = services.active_model()
    if model is None:
        return None
    classifier, guesses = intake.guess_categories(work_order.title, work_order.description)
    if not classifier or not guesses:
        return None
    best = guesses[0]
    confident = best.category is not None and best.confidence >= intake.min_confidence()
    before = Category.objects.filter(pk=category_before).first() if category_before else None
    routed_for = before or (best.category if confident else None)
    unit = intake.route_unit(routed_for, work_order.territory or work_order.grid or work_order.district)
    guessed_ids = [g.category.pk if g.category is not None else None for g in guesses[:3]]
    top1, top3 = hits(guessed_ids, work_order.category_id)
    chosen_unit_id = work_order.assigned_unit_id if step == SuggestionStep.DISPATCH else None
    version = model.version
    row = SuggestionRecord.objects.create(
        work_order=work_order,
        step=step,
        at=at or timezone.now(),
        actor=user_of(actor),
        scope_path=work_order.scope_path,
        classifier=ClassifierModel.objects.filter(version=version).first(),
        classifier_version=version,
        suggested=[
            {"label": g.label, "score": g.confidence, "category_id": cid}
            for g, cid in zip(guesses[:3], guessed_ids, strict=True)
        ],
        suggested_category=best.category,
        confident=confident,
        suggested_unit=unit,
        chosen_category_id=work_order.category_id,
        chosen_unit_id=chosen_unit_id,
        top1_hit=top1,
        top3_hit=top3,
        unit_hit=(unit.pk == chosen_unit_id) if (unit is not None and chosen_unit_id is not None) else None,
    )
    return row


def _safely(work_order: WorkOrder, **kwargs: Any) -> None:
    try:
        if services.active_model() is None:
            return  # nothing to judge, and no savepoint for it
        with transaction.atomic():  # a savepoint: a failed record leaves the step's transaction usable
            record(work_order, **kwargs)
    except Exception:  # an aid never stops intake or dispatch
        logger.exception("suggestion record failed for work order %s", work_order.pk)


def on_case_filed(sender: Any, work_order: WorkOrder, actor: Any, **kwargs: Any) -> None:
    if user_of(actor) is None:
        return  # a citizen's own appeal: nobody was shown a suggestion
    _safely(work_order, step=SuggestionStep.INTAKE, actor=actor, at=work_order.received_at)


def on_case_transitioned(
    sender: Any, work_order: WorkOrder, actor: Any, name: str, category_before: int | None = None, **kwargs: Any
) -> None:
    if name != "dispatch":
        return
    _safely(
        work_order,
        step=SuggestionStep.DISPATCH,
        actor=actor,
        at=work_order.dispatched_at,
        category_before=category_before,
    )


def connect() -> None:
    from wangge.workorders import signals

    signals.case_filed.connect(on_case_filed, dispatch_uid="intel.suggestion_record.filed")
    signals.case_transitioned.connect(on_case_transitioned, dispatch_uid="intel.suggestion_record.transitioned")


def replay_dispatches(*, since: dt.datetime, district: Any = None, limit: int = 1000) -> int:
    """Record, for the cases dispatched since ``since`` (oldest first, at most ``limit``), what the active
    classifier suggests against the category and unit each case was dispatched with, dated at its dispatch: the
    record a classifier trained before ``since`` would have left (the demo fills its accuracy page so). Cases that
    already have a dispatch record are left alone. Returns how many were recorded."""
    if services.active_model() is None:
        return 0
    qs = WorkOrder.objects.filter(dispatched_at__gte=since, parent__isnull=True).exclude(
        pk__in=SuggestionRecord.objects.filter(step=SuggestionStep.DISPATCH).values("work_order_id")
    )
    if district is not None:
        qs = qs.filter(scope_path__startswith=district.path)
    count = 0
    for wo in qs.select_related("territory", "grid", "district").order_by("dispatched_at", "pk")[:limit]:
        event = wo.events.filter(name="dispatch").select_related("actor").order_by("-pk").first()
        actor = event.actor if event is not None else None
        if record(wo, step=SuggestionStep.DISPATCH, actor=actor, at=wo.dispatched_at) is not None:
            count += 1
    return count
