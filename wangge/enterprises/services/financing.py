"""政银企 matchmaking (卫您融): the events with their banks and products, and each participating enterprise's
financing need, the intention reached, credit granted and loans disbursed (万元)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import PermissionDenied
from wangge.enterprises.choices import Intention
from wangge.enterprises.errors import ErrorCode
from wangge.enterprises.models import Bank, Enterprise, FinancingEvent, FinancingParticipation, FinancingProduct
from wangge.enterprises.services.common import may_organise, problem, refuse
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

AMOUNTS = ("need_amount", "credit_granted", "loan_disbursed")
ORGANISED_KINDS = frozenset({TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY})


MAX_LINE = 120


def _offer(bank_list: list[Bank], product_list: list[FinancingProduct]) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    if len({b.pk for b in bank_list}) != len(bank_list) or len({p.pk for p in product_list}) != len(product_list):
        problems.append(problem("banks", ErrorCode.INVALID_FINANCING, _("同一银行或产品不能重复")))
    if any(p.bank_id not in {b.pk for b in bank_list} for p in product_list):
        problems.append(problem("products", ErrorCode.INVALID_FINANCING, _("推介产品须属于参与银行")))
    return problems


def financing_event_save(
    *,
    actor: ActorLike,
    territory: Territory,
    title: str,
    held_on: dt.date,
    place: str = "",
    organiser: str = "",
    online: bool = False,
    banks: Iterable[Bank] = (),
    products: Iterable[FinancingProduct] = (),
    note: str = "",
    event: FinancingEvent | None = None,
) -> FinancingEvent:
    """Create a matchmaking event over ``territory`` (its date, place, organiser, banks and their products), or
    change ``event``. Street staff, the command centre's dispatchers and admins over the territory organise it.
    Raises PermissionDenied and ValidationFailed; a refusal writes nothing."""
    require(actor)
    if not may_organise(actor, territory.path) or (event is not None and not may_organise(actor, event.territory.path)):
        raise PermissionDenied(_("您不能为该辖区组织政银企对接活动"), code=ErrorCode.NOT_ORGANISER)
    name = " ".join(str(title or "").split())
    where, host = str(place or "").strip(), " ".join(str(organiser or "").split())
    problems: list[dict[str, Any]] = []
    if not name or len(name) > MAX_LINE:
        problems.append(problem("title", ErrorCode.INVALID_FINANCING, _("请填写活动名称（不超过 120 字）")))
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        problems.append(problem("held_on", ErrorCode.INVALID_FINANCING, _("请填写举办日期")))
    if len(where) > MAX_LINE:
        problems.append(problem("place", ErrorCode.INVALID_FINANCING, _("地点不超过 120 字")))
    if len(host) > MAX_LINE:
        problems.append(problem("organiser", ErrorCode.INVALID_FINANCING, _("主办单位不超过 120 字")))
    if territory.kind not in ORGANISED_KINDS:
        problems.append(problem("territory", ErrorCode.INVALID_FINANCING, _("举办辖区须为区、街道或社区")))
    bank_list, product_list = list(banks), list(products)
    problems += _offer(bank_list, product_list)
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        before = audit.snapshot(event) if event else None
        target = event or FinancingEvent()
        target.title, target.held_on, target.territory = name, held_on, territory
        target.place, target.organiser, target.online, target.note = where, host, bool(online), str(note or "")
        target.save()
        target.banks.set(bank_list)
        target.products.set(product_list)
        audit.record(
            actor=actor,
            action="enterprises.financing_event_update" if event else "enterprises.financing_event_create",
            obj=target,
            before=before,
            after={**(audit.snapshot(target) or {}), **_offer_snapshot(bank_list, product_list)},
            only_changes=event is not None,
        )
    return target


def _offer_snapshot(banks: Iterable[Bank], products: Iterable[FinancingProduct]) -> dict[str, Any]:
    return {"banks": sorted(b.name for b in banks), "products": sorted(str(p) for p in products)}


def financing_event_offer_set(
    *,
    actor: ActorLike,
    event: FinancingEvent,
    banks: Iterable[Bank],
    products: Iterable[FinancingProduct],
) -> FinancingEvent:
    """Set the banks taking part in ``event`` and the products they present. A bank that an enterprise already
    matched at the event stays. Raises PermissionDenied and ValidationFailed; a refusal writes nothing."""
    require(actor)
    if not may_organise(actor, event.territory.path):
        raise PermissionDenied(_("您不能调整该对接活动的银行和产品"), code=ErrorCode.NOT_ORGANISER)
    bank_list, product_list = list(banks), list(products)
    problems = _offer(bank_list, product_list)
    kept = {b.pk for b in bank_list}
    matched = set(event.participations.exclude(bank=None).values_list("bank_id", flat=True))
    if matched - kept:
        problems.append(problem("banks", ErrorCode.INVALID_FINANCING, _("已有企业对接的银行不能移出活动")))
    used = set(event.participations.exclude(product=None).values_list("product_id", flat=True))
    if used - {p.pk for p in product_list}:
        problems.append(problem("products", ErrorCode.INVALID_FINANCING, _("已有企业意向的产品不能移出活动")))
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        locked = FinancingEvent.objects.select_for_update().get(pk=event.pk)
        before = _offer_snapshot(locked.banks.all(), locked.products.select_related("bank"))
        locked.banks.set(bank_list)
        locked.products.set(product_list)
        locked.save(update_fields=["updated_at"])
        audit.record(
            actor=actor,
            action="enterprises.financing_event_update",
            obj=locked,
            before=before,
            after=_offer_snapshot(bank_list, product_list),
            only_changes=True,
        )
    return locked


def _amount(value: Any) -> Decimal:
    amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    if amount < 0 or amount >= Decimal("1e10"):
        raise ValueError
    return amount


def participation_save(
    *,
    actor: ActorLike,
    event: FinancingEvent,
    enterprise: Enterprise,
    need_amount: Any = 0,
    purpose: str = "",
    bank: Bank | None = None,
    product: FinancingProduct | None = None,
    intention: str = Intention.NONE,
    credit_granted: Any = 0,
    loan_disbursed: Any = 0,
) -> FinancingParticipation:
    """Record (or update) an enterprise at a matchmaking event: its need, the bank and product it matched, the
    intention, credit granted and loans disbursed. Raises PermissionDenied and ValidationFailed (a negative amount,
    loans above the credit, a bank not at the event, an enterprise outside the event's territory)."""
    require(actor)
    if not may_organise(actor, event.territory.path):
        raise PermissionDenied(_("您不能记录该对接活动"), code=ErrorCode.NOT_ORGANISER)
    problems: list[dict[str, Any]] = []
    amounts: dict[str, Decimal] = {}
    for name, value in zip(AMOUNTS, (need_amount, credit_granted, loan_disbursed), strict=True):
        try:
            amounts[name] = _amount(value)
        except (TypeError, ValueError, InvalidOperation):
            problems.append(problem(name, ErrorCode.INVALID_FINANCING, _("金额须为非负数（万元）")))
    if not problems and amounts["loan_disbursed"] > amounts["credit_granted"]:
        problems.append(problem("loan_disbursed", ErrorCode.INVALID_FINANCING, _("放款金额不能超过授信金额")))
    if intention not in Intention.values:
        problems.append(problem("intention", ErrorCode.INVALID_FINANCING, _("对接意向不正确")))
    if bank is not None and not event.banks.filter(pk=bank.pk).exists():
        problems.append(problem("bank", ErrorCode.INVALID_FINANCING, _("该银行未参加此次活动")))
    if product is not None and (bank is None or product.bank_id != bank.pk):
        problems.append(problem("product", ErrorCode.INVALID_FINANCING, _("产品须属于对接银行")))
    if not enterprise.grid.path.startswith(event.territory.path):
        problems.append(problem("enterprise", ErrorCode.INVALID_FINANCING, _("企业不在活动的辖区内")))
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        row = FinancingParticipation.objects.select_for_update().filter(event=event, enterprise=enterprise).first()
        before = audit.snapshot(row) if row else None
        target = row or FinancingParticipation(event=event, enterprise=enterprise)
        target.need_amount = amounts["need_amount"]
        target.credit_granted = amounts["credit_granted"]
        target.loan_disbursed = amounts["loan_disbursed"]
        target.purpose, target.bank, target.product, target.intention = (
            str(purpose or "")[:120],
            bank,
            product,
            intention,
        )
        target.save()
        audit.record(
            actor=actor,
            action="enterprises.participation_update" if row else "enterprises.participation_create",
            obj=target,
            before=before,
            after=audit.snapshot(target),
            only_changes=row is not None,
        )
    return target
