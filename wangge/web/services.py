"""Writes of the staff pages that are not domain writes: saved filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from wangge.core import audit
from wangge.core.errors import NotFound, ValidationFailed
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
        raise ValidationFailed("请填写名称", code="name_required", details=[{"field": "name"}])
    if len(name) > 60:
        raise ValidationFailed("名称不超过 60 个字", code="name_too_long", details=[{"field": "name"}])
    qs = clean_querystring(querystring)
    if len(qs) > 1000:
        raise ValidationFailed("筛选条件过长", code="querystring_too_long", details=[{"field": "querystring"}])
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
            raise NotFound("常用筛选不存在", code="not_found")
        audit.record(
            actor=actor,
            action="web.saved_view_delete",
            obj=view,
            before={"name": view.name, "querystring": view.querystring},
            only_changes=False,
        )
        view.delete()


def appeal_submit(
    *,
    actor: Any,
    channel: str,
    appeal_type: str,
    description: str,
    category: Any = None,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    point_code: str = "",
    window: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: list[Any] | None = None,
    title: str = "",
    urgency: str = "normal",
    district: Any = None,
) -> Any:
    """An appeal from the citizen page (``actor=None``) or a grid worker's report: the case and its photos in
    one transaction. A QR code of a point fills in the point and its position; a window code is noted."""
    from wangge.places.models import Point
    from wangge.workorders.choices import AttachmentKind
    from wangge.workorders.services import attachment_add, work_order_create

    point = None
    if point_code:
        point = Point.objects.filter(code=point_code).first()
        if point is None:
            raise ValidationFailed("二维码对应的点位不存在", code="unknown_point", details=[{"field": "point"}])
        if lng is None or lat is None:
            lng, lat, crs = point.lng, point.lat, "wgs84"
        if not address:
            address = f"{point.name}（{point.address}）" if point.address else point.name
    if window:
        address = f"{address}（办事窗口：{window}）" if address else f"办事窗口：{window}"
    text = " ".join(description.split())
    title = title.strip() or (category.name + "：" if category is not None else "") + text[:30]
    with transaction.atomic():
        wo = work_order_create(
            actor=actor,
            channel=channel,
            appeal_type=appeal_type,
            title=title[:200],
            description=description,
            category=category,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            is_real_name=bool(reporter_name and reporter_phone),
            lng=lng,
            lat=lat,
            crs=crs,
            address=address[:200],
            point=point,
            urgency=urgency,
            district=district,
        )
        for upload in photos or ():
            attachment_add(actor=actor, work_order=wo, upload=upload, kind=AttachmentKind.PHOTO)
    return wo
