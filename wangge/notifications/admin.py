from django.contrib import admin

from wangge.core.admin import AuditedModelAdmin
from wangge.notifications.models import Notification, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "territory", "unit", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("endpoint", "key", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state",)
    readonly_fields = (
        "endpoint",
        "key",
        "payload",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "subject", "created_at", "read_at", "emailed")
    search_fields = ("subject", "key")
