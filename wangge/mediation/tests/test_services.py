"""Registering a dispute: validation, the place, scope, protected numbers, the ledger link and the risk rule."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wangge.core import crypto
from wangge.core.crypto import blind_index
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.ledgers.models import Resident
from wangge.mediation import risk
from wangge.mediation.choices import RiskLevel
from wangge.mediation.models import Dispute, DisputeParty, DisputeType

from .conftest import T0, at, register


def test_register_files_the_dispute_with_its_parties(mw: SimpleNamespace) -> None:
    d = register(mw)
    assert d.code.startswith("TJ20250603") and d.status == "registered" and d.grid == mw.grid1
    assert d.party_count == 2 and d.people_count == 2 and str(d.amount) == "3500.00"
    assert [e.action for e in d.events.all()] == ["register"]
    assert AuditEntry.objects.filter(action="mediation.register").count() == 1


def test_numbers_are_stored_encrypted_with_blind_indexes(mw: SimpleNamespace) -> None:
    register(mw)
    party = DisputeParty.objects.get(name="赵大明")
    assert party.id_number == mw.id_a and party.id_number_index == blind_index(mw.id_a)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM mediation_disputeparty WHERE id = %s", [party.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert mw.id_a not in stored_id and "13800001111" not in stored_phone
    assert crypto.decrypt(stored_id) == mw.id_a
    entry = AuditEntry.objects.get(action="mediation.register")
    assert mw.id_a not in str(entry.after) and "13800001111" not in str(entry.after)


def test_a_party_with_the_id_number_of_a_ledger_resident_is_linked(mw: SimpleNamespace) -> None:
    resident = Resident.objects.create(
        name="赵大明", id_number=mw.id_a, id_number_index=blind_index(mw.id_a), grid=mw.grid1
    )
    d = register(mw)
    assert d.parties.get(name="赵大明").resident == resident
    assert d.parties.get(name="钱小红").resident is None


def test_a_party_may_be_given_as_a_resident(mw: SimpleNamespace) -> None:
    resident = Resident.objects.create(
        name="孙桂芝", id_number=mw.id_b, id_number_index=blind_index(mw.id_b), phone="13700003333", grid=mw.grid1
    )
    d = register(mw, parties=[{"name": "赵大明"}, {"resident": resident}])
    party = d.parties.get(resident=resident)
    assert party.name == "孙桂芝" and party.id_number == mw.id_b and party.phone == "13700003333"
    assert party.side == "respondent"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": ""}, "title", "invalid_dispute"),
        ({"parties": [{"name": "赵大明"}]}, "parties", "parties_required"),
        ({"parties": [{"name": "赵大明"}, {"name": ""}]}, "parties[1].name", "parties_required"),
        (
            {"parties": [{"name": "赵大明", "id_number": "410403199001011235"}, {"name": "钱"}]},
            "parties[0].id_number",
            "invalid_id_number",
        ),
        ({"parties": [{"name": "赵大明", "phone": "电话号码"}, {"name": "钱"}]}, "parties[0].phone", "invalid_phone"),
        ({"cause_class": "weather"}, "cause_class", "invalid_dispute"),
        ({"amount": "-5"}, "amount", "invalid_dispute"),
        ({"amount": "很多"}, "amount", "invalid_dispute"),
        ({"people_count": 1}, "people_count", "invalid_dispute"),
        ({"found_at": at(5)}, "found_at", "found_in_future"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_invalid_input_is_refused_with_the_field_named(
    mw: SimpleNamespace, change: dict, field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        register(mw, **change)
    assert field in {p["field"] for p in refused.value.details}
    assert code in {p["error"] for p in refused.value.details}
    assert not Dispute.objects.exists() and not DisputeParty.objects.exists()


def test_a_switched_off_type_is_refused(mw: SimpleNamespace) -> None:
    DisputeType.objects.filter(pk=mw.neighbour.pk).update(is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        register(mw, type=DisputeType.objects.get(pk=mw.neighbour.pk))
    assert refused.value.code == "unknown_dispute_type"


def test_the_place_is_located_to_its_grid(mw: SimpleNamespace) -> None:
    d = register(mw, actor=mw.community_staff, grid=None, lng=113.07, lat=33.02)
    assert d.grid == mw.grid2
    with pytest.raises(ValidationFailed) as refused:
        register(mw, grid=None, lng=120.0, lat=30.0)
    assert refused.value.code == "outside_territory"
    with pytest.raises(ValidationFailed) as refused:
        register(mw, grid=mw.grid1, lng=113.07, lat=33.02)
    assert refused.value.code == "place_mismatch"
    with pytest.raises(ValidationFailed) as refused:
        register(mw, grid=None)
    assert refused.value.code == "place_required"
    with pytest.raises(ValidationFailed):
        register(mw, grid=mw.community)


def test_a_registrant_files_only_in_the_grids_they_keep(mw: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied) as refused:
        register(mw, actor=mw.other_worker)  # grid 2's worker, a grid 1 dispute
    assert refused.value.code == "place_out_of_scope"
    with pytest.raises(PermissionDenied):
        register(mw, actor=mw.dispatcher)  # sees the district, keeps no ledger
    assert not Dispute.objects.exists()
    assert register(mw, actor=mw.community_staff).grid == mw.grid1


# --- the risk rule -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "level"),
    [
        ({}, RiskLevel.LOW),
        ({"threat_of_violence": True}, RiskLevel.HIGH),
        ({"people_count": 30}, RiskLevel.HIGH),
        ({"party_count": 10, "people_count": 10}, RiskLevel.HIGH),
        ({"people_count": 12}, RiskLevel.MEDIUM),
        ({"party_count": 5, "people_count": 5}, RiskLevel.MEDIUM),
        ({"petition_risk": True}, RiskLevel.MEDIUM),
        ({"is_repeat": True}, RiskLevel.MEDIUM),
        ({"petition_risk": True, "is_repeat": True}, RiskLevel.HIGH),
        ({"declared": RiskLevel.MEDIUM, "petition_risk": True}, RiskLevel.HIGH),
        ({"declared": RiskLevel.HIGH}, RiskLevel.HIGH),
    ],
    ids=lambda v: str(v),
)
def test_the_risk_rule(kw: dict, level: str) -> None:
    args = {"party_count": 2, "people_count": 2, **kw}
    assessed = risk.assess(**args)
    assert assessed.level == level
    assert bool(assessed.reasons) == (level != args.get("declared", RiskLevel.LOW))


def test_registration_applies_the_risk_rule(mw: SimpleNamespace) -> None:
    d = register(mw, people_count=40)
    assert d.risk_level == RiskLevel.HIGH and "群体性" in d.risk_reasons[0]
    d = register(mw, petition_risk=True, title="第二件")
    assert d.risk_level == RiskLevel.HIGH  # also a repeat: the same two parties as the first
    assert d.is_repeat and "有信访苗头" in d.risk_reasons and "同一当事人反复纠纷" in d.risk_reasons


def test_a_repeat_needs_two_shared_parties(mw: SimpleNamespace) -> None:
    register(mw)
    other = register(mw, parties=[{"name": "赵大明", "id_number": mw.id_a}, {"name": "周某某"}], found_at=T0)
    assert not other.is_repeat
    again = register(mw, parties=[{"name": "钱小红", "id_number": mw.id_b}, {"name": "赵大明", "id_number": mw.id_a}])
    assert again.is_repeat and again.risk_level == RiskLevel.MEDIUM
