"""Reads of the knowledge base: who may edit it, and the search the intake page runs as the call taker types.

Search splits the query into words (jieba's search mode, so "社保卡补办" also finds "社保卡" and "补办"), finds
the articles whose title, question variants or answer contain any of them, and ranks them: a word in the title
counts most, then in the question variants, then in the answer. One indexed query over ``icontains`` per word,
ranked in Python over at most ``SEARCH_CANDIDATES`` rows: fast enough for thousands of articles.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from wangge.accounts.choices import Role
from wangge.accounts.selectors import user_grant_rows
from wangge.knowledge.choices import ArticleStatus
from wangge.knowledge.models import Article, ArticleVersion

EDITOR_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER})
SEARCH_CANDIDATES = 300
MAX_WORDS = 12
_STOP_TEXT = (  # one string reads better than a list of fifty quoted words
    "的 了 吗 呢 吧 啊 是 在 我 你 他 她 们 有 和 与 及 怎么 怎么办 怎样 如何 什么 哪里 哪儿 可以 能 要 想 请问 "
    "一下 这个 那个 还 就 都 也 不 没有 没 给 到 去 把 被 让"
)
STOP_WORDS = frozenset(_STOP_TEXT.split(" "))
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def may_edit(user: Any) -> bool:
    """Editors of the knowledge base: the command centre's dispatchers and the administrators."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return any(role in EDITOR_ROLES for role, _path, _unit in user_grant_rows(user))


def may_read(user: Any) -> bool:
    """Every staff account with a grant (or a unit) reads the knowledge base."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or user_grant_rows(user) or getattr(user, "unit_id", None))


def visible_articles(user: Any) -> QuerySet[Article]:
    """What ``user`` sees: published articles; editors also the drafts."""
    qs = Article.objects.select_related("category", "unit")
    if not may_read(user):
        return qs.none()
    return qs if may_edit(user) else qs.filter(status=ArticleStatus.PUBLISHED)


def query_words(query: str) -> list[str]:
    """The words of a search: jieba's search-mode tokens, without punctuation, stop words and single
    characters (unless the query is one character); longest first, at most ``MAX_WORDS``."""
    import jieba

    text = query.strip()[:200]
    if not text:
        return []
    words: list[str] = []
    for token in jieba.cut_for_search(text):
        token = _PUNCT.sub("", token).lower()
        if not token or token in STOP_WORDS or token in words:
            continue
        if len(token) < 2 and not token.isdigit() and len(text) > 1:
            continue
        words.append(token)
    if not words and len(_PUNCT.sub("", text)) >= 1:
        words = [_PUNCT.sub("", text).lower()]
    return sorted(words, key=len, reverse=True)[:MAX_WORDS]


def _score(article: Article, words: list[str]) -> float:
    title, keys, answer = article.title.lower(), article.keywords.lower(), article.answer.lower()
    score = 0.0
    for w in words:
        weight = len(w)
        if w in title:
            score += 3 * weight
        if w in keys:
            score += 2 * weight
        if w in answer:
            score += 0.5 * weight
    return score


def search(user: Any, query: str, *, limit: int = 10, published_only: bool = False) -> list[Article]:
    """The articles ``user`` sees that match ``query``, best first (empty for an empty query)."""
    words = query_words(query)
    if not words:
        return []
    qs = visible_articles(user)
    if published_only:
        qs = qs.filter(status=ArticleStatus.PUBLISHED)
    match = Q()
    for w in words:
        match |= Q(title__icontains=w) | Q(keywords__icontains=w) | Q(answer__icontains=w)
    rows = list(qs.filter(match)[:SEARCH_CANDIDATES])
    scored = sorted(((_score(a, words), a.pk, a) for a in rows), key=lambda t: (-t[0], t[1]))
    return [a for s, _pk, a in scored if s > 0][:limit]


def article_versions(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("created_by", "category", "unit").order_by("-number")


def article_version(article: Article, number: int) -> ArticleVersion | None:
    return article.versions.filter(number=number).first()


def answered_cases(user: Any, article: Article) -> QuerySet[Any]:
    """The history rows of the cases in ``user``'s scope closed as 直接答复 from this article, newest first."""
    from wangge.workorders.models import Event, WorkOrder

    return (
        Event.objects.filter(
            name="answer_direct", data__article=article.pk, work_order__in=WorkOrder.objects.restrict(user)
        )
        .select_related("work_order")
        .order_by("-at")
    )
