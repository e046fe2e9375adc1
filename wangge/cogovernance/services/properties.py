"""红色物业 of a 小区: register the property company and owners' committee (三方联动), the 亮牌 staff, the
述职评议 scores, and the residents' 亮牌 ratings left on the public page (rate-limited per address)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.cogovernance.choices import Reviewer
from wangge.cogovernance.errors import ErrorCode
from wangge.cogovernance.models import BadgeStaff, Meeting, PropertyReview, RedProperty, ServiceRating
from wangge.cogovernance.services.common import clean_text, refuse, require_convener
from wangge.core import audit, ratelimit
from wangge.core.actors import require
from wangge.core.errors import DomainError
from wangge.ledgers.models import Estate

__all__ = [
    "RATING_RATE",
    "RatingLimited",
    "property_register",
    "rating_submit",
    "review_record",
    "staff_add",
    "staff_remove",
]

# At most this many ratings from one address per window (``WANGGE_COGOV_RATING_RATE`` overrides).
RATING_RATE = "5/h"


class RatingLimited(DomainError):
    code = ErrorCode.RATING_LIMITED
    http_status = 429


def property_register(
    *,
    actor: ActorLike,
    estate: Estate,
    company: str,
    company_branch: str = "",
    manager_name: str = "",
    owners_committee: str = "",
    committee_chair: str = "",
    is_synthetic: bool = False,
) -> RedProperty:
    """Register (or update) the 红色物业 of a 小区; its public rating code is made once and kept."""
    require(actor)
    require_convener(actor, estate.community.path)
    company = clean_text(company, 120)
    if not company:
        raise refuse("company", ErrorCode.INVALID_PROPERTY, _("请填写物业服务企业"))
    values = {
        "company": company,
        "company_branch": clean_text(company_branch, 120),
        "manager_name": clean_text(manager_name, 50),
        "owners_committee": clean_text(owners_committee, 120),
        "committee_chair": clean_text(committee_chair, 50),
    }
    with transaction.atomic():
        current = RedProperty.objects.select_for_update().filter(estate=estate).first()
        before = audit.snapshot(current)
        if current is None:
            current = RedProperty.objects.create(
                estate=estate, public_token=secrets.token_urlsafe(12), is_synthetic=is_synthetic, **values
            )
        else:
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
        audit.record(
            actor=actor,
            action="cogovernance.property_update" if before else "cogovernance.property_register",
            obj=current,
            before=before,
            after=audit.snapshot(current),
        )
    return current


def staff_add(
    *, actor: ActorLike, property: RedProperty, name: str, post: str, badge_no: str, is_party_member: bool = False
) -> BadgeStaff:
    """A 亮牌 staff member of the property company."""
    require(actor)
    require_convener(actor, property.estate.community.path)
    name, post, badge_no = clean_text(name, 50), clean_text(post, 50), clean_text(badge_no, 20)
    if not (name and post and badge_no):
        raise refuse("name", ErrorCode.INVALID_PROPERTY, _("请填写姓名、岗位和亮牌编号"))
    if property.staff.filter(badge_no=badge_no).exists():
        raise refuse("badge_no", ErrorCode.INVALID_PROPERTY, _("亮牌编号已被使用"))
    with transaction.atomic():
        staff = BadgeStaff.objects.create(
            property=property, name=name, post=post, badge_no=badge_no, is_party_member=is_party_member
        )
        audit.record(actor=actor, action="cogovernance.staff_add", obj=staff, after=audit.snapshot(staff))
    return staff


def staff_remove(*, actor: ActorLike, staff: BadgeStaff) -> BadgeStaff:
    """Take a 亮牌 staff member off duty: the row and its ratings stay, the badge leaves the public page."""
    require(actor)
    require_convener(actor, staff.property.estate.community.path)
    if not staff.is_active:
        raise refuse("staff", ErrorCode.INVALID_PROPERTY, _("该服务人员已不在岗"))
    with transaction.atomic():
        before = audit.snapshot(staff)
        staff.is_active = False
        staff.save(update_fields=["is_active"])
        audit.record(
            actor=actor, action="cogovernance.staff_remove", obj=staff, before=before, after=audit.snapshot(staff)
        )
    return staff


def review_record(
    *,
    actor: ActorLike,
    property: RedProperty,
    period: str,
    held_on: dt.date,
    reviewer: str,
    score: Any,
    note: str = "",
    meeting: Meeting | None = None,
    is_synthetic: bool = False,
) -> PropertyReview:
    """述职评议: one party's score (0–100) of the property company's report for a period (one per party)."""
    require(actor)
    require_convener(actor, property.estate.community.path)
    period = clean_text(period, 40)
    if not period:
        raise refuse("period", ErrorCode.INVALID_REVIEW, _("请填写评议期"))
    if reviewer not in Reviewer.values:
        raise refuse("reviewer", ErrorCode.INVALID_REVIEW, _("评议方不正确"))
    try:
        value = Decimal(str(score)).quantize(Decimal("0.1"))
        if not Decimal(0) <= value <= Decimal(100):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise refuse("score", ErrorCode.INVALID_REVIEW, _("得分须在 0–100 之间")) from None
    if PropertyReview.objects.filter(property=property, period=period, reviewer=reviewer).exists():
        raise refuse("reviewer", ErrorCode.INVALID_REVIEW, _("该评议方本期已评议"))
    with transaction.atomic():
        review = PropertyReview.objects.create(
            property=property,
            period=period,
            held_on=held_on,
            reviewer=reviewer,
            score=value,
            note=clean_text(note, 300),
            meeting=meeting,
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="cogovernance.review_record", obj=review, after=audit.snapshot(review))
    return review


def rating_submit(
    *,
    actor: ActorLike,
    property: RedProperty,
    stars: Any,
    client_key: str,
    staff: BadgeStaff | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
    is_synthetic: bool = False,
) -> ServiceRating:
    """A resident's 亮牌 rating left on the public page (no account). ``client_key`` (the address) is counted
    against ``RATING_RATE``; beyond it the rating is refused (429). Nothing personal is kept."""
    require(actor)
    try:
        value = int(stars)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise refuse("stars", ErrorCode.INVALID_RATING, _("请选择 1–5 星"))
    if staff is not None and staff.property_id != property.pk:
        raise refuse("staff", ErrorCode.INVALID_RATING, _("该服务人员不属于本小区物业"))
    rate = ratelimit.parse_rate(getattr(settings, "WANGGE_COGOV_RATING_RATE", RATING_RATE))
    decision = ratelimit.hit("cogovernance.rating", f"{property.pk}:{client_key}", rate)
    if not decision.allowed:
        raise RatingLimited(_("评价过于频繁，请稍后再试"), details={"retry_after": decision.retry_after})
    with transaction.atomic():
        rating = ServiceRating.objects.create(
            property=property,
            staff=staff,
            stars=value,
            comment=clean_text(comment, 300),
            created_at=now or timezone.now(),
            is_synthetic=is_synthetic,
        )
    return rating
