"""Small template helpers of the staff and citizen pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": mins}
    return _("%(m)d分钟") % {"m": max(mins, 1)}


@register.filter
def timeleft(value: dt.timedelta | None) -> str:
    """剩余 2天3小时 / 超时 5小时 for the time left on a step."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds >= 0:
        return _("剩余 %(span)s") % {"span": _span(seconds)}
    return _("超时 %(span)s") % {"span": _span(-seconds)}


@register.simple_tag(takes_context=True)
def active(context: Any, *names: str) -> str:
    """ "active" when the page's url name is one of ``names``; a name ending in ``*`` matches as a prefix."""
    match = getattr(context.get("request"), "resolver_match", None)
    url_name = getattr(match, "url_name", None) or ""
    hit = any(url_name.startswith(n[:-1]) if n.endswith("*") else url_name == n for n in names)
    return "active" if match is not None and hit else ""


@register.filter
def is_checklist(field: Any) -> bool:
    """A multiple choice drawn as a drop-down list of check boxes (``wangge.web.filters.Checklist``)."""
    return bool(getattr(field.field.widget, "checklist", False))


@register.filter
def checklist_summary(field: Any) -> str:
    """What a drop-down check list shows while closed: the ticked labels, or 全部."""
    selected = {str(v) for v in (field.value() or [])}
    labels = [str(label) for value, label in field.field.choices if str(getattr(value, "value", value)) in selected]
    return "、".join(labels) if labels else _("全部")


@register.filter
def is_file(field: Any) -> bool:
    return isinstance(field.field.widget, forms.FileInput)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def reads_suggestion_accuracy(user: Any) -> bool:
    """Whether the 智能建议准确率 page is for this user (wangge.intel.selectors.may_read_report)."""
    from wangge.intel.selectors import may_read_report

    return bool(getattr(user, "is_authenticated", False) and may_read_report(user))


@register.filter
def takes_intake(user: Any) -> bool:
    """Whether the 受理登记 page is for this user (the command centre's call takers and dispatchers)."""
    from wangge.accounts.choices import Role
    from wangge.web.selectors import roles_of

    return bool(getattr(user, "is_superuser", False) or roles_of(user) & {Role.CALL_TAKER, Role.DISPATCHER, Role.ADMIN})


@register.filter
def keeps_key_persons(user: Any) -> bool:
    """Whether the 重点人员 link shows: holders of the key-person role only (never implied by another role)."""
    from wangge.keypersons.selectors import holds_key_persons

    return holds_key_persons(user)


@register.filter
def audits_key_persons(user: Any) -> bool:
    """Whether the key persons' access-log link shows (administrators, inspectors, superusers)."""
    from wangge.keypersons.selectors import may_audit_key_persons

    return may_audit_key_persons(user)


@register.filter
def unread_messages(user: Any) -> int:
    """How many of the user's in-app messages are unread (the badge beside 消息)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from wangge.notifications.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
