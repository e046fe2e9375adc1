"""Writes of the Open311 interface: API keys and the intake of a service request as a work order."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core import audit, ratelimit
from wangge.core.actors import SYSTEM, ClientActor
from wangge.core.errors import DomainError, NotFound, ValidationFailed
from wangge.core.masking import masked_excerpt
from wangge.open311.choices import Datatype
from wangge.open311.errors import ErrorCode
from wangge.open311.models import ApiKey, ServiceAttribute, Submission, default_daily_quota
from wangge.territory.models import Territory
from wangge.workorders.choices import AppealType, Channel
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.services import suggest_unit, work_order_create, work_order_transition

KEY_PREFIX = "wg311_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8
DISPATCH_USERNAME = "open311_dispatch"
_CJK = re.compile(r"[\u3400-\u9fff]")


def key_digest(raw: str) -> str:
    """Keys are 240-bit random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# --- API keys --------------------------------------------------------------------------------------


def _check_quota(daily_quota: int) -> None:
    if daily_quota < 0:
        raise ValidationFailed(
            _("每日限额不能为负数（0 表示不限）"), details=[{"field": "daily_quota", "reason": "negative"}]
        )


@transaction.atomic
def apikey_create(
    *, actor: Any, name: str, district: Territory | None = None, daily_quota: int | None = None
) -> tuple[ApiKey, str]:
    """A new key; the clear key is returned once and never stored. ``daily_quota`` None: the configured
    default (``WANGGE_OPEN311_DAILY_QUOTA``); 0: unlimited."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写密钥名称"), details=[{"field": "name", "reason": "required"}])
    if len(name) > 100:
        raise ValidationFailed(_("名称不能超过 100 个字符"), details=[{"field": "name", "reason": "too_long"}])
    quota = default_daily_quota() if daily_quota is None else daily_quota
    _check_quota(quota)
    for _attempt in range(5):
        raw = KEY_PREFIX + secrets.token_urlsafe(30)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    name=name,
                    key_hash=key_digest(raw),
                    prefix=raw[:PREFIX_LENGTH],
                    district=district,
                    daily_quota=quota,
                )
            break
        except IntegrityError:  # a prefix collision: draw again
            continue
    else:  # pragma: no cover - 48 random bits colliding five times in a row
        raise DomainError(_("无法生成唯一的密钥，请重试"), code=ErrorCode.KEY_GENERATION_FAILED)
    audit.record(actor=actor, action="open311.apikey_create", obj=key, after=audit.snapshot(key), only_changes=False)
    return key, raw


@transaction.atomic
def apikey_revoke(*, actor: Any, prefix: str) -> ApiKey:
    key = ApiKey.objects.select_for_update().filter(prefix=prefix.strip()).first()
    if key is None:
        raise NotFound(_("密钥不存在"), code=ErrorCode.APIKEY_NOT_FOUND)
    if not key.is_active:
        return key
    before = audit.snapshot(key)
    key.is_active = False
    key.revoked_at = timezone.now()
    key.save(update_fields=["is_active", "revoked_at"])
    clear_key_cache()
    audit.record(actor=actor, action="open311.apikey_revoke", obj=key, before=before, after=audit.snapshot(key))
    return key


@transaction.atomic
def apikey_set_quota(*, actor: Any, prefix: str, daily_quota: int) -> ApiKey:
    """Change a key's daily quota (0: unlimited); the next request counts against the new one."""
    _check_quota(daily_quota)
    key = ApiKey.objects.select_for_update().filter(prefix=prefix.strip()).first()
    if key is None:
        raise NotFound(_("密钥不存在"), code=ErrorCode.APIKEY_NOT_FOUND)
    if key.daily_quota == daily_quota:
        return key
    before = audit.snapshot(key)
    key.daily_quota = daily_quota
    key.save(update_fields=["daily_quota"])
    clear_key_cache()
    audit.record(actor=actor, action="open311.apikey_set_quota", obj=key, before=before, after=audit.snapshot(key))
    return key


QUOTA_SCOPE = "open311.key.day"


def apikey_quota_hit(key: ApiKey, *, now: dt.datetime | None = None) -> ratelimit.Decision:
    """Count one POST request of ``key`` against its ``daily_quota`` for the local calendar day, and say
    whether it is within it (0: unlimited). A refusal's ``retry_after`` is the seconds until local midnight.

    The counter is ``core.ratelimit``'s, in Django's cache (shared between processes when the cache is):
    the day is part of its key and its window is pinned to the day's start, so it never rolls over within
    the day, whatever the offset of the local time zone from UTC."""
    if not key.daily_quota:
        return ratelimit.UNLIMITED
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    rate = ratelimit.Rate(limit=key.daily_quota, period=math.ceil((end - start).total_seconds()))
    decision = ratelimit.hit(QUOTA_SCOPE, f"{key.pk}:{day.isoformat()}", rate, now=start.timestamp())
    if decision.allowed:
        return decision
    return replace(decision, retry_after=max(1, math.ceil((end - now).total_seconds())))


# Active keys seen recently, by digest, kept briefly per process: one query less on every POST. A key
# revoked elsewhere stops working within KEY_CACHE_SECONDS (at once in the process that revoked it).
KEY_CACHE_SECONDS = 5.0
_key_cache: dict[str, tuple[float, ApiKey]] = {}


def apikey_authenticate(raw: str) -> ApiKey | None:
    """The active key matching ``raw``. Reads only: a request refused later writes nothing, so the key's
    ``last_used_at`` is stamped with the request it let in (``submission_create``)."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    digest = key_digest(raw)
    hit = _key_cache.get(digest)
    if hit is not None and time.monotonic() - hit[0] < KEY_CACHE_SECONDS:
        return hit[1]
    key = ApiKey.objects.filter(key_hash=digest, is_active=True).select_related("district").first()
    if key is None:
        _key_cache.pop(digest, None)
        return None
    if len(_key_cache) > 1000:
        _key_cache.clear()
    _key_cache[digest] = (time.monotonic(), key)
    return key


def clear_key_cache() -> None:
    _key_cache.clear()


def _apikey_stamp_use(key: ApiKey) -> None:
    """``last_used_at`` of a key that has just let a request in, at most once a minute (one write less on
    every other POST of a busy client)."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


# --- intake --------------------------------------------------------------------------------------


def client_actor(key: ApiKey) -> ClientActor:
    """The acting party of a request taken through Open311: the client holding the key, not a user; the
    intake rule keeps it within its key's district."""
    return ClientActor(name=key.name, key_id=key.pk, district_id=key.district_id, channel="Open311")


@dataclass
class Intake:
    """A POST requests body, already parsed and checked for form by the view."""

    category: Category
    district: Territory
    lng: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    address: str = ""
    description: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    media_url: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    appeal_type: str = AppealType.COMPLAINT


def attribute_values(
    definitions: list[ServiceAttribute], submitted: dict[str, list[str]]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Check ``attribute[code]`` values against the service definition.

    Returns the clean values (a string, or a list for multivaluelist) and the problems found; unknown
    codes are problems too, so a client learns about a typo instead of losing the value.
    """
    clean: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    known = {a.code: a for a in definitions if a.variable}
    for code in submitted:
        if code not in known:
            problems.append({"field": f"attribute[{code}]", "reason": "unknown_attribute"})
    for code, attr in known.items():
        values = [v.strip() for v in submitted.get(code, []) if v.strip()]
        name = f"attribute[{code}]"
        if not values:
            if attr.required:
                problems.append({"field": name, "reason": "required"})
            continue
        if attr.datatype != Datatype.MULTIVALUELIST and len(values) > 1:
            problems.append({"field": name, "reason": "single_value_expected"})
            continue
        value = values[0]
        if attr.datatype == Datatype.NUMBER:
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                problems.append({"field": name, "reason": "number_expected"})
                continue
        elif attr.datatype == Datatype.DATETIME:
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
            if parsed is None:
                problems.append({"field": name, "reason": "datetime_expected"})
                continue
        elif attr.datatype == Datatype.STRING and ("\n" in value or "\r" in value):
            problems.append({"field": name, "reason": "line_break_not_allowed"})
            continue
        elif attr.datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
            keys = set(attr.keys())
            wrong = [v for v in values if v not in keys]
            if wrong:
                problems.append({"field": name, "reason": "unknown_value"})
                continue
        if len(value) > 1000 or sum(len(v) for v in values) > 4000:
            problems.append({"field": name, "reason": "too_long"})
            continue
        clean[code] = values if attr.datatype == Datatype.MULTIVALUELIST else value
    return clean, problems


def _reporter_name(first: str, last: str) -> str:
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(p for p in (first, last) if p)


def _case_text(intake: Intake, definitions: list[ServiceAttribute], values: dict[str, Any]) -> tuple[str, str]:
    """Title and description of the work order: the citizen's text, then the extra answers and the media link."""
    text = intake.description.strip()
    first_line = text.splitlines()[0].strip() if text else ""
    title = masked_excerpt(first_line, 30) or intake.category.name  # a number cut in half would escape the mask
    lines = [text or _("（通过 Open311 接口上报“%(name)s”，未填写描述）") % {"name": intake.category.name}]
    by_code = {a.code: a for a in definitions}
    for code, value in values.items():
        attr = by_code[code]
        names = {str(v["key"]): str(v["name"]) for v in attr.values or []}
        picked = value if isinstance(value, list) else [value]
        shown = "、".join(names.get(v) or v for v in picked)
        lines.append(f"{attr.description}：{shown}")
    if intake.media_url:
        lines.append(_("图片/媒体链接：%(url)s") % {"url": intake.media_url})
    return title, "\n".join(lines)


def dispatch_actor(district: Territory) -> User:
    """The account that dispatches automatically: no password, a dispatcher grant on the district only."""
    user: User
    created: bool
    user, created = User.objects.get_or_create(
        username=DISPATCH_USERNAME, defaults={"display_name": "Open311 自动派遣", "is_staff": False}
    )
    if created or user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password", "password_changed_at"])
    if not RoleGrant.objects.filter(user=user, role=Role.DISPATCHER, territory=district).exists():
        from wangge.accounts.services import role_grant

        role_grant(actor=SYSTEM, user=user, role=Role.DISPATCHER, territory=district)
    return user


def submission_create(
    *,
    actor: ApiKey,
    intake: Intake,
    definitions: list[ServiceAttribute] | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Take a service request: create the work order (channel "api"), locate it, suggest the handling unit.

    Every check on the request runs before anything is written, and the writes share one transaction:
    a refused request leaves no trace. With ``WANGGE_OPEN311_AUTO_DISPATCH`` on, a case with a suggested
    unit is dispatched to it at once. ``definitions`` are the service's attributes when the caller holds them.
    """
    if definitions is None:
        definitions = list(ServiceAttribute.objects.filter(category=intake.category).order_by("order", "id"))
    values, problems = attribute_values(definitions, intake.attributes)
    if problems:
        raise ValidationFailed(_("附加属性不正确"), code=ErrorCode.INVALID_ATTRIBUTE, details=problems)
    title, description = _case_text(intake, definitions, values)
    with transaction.atomic():
        wo = work_order_create(
            actor=client_actor(actor),
            channel=Channel.API,
            appeal_type=intake.appeal_type,
            title=title,
            description=description,
            category=intake.category,
            reporter_name=_reporter_name(intake.first_name, intake.last_name),
            reporter_phone=intake.phone,
            lng=intake.lng,
            lat=intake.lat,
            crs=intake.crs,
            address=intake.address,
            district=intake.district,
            now=now,
        )
        unit = suggest_unit(category=intake.category, territory=wo.territory or wo.district)
        submission = Submission.objects.create(
            work_order=wo,
            api_key=actor,
            service_code=intake.category.code,
            description=intake.description.strip(),
            attributes=values,
            media_url=intake.media_url,
            email=intake.email,
            device_id=intake.device_id,
            account_id=intake.account_id,
            suggested_unit=unit,
        )
        _apikey_stamp_use(actor)
        if unit is not None and getattr(settings, "WANGGE_OPEN311_AUTO_DISPATCH", False):
            _auto_dispatch(submission, wo, unit, now)
    return submission


def _auto_dispatch(submission: Submission, wo: WorkOrder, unit: Unit, now: dt.datetime | None) -> None:
    """Dispatch through the closed loop; a refusal leaves the case waiting for a dispatcher."""
    try:
        with transaction.atomic():
            work_order_transition(
                actor=dispatch_actor(wo.district),
                work_order_id=wo.pk,
                name="dispatch",
                unit=unit,
                now=now,
            )
            submission.auto_dispatched = True
            submission.save(update_fields=["auto_dispatched"])
    except DomainError:
        return
    wo.refresh_from_db()
