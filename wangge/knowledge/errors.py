"""The codes of the knowledge base's refusals. The values are part of the API contract: never change one, add a
new member for a new rule."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    EDIT_FORBIDDEN = "knowledge_edit_forbidden"  # writing articles without an editor's role (调度员、管理员)
    ARTICLE_INVALID = "knowledge_article_invalid"  # an empty title or answer, a bad status (``details``)
    ARTICLE_NOT_FOUND = "knowledge_article_not_found"  # no such article (or version)
    ARTICLE_NOT_PUBLISHED = "knowledge_article_not_published"  # answering a call from a draft
    ANSWER_REQUIRED = "knowledge_answer_required"  # a direct answer with no answer text
