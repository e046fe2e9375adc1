"""In-app inbox, group-robot webhooks (the 一网 of 六个一) and the delivery log."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.notifications.choices import DeliveryState, WebhookKind


class Notification(models.Model):
    """One message to one user. ``key`` makes sending idempotent: the same event never notifies twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("事件键"), max_length=120)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.CharField(_("邮件"), max_length=8, choices=DeliveryState.choices, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("邮件尝试次数"), default=0)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]

    def __str__(self) -> str:
        return self.subject


class WebhookEndpoint(models.Model):
    """A grid group robot: messages about cases in ``territory``'s subtree are posted to ``url``."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=WebhookKind.choices, default=WebhookKind.WECOM)
    url = models.URLField(_("地址"), max_length=500)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(_("事件键"), max_length=120)
    payload = models.JSONField(_("内容"))
    state = models.CharField(_("状态"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("机器人推送记录")
        verbose_name_plural = _("机器人推送记录")
        constraints = [models.UniqueConstraint(fields=["endpoint", "key"], name="webhook_once")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key} {self.state}"


class SmsMessage(models.Model):
    """The SMS outbox: one row per message, sent once per ``key`` (a step of a case, a warning, a code).

    The phone number is stored encrypted with a blind index for lookups, like a case's reporter phone. ``topic``
    says what the message is about (e.g. ``work_order:42``) so its messages can be listed together."""

    key = models.CharField(_("事件键"), max_length=120, unique=True)
    topic = models.CharField(_("主题"), max_length=60, blank=True, db_index=True)
    phone = ProtectedCharField(_("手机号"))
    phone_index = models.CharField(max_length=32, db_index=True, editable=False)
    text = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    provider_id = models.CharField(_("网关消息号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key} {self.state}"


class SmsSubscription(models.Model):
    """A phone number that asked to hear about a topic (e.g. a citizen who added their voice to a case)."""

    topic = models.CharField(_("主题"), max_length=60)
    phone = ProtectedCharField(_("手机号"))
    phone_index = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    class Meta:
        verbose_name = _("短信订阅")
        verbose_name_plural = _("短信订阅")
        constraints = [models.UniqueConstraint(fields=["topic", "phone_index"], name="sms_subscription_once")]

    def __str__(self) -> str:
        return self.topic
