"""Classifier registry in the admin: read-only facts, activation through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin
from wangge.core.errors import DomainError
from wangge.intel import services
from wangge.intel.models import ClassifierModel, ClassifierRetrain, SuggestionRecord


@admin.register(ClassifierModel)
class ClassifierModelAdmin(AuditedModelAdmin):
    list_display = ("version", "name", "is_active", "macro_f1_display", "created_at", "created_by")
    list_filter = ("is_active",)
    search_fields = ("version", "name")
    readonly_fields = ("version", "file", "labels", "params", "metrics", "is_active", "created_at", "created_by")
    fields = ("name", *readonly_fields)
    actions = ["activate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models are registered from the command line: manage.py classifier train --register

    @admin.display(description=_("宏平均 F1"))
    def macro_f1_display(self, obj: ClassifierModel) -> str:
        value = obj.macro_f1
        return "—" if value is None else f"{value:.3f}"

    @admin.action(description=_("启用所选分类模型"))
    def activate(self, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个分类模型"), messages.ERROR)
            return
        try:
            row = services.classifier_activate(actor=request.user, classifier=queryset.get())
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("已启用分类模型 %(version)s") % {"version": row.version})


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Facts the platform records: read in the admin, never written there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SuggestionRecord)
class SuggestionRecordAdmin(_ReadOnly):
    list_display = ("at", "step", "work_order", "suggested_category", "chosen_category", "top1_hit", "top3_hit")
    list_filter = ("step", "top1_hit", "top3_hit", "unit_hit")
    raw_id_fields = ("work_order", "actor", "classifier", "suggested_category", "chosen_category")
    date_hierarchy = "at"


@admin.register(ClassifierRetrain)
class ClassifierRetrainAdmin(_ReadOnly):
    list_display = (
        "month",
        "decision",
        "champion_version",
        "champion_macro_f1",
        "challenger_version",
        "challenger_macro_f1",
        "n_train",
        "n_test",
    )
    list_filter = ("decision",)
