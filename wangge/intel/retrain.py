"""The monthly retrain (模型月度重训): champion against challenger on a month neither trained on.

A challenger is trained on the platform's closed cases (label: the case's category code) closed before the
evaluation month, with the live category tree as taxonomy (each class's keywords are its own and its
sub-categories' names). The champion (the active classifier) and the challenger are scored on the cases
closed in that month — the challenger never saw them, and the champion only qualifies when it was trained
before the month began (``trained_until``; a model trained from a CSV never saw a case). The challenger is
activated only when its macro-F1 is higher; both figures and the decision are kept in ``ClassifierRetrain``
and in the challenger's ``metrics["retrain"]``.

Scoring maps each model's labels to live categories (by code, then by name); a guess is right when the case's
category is it or lies under it, so a champion of first-level categories is judged fairly.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.intel import intake, services, textclf
from wangge.intel.choices import RetrainDecision
from wangge.intel.models import ClassifierModel, ClassifierRetrain

logger = logging.getLogger(__name__)

MIN_TEST_CASES = 20  # fewer closed cases in the month: no fair comparison, nothing trained


def previous_month(now: dt.datetime | None = None) -> dt.date:
    """The first day of the last complete calendar month (local time)."""
    first = timezone.localdate(now or timezone.now()).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    aware = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), aware),
        timezone.make_aware(dt.datetime.combine(following, dt.time.min), aware),
    )


def month_cases(start: dt.datetime, end: dt.datetime) -> list[tuple[str, str, int, str]]:
    """(title, description, category id, category code) of the cases closed in [start, end) with a category."""
    from wangge.workorders.choices import Status
    from wangge.workorders.models import WorkOrder

    return list(
        WorkOrder.objects.filter(
            status=Status.CLOSED,
            category__isnull=False,
            parent__isnull=True,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .order_by("pk")
        .values_list("title", "description", "category_id", "category__code")
    )


def score_on_cases(model: textclf.TrainedModel, cases: list[tuple[str, str, int, str]]) -> textclf.Evaluation:
    """Macro-F1 and accuracy of ``model`` on ``cases``; a guess of a category above the case's counts as right."""
    from wangge.intel.feedback import category_chain

    predictions = model.predict([(title, description) for title, description, _c, _code in cases], k=1)
    resolved = intake.resolve_labels(list(model.labels))
    chains: dict[int, set[int]] = {}
    true, guessed = [], []
    for (_t, _d, category_id, code), prediction in zip(cases, predictions, strict=True):
        chain = chains.setdefault(category_id, set(category_chain(category_id)))
        category = resolved.get(prediction.label)
        true.append(code)
        if category is not None and category.pk in chain:
            guessed.append(code)
        else:
            guessed.append(category.code if category is not None else f"?{prediction.label}")
    return textclf.score(true, guessed, labels=sorted(set(true)))


def _trained_until(row: ClassifierModel) -> dt.datetime | None:
    raw = (row.metrics or {}).get("trained_until")
    return dt.datetime.fromisoformat(raw) if raw else None


def retrain(
    *,
    actor: Any,
    month: dt.date | None = None,
    now: dt.datetime | None = None,
    params: textclf.Params | None = None,
    min_test: int = MIN_TEST_CASES,
) -> ClassifierRetrain:
    """Run the retrain for ``month`` (default: the last complete month) once; a month already done answers
    with its record."""
    month = (month or previous_month(now)).replace(day=1)
    done = ClassifierRetrain.objects.filter(month=month).first()
    if done is not None:
        return done
    start, end = month_bounds(month)
    table = services.training_table_from_cases(until=start)
    labels = table.labels or []
    cases = month_cases(start, end)
    base = {"month": month, "n_train": len(labels), "n_test": len(cases)}
    if len(set(labels)) < 2 or len(cases) < min_test:
        return _save(
            ClassifierRetrain(
                **base,
                decision=RetrainDecision.TOO_FEW,
                note=f"训练工单 {len(labels)} 件（{len(set(labels))} 类），评估月份已结案工单 {len(cases)} 件",
            )
        )

    challenger = textclf.train(table.texts, labels, params=params, taxonomy=services.taxonomy_from_categories(labels))
    challenger_eval = score_on_cases(challenger, cases)
    champion_row = ClassifierModel.objects.filter(is_active=True).first()
    champion = services.active_model() if champion_row is not None else None
    champion_eval = None
    note = ""
    if champion_row is not None and champion is not None:
        until = _trained_until(champion_row)
        if until is not None and until > start:
            note = "原模型的训练数据含评估月份，不作比较，保留原模型"
        else:
            champion_eval = score_on_cases(champion, cases)
    if champion_row is None or champion is None:
        decision = RetrainDecision.NO_CHAMPION
    elif champion_eval is not None and challenger_eval.macro_f1 > champion_eval.macro_f1:
        decision = RetrainDecision.REPLACED
    else:
        decision = RetrainDecision.KEPT
    champion_version = champion_row.version if champion_row is not None else ""
    figures: dict[str, Any] = {
        "month": month.isoformat(),
        "champion_version": champion_version,
        "champion_macro_f1": None if champion_eval is None else round(champion_eval.macro_f1, 4),
        "challenger_macro_f1": round(challenger_eval.macro_f1, 4),
        "champion_accuracy": None if champion_eval is None else round(champion_eval.accuracy, 4),
        "challenger_accuracy": round(challenger_eval.accuracy, 4),
        "n_train": len(labels),
        "n_test": len(cases),
        "decision": str(decision),
    }
    with transaction.atomic():
        row = services.classifier_register(
            actor=actor,
            path_or_model=challenger,
            activate=decision in (RetrainDecision.REPLACED, RetrainDecision.NO_CHAMPION),
            name=f"月度重训 {month:%Y-%m}",
        )
        row.metrics = {**row.metrics, "trained_until": start.isoformat(), "retrain": figures}
        row.save(update_fields=["metrics"])
        return _save(
            ClassifierRetrain(
                **base,
                champion=champion_row,
                challenger=row,
                champion_version=champion_version,
                challenger_version=row.version,
                champion_macro_f1=figures["champion_macro_f1"],
                challenger_macro_f1=figures["challenger_macro_f1"],
                champion_accuracy=figures["champion_accuracy"],
                challenger_accuracy=figures["challenger_accuracy"],
                decision=decision,
                note=note,
            )
        )


def _save(row: ClassifierRetrain) -> ClassifierRetrain:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another scheduler ran the same month meanwhile
        existing = ClassifierRetrain.objects.filter(month=row.month).first()
        if existing is None:
            raise
        return existing
    logger.info("classifier retrain %s: %s", row.month, row.decision)
    return row
