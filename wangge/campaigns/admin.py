"""Admin of 专项整治, in Chinese: the remediation items (整治量项目) are an editable dictionary, every change
audited. Campaigns, findings and quantities are written by ``campaigns.services`` on the campaign pages."""

from __future__ import annotations

from django.contrib import admin

from wangge.campaigns.models import QuantityItem
from wangge.core.admin import AuditedModelAdmin


@admin.register(QuantityItem)
class QuantityItemAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "unit", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key", "name")
