from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin
from wangge.open311.models import ApiKey, ServiceAttribute, Submission


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedModelAdmin):
    """Keys are created by ``manage.py open311_key create`` (the key is shown once); here they can be
    renamed, bound to a district, given another daily quota or switched off."""

    list_display = (
        "name",
        "prefix",
        "district",
        "daily_quota",
        "is_active",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    raw_id_fields = ("district",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(AuditedModelAdmin):
    list_display = ("category", "order", "code", "datatype", "required", "variable", "description")
    list_filter = ("datatype", "required")
    search_fields = ("code", "description", "category__code", "category__name")
    raw_id_fields = ("category",)


@admin.register(Submission)
class SubmissionAdmin(AuditedModelAdmin):
    list_display = ("work_order", "service_code", "api_key", "suggested_unit", "auto_dispatched", "created_at")
    list_filter = ("auto_dispatched",)
    search_fields = ("service_code", "work_order__tracking_code")
    exclude = ("email",)
    readonly_fields = tuple(f.name for f in Submission._meta.concrete_fields if f.name not in ("id", "email"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
