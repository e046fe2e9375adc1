"""Admin of 预警: the actions each level requires are an editable table (every change audited). Warnings and their
deliveries are written by ``emergency.services`` only and read on the warning pages."""

from __future__ import annotations

from django.contrib import admin

from wangge.core.admin import AuditedModelAdmin
from wangge.emergency.models import WarningAction


@admin.register(WarningAction)
class WarningActionAdmin(AuditedModelAdmin):
    list_display = ("level", "hazard_type", "text", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    list_filter = ("level", "hazard_type", "is_active")
    search_fields = ("text",)
