"""受理: the one way a case enters the closed loop, whatever the channel.

The staff pages (上报, 受理登记), the citizen pages, the REST API, Open311, the demo and (later) every ledger or
inspection that opens a case call :func:`work_order_create` (the citizen and staff appeal forms through
:func:`appeal_submit`, which adds what a form or a QR code carries). Decided here and nowhere else
(docs/adr/0002-intake.md):

- **Where a case lands**: in the grid its position (or address) lies in; a case with neither stays at the
  district it names. A position outside every territory of the platform is refused, and so is a position in
  another district than the one named.
- **Who may file where**: staff anywhere in the districts they work in (a grant, or their unit, in or above the
  district); an API client within its key's district; a citizen and the system anywhere the platform serves.
  A refusal keeps nothing.
- **Who keeps seeing it**: the staff member who filed a case may always view it (``WorkOrder.filed_by``), even
  when it lands outside their scope; the grid's own staff are told about a case filed into their grid by
  someone else.
- **实名**: a case is real-name when the reporter gave a name and a phone number, unless the taker marked it
  anonymous at the caller's request; real-name without both is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core import crypto
from wangge.core.actors import ClientActor, require, user_of
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.masking import masked_excerpt
from wangge.core.validators import normalise_phone, validate_phone
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.choices import AppealType, Channel, ResolutionMode, Status, Step, Urgency
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.services.attachments import attachments_for_step
from wangge.workorders.services.records import insert_case, new_tracking_code, now_or, record_event
from wangge.workorders.services.steps import clock_create, set_step_fields
from wangge.workorders.signals import case_filed

GRID_STAFF = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
# Channels on which the filing staff member is also the reporter (their own patrol or inspection finding).
SELF_REPORTED = frozenset({Channel.PATROL, Channel.INSPECTION})


@dataclass
class Location:
    territory: Territory | None
    grid: Territory | None
    community: Territory | None
    street: Territory | None
    district: Territory
    address_confidence: float | None = None  # set when the address, not coordinates, placed the case

    # ``district`` is where the case lies; a named district that differs is refused by the intake service.


def locate_address(address: str, district: Territory | None) -> tuple[Territory, float] | None:
    """The territory a free-text address names, through the locator ``WANGGE_ADDRESS_LOCATOR`` (a dotted
    path to ``f(address, district) -> (territory, confidence) | None``; empty turns matching off)."""
    path = getattr(settings, "WANGGE_ADDRESS_LOCATOR", "")
    if not path or not address.strip():
        return None
    found = import_string(path)(address, district)
    if found is None:
        return None
    node, confidence = found
    if district is not None and not node.path.startswith(district.path):
        return None
    return node, float(confidence)


def resolve_location(
    *, lng: float | None, lat: float | None, crs: str, district: Territory | None, address: str = ""
) -> tuple[float | None, float | None, Location]:
    """WGS-84 coordinates and the territory chain of a case. Without coordinates the address is matched
    against territory and point names; a case with neither stays at the district it names."""
    from wangge.core.geo import to_wgs84
    from wangge.territory import locator

    node: Territory | None = None
    by_address: float | None = None
    if lng is not None and lat is not None:
        lng, lat = to_wgs84(float(lng), float(lat), crs)
        node = locator.locate(lng, lat)
        if node is None:
            raise ValidationFailed(
                _("该位置不在本平台任何辖区内"), code=ErrorCode.OUTSIDE_TERRITORY, details=[{"field": "location"}]
            )
    elif address:
        found = locate_address(address, district)
        if found is not None:
            node, by_address = found
    chain: dict[str, Territory] = {}
    if node is not None:
        nodes = locator.chain(node)
        if nodes is None:
            prefixes = [node.path[:i] for i in range(4, len(node.path) + 1, 4)]
            nodes = list(Territory.objects.filter(path__in=prefixes))
        for anc in nodes:
            chain[anc.kind] = anc
    dist = chain.get(TerritoryKind.DISTRICT) or district
    if dist is None:
        raise ValidationFailed(_("缺少位置或所属区"), code=ErrorCode.LOCATION_REQUIRED, details=[{"field": "location"}])
    return (
        lng,
        lat,
        Location(
            territory=node,
            grid=chain.get(TerritoryKind.GRID),
            community=chain.get(TerritoryKind.COMMUNITY),
            street=chain.get(TerritoryKind.STREET),
            district=dist,
            address_confidence=by_address,
        ),
    )


def check_jurisdiction(actor: ActorLike, district: Territory) -> None:
    """Whether ``actor`` may file a case in ``district`` (see the module's rule); raises PermissionDenied."""
    if isinstance(actor, ClientActor):
        if actor.district_id is not None and actor.district_id != district.pk:
            raise PermissionDenied(_("该密钥不能向此区提交"), code=ErrorCode.JURISDICTION_FORBIDDEN)
        return
    if user_of(actor) is None:  # the system and citizens file wherever the platform serves
        return
    if not permissions.acts_in_district(actor, district.path):
        raise PermissionDenied(_("该位置不在您工作的区内，不能登记"), code=ErrorCode.OUT_OF_JURISDICTION)


def real_name(requested: bool | None, name: str, phone: str) -> bool:
    if requested is None:
        return bool(name and phone)
    if requested and not (name and phone):
        raise ValidationFailed(
            _("实名诉求须填写诉求人姓名和联系电话"),
            code=ErrorCode.REAL_NAME_INCOMPLETE,
            details=[{"field": "reporter_name"}, {"field": "reporter_phone"}],
        )
    return requested


def work_order_create(
    *,
    actor: ActorLike,
    channel: str,
    appeal_type: str,
    title: str,
    description: str,
    category: Category | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    is_real_name: bool | None = None,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    district: Territory | None = None,
    urgency: str = Urgency.NORMAL,
    point: Any = None,
    resolution_mode: str | None = None,
    photos: Iterable[Any] = (),
    enterprise_related: bool = False,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """受理: register a case, locate it in a grid, start the dispatch clock and keep its photos — all or nothing.

    ``actor`` is a user, ``SYSTEM``, a ``CitizenActor`` or a ``ClientActor``. Raises ValidationFailed (bad or
    missing input, a position outside the platform or the named district) and PermissionDenied (a staff member
    outside the districts they work in; a client outside its key's district)."""
    require(actor)
    errors: list[dict[str, str]] = []
    if channel not in Channel.values:
        errors.append({"field": "channel", "reason": "unknown_channel"})
    if appeal_type not in AppealType.values:
        errors.append({"field": "appeal_type", "reason": "unknown_appeal_type"})
    if urgency not in Urgency.values:
        errors.append({"field": "urgency", "reason": "unknown_urgency"})
    if not title.strip():
        errors.append({"field": "title", "reason": "required"})
    if not description.strip():
        errors.append({"field": "description", "reason": "required"})
    phone = normalise_phone(reporter_phone) if reporter_phone else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            errors.append({"field": "reporter_phone", "reason": "invalid_phone"})
    if errors:
        raise ValidationFailed(_("工单信息不完整或格式不正确"), details=errors)
    name = reporter_name.strip()[:50]
    real = real_name(is_real_name, name, phone)
    at = now_or(now)
    filer = user_of(actor)
    with transaction.atomic():
        wgs_lng, wgs_lat, loc = resolve_location(lng=lng, lat=lat, crs=crs, district=district, address=address)
        check_jurisdiction(actor, loc.district)
        if district is not None and loc.district.pk != district.pk:
            raise ValidationFailed(
                _("该位置不在所选的辖区内"), code=ErrorCode.OUTSIDE_JURISDICTION, details=[{"field": "location"}]
            )
        mode = resolution_mode or (category.resolution_mode if category else ResolutionMode.DEADLINE)
        wo = WorkOrder(
            tracking_code=new_tracking_code(at),
            channel=channel,
            appeal_type=appeal_type,
            category=category,
            title=title.strip()[:200],
            description=description.strip(),
            reporter_name=name,
            reporter_phone=phone,
            reporter_phone_index=crypto.blind_index(phone),
            is_real_name=real,
            reporter_user=filer if channel in SELF_REPORTED else None,
            filed_by=filer,
            lng=wgs_lng,
            lat=wgs_lat,
            address=address.strip()[:200],
            territory=loc.territory,
            grid=loc.grid,
            community=loc.community,
            street=loc.street,
            district=loc.district,
            scope_path=(loc.territory or loc.district).path,
            point=point,
            handling_class=category.handling_class if category else "",
            resolution_mode=mode,
            urgency=urgency,
            enterprise_related=enterprise_related,
            status=Status.REGISTERED,
            received_at=at,
        )
        # The dispatch clock's fields go in with the INSERT; the clock row needs the case's id.
        due = set_step_fields(wo, Step.DISPATCH, at)
        insert_case(wo, at)
        clock_create(wo, Step.DISPATCH, at, due)
        created: dict[str, Any] = {"channel": channel}
        if enterprise_related:
            created["enterprise_related"] = True
        if loc.address_confidence is not None and loc.territory is not None:
            created["located_by_address"] = {"code": loc.territory.code, "confidence": loc.address_confidence}
        event = record_event(wo, "create", actor, at, "", Status.REGISTERED, data=created)
        attachments_for_step(actor=actor, event=event, files={"before_photos": photos})  # 处置前
        if (
            filer is not None
            and loc.grid is not None
            and not permissions.has_role_over(actor, GRID_STAFF, loc.grid.path)
        ):
            from wangge.workorders import notifications

            notifications.on_filed_into_grid(wo, filer)
        from wangge.workorders.notifications import on_created

        on_created(wo)  # the reporter's text: 已受理, with the tracking code (sent after commit)
        case_filed.send(sender=WorkOrder, work_order=wo, actor=actor)
    return wo


def appeal_submit(
    *,
    actor: ActorLike,
    channel: str,
    appeal_type: str,
    description: str,
    category: Category | None = None,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    point_code: str = "",
    window: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    is_real_name: bool | None = None,
    photos: Iterable[Any] = (),
    title: str = "",
    urgency: str = Urgency.NORMAL,
    district: Territory | None = None,
) -> WorkOrder:
    """An appeal from a form (the citizen page, a grid worker's 上报, the command centre's 受理登记): a point's QR
    code fills in the point and its position, a hall window's code is noted, a missing title is drawn from the
    category and the text; then :func:`work_order_create`."""
    from wangge.places.models import Point

    point = None
    if point_code:
        point = Point.objects.filter(code=point_code).first()
        if point is None:
            raise ValidationFailed(
                _("二维码对应的点位不存在"), code=ErrorCode.UNKNOWN_POINT, details=[{"field": "point"}]
            )
        if lng is None or lat is None:
            lng, lat, crs = point.lng, point.lat, "wgs84"
        if not address:
            address = f"{point.name}（{point.address}）" if point.address else point.name
    if window:
        address = f"{address}（{_('办事窗口')}：{window}）" if address else f"{_('办事窗口')}：{window}"
    text = " ".join(description.split())
    title = title.strip() or (category.name + "：" if category is not None else "") + masked_excerpt(text, 30)
    return work_order_create(
        actor=actor,
        channel=channel,
        appeal_type=appeal_type,
        title=title[:200],
        description=description,
        category=category,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        is_real_name=is_real_name,
        lng=lng,
        lat=lat,
        crs=crs,
        address=address[:200],
        point=point,
        urgency=urgency,
        district=district,
        photos=photos,
    )
