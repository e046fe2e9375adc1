"""The demo step: the 桥涵 campaign over 湛河区's bridges, every bridge inspected, cases opened through the intake
and some closed, quantities adding up to the article's totals; idempotent."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.campaigns.models import Campaign
from wangge.campaigns.selectors import campaign_totals
from wangge.core.actors import SYSTEM
from wangge.demo.campaigns import campaigns_seed


def test_the_demo_campaign_adds_up_to_the_seed_totals(cw: SimpleNamespace) -> None:
    Unit.objects.create(code="sanitation", name="环卫作业站", kind=UnitKind.COMPANY, territory=cw.district)
    created, unchanged = campaigns_seed(actor=SYSTEM, options=None)
    assert created > 0 and unchanged == 0
    campaign = Campaign.objects.get(is_synthetic=True)
    totals = campaign_totals(campaign)
    assert totals["points"] == totals["inspected"] == 4
    assert totals["cases"] == 2 and totals["closed"] == 1  # bridge 0 fails two case-opening lines
    got = {q["key"]: q["total"] for q in totals["quantities"]}
    assert got["rubbish"] == Decimal("53") and got["posters"] == Decimal("327")
    assert got["wall_paint"] == Decimal("350") and got["guardrail_fix"] == Decimal("2")
    assert got["railing_paint"] == Decimal("40")
    assert campaign.status == "active" and campaign.findings.filter(is_synthetic=True).count() == 4
    assert campaigns_seed(actor=SYSTEM, options=None) == (0, 1)
    assert Campaign.objects.count() == 1
