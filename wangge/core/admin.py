"""Admin in Chinese with an explicit audit trail for every change made through it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core import audit
from wangge.core.clientaddr import client_ip
from wangge.core.models import AuditEntry

admin.site.site_header = _("网格 Wangge 管理后台")
admin.site.site_title = _("网格管理后台")
admin.site.index_title = _("基础数据管理")


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an AuditEntry (who, when, before/after) for every add, change and delete."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = audit.snapshot(previous)
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                obj=obj,
                before=before,
                after=audit.snapshot(obj),
                ip=client_ip(request),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = audit.snapshot(obj)
            repr_ = str(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            entry = audit.record(
                actor=request.user,
                action="admin.delete",
                obj=None,
                before=before,
                after=None,
                ip=client_ip(request),
                only_changes=False,
            )
            entry.app_label = obj._meta.app_label
            entry.model = obj._meta.model_name
            entry.object_id = str(pk)
            entry.object_repr = repr_[:200]
            entry.save(update_fields=["app_label", "model", "object_id", "object_repr"])

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "model", "object_repr", "ip")
    list_filter = ("action", "app_label", "model")
    search_fields = ("actor_name", "object_repr", "object_id", "note")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
