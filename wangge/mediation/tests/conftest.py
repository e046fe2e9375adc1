"""The closed-loop test district (``world``) with mediation staff, organisations, mediators and a dispute maker."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.choices import Role
from wangge.mediation.choices import CauseClass, MediatorKind, OrganisationKind
from wangge.mediation.models import Dispute, DisputeType, MediationOrganisation, Mediator
from wangge.mediation.services import dispute_register, dispute_transition
from wangge.workorders.tests.conftest import _user, local, world  # noqa: F401  (fixture)

# Valid GB 11643 numbers (check character computed), made up.
ID_A = "410403199001011234"
ID_B = "41040319850505201X"


def valid_id(first17: str) -> str:
    from wangge.core.validators import id_number_checksum

    return first17 + id_number_checksum(first17)


@pytest.fixture
def mw(world: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    """``world`` plus community and street staff, a community 调委会, a street 调委会, the court's 诉前调解 and
    a mediator of each."""
    w = world
    w.id_a = valid_id("41040319900101123")
    w.id_b = valid_id("41040319850505201")
    w.community_staff = _user("community_staff", Role.COMMUNITY_STAFF, territory=w.community)
    w.street_staff = _user("street_staff", Role.STREET_STAFF, territory=w.street)
    w.grid_leader = _user("grid_leader", Role.GRID_LEADER, territory=w.grid1)
    w.other_staff = _user("other_staff", Role.STREET_STAFF, territory=w.other_district)
    w.committee = MediationOrganisation.objects.create(
        name="测试社区人民调解委员会", kind=OrganisationKind.COMMUNITY_COMMITTEE, territory=w.community
    )
    w.court = MediationOrganisation.objects.create(
        name="卫东区人民法院诉前调解", kind=OrganisationKind.COURT, territory=w.district
    )
    w.mediator = Mediator.objects.create(name="张调解", kind=MediatorKind.ELDERS, organisation=w.committee)
    w.mediator2 = Mediator.objects.create(name="李调解", kind=MediatorKind.FULL_TIME, organisation=w.committee)
    w.judge_mediator = Mediator.objects.create(name="王法官", kind=MediatorKind.LAWYER, organisation=w.court)
    w.neighbour = DisputeType.objects.get(key="neighbour")
    return w


T0 = local(2025, 6, 3, 9, 0)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def register(w: SimpleNamespace, **kw: Any) -> Dispute:
    fields: dict[str, Any] = {
        "actor": w.worker,
        "title": "楼上漏水致楼下墙面受损",
        "description": "302 室卫生间漏水，202 室墙面发霉，双方协商未果。",
        "cause_class": CauseClass.CITIZEN,
        "type": w.neighbour,
        "parties": [
            {"side": "applicant", "name": "赵大明", "id_number": w.id_a, "phone": "13800001111"},
            {"side": "respondent", "name": "钱小红", "id_number": w.id_b, "phone": "13900002222"},
        ],
        "grid": w.grid1,
        "address": "测试路 1 号 2 单元",
        "amount": "3500",
        "found_at": T0,
        "now": T0,
    }
    fields.update(kw)
    return dispute_register(**fields)


def step(
    w: SimpleNamespace, d: Dispute, name: str, who: str = "community_staff", hours: float = 1, **p: Any
) -> Dispute:
    return dispute_transition(actor=getattr(w, who), dispute=d, name=name, now=at(hours), **p)


def mediating(w: SimpleNamespace, **kw: Any) -> Dispute:
    d = register(w, **kw)
    step(w, d, "accept", hours=1)
    return step(w, d, "assign", hours=2, track="people", organisation=w.committee.pk, mediator=w.mediator.pk)
