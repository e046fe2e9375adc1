"""Flood supplies: norms and shortfall, stock-takes that set the stock, issues that never go below zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from wangge.core.actors import SYSTEM
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.duty.choices import DepotKind
from wangge.duty.errors import ErrorCode, StateRefused
from wangge.duty.models import Depot, Stock, StockMovement, StockTake
from wangge.duty.selectors import depot_supply_rows, flood_readiness, overdue_stocktakes, shortfalls, stocktake_state
from wangge.duty.services import depot_create, stock_move, stocktake_record, supply_norm_set

from .conftest import local


def depot(w: SimpleNamespace, **kw: object) -> Depot:
    fields: dict[str, object] = {
        "actor": w.street_staff,
        "name": "优越路街道防汛物资储备点",
        "kind": DepotKind.STREET,
        "territory": w.street,
        "custodian": w.worker,
    }
    fields.update(kw)
    return depot_create(**fields)  # type: ignore[arg-type]


def stock_of(d: Depot, key: str) -> Decimal:
    return Stock.objects.get(depot=d, item__key=key).quantity


def test_a_stocktake_sets_the_stock_and_keeps_the_differences(w):
    d = depot(w)
    stock_move(
        actor=w.street_staff, depot=d, item="woven_bag", direction="receive", quantity_moved=500, reason="采购入库"
    )
    take = stocktake_record(
        actor=w.worker,
        depot=d,
        taken_on=dt.date(2025, 7, 19),
        counts={"woven_bag": 480, "life_jacket": 60},
        now=local(2025, 7, 19, 10),
    )
    assert stock_of(d, "woven_bag") == Decimal(480) and stock_of(d, "life_jacket") == Decimal(60)
    lines = {ln.item.key: (ln.book_quantity, ln.counted, ln.difference) for ln in take.lines.all()}
    assert lines == {"woven_bag": (500, 480, -20), "life_jacket": (0, 60, 60)}
    assert AuditEntry.objects.filter(action="duty.stocktake_create", object_id=str(take.pk)).exists()


def test_a_stocktake_is_refused_when_dated_ahead_empty_or_by_an_outsider(w):
    d = depot(w)
    with pytest.raises(ValidationFailed) as exc:
        stocktake_record(
            actor=w.worker, depot=d, taken_on=dt.date(2025, 7, 20), counts={"woven_bag": 1}, now=local(2025, 7, 19, 10)
        )
    assert exc.value.code == ErrorCode.STOCKTAKE_IN_FUTURE
    with pytest.raises(ValidationFailed):
        stocktake_record(actor=w.worker, depot=d, taken_on=dt.date(2025, 7, 19), counts={}, now=local(2025, 7, 19, 10))
    with pytest.raises(NotFound):
        stocktake_record(actor=w.stranger, depot=d, taken_on=dt.date(2025, 7, 19), counts={"woven_bag": 1})
    with pytest.raises(PermissionDenied):
        stocktake_record(actor=w.leader, depot=d, taken_on=dt.date(2025, 7, 19), counts={"woven_bag": 1})
    assert not StockTake.objects.exists() and not Stock.objects.exists()


def test_an_issue_never_takes_the_stock_below_zero(w):
    d = depot(w)
    stock_move(actor=w.worker, depot=d, item="pump", direction="receive", quantity_moved=3, reason="调拨入库")
    moved = stock_move(actor=w.worker, depot=d, item="pump", direction="issue", quantity_moved=2, reason="金鹰河排涝")
    assert moved.balance == 1 and stock_of(d, "pump") == 1
    with pytest.raises(StateRefused) as exc:
        stock_move(actor=w.worker, depot=d, item="pump", direction="issue", quantity_moved=2, reason="下穿桥涵排水")
    assert exc.value.code == ErrorCode.STOCK_NEGATIVE and exc.value.http_status == 409
    assert stock_of(d, "pump") == 1
    assert StockMovement.objects.count() == 2
    assert AuditEntry.objects.filter(action="duty.stock_issue").count() == 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"quantity_moved": 0}, ErrorCode.INVALID_QUANTITY),
        ({"quantity_moved": "-1"}, ErrorCode.INVALID_QUANTITY),
        ({"quantity_moved": "1.234"}, ErrorCode.INVALID_QUANTITY),
        ({"reason": ""}, ErrorCode.REASON_REQUIRED),
        ({"item": "no_such_item"}, ErrorCode.UNKNOWN_ITEM),
    ],
)
def test_a_movement_with_bad_input_is_refused_and_changes_nothing(w, kw, code):
    d = depot(w)
    args = {
        "actor": w.worker,
        "depot": d,
        "item": "pump",
        "direction": "receive",
        "quantity_moved": 1,
        "reason": "入库",
    }
    args.update(kw)
    with pytest.raises(ValidationFailed) as exc:
        stock_move(**args)  # type: ignore[arg-type]
    assert exc.value.code == code
    assert not StockMovement.objects.exists()


def test_the_shortfall_is_the_norm_less_the_stock_with_a_depots_own_norm_first(w):
    d = depot(w)
    supply_norm_set(actor=SYSTEM, item="woven_bag", quantity_required=1000, depot_kind=DepotKind.STREET)
    supply_norm_set(actor=SYSTEM, item="life_jacket", quantity_required=50, depot_kind=DepotKind.STREET)
    supply_norm_set(actor=w.street_staff, item="life_jacket", quantity_required=80, depot=d)
    stocktake_record(
        actor=w.worker,
        depot=d,
        taken_on=dt.date(2025, 7, 19),
        counts={"woven_bag": 1200, "life_jacket": 60},
        now=local(2025, 7, 19, 10),
    )
    rows = {r["item_key"]: (r["required"], r["stock"], r["shortfall"]) for r in depot_supply_rows(d)}
    assert rows == {"woven_bag": (1000, 1200, 0), "life_jacket": (80, 60, 20)}
    short = shortfalls(Depot.objects.all())
    assert [(r["depot_name"], r["item_name"], r["shortfall"]) for r in short] == [
        ("优越路街道防汛物资储备点", "救生衣", 20)
    ]


def test_a_kinds_norm_is_set_by_the_platform_only(w):
    with pytest.raises(ValidationFailed) as exc:
        supply_norm_set(actor=w.street_staff, item="woven_bag", quantity_required=10, depot_kind=DepotKind.STREET)
    assert exc.value.code == ErrorCode.NODE_OUT_OF_SCOPE
    with pytest.raises(ValidationFailed):
        supply_norm_set(actor=SYSTEM, item="woven_bag", quantity_required=10)  # neither kind nor depot


def test_a_stocktake_older_than_the_interval_is_overdue(w, settings):
    settings.WANGGE_DUTY_STOCKTAKE_INTERVAL_DAYS = 30
    d = depot(w)
    never = depot(w, name="华西社区储备点", kind=DepotKind.COMMUNITY, territory=w.community)
    stocktake_record(
        actor=w.worker, depot=d, taken_on=dt.date(2025, 6, 1), counts={"raincoat": 10}, now=local(2025, 6, 1, 9)
    )
    assert stocktake_state(d, dt.date(2025, 7, 1))["overdue"] is False
    assert stocktake_state(d, dt.date(2025, 7, 2))["overdue"] is True
    assert [x.name for x in overdue_stocktakes(Depot.objects.all(), dt.date(2025, 7, 1))] == [never.name]
    d.stocktake_interval_days = 10
    d.save()
    assert {x.pk for x in overdue_stocktakes(Depot.objects.all(), dt.date(2025, 6, 12))} == {d.pk, never.pk}


def test_a_depot_is_registered_only_on_a_node_one_keeps(w):
    with pytest.raises(PermissionDenied):
        depot(w, actor=w.community_staff)
    with pytest.raises(ValidationFailed):
        depot(w, custodian=None, custodian_name="")
    assert not Depot.objects.exists()


def test_flood_readiness_sums_a_nodes_figures(w):
    d = depot(w)
    supply_norm_set(actor=SYSTEM, item="woven_bag", quantity_required=1000, depot_kind=DepotKind.STREET)
    stocktake_record(
        actor=w.worker, depot=d, taken_on=dt.date(2025, 7, 19), counts={"woven_bag": 900}, now=local(2025, 7, 19, 9)
    )
    figures = flood_readiness(w.district, local(2025, 7, 20, 10))
    assert figures["depots"] == 1 and figures["depots_short"] == 1
    assert figures["shortfalls"][0]["shortfall"] == 100
    assert figures["overdue_stocktakes"] == []
    assert flood_readiness(w.other_district, local(2025, 7, 20, 10))["depots"] == 0
