"""The demo's mediation step: three years of disputes up to today, over 97 % resolved, the three cause classes,
a committee per community and street with mediators; written in bulk, once."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from wangge.demo import mediation as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.mediation.choices import OrganisationKind
from wangge.mediation.models import Dispute, DisputeParty, MediationOrganisation, Mediator
from wangge.mediation.selectors import dispute_summary
from wangge.mediation.services import dispute_transition

from .conftest import register

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_three_years_of_disputes_once(mw: SimpleNamespace, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "DEMO_DISPUTES", 900)
    created, unchanged = demo.mediation_seed(actor=DEMO_ACTOR, options=None)
    assert Dispute.objects.count() == 900 and created > 900 and unchanged == 0
    today = timezone.localdate()
    first = Dispute.objects.order_by("found_at").first()
    assert first is not None and (today - timezone.localtime(first.found_at).date()).days <= 3 * 366
    summary = dispute_summary(mw.district, today - dt.timedelta(days=3 * 366), today)
    assert summary["accepted"] == 900 and summary["resolution_rate"] >= 0.97
    assert all(r["accepted"] > 0 for r in summary["by_cause_class"])
    assert {r["key"] for r in summary["by_track"] if r["accepted"]} == {"people", "administrative", "judicial"}
    kinds = set(MediationOrganisation.objects.values_list("kind", flat=True))
    assert {OrganisationKind.COMMUNITY_COMMITTEE, OrganisationKind.STREET_COMMITTEE, OrganisationKind.COURT} <= kinds
    assert Mediator.objects.filter(kind="elders").exists() and Mediator.objects.filter(kind="legal_literate").exists()
    party = DisputeParty.objects.filter(kind="person").first()
    assert party is not None and len(party.id_number) == 18 and party.id_number_index
    # a referred dispute shows both tracks in its one history
    referred = Dispute.objects.filter(track="judicial", stints__track="people").distinct().first()
    assert referred is not None and [s.track for s in referred.stints.order_by("started_at")] == ["people", "judicial"]
    # the rows work with the services as any other
    open_one = Dispute.objects.filter(status="mediating").first()
    assert open_one is not None
    session = dispute_transition(
        actor=mw.community_staff,
        dispute=open_one,
        name="record_session",
        held_on=timezone.localdate().isoformat(),
        place="调解室",
        attendees="双方",
    )
    assert session.sessions.count() == 2
    assert demo.mediation_seed(actor=DEMO_ACTOR, options=None) == (0, 900)
    assert Dispute.objects.count() == 900
    # the ids written by the demo are behind the sequence: the next dispute gets a fresh one (PostgreSQL)
    top = max(Dispute.objects.values_list("pk", flat=True))
    assert register(mw).pk > top


def test_the_summary_of_the_demo_district_over_three_years(mw: SimpleNamespace) -> None:
    """Done when: ``dispute_summary 410403 --from 2023-12-01 --to 2026-11-30`` on the demo reports ≥ 7,000
    disputes and a 化解率 ≥ 0.97 (the demo built on 4 December 2026)."""
    with freeze_time(dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)):
        demo.mediation_seed(actor=DEMO_ACTOR, options=None)
    out = io.StringIO()
    call_command("dispute_summary", "410403", "--from", "2023-12-01", "--to", "2026-11-30", stdout=out)
    data = json.loads(out.getvalue())
    assert data["accepted"] >= 7000 and data["found"] >= 7000
    assert 0.97 <= data["resolution_rate"] <= 1 and data["resolved"] == round(
        data["resolution_rate"] * data["accepted"]
    )
