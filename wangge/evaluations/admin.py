"""Admin of 好差评, in Chinese, read-only: ratings, rectifications, appeals and callbacks are written by their
services (which keep the history and the audit trail); the admin shows them within the reader's scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import ScopedAdminMixin
from wangge.evaluations.models import Appeal, CallbackDraw, CallbackTask, Evaluation, Rectification, RectificationEvent


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "hall", "window", "item", "level", "is_bad", "is_real_name", "excluded", "rated_at")
    list_filter = ("level", "is_bad", "is_real_name", "excluded", "channel")
    search_fields = ("code", "application__code")
    list_select_related = ("hall", "window", "item")
    date_hierarchy = "rated_at"
    exclude = ("rater_phone", "rater_phone_index")
    raw_id_fields = ("application", "hall", "window", "staff", "item", "department")


class RectificationEventInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RectificationEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor_name", "note")


@admin.register(Rectification)
class RectificationAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "hall", "item", "source", "status", "due_at", "on_time")
    list_filter = ("status", "source", "on_time")
    search_fields = ("code", "application__code")
    list_select_related = ("hall", "item")
    raw_id_fields = ("evaluation", "callback_task", "application", "hall", "window", "staff", "item", "department")
    inlines = (RectificationEventInline,)


@admin.register(Appeal)
class AppealAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("evaluation", "status", "filed_by_name", "filed_at", "reviewed_at")
    list_filter = ("status",)
    raw_id_fields = ("evaluation", "filed_by", "reviewed_by")


@admin.register(CallbackDraw)
class CallbackDrawAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("month", "share", "seed", "finished", "sampled", "bad_ratings_included", "total", "drawn_at")
    exclude = ("ids",)


@admin.register(CallbackTask)
class CallbackTaskAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("draw", "application", "hall", "reason", "status", "satisfied", "called_at")
    list_filter = ("status", "reason")
    raw_id_fields = ("draw", "application", "evaluation", "hall", "window", "staff", "item", "department", "caller")
