"""The demo's ledgers (``wangge.demo.ledgers``) on the synthetic outlines, kept small: only 华西社区's grids.

The steps it needs (territory, units, staff, calendar) and the ledgers step run once for the module inside a
transaction rolled back at the end; each test reads what they built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from django.db import transaction
from django.utils import timezone
from shapely.geometry import shape

from wangge.accounts.models import User
from wangge.core.crypto import blind_index
from wangge.core.models import AuditEntry
from wangge.core.validators import id_number_facts, validate_credit_code, validate_phone
from wangge.demo import ledgers
from wangge.demo.services import (
    DemoOptions,
    StepResult,
    demo_calendar_seed,
    demo_ledgers_seed,
    demo_seed,
    demo_staff_seed,
    demo_territory_seed,
    demo_units_seed,
)
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardFinding
from wangge.keypersons.models import KeyPerson
from wangge.keypersons.selectors import visible_key_persons
from wangge.ledgers.choices import MerchantKind, MoveKind, Relation, ResidentStatus
from wangge.ledgers.models import Building, Estate, Household, Merchant, ResidenceChange, Resident, ResidentTag
from wangge.territory import locator
from wangge.workcalendar.arithmetic import get_calendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger_demo")]

STEPS = [
    ("territory", demo_territory_seed),
    ("units", demo_units_seed),
    ("staff", demo_staff_seed),
    ("calendar", demo_calendar_seed),
    ("ledgers", demo_ledgers_seed),
]


@pytest.fixture(scope="module")
def ledger_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[StepResult]]:
    """The demo up to its ledgers, for 华西社区 only (the street would take longer and show nothing more)."""
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock(), transaction.atomic():
        mp.setattr(ledgers, "LEDGER_STREET", ledgers.LEDGER_COMMUNITY)
        locator.invalidate()
        yield demo_seed(options=DemoOptions(), steps=STEPS)
        transaction.set_rollback(True)
    locator.invalidate()


def test_the_ledgers_cover_every_grid_of_the_community(ledger_demo: list[StepResult]) -> None:
    step = ledger_demo[-1]
    assert step.name == "ledgers" and step.created > 0
    grids = ledgers.ledger_grids(full=False)
    assert len(grids) == 8 and all(g.code.startswith(ledgers.LEDGER_COMMUNITY) for g in grids)
    for grid in grids:
        outline = shape(grid.geometry)
        buildings = list(Building.objects.filter(grid=grid))
        assert len(buildings) >= 6, grid.code
        for b in buildings:
            assert b.is_synthetic and b.estate is not None
            assert b.code.startswith(grid.code) and len(b.code) == len(grid.code) + 3
            assert b.name.endswith("号楼") and 6 <= b.floors <= 18 and 1 <= b.units <= 4
            assert shapely.contains_xy(outline, b.lng, b.lat), b.code
            validate_phone(b.head_phone)
            assert b.head_phone_index == blind_index(b.head_phone)
    assert Estate.objects.filter(community__code=ledgers.LEDGER_COMMUNITY).count() == 3
    assert 500 <= Household.objects.count() <= 3000


def test_identity_numbers_are_valid_unique_and_agree_with_gender_and_birth_date() -> None:
    rows = list(Resident.objects.all())
    assert len(rows) > 1000 and all(r.is_synthetic for r in rows)
    assert len({r.id_number for r in rows}) == len(rows)
    today = timezone.localdate()
    for r in rows:
        gender, born = id_number_facts(r.id_number)  # raises on a wrong check digit or an impossible date
        assert (gender, born) == (r.gender, r.birth_date), r.id_number
        assert born <= today
        assert r.id_number_index == blind_index(r.id_number)
        if r.phone:
            validate_phone(r.phone)
            assert r.phone[3:7] == "0000" and r.phone_index == blind_index(r.phone)
        assert len(r.name) == 3 and r.name[0] in ledgers.SURNAMES
    registered = [r for r in rows if r.residence_type == "registered"]
    assert all(r.id_number.startswith("410403") for r in registered)
    tagged = {t.key: t.residents.count() for t in ResidentTag.objects.all()}
    assert tagged["living_alone_elderly"] > 0 and tagged["party_member"] > 0
    assert tagged["party_member"] < len(rows) * 0.15  # plausible proportions, not everyone


def test_each_household_has_its_head_among_its_members_and_moves_keep_history() -> None:
    for household in Household.objects.exclude(use="vacant").select_related("head")[:400]:
        assert household.head is not None and household.head.household_id == household.pk
        assert household.head.relation == Relation.HEAD
        assert household.code.startswith(household.building.code)  # type: ignore[union-attr]
    # everyone's arrival is recorded; those archived left no current household but their history
    assert ResidenceChange.objects.filter(kind=MoveKind.REGISTER).count() == Resident.objects.count()
    archived = list(Resident.objects.exclude(status=ResidentStatus.CURRENT))
    assert archived
    for r in archived:
        assert r.household_id is None and r.archived_at is not None and r.archive_reason
        assert r.moves.filter(kind__in=[MoveKind.MOVE_AWAY, MoveKind.DECEASED]).exists()


def test_merchants_have_valid_credit_codes_and_some_licences_expire_soon() -> None:
    merchants = list(Merchant.objects.all())
    assert len(merchants) >= 40
    assert len({m.credit_code for m in merchants}) == len(merchants)
    for m in merchants:
        validate_credit_code(m.credit_code)
        assert m.credit_code[2:8] == "410403"
        assert m.credit_code[:2] == ledgers.CREDIT_PREFIX[MerchantKind(m.kind)]
        assert m.name.endswith("（示例）") and m.contact_phone_index == blind_index(m.contact_phone)
        assert shapely.contains_xy(shape(m.grid.geometry), m.lng, m.lat)
    soon = timezone.localdate() + dt.timedelta(days=45)
    assert any(m.licence_expires and m.licence_expires <= soon for m in merchants)


def test_organisation_code_check_character() -> None:
    # GB 11714 example: D2143569 has the check character X
    assert ledgers.organisation_code_check("D2143569") == "X"


def test_hazard_findings_open_closed_and_overdue_with_their_history() -> None:
    findings = list(HazardFinding.objects.prefetch_related("events"))
    assert len(findings) >= 10
    now = timezone.now()
    calendar = get_calendar()
    statuses = {f.status for f in findings}
    assert {HazardStatus.OPEN, HazardStatus.CLOSED} <= statuses
    assert any(f.status == HazardStatus.OPEN and f.due_at < now for f in findings)
    for f in findings:
        assert f.due_at == calendar.add_working_days(f.found_at, f.deadline_days).value
        actions = [e.action for e in sorted(f.events.all(), key=lambda e: e.at)]
        assert actions[0] == "report"
        if f.status == HazardStatus.CLOSED:
            assert actions[-1] == "verify" and f.closed_at is not None and f.rectification
        assert f.owner_name


def test_key_persons_are_visible_only_to_the_key_person_officer() -> None:
    people = list(KeyPerson.objects.select_related("resident", "category"))
    assert 5 <= len(people) <= 8
    assert len({p.category.key for p in people}) >= 4
    today = timezone.localdate()
    assert sum(1 for p in people if p.next_visit_due and p.next_visit_due < today) == 2
    for p in people:
        assert p.resident.status == ResidentStatus.CURRENT and p.grid_id == p.resident.grid_id
        assert p.visits.exists()
    officer = User.objects.get(username="demo_key_person_officer")
    assert visible_key_persons(officer).count() == len(people)
    others = (
        "demo_grid_worker",
        "demo_grid_leader",
        "demo_community_staff",
        "demo_street_staff",
        "demo_leader",
        "demo_admin",
    )
    for username in others:
        assert not visible_key_persons(User.objects.get(username=username)).exists(), username


def test_households_were_visited_this_quarter_and_the_coverage_counts_them() -> None:
    from wangge.surveys.models import FormSubmission
    from wangge.surveys.selectors import registration_coverage
    from wangge.territory.models import Territory

    visits = FormSubmission.objects.filter(template__key="household_check", is_synthetic=True)
    assert visits.exists()
    assert not visits.filter(submitted_at__gt=timezone.now()).exists()
    for visit in visits.select_related("household")[:50]:
        assert visit.household is not None and visit.household.last_visited_at == visit.submitted_at
        assert visit.grid_id == visit.household.grid_id
    community = Territory.objects.get(code=ledgers.LEDGER_COMMUNITY)
    rows = registration_coverage(community, None)
    visited = sum(r["visited"] for r in rows)
    households = sum(r["households"] for r in rows)
    assert 0.4 * households < visited < households


def test_a_second_run_writes_nothing() -> None:
    before = (Resident.objects.count(), Household.objects.count(), Merchant.objects.count(), AuditEntry.objects.count())
    results = demo_seed(options=DemoOptions(), steps=[("ledgers", demo_ledgers_seed)])
    assert results[0].created == 0 and results[0].updated == 0
    after = (Resident.objects.count(), Household.objects.count(), Merchant.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_no_combination_of_the_name_lists_is_a_well_known_name() -> None:
    famous = {
        "杨丽萍",
        "陈晓东",
        "王国庆",
        "郭兰英",
        "张一鸣",
        "王宏伟",
        "林俊杰",
        "李宇春",
        "董建华",
        "彭丽媛",
        "郭德纲",
    }
    given = {g for names in ledgers.GIVEN_NAMES.values() for g in names}
    assert all(len(g) == 2 for g in given)  # single-character given names collide with famous names too easily
    assert not {s + g for s in ledgers.SURNAMES for g in given} & famous
