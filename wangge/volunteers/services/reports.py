"""A problem a volunteer reports on the citizen pages under their own name: a work order through the one intake
service (``work_order_create``), real-name with the volunteer's name and mobile number, on the mobile channel,
and a link row to the volunteer and the role they report in (e.g. 社情民意调查员)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import ValidationFailed
from wangge.core.masking import masked_excerpt
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.volunteers.choices import VolunteerStatus
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import Volunteer, VolunteerReport, VolunteerRole

__all__ = ["volunteer_report_create"]


def _district_of(node: Territory) -> Territory | None:
    found: Territory | None = (
        Territory.objects.filter(
            kind=TerritoryKind.DISTRICT, path__in=[node.path[:i] for i in range(4, len(node.path) + 1, 4)]
        )
        .order_by("-depth")
        .first()
    )
    return found


def volunteer_report_create(
    *,
    actor: ActorLike,
    volunteer: Volunteer,
    description: str,
    appeal_type: str = "report",
    category: Any = None,
    role: VolunteerRole | None = None,
    title: str = "",
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    photos: Iterable[Any] = (),
    now: Any = None,
) -> VolunteerReport:
    """File the volunteer's report as a case and link it to them. ``actor`` is whoever files: the citizen who
    verified the volunteer's number on the citizen pages, or the system (the demo). A report without a position
    names the volunteer's district (the address may still place it). Raises ValidationFailed (a volunteer who
    left, a role they do not hold, the intake service's refusals)."""
    from wangge.workorders.choices import Channel
    from wangge.workorders.services.intake import work_order_create

    require(actor)
    volunteer = Volunteer.objects.select_related("territory").get(pk=volunteer.pk)  # as stored now
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationFailed(_("该志愿者已退出，不能以志愿者身份反映"), code=ErrorCode.VOLUNTEER_LEFT)
    if role is not None and not volunteer.roles.filter(pk=role.pk).exists():
        raise ValidationFailed(
            _("您没有“%(r)s”的志愿者角色") % {"r": role.name},
            code=ErrorCode.INVALID_VOLUNTEER,
            details=[{"field": "role", "reason": "not_held"}],
        )
    at = now or timezone.now()
    text = " ".join(description.split())
    title = title.strip() or (category.name + "：" if category is not None else "") + masked_excerpt(text, 30)
    prefix = _("【志愿者·%(r)s】") % {"r": role.name} if role is not None else _("【志愿者】")
    with transaction.atomic():
        wo = work_order_create(
            actor=actor,
            channel=Channel.H5,
            appeal_type=appeal_type,
            title=(prefix + title)[:200],
            description=description,
            category=category,
            reporter_name=volunteer.name,
            reporter_phone=volunteer.phone,
            is_real_name=bool(volunteer.phone) or None,
            lng=lng,
            lat=lat,
            crs=crs,
            address=address[:200],
            district=None if lng is not None and lat is not None else _district_of(volunteer.territory),
            photos=photos,
            now=at,
        )
        report = VolunteerReport.objects.create(volunteer=volunteer, work_order=wo, role=role, created_at=at)
        audit.record(
            actor=actor,
            action="volunteers.report_create",
            obj=report,
            after={"volunteer": volunteer.pk, "work_order": wo.tracking_code, "role": role.key if role else ""},
            only_changes=False,
        )
    return report
