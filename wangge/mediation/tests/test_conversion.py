"""转调解: a work order converted into a dispute keeps the link both ways and closes as 转调解."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.workflow import InvalidTransition
from wangge.mediation.models import Dispute
from wangge.mediation.services import dispute_from_work_order
from wangge.workorders.choices import Status
from wangge.workorders.models import Event, WorkOrder
from wangge.workorders.tests.conftest import act, new_case
from wangge.workorders.workflow import available as case_steps

from .conftest import T0, at

PARTIES = [{"name": "王先生", "phone": "13812341234"}, {"name": "楼上住户"}]


def convert(w: SimpleNamespace, wo: WorkOrder, who: str = "dispatcher", **kw: object) -> Dispute:
    fields = {"cause_class": "citizen", "type": w.neighbour, "parties": PARTIES, "now": at(2)}
    fields.update(kw)
    return dispute_from_work_order(actor=getattr(w, who), work_order=wo, **fields)  # type: ignore[arg-type]


def test_a_converted_work_order_keeps_the_link_both_ways_and_closes_as_referred_to_mediation(
    mw: SimpleNamespace,
) -> None:
    wo = new_case(mw, at=T0)
    d = convert(mw, wo)
    wo.refresh_from_db()
    assert d.work_order == wo and list(wo.disputes.all()) == [d]
    assert d.source == "hotline" and d.source_reference == wo.tracking_code and d.grid == mw.grid1
    assert d.title == wo.title and d.events.get().action == "convert"
    assert wo.status == Status.CLOSED and wo.closed_at == at(2)
    last = Event.objects.filter(work_order=wo).order_by("at", "id").last()
    assert last is not None and last.name == "refer_to_mediation" and last.data["dispute"] == d.code
    assert d.code in last.note


def test_a_handling_case_can_be_converted_by_community_staff(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    act(mw, wo, "dispatch", "dispatcher", at(1), unit=mw.dept)
    act(mw, wo, "accept", "handler", at(1))
    d = convert(mw, wo, who="community_staff")
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.CLOSED and d.work_order_id == wo.pk


def test_a_work_order_is_converted_once(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    convert(mw, wo)
    with pytest.raises((ValidationFailed, InvalidTransition)):
        convert(mw, wo)
    assert Dispute.objects.count() == 1


def test_a_refused_conversion_leaves_no_dispute_and_the_case_open(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    with pytest.raises(PermissionDenied):
        convert(mw, wo, who="inspector")  # sees the case, may not convert it
    with pytest.raises(NotFound):
        convert(mw, wo, who="stranger")
    with pytest.raises(ValidationFailed):
        convert(mw, wo, parties=[{"name": "王先生"}])
    assert not Dispute.objects.exists() and WorkOrder.objects.get(pk=wo.pk).status == Status.REGISTERED
    closed = new_case(mw, at=T0)
    act(mw, closed, "invalidate", "caller", at(1), note="重复")
    with pytest.raises(InvalidTransition):
        convert(mw, closed)
    assert not Dispute.objects.exists()


def test_the_case_step_alone_is_refused_without_a_dispute(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    assert "refer_to_mediation" not in {t.name for t in case_steps(mw.dispatcher, wo)}
    with pytest.raises(InvalidTransition) as refused:
        act(mw, wo, "refer_to_mediation", "dispatcher", at(1))
    assert refused.value.code == "not_converted_to_dispute"
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.REGISTERED
