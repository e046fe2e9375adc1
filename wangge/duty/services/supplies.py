"""Writes on the flood supplies (防汛物资): depots, norms, stock-takes (盘点) and issues/returns (出库/入库).

- :func:`depot_create` registers a depot of a node with its custodian (phone stored protected).
- :func:`supply_norm_set` sets the quantity of an item every depot of a kind, or one depot, must hold.
- :func:`stocktake_record` is the custodian's dated count: it sets the stock of every item counted and keeps the
  book quantity and the difference of each.
- :func:`stock_move` issues or receives a quantity with its reason; stock never goes below zero (a rule error,
  and a database constraint behind it).

Who may write: those who keep the depot's node (the ``change`` action), and the depot's custodian for its
stock-takes and movements. Every write is atomic and audited; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import NotFound
from wangge.duty.choices import DepotKind, MovementDirection
from wangge.duty.errors import ErrorCode, StateRefused
from wangge.duty.models import Depot, Stock, StockMovement, StockTake, StockTakeLine, SupplyItem, SupplyNorm
from wangge.duty.services.common import check_keeper, may_keep, phone_or_blank, quantity, refuse, text
from wangge.territory.models import Territory

__all__ = ["depot_create", "may_write_depot", "stock_move", "stocktake_record", "supply_norm_set"]


def depot_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    territory: Territory,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    custodian: User | None = None,
    custodian_name: str = "",
    custodian_phone: str = "",
    stocktake_interval_days: int | None = None,
    is_synthetic: bool = False,
) -> Depot:
    """Register a depot (储备点) of ``territory``; the custodian is an account or a name with a phone."""
    require(actor)
    name = text(name, "name", 100, ErrorCode.INVALID_DEPOT, required=True)
    if kind not in DepotKind.values:
        raise refuse("kind", ErrorCode.INVALID_DEPOT, _("储备点类型不正确"))
    address = text(address, "address", 200, ErrorCode.INVALID_DEPOT)
    if custodian is not None and not custodian_name:
        custodian_name = str(custodian)
        custodian_phone = custodian_phone or custodian.mobile or ""
    custodian_name = text(custodian_name, "custodian_name", 50, ErrorCode.INVALID_DEPOT, required=True)
    phone = phone_or_blank(custodian_phone, "custodian_phone", ErrorCode.INVALID_DEPOT)
    if stocktake_interval_days is not None and not 1 <= int(stocktake_interval_days) <= 366:
        raise refuse("stocktake_interval_days", ErrorCode.INVALID_DEPOT, _("盘点周期须为 1-366 天"))
    with transaction.atomic():
        check_keeper(actor, territory)
        depot = Depot.objects.create(
            name=name,
            kind=kind,
            territory=territory,
            address=address,
            lng=lng,
            lat=lat,
            custodian=custodian,
            custodian_name=custodian_name,
            custodian_phone=phone,
            stocktake_interval_days=stocktake_interval_days,
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="duty.depot_create", obj=depot, after=audit.snapshot(depot))
    return depot


def _lock_depot(actor: Any, depot: Depot | int, *, custodian_may: bool) -> Depot:
    """The depot, locked, if the actor sees it; then the actor must keep its node (or be its custodian)."""
    pk = depot.pk if isinstance(depot, Depot) else int(depot)
    qs = Depot.objects.select_for_update(of=("self",))
    if not is_system(actor):
        visible: QuerySet[Depot] = Depot.objects.restrict(actor).filter(pk=pk)
        if custodian_may:
            visible = visible | Depot.objects.filter(pk=pk, custodian_id=getattr(actor, "pk", None))
        if not visible.exists():
            raise NotFound(_("储备点不存在"), code=ErrorCode.DEPOT_NOT_FOUND)
    found: Depot | None = qs.select_related("territory").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("储备点不存在"), code=ErrorCode.DEPOT_NOT_FOUND)
    is_custodian = custodian_may and found.custodian_id is not None and found.custodian_id == getattr(actor, "pk", 0)
    if not is_custodian:
        check_keeper(actor, found.territory)
    return found


def _item(item: SupplyItem | int | str, field: str = "item") -> SupplyItem:
    if isinstance(item, SupplyItem):
        found: SupplyItem | None = item if item.is_active else None
    else:
        lookup = {"pk": item} if isinstance(item, int) else {"key": item}
        found = SupplyItem.objects.filter(is_active=True, **lookup).first()
    if found is None:
        raise refuse(field, ErrorCode.UNKNOWN_ITEM, _("物资品类不存在或已停用"))
    return found


def supply_norm_set(
    *,
    actor: Any,
    item: SupplyItem | int | str,
    quantity_required: Any,
    depot_kind: str = "",
    depot: Depot | None = None,
) -> SupplyNorm:
    """Set the 储备定额 of ``item`` for every depot of ``depot_kind``, or for one ``depot`` (exactly one of the two).

    A kind's norm applies everywhere, so only the system or an administrator over every node (``change`` with no
    limit) sets it; a depot's own norm is set by those who keep the depot's node."""
    require(actor)
    found = _item(item)
    q = quantity(quantity_required, "quantity")
    if bool(depot_kind) == (depot is not None):
        raise refuse("depot", ErrorCode.INVALID_NORM, _("定额须对应一种储备点类型或一个储备点"))
    if depot_kind and depot_kind not in DepotKind.values:
        raise refuse("depot_kind", ErrorCode.INVALID_NORM, _("储备点类型不正确"))
    with transaction.atomic():
        if depot is not None:
            locked = _lock_depot(actor, depot, custodian_may=False)
            norm, _created = SupplyNorm.objects.select_for_update().get_or_create(
                item=found, depot=locked, depot_kind="", defaults={"quantity": q}
            )
        else:
            from wangge.core.scoping import CHANGE, scope_for

            if not is_system(actor) and not scope_for(actor, CHANGE).everything:
                raise refuse("depot_kind", ErrorCode.NODE_OUT_OF_SCOPE, _("按类型的定额只有系统管理员可以设置"))
            norm, _created = SupplyNorm.objects.select_for_update().get_or_create(
                item=found, depot=None, depot_kind=depot_kind, defaults={"quantity": q}
            )
        before = audit.snapshot(norm) if not _created else None
        norm.quantity = q
        norm.save(update_fields=["quantity"])
        audit.record(actor=actor, action="duty.norm_update", obj=norm, before=before, after=audit.snapshot(norm))
    return norm


def stocktake_record(
    *,
    actor: Any,
    depot: Depot | int,
    taken_on: dt.date,
    counts: Mapping[Any, Any],
    note: str = "",
    now: dt.datetime | None = None,
) -> StockTake:
    """A 盘点 of ``depot`` on ``taken_on``: ``counts`` maps items (objects, ids or keys) to the quantity counted.

    Sets the stock of each item counted to the count and keeps, per item, the book quantity before and the
    difference (盘盈 positive, 盘亏 negative). Items not counted keep their stock."""
    require(actor)
    at = now or timezone.now()
    if taken_on > timezone.localtime(at).date():
        raise refuse("taken_on", ErrorCode.STOCKTAKE_IN_FUTURE, _("盘点日期不能晚于今天"))
    counted = {_item(k, "counts"): quantity(v, f"counts.{k}") for k, v in counts.items() if v not in (None, "")}
    if not counted:
        raise refuse("counts", ErrorCode.STOCKTAKE_EMPTY, _("请至少填写一种物资的实盘数量"))
    note = text(note, "note", 500, ErrorCode.INVALID_QUANTITY)
    with transaction.atomic():
        locked = _lock_depot(actor, depot, custodian_may=True)
        take = StockTake.objects.create(
            depot=locked,
            taken_on=taken_on,
            taken_by=user_of(actor),
            taken_by_name=label_of(actor)[:150],
            note=note,
        )
        lines = []
        for item, count in sorted(counted.items(), key=lambda kv: (kv[0].ordering, kv[0].pk)):
            stock, _created = Stock.objects.select_for_update().get_or_create(depot=locked, item=item)
            book = Decimal(stock.quantity)
            lines.append(
                StockTakeLine(stocktake=take, item=item, book_quantity=book, counted=count, difference=count - book)
            )
            stock.quantity = count
            stock.save(update_fields=["quantity", "updated_at"])
        StockTakeLine.objects.bulk_create(lines)
        audit.record(
            actor=actor,
            action="duty.stocktake_create",
            obj=take,
            after={
                "depot": locked.pk,
                "taken_on": taken_on.isoformat(),
                "lines": {ln.item.key: {"book": str(ln.book_quantity), "counted": str(ln.counted)} for ln in lines},
            },
            only_changes=False,
        )
    return take


def stock_move(
    *,
    actor: Any,
    depot: Depot | int,
    item: SupplyItem | int | str,
    direction: str,
    quantity_moved: Any,
    reason: str,
    now: dt.datetime | None = None,
) -> StockMovement:
    """出库 (``issue``) or 入库 (``receive``) ``quantity_moved`` of ``item`` at ``depot``, with its reason.

    An issue larger than the stock is refused (``stock_negative``, 409) and changes nothing."""
    require(actor)
    at = now or timezone.now()
    if direction not in MovementDirection.values:
        raise refuse("direction", ErrorCode.INVALID_QUANTITY, _("出入库方向不正确"))
    found = _item(item)
    q = quantity(quantity_moved, "quantity", positive=True)
    reason = text(reason, "reason", 200, ErrorCode.REASON_REQUIRED, required=True)
    with transaction.atomic():
        locked = _lock_depot(actor, depot, custodian_may=True)
        stock, _created = Stock.objects.select_for_update().get_or_create(depot=locked, item=found)
        before = Decimal(stock.quantity)
        after = before - q if direction == MovementDirection.ISSUE else before + q
        if after < 0:
            raise StateRefused(
                _("%(item)s库存不足：现有 %(have)s%(unit)s，出库 %(want)s%(unit)s")
                % {"item": found.name, "have": before.normalize(), "want": q.normalize(), "unit": found.unit_label},
                code=ErrorCode.STOCK_NEGATIVE,
            )
        stock.quantity = after
        stock.save(update_fields=["quantity", "updated_at"])
        movement = StockMovement.objects.create(
            depot=locked,
            item=found,
            direction=direction,
            quantity=q,
            balance=after,
            reason=reason,
            at=at,
            actor=user_of(actor),
            actor_name=label_of(actor)[:150],
        )
        audit.record(
            actor=actor,
            action=f"duty.stock_{direction}",
            obj=movement,
            after={"item": found.key, "quantity": str(q), "before": str(before), "after": str(after), "reason": reason},
            only_changes=False,
        )
    return movement


def may_write_depot(actor: Any, depot: Depot) -> bool:
    """Whether ``actor`` may count or move the stock of ``depot`` (its custodian, or a keeper of its node)."""
    if depot.custodian_id is not None and depot.custodian_id == getattr(actor, "pk", None):
        return True
    return may_keep(actor, depot.territory)
