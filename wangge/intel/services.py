"""Registering and activating appeal classifiers, and the category suggestion used at intake."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core import audit, uploads
from wangge.core.actors import is_system
from wangge.core.caches import ProcessCache
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.intel import textclf
from wangge.intel.errors import ErrorCode
from wangge.intel.models import ClassifierModel

logger = logging.getLogger(__name__)


def _snapshot(row: ClassifierModel) -> dict[str, Any] | None:
    data = audit.snapshot(row)
    if data is not None:
        data["file"] = row.file.name or ""  # the stored name, not the file object
    return data


def _require_admin(actor: Any) -> None:
    """Classifiers are managed by the system (commands) or by administrators."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return
    from wangge.accounts.choices import Role
    from wangge.accounts.selectors import user_roles

    if getattr(actor, "is_authenticated", False) and Role.ADMIN in user_roles(actor):
        return
    raise PermissionDenied(_("只有管理员可以管理分类模型"), code=ErrorCode.CLASSIFIER_FORBIDDEN)


def _read(path_or_model: str | Path | textclf.TrainedModel) -> textclf.TrainedModel:
    if isinstance(path_or_model, textclf.TrainedModel):
        return path_or_model
    try:
        return textclf.load(path_or_model)
    except (textclf.ModelFormatError, FileNotFoundError) as exc:
        raise ValidationFailed(
            _("无法读取分类模型文件"),
            code=ErrorCode.CLASSIFIER_UNREADABLE,
            details=[{"path": str(path_or_model), "reason": str(exc)}],
        ) from exc


@transaction.atomic
def classifier_register(
    *,
    actor: Any,
    path_or_model: str | Path | textclf.TrainedModel,
    activate: bool = False,
    name: str = "",
) -> ClassifierModel:
    """Store a trained classifier with its parameters and evaluation; optionally make it the active one."""
    _require_admin(actor)
    model = _read(path_or_model)
    if ClassifierModel.objects.filter(version=model.version).exists():
        raise Conflict(
            _("该版本的分类模型已登记"), code=ErrorCode.CLASSIFIER_EXISTS, details={"version": model.version}
        )
    description = model.describe()
    row = ClassifierModel(
        version=model.version,
        name=name[:100],
        labels=list(model.labels),
        params=description["params"],
        metrics={k: v for k, v in description.items() if k not in {"params", "labels", "version"}},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    # A generated name: the version is text chosen at training time, and the file is read by the server only.
    row.file.save(uploads.generated_name("joblib"), ContentFile(textclf.dumps(model)), save=False)
    row.save()
    audit.record(actor=actor, action="intel.classifier_register", obj=row, after=_snapshot(row))
    if activate:
        row = _activate(actor, row)
    return row


@transaction.atomic
def classifier_activate(*, actor: Any, classifier: ClassifierModel) -> ClassifierModel:
    """Make ``classifier`` the one used for suggestions (the previous one is switched off)."""
    _require_admin(actor)
    row = ClassifierModel.objects.select_for_update().filter(pk=classifier.pk).first()
    if row is None:
        raise NotFound(_("分类模型不存在"), code=ErrorCode.CLASSIFIER_NOT_FOUND)
    return _activate(actor, row)


def _activate(actor: Any, row: ClassifierModel) -> ClassifierModel:
    previous = list(ClassifierModel.objects.select_for_update().filter(is_active=True).exclude(pk=row.pk))
    for other in previous:
        before = _snapshot(other)
        other.is_active = False
        other.save(update_fields=["is_active"])
        audit.record(
            actor=actor, action="intel.classifier_deactivate", obj=other, before=before, after=_snapshot(other)
        )
    if not row.is_active:
        before = _snapshot(row)
        row.is_active = True
        row.save(update_fields=["is_active"])
        audit.record(actor=actor, action="intel.classifier_activate", obj=row, before=before, after=_snapshot(row))
    transaction.on_commit(forget_active_model)
    return row


# --------------------------------------------------------------------------------------------
# Suggestions from the active classifier, loaded once per process.


class _Unreadable(Exception):
    """The active classifier's file cannot be loaded (nothing is cached; the next call tries again)."""


def _active_row() -> tuple[Any, ...] | None:
    """Which classifier is active: (pk, version, file name), or None; read on every suggestion."""
    return ClassifierModel.objects.filter(is_active=True).values_list("pk", "version", "file").first()


def _load(current: tuple[Any, ...] | None) -> textclf.TrainedModel | None:
    if current is None:
        return None
    row = ClassifierModel(pk=current[0], version=current[1], file=current[2])
    try:
        with row.file.open("rb") as handle:
            return textclf.load(handle)
    except (OSError, textclf.ModelFormatError) as exc:
        logger.warning("active classifier %s cannot be loaded: %s", current[1], exc)
        raise _Unreadable(current[1]) from exc


_active: ProcessCache[textclf.TrainedModel | None] = ProcessCache(
    "intel.active_classifier", _load, fingerprint=_active_row
)


def forget_active_model() -> None:
    """Drop the cached classifier; the next suggestion reloads the active one."""
    _active.forget()


def active_model() -> textclf.TrainedModel | None:
    """The active classifier, loaded from storage on first use and whenever another one is activated."""
    try:
        return _active.get()
    except _Unreadable:
        return None


def suggest_category(text: textclf.Text, k: int = 3) -> list[tuple[str, float]]:
    """Ranked (category, confidence) pairs for an appeal (title on the first line, then the body),
    from the active classifier; empty when none is active or the text is blank."""
    title, body = textclf.split_text(text)
    if not (title or body):
        return []
    model = active_model()
    if model is None:
        return []
    return model.predict_one((title, body), k=k).top


# --------------------------------------------------------------------------------------------
# Training from the platform's own records.

MIN_CASES_PER_CLASS = 5


def training_table_from_cases(
    *, district: Any = None, since: Any = None, until: Any = None, min_per_class: int = MIN_CASES_PER_CLASS
) -> textclf.Table:
    """Closed cases with a category, as labelled texts: (title, description) → the category's code. A category
    with fewer than ``min_per_class`` cases is left out (a classifier cannot learn it from so few). ``since`` and
    ``until`` bound the closing time (``until`` excluded)."""
    from collections import Counter

    from wangge.workorders.choices import Status
    from wangge.workorders.models import WorkOrder

    qs = WorkOrder.objects.filter(status=Status.CLOSED, category__isnull=False, parent__isnull=True)
    if district is not None:
        qs = qs.filter(scope_path__startswith=district.path)
    if since is not None:
        qs = qs.filter(closed_at__gte=since)
    if until is not None:
        qs = qs.filter(closed_at__lt=until)
    rows = list(qs.order_by("pk").values_list("pk", "title", "description", "category__code"))
    counts = Counter(code for *_rest, code in rows)
    kept = [r for r in rows if counts[r[3]] >= min_per_class]
    return textclf.Table(
        texts=[(title, description) for _pk, title, description, _code in kept],
        labels=[code for *_rest, code in kept],
        ids=[str(pk) for pk, *_rest in kept],
        id_column="id",
    )


def taxonomy_from_categories(labels: Any) -> list[tuple[str, ...]]:
    """The live category tree as a classification tree for ``textclf.train``: per label (a category code), the
    row (label, its name, the names of the categories under it), so that each class's keywords are its own
    words and those of its sub-categories."""
    from wangge.workorders.models import Category, CategorySet

    live = CategorySet.objects.filter(is_active=True).values_list("pk", flat=True).first()
    if live is None:
        return []
    rows = list(Category.objects.filter(category_set_id=live).values_list("pk", "parent_id", "code", "name"))
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, parent, _code, name in rows:
        children.setdefault(parent, []).append((pk, name))
    out: list[tuple[str, ...]] = []
    wanted = set(labels)
    for pk, _parent, code, name in rows:
        if code not in wanted:
            continue
        names, stack = [name], [pk]
        while stack:
            for child, child_name in children.get(stack.pop(), []):
                names.append(child_name)
                stack.append(child)
        out.append((code, *names))
    return out
