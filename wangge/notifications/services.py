"""Notify people and group robots. Rows are written in the caller's transaction; sending happens after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from wangge.core import crypto
from wangge.core.validators import normalise_phone
from wangge.notifications.backends import webhook_payload
from wangge.notifications.choices import DeliveryState
from wangge.notifications.models import Notification, SmsMessage, SmsSubscription, WebhookDelivery, WebhookEndpoint
from wangge.notifications.sms import can_receive_sms, get_backend


def notify(
    *,
    key: str,
    subject: str,
    body: str = "",
    link: str = "",
    recipients: Iterable[Any] = (),
    territory_path: str | None = None,
    unit_id: int | None = None,
) -> list[Notification]:
    """Create inbox rows (once per recipient and key) and robot deliveries (once per endpoint and key).

    Idempotent: calling again with the same key creates nothing new and sends nothing twice.
    """
    from wangge.notifications import tasks

    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        obj, new = Notification.objects.get_or_create(
            recipient=user,
            key=key[:120],
            defaults={"subject": subject[:200], "body": body, "link": link[:300]},
        )
        if new:
            created.append(obj)
    endpoints = WebhookEndpoint.objects.filter(is_active=True)
    cond = Q(pk__in=[])
    if territory_path:
        # An endpoint on a node covers cases anywhere in its subtree.
        prefixes = [territory_path[:i] for i in range(4, len(territory_path) + 1, 4)]
        cond |= Q(territory__path__in=prefixes)
    if unit_id:
        cond |= Q(unit_id=unit_id)
    deliveries: list[WebhookDelivery] = []
    for endpoint in endpoints.filter(cond):
        delivery, new = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            key=key[:120],
            defaults={"payload": webhook_payload(endpoint.kind, subject, body, link)},
        )
        if new:
            deliveries.append(delivery)
    email_ids = [n.pk for n in created if n.recipient.email]
    delivery_ids = [d.pk for d in deliveries]

    def _enqueue() -> None:
        for pk in email_ids:
            tasks.send_notification_email.enqueue(pk)
        for pk in delivery_ids:
            tasks.deliver_webhook.enqueue(pk)

    transaction.on_commit(_enqueue)
    return created


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int]) -> int:
    from django.utils import timezone

    return Notification.objects.filter(recipient=actor, pk__in=list(notification_ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- text messages (短信) ------------------------------------------------------------------------------

SECRET_MASK = "******"


def sms_send(*, key: str, phone: str, text: str, topic: str = "", secret: str = "") -> SmsMessage | None:
    """Record a text message to ``phone`` in the outbox, once per ``key``, and send it after commit through the
    configured backend (``notifications.sms``); failures are retried by the periodic sweep.

    Returns the new message, or None when nothing is sent: the key was used before (a step never texts twice)
    or the number cannot receive texts (a landline, an empty number).

    ``secret`` (a one-time code) is sent at once and never stored: the outbox keeps the text with the secret
    replaced by ``******``, and a failed send is not retried (the person asks for a new code)."""
    from wangge.notifications import tasks

    number = normalise_phone(phone)
    if not can_receive_sms(number):
        return None
    stored = text.replace(secret, SECRET_MASK) if secret else text
    msg, new = SmsMessage.objects.get_or_create(
        key=key[:120],
        defaults={
            "topic": topic[:60],
            "phone": number,
            "phone_index": crypto.blind_index(number),
            "text": stored,
        },
    )
    if not new:
        return None
    if secret:
        result = get_backend().send(number, text, key=msg.key)
        msg.attempts = tasks.MAX_ATTEMPTS  # never retried with the masked text
        msg.state = DeliveryState.SENT if result.ok else DeliveryState.FAILED
        msg.last_error = result.error[:300]
        msg.provider_id = result.provider_id[:64]
        msg.save(update_fields=["attempts", "state", "last_error", "provider_id"])
        return msg
    pk = msg.pk
    transaction.on_commit(lambda: tasks.deliver_sms.enqueue(pk))
    return msg


def sms_subscribe(*, topic: str, phone: str) -> bool:
    """Let ``phone`` hear about ``topic`` by text (once); False when the number cannot receive texts."""
    number = normalise_phone(phone)
    if not can_receive_sms(number):
        return False
    SmsSubscription.objects.get_or_create(
        topic=topic[:60], phone_index=crypto.blind_index(number), defaults={"phone": number}
    )
    return True
