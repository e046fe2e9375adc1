"""Background delivery. Tasks take ids and are idempotent: a sent item is never sent again."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from wangge.notifications.backends import DeliveryError, EmailBackend, post_webhook
from wangge.notifications.choices import DeliveryState
from wangge.notifications.models import Notification, SmsMessage, WebhookDelivery
from wangge.notifications.sms import get_backend

MAX_ATTEMPTS = 5


@task()
def deliver_webhook(delivery_id: int) -> str:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        if delivery is None or delivery.state == DeliveryState.SENT or delivery.attempts >= MAX_ATTEMPTS:
            return "skipped"
        delivery.attempts += 1
        try:
            post_webhook(delivery.endpoint, delivery.payload)
        except DeliveryError as exc:
            delivery.state = DeliveryState.FAILED
            delivery.last_error = str(exc)[:300]
            delivery.save(update_fields=["state", "attempts", "last_error"])
            return "failed"
        delivery.state = DeliveryState.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["state", "attempts", "sent_at", "last_error"])
        return "sent"


@task()
def send_notification_email(notification_id: int) -> str:
    with transaction.atomic():
        n = Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        if n is None or n.emailed == DeliveryState.SENT or n.email_attempts >= MAX_ATTEMPTS:
            return "skipped"
        n.email_attempts += 1
        try:
            EmailBackend().deliver(n)
        except Exception as exc:  # SMTP errors of any kind: recorded, retried by the periodic sweep
            n.emailed = DeliveryState.FAILED
            n.save(update_fields=["emailed", "email_attempts"])
            return f"failed: {exc}"[:200]
        n.emailed = DeliveryState.SENT
        n.save(update_fields=["emailed", "email_attempts"])
        return "sent"


@task()
def deliver_sms(message_id: int) -> str:
    """Send one outbox message through the configured SMS backend (``sms.get_backend``)."""
    with transaction.atomic():
        msg = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if msg is None or msg.state == DeliveryState.SENT or msg.attempts >= MAX_ATTEMPTS:
            return "skipped"
        msg.attempts += 1
        result = get_backend().send(msg.phone, msg.text, key=msg.key)
        if not result.ok:
            msg.state = DeliveryState.FAILED
            msg.last_error = result.error[:300]
            msg.save(update_fields=["state", "attempts", "last_error"])
            return "failed"
        msg.state = DeliveryState.SENT
        msg.sent_at = timezone.now()
        msg.last_error = ""
        msg.provider_id = result.provider_id[:64]
        msg.save(update_fields=["state", "attempts", "sent_at", "last_error", "provider_id"])
        return "sent"


@task()
def retry_failed_deliveries() -> int:
    """Periodic: try failed robot deliveries, e-mails and text messages again, up to MAX_ATTEMPTS each."""
    webhooks = list(
        WebhookDelivery.objects.filter(state=DeliveryState.FAILED, attempts__lt=MAX_ATTEMPTS).values_list(
            "pk", flat=True
        )
    )
    emails = list(
        Notification.objects.filter(emailed=DeliveryState.FAILED, email_attempts__lt=MAX_ATTEMPTS).values_list(
            "pk", flat=True
        )
    )
    texts = list(
        SmsMessage.objects.filter(state=DeliveryState.FAILED, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)
    )
    for pk in webhooks:
        deliver_webhook.enqueue(pk)
    for pk in emails:
        send_notification_email.enqueue(pk)
    for pk in texts:
        deliver_sms.enqueue(pk)
    return len(webhooks) + len(emails) + len(texts)
