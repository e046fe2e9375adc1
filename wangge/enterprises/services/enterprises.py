"""The enterprises (registered from the merchants ledger or directly) and their 三级包联.

Community and street staff, the command centre and administrators over an enterprise's grid keep it and its
liaisons; every change is audited, and a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require, user_of
from wangge.core.errors import Conflict, PermissionDenied
from wangge.enterprises.choices import CadreRank, Industry, LiaisonLevel, Scale
from wangge.enterprises.errors import ErrorCode
from wangge.enterprises.models import Cadre, Enterprise, Liaison
from wangge.enterprises.services.common import may_keep, problem, refuse
from wangge.ledgers.choices import MerchantStatus
from wangge.ledgers.models import Merchant
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

FIELDS = ("name", "credit_code", "industry", "scale", "employees", "annual_output", "address", "contact_name")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# The ledger's free-text industry mapped to the classification (first match wins).
INDUSTRY_WORDS: tuple[tuple[str, str], ...] = (
    ("制造", Industry.MANUFACTURING),
    ("建筑", Industry.CONSTRUCTION),
    ("批发", Industry.WHOLESALE_RETAIL),
    ("零售", Industry.WHOLESALE_RETAIL),
    ("运输", Industry.LOGISTICS),
    ("物流", Industry.LOGISTICS),
    ("餐饮", Industry.HOSPITALITY),
    ("住宿", Industry.HOSPITALITY),
    ("软件", Industry.SOFTWARE),
    ("信息", Industry.SOFTWARE),
    ("金融", Industry.FINANCE),
    ("房地产", Industry.REAL_ESTATE),
    ("商务", Industry.BUSINESS_SERVICES),
    ("居民服务", Industry.RESIDENT_SERVICES),
    ("卫生", Industry.HEALTH),
    ("电力", Industry.ENERGY),
    ("燃气", Industry.ENERGY),
    ("采矿", Industry.MINING),
    ("煤", Industry.MINING),
)


def industry_of(text: str) -> str:
    return next((code for word, code in INDUSTRY_WORDS if word in (text or "")), Industry.OTHER)


def _district_of(grid: Territory) -> Territory:
    prefixes = [grid.path[:i] for i in range(4, len(grid.path) + 1, 4)]
    district: Territory | None = Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).first()
    if district is None:
        raise refuse([problem("grid", ErrorCode.INVALID_ENTERPRISE, _("所在网格不属于任何区"))])
    return district


def _check(values: dict[str, Any], grid: Territory) -> dict[str, Any]:
    problems: list[dict[str, Any]] = []
    out = dict(values)
    out["name"] = str(values.get("name") or "").strip()
    if not out["name"] or len(out["name"]) > 120:
        problems.append(problem("name", ErrorCode.INVALID_ENTERPRISE, _("请填写企业名称（不超过 120 字）")))
    out["credit_code"] = str(values.get("credit_code") or "").strip().upper()
    if out["credit_code"] and not CREDIT_CODE.match(out["credit_code"]):
        problems.append(problem("credit_code", ErrorCode.INVALID_ENTERPRISE, _("统一社会信用代码应为 18 位")))
    if values.get("industry") not in Industry.values:
        problems.append(problem("industry", ErrorCode.INVALID_ENTERPRISE, _("行业不正确")))
    if values.get("scale") not in Scale.values:
        problems.append(problem("scale", ErrorCode.INVALID_ENTERPRISE, _("规模不正确")))
    try:
        out["employees"] = int(values.get("employees") or 0)
        out["annual_output"] = Decimal(str(values.get("annual_output") or 0)).quantize(Decimal("0.01"))
        if out["employees"] < 0 or out["annual_output"] < 0 or out["annual_output"] >= Decimal("1e12"):
            raise ValueError
    except (TypeError, ValueError, InvalidOperation):
        problems.append(problem("employees", ErrorCode.INVALID_ENTERPRISE, _("从业人数和年产值须为非负数")))
    out["address"] = str(values.get("address") or "").strip()[:200]
    out["contact_name"] = str(values.get("contact_name") or "").strip()[:50]
    if grid.kind != TerritoryKind.GRID:
        problems.append(problem("grid", ErrorCode.INVALID_ENTERPRISE, _("请选择企业所在网格")))
    if problems:
        raise refuse(problems)
    return out


def enterprise_save(
    *,
    actor: ActorLike,
    grid: Territory,
    enterprise: Enterprise | None = None,
    merchant: Merchant | None = None,
    lng: float | None = None,
    lat: float | None = None,
    **values: Any,
) -> Enterprise:
    """Register an enterprise in ``grid`` (optionally linked to its ``merchant`` ledger row), or change
    ``enterprise``: any of ``FIELDS``. Raises PermissionDenied (the grid, or the enterprise's present one, is not the
    actor's to keep), ValidationFailed and Conflict (a credit code or merchant already registered)."""
    require(actor)
    unknown = set(values) - set(FIELDS)
    assert not unknown, f"unknown enterprise fields {sorted(unknown)}"
    if not may_keep(actor, grid.path) or (enterprise is not None and not may_keep(actor, enterprise.grid.path)):
        raise PermissionDenied(_("您不能登记该网格的企业"), code=ErrorCode.NOT_ENTERPRISE_KEEPER)
    base = {f: getattr(enterprise if enterprise is not None else Enterprise(), f) for f in FIELDS}
    merged = _check({**base, **values}, grid)
    district = _district_of(grid)
    try:
        with transaction.atomic():
            before = audit.snapshot(enterprise) if enterprise else None
            target = enterprise or Enterprise(created_by=user_of(actor))
            for f in FIELDS:
                setattr(target, f, merged[f])
            target.grid = grid
            target.district = district
            if merchant is not None:
                target.merchant = merchant
            if lng is not None and lat is not None:
                target.lng, target.lat = float(lng), float(lat)
            target.save()
            audit.record(
                actor=actor,
                action="enterprises.enterprise_update" if enterprise else "enterprises.enterprise_create",
                obj=target,
                before=before,
                after=audit.snapshot(target),
                only_changes=enterprise is not None,
            )
    except IntegrityError:
        raise Conflict(_("该统一社会信用代码或商户已登记为包联企业"), code=ErrorCode.DUPLICATE_ENTERPRISE) from None
    return target


def enterprise_from_merchant(*, actor: ActorLike, merchant: Merchant, **values: Any) -> Enterprise:
    """Register the enterprise of a merchants-ledger row: its name, credit code, industry, address, position and
    grid come from the ledger (``values`` may add scale, employees, output or override them)."""
    if merchant.status == MerchantStatus.CLOSED:
        raise refuse([problem("merchant", ErrorCode.INVALID_ENTERPRISE, _("该商户已注销"))])
    defaults: dict[str, Any] = {
        "name": merchant.name,
        "credit_code": merchant.credit_code,
        "industry": industry_of(merchant.industry),
        "scale": Scale.SMALL,
        "address": merchant.address,
        "contact_name": merchant.contact_name or merchant.responsible_person,
    }
    return enterprise_save(
        actor=actor,
        grid=merchant.grid,
        merchant=merchant,
        lng=merchant.lng,
        lat=merchant.lat,
        **{**defaults, **values},
    )


def liaison_assign(
    *,
    actor: ActorLike,
    enterprise: Enterprise,
    level: str,
    cadre: Cadre | None = None,
    unit: Unit | None = None,
    since: dt.date | None = None,
) -> Liaison:
    """Put a district leader, a department or a cadre over ``enterprise`` (三级包联): one leader and one department
    at a time (the present one is ended first), any number of cadres. Raises PermissionDenied, ValidationFailed
    (a level without its person or unit, a cadre of another rank or district) and Conflict (the cadre already
    liaises with it)."""
    require(actor)
    if not may_keep(actor, enterprise.grid.path):
        raise PermissionDenied(_("您不能调整该企业的包联关系"), code=ErrorCode.NOT_ENTERPRISE_KEEPER)
    problems: list[dict[str, Any]] = []
    if level not in LiaisonLevel.values:
        problems.append(problem("level", ErrorCode.INVALID_LIAISON, _("包联层级不正确")))
    elif level == LiaisonLevel.DEPARTMENT:
        if unit is None:
            problems.append(problem("unit", ErrorCode.INVALID_LIAISON, _("请选择包联部门")))
        cadre = None
    else:
        unit = None
        wanted = CadreRank.LEADER if level == LiaisonLevel.LEADER else CadreRank.CADRE
        if cadre is None or not cadre.is_active:
            problems.append(problem("cadre", ErrorCode.INVALID_LIAISON, _("请选择在岗的包联人")))
        elif cadre.rank != wanted or cadre.district_id != enterprise.district_id:
            problems.append(problem("cadre", ErrorCode.INVALID_LIAISON, _("包联人的层级或所属区不符")))
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        if cadre is not None and Liaison.objects.filter(enterprise=enterprise, cadre=cadre, is_active=True).exists():
            raise Conflict(_("该干部已包联此企业"), code=ErrorCode.DUPLICATE_LIAISON)
        ended: list[int] = []
        if level in (LiaisonLevel.LEADER, LiaisonLevel.DEPARTMENT):
            present = Liaison.objects.filter(enterprise=enterprise, level=level, is_active=True)
            ended = list(present.values_list("pk", flat=True))
            present.update(is_active=False, updated_at=timezone.now())
        link = Liaison.objects.create(
            enterprise=enterprise,
            level=level,
            cadre=cadre,
            unit=unit,
            since=since or timezone.localdate(),
        )
        audit.record(
            actor=actor,
            action="enterprises.liaison_assign",
            obj=link,
            after={**(audit.snapshot(link) or {}), "ended": ended},
            only_changes=False,
        )
    return link


def liaison_end(*, actor: ActorLike, liaison: Liaison) -> Liaison:
    """End a liaison (the person or department no longer liaises with the enterprise). Raises PermissionDenied and
    Conflict (already ended)."""
    require(actor)
    if not may_keep(actor, liaison.enterprise.grid.path):
        raise PermissionDenied(_("您不能调整该企业的包联关系"), code=ErrorCode.NOT_ENTERPRISE_KEEPER)
    with transaction.atomic():
        locked = Liaison.objects.select_for_update().get(pk=liaison.pk)
        if not locked.is_active:
            raise Conflict(_("该包联关系已结束"), code=ErrorCode.INVALID_LIAISON)
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        audit.record(actor=actor, action="enterprises.liaison_end", obj=locked, after={"is_active": False})
    return locked
