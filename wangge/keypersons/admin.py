"""Admin of the 重点人员 ledger: only its category dictionary (editable, audited) and its access log (read-only).

The key persons and their visits are deliberately absent: the ledger is seen only through the key-person
role's grants (``keypersons.selectors``), and the admin site would show them to every superuser.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin
from wangge.keypersons.models import KeyPersonAccess, KeyPersonCategory


@admin.register(KeyPersonCategory)
class KeyPersonCategoryAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "visit_interval_days", "ordering", "is_active")
    list_editable = ("visit_interval_days", "ordering", "is_active")
    search_fields = ("key", "name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a category in use is referenced; switch it off instead


@admin.register(KeyPersonAccess)
class KeyPersonAccessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user_name", "action", "channel", "count", "ip")
    list_filter = ("action", "channel")
    search_fields = ("user_name",)
    date_hierarchy = "at"
    readonly_fields = [f.name for f in KeyPersonAccess._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
