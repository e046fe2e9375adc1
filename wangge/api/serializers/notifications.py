"""Serializers of in-app messages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.notifications.models import Notification

# --- in-app messages ---------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "key", "subject", "body", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class NotificationReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=1000
    )
    all = serializers.BooleanField(required=False, default=False, help_text=_("把全部未读消息标为已读"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError({"ids": [_("请给出消息 id，或 all=true")]}, code="required")
        return attrs


class NotificationReadResultSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text=_("本次标为已读的条数"))
