"""Reads of the Open311 interface: jurisdictions, services, service definitions and public service requests.

Only public fields leave through here: never the reporter's name, phone, e-mail or the tracking code
(it is the citizen's credential). Free text is passed through ``public_text``, which masks the phone and
identity numbers (``wangge.core.masking``) and tracking codes a citizen or handler may have typed into it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wangge.core.caches import ProcessCache
from wangge.core.errors import DomainError, NotFound
from wangge.core.masking import mask_numbers
from wangge.open311.errors import ErrorCode
from wangge.open311.models import ServiceAttribute
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import catalog, deadlines
from wangge.workorders.choices import FINAL_STATUSES, CategoryKind, Status, Step, Urgency
from wangge.workorders.models import Category, Event, StepDeadline, WorkOrder

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
WINDOW = dt.timedelta(days=90)
DESCRIPTION_LIMIT = 4000

# Not \b: Chinese characters are word characters, so "原工单WG250101ABCDEF" has no word boundary.
_TRACKING = re.compile(r"(?<![0-9A-Za-z])WG\d{6}[2-9A-HJ-NP-Z]{6}(?:[2-9A-HJ-NP-Z]{6})?(?![0-9A-Za-z])")


class BadRequest(DomainError):
    """A parameter the spec defines was missing or malformed (HTTP 400)."""

    code = ErrorCode.BAD_REQUEST


def public_text(text: str | None) -> str | None:
    if not text:
        return None
    return _TRACKING.sub("WG************", mask_numbers(text))


def w3c(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset, in the platform's time zone: 2025-06-03T09:00:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# --- what the intake needs on every request, kept briefly per process ------------------------------

# Districts, the services of the active dictionary with their attributes and notices change rarely; a POST
# reads them from here instead of four queries. An edit takes effect everywhere within CATALOGUE_SECONDS
# (the same policy as the step limits in workorders.deadlines). The read endpoints query afresh.
CATALOGUE_SECONDS = 30.0


@dataclass(frozen=True)
class ServiceEntry:
    category: Category
    attributes: tuple[ServiceAttribute, ...]
    notice: str


@dataclass(frozen=True)
class Catalogue:
    districts: dict[str, Territory]
    services: dict[str, ServiceEntry]


def _build_catalogue(_fingerprint: None) -> Catalogue:
    categories = list(service_categories())
    limits = handle_limits(categories)
    attributes: dict[int, list[ServiceAttribute]] = {}
    for attr in ServiceAttribute.objects.filter(category__in=categories).order_by("order", "id"):
        attributes.setdefault(attr.category_id, []).append(attr)
    return Catalogue(
        districts={d.code: d for d in districts()},
        services={
            c.code: ServiceEntry(c, tuple(attributes.get(c.pk, ())), limit_text(limits[c.pk])) for c in categories
        },
    )


_catalogue: ProcessCache[Catalogue] = ProcessCache(
    "open311.catalogue", _build_catalogue, recheck_seconds=CATALOGUE_SECONDS
)


def catalogue() -> Catalogue:
    return _catalogue.get()


def clear_caches() -> None:
    _catalogue.forget()


# --- jurisdictions -------------------------------------------------------------------------------


def districts() -> list[Territory]:
    return list(Territory.objects.filter(kind=TerritoryKind.DISTRICT))


def jurisdiction(value: str, *, default: Territory | None = None) -> Territory:
    """The district named by ``jurisdiction_id`` (its code), optional while only one district exists."""
    value = (value or "").strip()
    known = catalogue().districts
    if value:
        found = known.get(value)
        if found is None:
            raise NotFound(_("jurisdiction_id 不存在：%(value)s") % {"value": value[:40]}, code=ErrorCode.JURISDICTION)
        return found
    if default is not None:
        return default
    if len(known) == 1:
        return next(iter(known.values()))
    if not known:
        raise NotFound(_("本平台尚未设置任何辖区"), code=ErrorCode.JURISDICTION)
    raise BadRequest(_("本接口服务多个区，须提供 jurisdiction_id（区划代码）"), code=ErrorCode.JURISDICTION_REQUIRED)


# --- services ------------------------------------------------------------------------------------


def service_categories() -> QuerySet[Category]:
    """The leaves of the active category dictionary: the request types a client may choose."""
    cs = catalog.active_set()
    active_children = Category.objects.filter(category_set=cs, is_active=True, parent__isnull=False)
    return (
        Category.objects.filter(category_set=cs, is_active=True)
        .exclude(pk__in=active_children.values("parent_id"))
        .select_related("parent")
        .annotate(has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk"))))
        .order_by("code")
    )


def service_category(code: str) -> Category | None:
    return service_categories().filter(code=code).first()


def handle_limits(categories: Sequence[Category]) -> dict[int, deadlines.Limit]:
    """The normal handling limit of each category (own, else parent, else default) in one query."""
    ids = {c.pk for c in categories} | {c.parent_id for c in categories if c.parent_id}
    rows = StepDeadline.objects.filter(category_id__in=ids, step=Step.HANDLE, urgency=Urgency.NORMAL)
    own = {r.category_id: deadlines.Limit(Decimal(r.amount), r.unit) for r in rows}
    fallback = deadlines.step_limit(None, Step.HANDLE, Urgency.NORMAL)
    return {c.pk: own.get(c.pk) or own.get(c.parent_id or 0) or fallback for c in categories}


def limit_text(limit: deadlines.Limit) -> str:
    units = {
        "working_hours": _("个工作时"),
        "working_days": _("个工作日"),
        "natural_days": _("个自然日"),
        "clock_hours": _("小时"),
    }
    return _("办理时限 %(amount)s %(unit)s") % {
        "amount": f"{limit.amount.normalize():f}",
        "unit": units.get(limit.unit, limit.unit),
    }


def service_list() -> list[dict[str, Any]]:
    categories = list(service_categories())
    limits = handle_limits(categories)
    kinds = dict(CategoryKind.choices)
    out = []
    for c in categories:
        group = c.parent.name if c.parent else None
        keywords = [c.name, *([group] if group else []), str(kinds.get(c.kind, c.kind))]
        out.append(
            {
                "service_code": c.code,
                "service_name": c.name,
                "description": f"{group + '·' if group else ''}{c.name}：{c.get_handling_class_display()}，"
                f"{limit_text(limits[c.pk])}",
                "metadata": bool(c.has_attributes),  # type: ignore[attr-defined]
                "type": "realtime",
                "keywords": ", ".join(keywords),
                "group": group,
            }
        )
    return out


def service_definition(code: str) -> dict[str, Any]:
    category = service_category(code)
    if category is None:
        raise NotFound(_("service_code 不存在：%(code)s") % {"code": code[:40]}, code=ErrorCode.SERVICE_CODE)
    attributes = ServiceAttribute.objects.filter(category=category).order_by("order", "id")
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v["key"]), "name": str(v["name"])} for v in a.values or []],
            }
            for a in attributes
        ],
    }


# --- service requests ----------------------------------------------------------------------------


def public_work_orders(district: Territory) -> QuerySet[WorkOrder]:
    hidden = list(getattr(settings, "WANGGE_OPEN311_HIDDEN_CHANNELS", ()))
    latest = Event.objects.filter(work_order=OuterRef("pk")).order_by("-at", "-id")
    return (
        WorkOrder.objects.filter(district=district)
        .exclude(channel__in=hidden)
        .select_related("category", "assigned_unit", "open311")
        .annotate(last_event_at=Subquery(latest.values("at")[:1]), last_event=Subquery(latest.values("name")[:1]))
    )


def parse_instant(name: str, value: str) -> dt.datetime | None:
    """A W3C datetime parameter (any of the note's profiles: YYYY, YYYY-MM, YYYY-MM-DD, or a date and time);
    a value without an offset is read in the platform's time zone."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+")) if "T" in value else None
        if parsed is None and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            year, month, day = [*(int(p) for p in value.split("-")), 1, 1][:3]
            parsed = dt.datetime(year, month, day)
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            parsed.astimezone(dt.UTC)  # an instant the database can store: 0001-01-01T00:00+08:00 is not
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise BadRequest(
            _("%(name)s 须为 W3C 日期时间，例如 2025-01-01T00:00:00+08:00") % {"name": name},
            code=ErrorCode.INVALID_DATE,
        )
    return parsed


def _shifted(instant: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``instant + delta``, refused (400) where the default window would leave the calendar."""
    try:
        shifted = instant + delta
        shifted.astimezone(dt.UTC)
    except OverflowError:
        raise BadRequest(_("start_date/end_date 超出可查询的日期范围"), code=ErrorCode.INVALID_DATE_RANGE) from None
    return shifted


def request_query(
    district: Territory,
    *,
    ids: str = "",
    service_codes: str = "",
    start: str = "",
    end: str = "",
    status: str = "",
    now: dt.datetime | None = None,
) -> list[WorkOrder]:
    """GET requests: ``service_request_id`` overrides every other filter; else a window of at most 90 days
    (default: the last 90), optional service codes and open/closed; newest first, at most 1000."""
    qs = public_work_orders(district)
    id_list = [part.strip() for part in ids.split(",") if part.strip()]
    if id_list:
        pks = [int(p) for p in id_list[:MAX_REQUESTS] if p.isdigit() and len(p) < 19]
        return list(qs.filter(pk__in=pks).order_by("-received_at", "-id"))
    now = now or timezone.now()
    start_at = parse_instant("start_date", start)
    end_at = parse_instant("end_date", end)
    if start_at is not None and end_at is not None:
        if end_at < start_at:
            raise BadRequest(_("end_date 不能早于 start_date"), code=ErrorCode.INVALID_DATE_RANGE)
        if end_at - start_at > WINDOW:
            raise BadRequest(_("start_date 与 end_date 的间隔不能超过 90 天"), code=ErrorCode.INVALID_DATE_RANGE)
    elif start_at is not None:
        end_at = _shifted(start_at, WINDOW)
    elif end_at is not None:
        start_at = _shifted(end_at, -WINDOW)
    else:
        start_at, end_at = now - WINDOW, now
    qs = qs.filter(received_at__gte=start_at, received_at__lte=end_at)
    codes = [c.strip() for c in service_codes.split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    wanted = {s.strip().lower() for s in status.split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise BadRequest(_("status 只能是 open 或 closed"), code=ErrorCode.INVALID_STATUS)
    if wanted == {"open"}:
        qs = qs.exclude(status__in=FINAL_STATUSES)
    elif wanted == {"closed"}:
        qs = qs.filter(status__in=FINAL_STATUSES)
    return list(qs.order_by("-received_at", "-id")[:MAX_REQUESTS])


def request_detail(district: Territory, service_request_id: str) -> WorkOrder:
    wo = None
    if service_request_id.isdigit() and len(service_request_id) < 19:
        wo = public_work_orders(district).filter(pk=int(service_request_id)).first()
    if wo is None:
        raise NotFound(
            _("service_request_id 不存在：%(id)s") % {"id": service_request_id[:40]}, code=ErrorCode.SERVICE_REQUEST_ID
        )
    return wo


_EVENT_NOTES = {
    "approve_extension": _("已批准延期办理"),
    "supervise": _("已督办"),
    "reopen": _("重新办理"),
    "verify_fail": _("核查未通过，返工办理"),
    "resume": _("恢复办理"),
}


def status_notes(wo: WorkOrder, last_event: str | None) -> str | None:
    """What the latest step means for the public."""
    if wo.status == Status.CLOSED:
        return public_text(wo.reply_text) or str(Status.CLOSED.label)
    if wo.status == Status.MERGED:
        return _("重复诉求，已合并至 %(id)s 办理") % {"id": wo.parent_id}
    if wo.status == Status.INVALID:
        return _("无效诉求：%(reason)s") % {"reason": public_text(wo.invalid_reason) or ""}
    if wo.status == Status.DISPATCHED:
        return _("已派遣至%(unit)s，待签收") % {"unit": wo.assigned_unit.name if wo.assigned_unit else ""}
    if wo.status == Status.RETURNED:
        return _("承办单位退回，重新派遣中")
    if last_event in _EVENT_NOTES and wo.status == Status.HANDLING:
        return str(_EVENT_NOTES[last_event])
    if wo.status in (Status.REPLIED, Status.CALLBACK, Status.TO_CLOSE) and wo.reply_text:
        return f"{Status(wo.status).label}：{public_text(wo.reply_text)}"
    return str(Status(wo.status).label)


def _address(wo: WorkOrder) -> str | None:
    return public_text(wo.address) or None


def request_rows(orders: Iterable[WorkOrder]) -> list[dict[str, Any]]:
    notices: dict[int | None, str] = {}
    rows = []
    for wo in orders:
        sub = getattr(wo, "open311", None)
        if wo.category_id not in notices:
            notices[wo.category_id] = limit_text(deadlines.step_limit(wo.category, Step.HANDLE, Urgency.NORMAL))
        closed = wo.status in FINAL_STATUSES
        updated = (wo.closed_at if closed and wo.closed_at else None) or getattr(wo, "last_event_at", None)
        text = sub.description if sub is not None and sub.description else wo.description
        rows.append(
            {
                "service_request_id": str(wo.pk),
                "status": "closed" if closed else "open",
                "status_notes": status_notes(wo, getattr(wo, "last_event", None)),
                "service_name": wo.category.name if wo.category else None,
                "service_code": wo.category.code if wo.category else "",
                "description": (public_text(text) or "")[:DESCRIPTION_LIMIT] or None,
                "agency_responsible": wo.assigned_unit.name if wo.assigned_unit else None,
                "service_notice": notices[wo.category_id],
                "requested_datetime": w3c(wo.received_at),
                "updated_datetime": w3c(updated or wo.received_at),
                "expected_datetime": w3c(wo.due_at),
                "address": _address(wo),
                "address_id": None,
                "zipcode": None,
                "lat": wo.lat,
                "long": wo.lng,
                "media_url": (sub.media_url or None) if sub is not None else None,
            }
        )
    return rows


def discovery(base_url: str) -> dict[str, Any]:
    """The Service Discovery document; the changeset moves when the dictionary or an attribute changes."""
    cs = catalog.active_set()
    stamps = [cs.published_at, ServiceAttribute.objects.aggregate(at=Max("updated_at"))["at"]]
    latest = max(s for s in stamps if s is not None) if any(stamps) else timezone.now()
    changeset = timezone.localtime(latest).isoformat(timespec="microseconds")
    return {
        "changeset": changeset,
        "contact": str(getattr(settings, "WANGGE_OPEN311_CONTACT", "")),
        "key_service": str(getattr(settings, "WANGGE_OPEN311_KEY_SERVICE", "")),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
