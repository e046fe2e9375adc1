"""Admin of the knowledge base: articles are saved through the service (each save a new version); the versions
are shown read-only, never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from wangge.core.errors import DomainError
from wangge.knowledge.models import Article, ArticleVersion
from wangge.knowledge.services import article_create, article_update


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    can_delete = False
    fields = ("number", "title", "status", "note", "created_at", "created_by")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "category", "unit", "version", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "keywords", "answer")
    autocomplete_fields = ()
    raw_id_fields = ("category", "unit")
    fields = ("title", "keywords", "answer", "category", "unit", "status")
    readonly_fields = ("version",)
    inlines = [ArticleVersionInline]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        values = {f: form.cleaned_data.get(f) for f in ("title", "keywords", "answer", "category", "unit", "status")}
        values["keywords"] = values["keywords"] or ""
        try:
            if change:
                saved = article_update(actor=request.user, article_id=obj.pk, note="管理后台修改", **values)
            else:
                saved = article_create(actor=request.user, note="管理后台新建", **values)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        obj.pk, obj.version = saved.pk, saved.version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a case answered from an article keeps pointing at it: archive as a draft instead


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "status", "created_at", "created_by")
    search_fields = ("title",)
    readonly_fields = (
        "article",
        "number",
        "title",
        "keywords",
        "answer",
        "category",
        "unit",
        "status",
        "note",
        "created_at",
        "created_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
