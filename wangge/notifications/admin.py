from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, column
from wangge.core.validators import mask_phone
from wangge.notifications.models import Notification, SmsMessage, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "territory", "unit", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are written by the notification service."""

    c_endpoint = column("endpoint", _("推送地址"))
    c_created = column("created_at", _("创建时间"))
    c_sent = column("sent_at", _("发送时间"))
    list_display = ("c_endpoint", "key", "state", "attempts", "c_created", "c_sent")
    list_filter = ("state",)
    fields = readonly_fields = (
        "c_endpoint",
        "key",
        "payload",
        "state",
        "attempts",
        "last_error",
        "c_created",
        "c_sent",
    )

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "subject", "created_at", "read_at", "emailed")
    search_fields = ("subject", "key")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    """The SMS outbox, read only; numbers masked."""

    list_display = ("key", "masked_phone", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state",)
    search_fields = ("key", "topic")
    fields = ("key", "topic", "masked_phone", "text", "state", "attempts", "last_error", "provider_id", "sent_at")
    readonly_fields = fields

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: SmsMessage) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
