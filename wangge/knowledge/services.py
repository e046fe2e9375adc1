"""Writes of the knowledge base, and the 直接答复 of a 咨询 call from it.

Every save of an article adds an :class:`ArticleVersion` (the earlier ones stay as they were) and an audit
entry. :func:`answer_call` registers the call through the one intake service and closes it at once through the
declared workflow step ``answer_direct``, the history row naming the article and the version that answered.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.core import audit
from wangge.core.actors import require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.knowledge.choices import ArticleStatus
from wangge.knowledge.errors import ErrorCode
from wangge.knowledge.models import Article, ArticleVersion
from wangge.knowledge.selectors import may_edit
from wangge.workorders.models import Category, WorkOrder

FIELDS = ("title", "keywords", "answer", "category", "unit", "status")


def _require_editor(actor: Any) -> None:
    require(actor)
    if user_of(actor) is None and getattr(actor, "pk", None) is None:
        return  # the system (the demo, a migration) keeps the knowledge base too
    if not may_edit(actor):
        raise PermissionDenied(_("只有调度员或管理员可以编辑知识库"), code=ErrorCode.EDIT_FORBIDDEN)


def _clean(
    title: str, keywords: str, answer: str, status: str, category: Category | None, unit: Unit | None
) -> dict[str, Any]:
    problems = []
    if not title.strip():
        problems.append({"field": "title", "reason": "required"})
    if not answer.strip():
        problems.append({"field": "answer", "reason": "required"})
    if status not in ArticleStatus.values:
        problems.append({"field": "status", "reason": "invalid_choice"})
    if problems:
        raise ValidationFailed(_("请填写标题和答复口径"), code=ErrorCode.ARTICLE_INVALID, details=problems)
    lines = [k.strip() for k in keywords.replace("\r", "").split("\n") if k.strip()]
    return {
        "title": " ".join(title.split())[:200],
        "keywords": "\n".join(dict.fromkeys(lines)),
        "answer": answer.strip(),
        "status": status,
        "category": category,
        "unit": unit,
    }


def _snapshot(article: Article, note: str, by: Any, at: Any) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        keywords=article.keywords,
        answer=article.answer,
        category=article.category,
        unit=article.unit,
        status=article.status,
        note=note.strip()[:200],
        created_at=at,
        created_by=by,
    )


def article_create(
    *,
    actor: Any,
    title: str,
    answer: str,
    keywords: str = "",
    category: Category | None = None,
    unit: Unit | None = None,
    status: str = ArticleStatus.DRAFT,
    note: str = "",
) -> Article:
    """A new article and its version 1."""
    _require_editor(actor)
    values = _clean(title, keywords, answer, status, category, unit)
    by = user_of(actor)
    with transaction.atomic():
        article = Article.objects.create(**values, version=1, updated_by=by)
        _snapshot(article, note or _("新建"), by, timezone.now())
        audit.record(actor=actor, action="knowledge.article_create", obj=article, after=audit.snapshot(article))
    return article


def article_update(
    *,
    actor: Any,
    article_id: int,
    title: str,
    answer: str,
    keywords: str = "",
    category: Category | None = None,
    unit: Unit | None = None,
    status: str = ArticleStatus.DRAFT,
    note: str = "",
    expected_version: int | None = None,
) -> Article:
    """Save an edit as the next version; nothing changes (and no version is added) when nothing differs.
    ``expected_version`` is the version the editor started from: another editor's save in between is a
    conflict, not a silent overwrite."""
    _require_editor(actor)
    values = _clean(title, keywords, answer, status, category, unit)
    by = user_of(actor)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFound(_("知识条目不存在"), code=ErrorCode.ARTICLE_NOT_FOUND)
        if expected_version is not None and article.version != expected_version:
            raise Conflict(
                _("该条目已被他人修改（当前为第 %(v)s 版），请刷新后再编辑") % {"v": article.version},
                details={"expected_version": expected_version, "current_version": article.version},
            )
        if all(getattr(article, f) == values[f] for f in FIELDS):
            return article
        before = audit.snapshot(article)
        for f in FIELDS:
            setattr(article, f, values[f])
        article.version += 1
        article.updated_by = by
        article.save()
        _snapshot(article, note, by, timezone.now())
        audit.record(
            actor=actor, action="knowledge.article_update", obj=article, before=before, after=audit.snapshot(article)
        )
    return article


def published_version(article_id: int, number: int | None = None) -> ArticleVersion:
    """The version a call is answered from: the given number (the one the call taker inserted) or the
    current one; the article must be published."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise NotFound(_("知识条目不存在"), code=ErrorCode.ARTICLE_NOT_FOUND)
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationFailed(
            _("该知识条目尚未发布，不能用于答复"),
            code=ErrorCode.ARTICLE_NOT_PUBLISHED,
            details=[{"field": "article", "reason": "not_published"}],
        )
    version = article.versions.filter(number=number or article.version).first()
    if version is None:
        raise NotFound(_("知识条目的该版本不存在"), code=ErrorCode.ARTICLE_NOT_FOUND)
    return version


def answer_call(
    *,
    actor: Any,
    article_id: int,
    answer: str,
    article_version: int | None = None,
    intake: dict[str, Any],
) -> WorkOrder:
    """直接答复: register a 咨询 call (``intake``: the keyword arguments of ``appeal_submit``) and close it on the
    spot with ``answer`` (the article's text as the call taker read it out, possibly adapted). All or nothing."""
    from wangge.workorders.choices import AppealType
    from wangge.workorders.services import appeal_submit, work_order_transition

    require(actor)
    if not answer.strip():
        raise ValidationFailed(
            _("请填写答复内容"), code=ErrorCode.ANSWER_REQUIRED, details=[{"field": "answer", "reason": "required"}]
        )
    version = published_version(article_id, article_version)
    with transaction.atomic():
        wo = appeal_submit(actor=actor, **{**intake, "appeal_type": AppealType.CONSULT})
        return work_order_transition(
            actor=actor,
            work_order_id=wo.pk,
            name="answer_direct",
            text=answer.strip(),
            article=version.article_id,
            article_version=version.number,
            article_title=version.title,
        )
