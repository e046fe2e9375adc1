"""The figures: one definition, counted once per dispute, and the ``dispute_summary`` command."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from wangge.mediation.models import Dispute
from wangge.mediation.selectors import dispute_summary, high_risk_open, mediator_caseloads

from .conftest import mediating, register, step

DAY = dt.date(2025, 6, 3)


def _resolved_after_referral(w: SimpleNamespace, title: str) -> Dispute:
    d = mediating(w, title=title)
    step(w, d, "fail", hours=3, note="分歧大")
    step(w, d, "refer", hours=4, referral="judicial", organisation=w.court.pk, mediator=w.judge_mediator.pk)
    return step(w, d, "agree", hours=5, agreement_kind="written", terms="赔偿 3000 元")


def test_a_dispute_referred_from_people_to_court_mediation_counts_once(mw: SimpleNamespace) -> None:
    _resolved_after_referral(mw, "接续调解")
    failed = mediating(mw, title="诉讼")
    step(mw, failed, "fail", hours=3, note="分歧大")
    step(mw, failed, "refer", hours=4, referral="litigation")
    mediating(mw, title="在调")
    register(mw, title="未受理")
    s = dispute_summary(mw.district, DAY, DAY)
    assert s["found"] == 4 and s["accepted"] == 3 and s["resolved"] == 1
    assert s["resolution_rate"] == round(1 / 3, 4)
    tracks = {r["key"]: (r["accepted"], r["resolved"]) for r in s["by_track"]}
    assert tracks == {"people": (3, 0), "judicial": (1, 1), "administrative": (0, 0)}
    causes = {r["key"]: r["accepted"] for r in s["by_cause_class"]}
    assert causes == {"government": 0, "organisation": 0, "citizen": 3}
    assert {r["key"]: r["accepted"] for r in s["by_type"]}["neighbour"] == 3
    assert [(r["code"], r["accepted"], r["resolved"]) for r in s["by_street"]] == [("410403001", 3, 1)]
    assert s["average_days"] == round(4 / 24, 1)  # accepted at +1 h, agreed at +5 h
    assert "化解率" in s["definitions"]["resolution_rate"]


def test_the_period_is_by_acceptance_day(mw: SimpleNamespace) -> None:
    _resolved_after_referral(mw, "六月")
    assert dispute_summary(mw.district, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=30))["accepted"] == 0
    empty = dispute_summary(mw.other_district, DAY, DAY)
    assert empty["accepted"] == 0 and empty["resolution_rate"] is None


def test_high_risk_open_and_caseloads(mw: SimpleNamespace) -> None:
    risky = mediating(mw, threat_of_violence=True)
    mediating(mw, title="一般")
    assert list(high_risk_open(mw.district)) == [risky]
    assert dispute_summary(mw.district, DAY, DAY)["high_risk_open"] == 1
    step(mw, risky, "agree", hours=3, agreement_kind="oral")
    assert not high_risk_open(mw.district).exists()
    annotated = [vars(m) for m in mediator_caseloads(type(mw.mediator).objects.all())]
    loads = {r["name"]: (r["cases"], r["open_cases"], r["resolved_cases"]) for r in annotated}
    assert loads["张调解"] == (2, 1, 1)


def test_the_command_prints_json_with_the_figures(mw: SimpleNamespace) -> None:
    _resolved_after_referral(mw, "命令")
    out = io.StringIO()
    call_command("dispute_summary", "410403", "--from", "2025-06-01", "--to", "2025-06-30", stdout=out)
    data = json.loads(out.getvalue())
    assert data["accepted"] == 1 and data["resolved"] == 1 and data["resolution_rate"] == 1.0
    assert {"found", "average_days", "by_cause_class", "by_type", "by_street", "by_track", "high_risk_open"} <= set(
        data
    )
    with pytest.raises(CommandError):
        call_command("dispute_summary", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("dispute_summary", "410403", "--from", "2025-07-01", "--to", "2025-06-01", stdout=io.StringIO())
