"""Reads of the notifications app."""

from __future__ import annotations

from wangge.notifications.models import SmsSubscription


def sms_subscribers(topic: str) -> list[str]:
    """The numbers subscribed to ``topic`` (``services.sms_subscribe``), oldest first."""
    return [s.phone for s in SmsSubscription.objects.filter(topic=topic[:60]).order_by("pk")]
