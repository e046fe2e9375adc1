"""Writes of the staff pages that are not domain writes: saved filters. (Appeals go through the one intake
service, ``workorders.services.appeal_submit``.)"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core import audit
from wangge.core.errors import NotFound, ValidationFailed
from wangge.web.errors import ErrorCode
from wangge.web.models import SavedView

# Query keys that are not filters (paging, the view being applied) and are dropped when saving.
_NOT_FILTERS = {"page", "view", "csrfmiddlewaretoken"}


def clean_querystring(querystring: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(querystring.lstrip("?"), keep_blank_values=False) if k not in _NOT_FILTERS]
    return urlencode(pairs)


def saved_view_save(*, actor: Any, name: str, querystring: str) -> SavedView:
    """Save (or overwrite, by name) the current filters of the case list for ``actor``."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写名称"), code=ErrorCode.NAME_REQUIRED, details=[{"field": "name"}])
    if len(name) > 60:
        raise ValidationFailed(_("名称不超过 60 个字"), code=ErrorCode.NAME_TOO_LONG, details=[{"field": "name"}])
    qs = clean_querystring(querystring)
    if len(qs) > 1000:
        raise ValidationFailed(
            _("筛选条件过长"), code=ErrorCode.QUERYSTRING_TOO_LONG, details=[{"field": "querystring"}]
        )
    with transaction.atomic():
        view, created = SavedView.objects.update_or_create(user=actor, name=name, defaults={"querystring": qs})
        audit.record(
            actor=actor,
            action="web.saved_view_create" if created else "web.saved_view_update",
            obj=view,
            after={"name": name, "querystring": qs},
            only_changes=False,
        )
    return view


def saved_view_delete(*, actor: Any, view_id: int) -> None:
    """Delete one of ``actor``'s saved views; another user's view is not found."""
    with transaction.atomic():
        view = SavedView.objects.select_for_update().filter(pk=view_id, user=actor).first()
        if view is None:
            raise NotFound(_("常用筛选不存在"))
        audit.record(
            actor=actor,
            action="web.saved_view_delete",
            obj=view,
            before={"name": view.name, "querystring": view.querystring},
            only_changes=False,
        )
        view.delete()
