"""Delivery backends behind one interface: in-app inbox, e-mail, group-robot webhook."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.core.mail import send_mail

from wangge.notifications.choices import WebhookKind
from wangge.notifications.models import Notification, WebhookEndpoint


class DeliveryError(Exception):
    pass


class Backend(Protocol):
    def deliver(self, notification: Notification) -> None: ...


class InboxBackend:
    """The inbox is the Notification row itself; delivering means it is visible. Nothing to send."""

    def deliver(self, notification: Notification) -> None:
        return None


class EmailBackend:
    def deliver(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            return
        body = notification.body + (f"\n\n{notification.link}" if notification.link else "")
        send_mail(notification.subject, body, None, [address], fail_silently=False)


def webhook_payload(kind: str, title: str, text: str, link: str = "") -> dict[str, Any]:
    """The JSON the group robots accept: WeCom and DingTalk markdown messages, or a plain object."""
    content = f"**{title}**\n{text}" + (f"\n[查看详情]({link})" if link else "")
    if kind == WebhookKind.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    return {"title": title, "text": text, "link": link}


def post_webhook(endpoint: WebhookEndpoint, payload: dict[str, Any], timeout: float = 5.0) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode()
    req = urllib.request.Request(
        endpoint.url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read(4096)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(str(exc)[:300]) from exc
    # WeCom and DingTalk answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}"[:300])
