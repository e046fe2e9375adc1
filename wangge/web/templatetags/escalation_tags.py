"""The escalation badge (催办 / 黄牌 / 红牌, ``workorders.escalation``) and who sees the escalation page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

# Who gets the 催办督办 page in the navigation: the command centre, supervision and leadership.
BOARD_ROLES = frozenset({"dispatcher", "inspector", "leader", "admin"})


@register.simple_tag
def escalation_badge(wo: Any, every: bool = False) -> SafeString | str:
    """The badge of a case's escalation level: the 黄牌 / 红牌 steps always; the steps without a card (催办,
    超期催办) only where ``every`` asks for them (the case page)."""
    from wangge.workorders.escalation import step_of

    level = getattr(wo, "escalation_level", 0) or 0
    step = step_of(level) if level else None
    if step is None or not (step.card or every):
        return ""
    colour = step.card or "orange"
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        colour,
        _("自动升级：%(when)s") % {"when": step.describe()},
        step.name,
    )


@register.filter
def sees_escalations(user: Any) -> bool:
    """Whether the 催办督办 link shows in the navigation."""
    from wangge.web.selectors import roles_of

    return bool(getattr(user, "is_superuser", False) or roles_of(user) & BOARD_ROLES)
