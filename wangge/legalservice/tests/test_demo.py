"""The demo step: the seed's counts for 卫东区, every case's history agreeing with its status, and idempotence."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from django.db.models import Count

from wangge.core.actors import SYSTEM
from wangge.demo.legalservice import AID_CASES, LITERATES, legalservice_seed
from wangge.legalservice.choices import AidStatus, LiaisonRole
from wangge.legalservice.models import (
    AdviserCommunity,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidEvent,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.selectors import legal_summary
from wangge.legalservice.workflow import WORKFLOW


def test_the_demo_builds_the_seeds_figures_once(lw: SimpleNamespace) -> None:
    created, unchanged = legalservice_seed(actor=SYSTEM, options=None)
    assert unchanged == 0
    communities = 3
    assert LegalAdviser.objects.count() == AdviserCommunity.objects.count() == communities
    assert LegalLiterate.objects.count() == LITERATES
    assert LegalLiterate.objects.values("grid").distinct().count() == 4  # every grid has some
    assert Liaison.objects.count() == communities * len(LiaisonRole.values)
    assert LegalAidPoint.objects.count() == 1 + 2 + communities  # the centre, a station per street, contact points
    assert LegalAidCase.objects.count() == AID_CASES
    assert Consultation.objects.exists()
    total = sum(
        m.objects.count()
        for m in (
            LegalAdviser,
            LegalLiterate,
            Liaison,
            LegalAidPoint,
            LegalAidCase,
            LegalAidEvent,
            Consultation,
        )
    )
    assert created >= total  # the service records are counted too
    summary = legal_summary(lw.admin)
    assert (summary["adviser_coverage"], summary["liaison_coverage"], summary["literates"]) == (1.0, 1.0, LITERATES)
    statuses = dict(LegalAidCase.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses.get(AidStatus.CLOSED, 0) > AID_CASES // 2 and statuses.get(AidStatus.REJECTED, 0) > 0
    assert legalservice_seed(actor=SYSTEM, options=None) == (0, 1)
    assert LegalAidCase.objects.count() == AID_CASES


def test_every_demo_case_has_the_history_of_its_status(lw: SimpleNamespace) -> None:
    legalservice_seed(actor=SYSTEM, options=None)
    for case in LegalAidCase.objects.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.at, e.pk))
        assert events[0].action == "create" and events[-1].to_status == case.status
        for before, after in itertools.pairwise(events):
            t = WORKFLOW[after.action]
            assert before.to_status in t.sources and after.to_status in t.targets
            assert after.at >= before.at
        if case.status == AidStatus.CLOSED:
            assert case.outcome and case.lawyer_name and case.reviewed_on_time is not None
        assert case.review_due_at > case.received_at
        assert case.applicant_id_number[:6] == "410403"
