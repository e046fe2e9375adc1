"""Who sees what: every register is read within the user's territory subtree; an adviser is also seen by the
communities it serves; the figures count what the user sees; protected numbers are revealed to the entitled
only, and each reveal is audited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from wangge.core.models import AuditEntry
from wangge.core.validators import mask_id_number
from wangge.legalservice.choices import AidStatus, LiaisonRole
from wangge.legalservice.models import LegalAdviser, LegalAidCase, LegalLiterate
from wangge.legalservice.selectors import coverage, legal_summary, literates_by_street, may_reveal, reveal
from wangge.legalservice.services import adviser_create, legal_aid_transition, liaison_create, literate_create
from wangge.legalservice.tests.conftest import ID_NUMBER, apply, local


def _adviser(w: SimpleNamespace) -> LegalAdviser:
    return adviser_create(
        actor=w.admin,
        name="王立新",
        law_firm="河南鹰城律师事务所",
        licence_no="14104201810123456",
        territory=w.district,
        communities=[w.c1],
        since=dt.date(2025, 1, 1),
    )


def test_an_adviser_registered_at_the_district_is_seen_by_the_community_it_serves(lw: SimpleNamespace) -> None:
    adviser = _adviser(lw)
    assert list(LegalAdviser.objects.restrict(lw.community_staff)) == [adviser]
    assert not LegalAdviser.objects.restrict(lw.worker).exists()  # a grid is below the community: not its subtree
    assert not LegalAdviser.objects.restrict(lw.other_street).exists()
    assert LegalAdviser.objects.restrict(lw.leader).count() == 1


def test_cases_and_literates_are_seen_in_the_subtree_only(lw: SimpleNamespace) -> None:
    case = apply(lw)
    literate_create(actor=lw.admin, name="刘秀兰", grid=lw.g1)
    literate_create(actor=lw.admin, name="张满仓", grid=lw.g4)
    assert list(LegalAidCase.objects.restrict(lw.street_staff)) == [case]
    assert not LegalAidCase.objects.restrict(lw.other_street).exists()
    assert list(LegalLiterate.objects.restrict(lw.other_street).values_list("name", flat=True)) == ["张满仓"]
    assert LegalLiterate.objects.restrict(lw.leader).count() == 2


def test_literates_are_counted_per_street(lw: SimpleNamespace) -> None:
    for name, grid in (("甲", lw.g1), ("乙", lw.g1), ("丙", lw.g3), ("丁", lw.g4)):
        literate_create(actor=lw.admin, name=name, grid=grid)
    rows = {r["street"].code: (r["count"], r["grids"]) for r in literates_by_street(lw.admin)}
    assert rows == {"410403001": (3, 2), "410403002": (1, 1)}
    assert [(r["street"].code, r["count"]) for r in literates_by_street(lw.other_street)] == [("410403002", 1)]


def test_coverage_names_the_communities_without_an_adviser_or_a_full_set_of_liaisons(lw: SimpleNamespace) -> None:
    _adviser(lw)
    for role in LiaisonRole.values:
        liaison_create(
            actor=lw.admin,
            role=role,
            institution="卫东区",
            person_name=f"联络{role}",
            community=lw.c1,
            starts_on=dt.date(2025, 1, 1),
        )
    liaison_create(
        actor=lw.admin,
        role=LiaisonRole.POLICE,
        institution="五一路派出所",
        person_name="退岗民警",
        community=lw.c3,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
    )
    rows = {r["community"].code: r for r in coverage(lw.admin, dt.date(2025, 6, 1))}
    assert (rows["410403001001"]["has_adviser"], rows["410403001001"]["liaisons_complete"]) == (True, True)
    assert rows["410403001002"]["has_adviser"] is False
    assert rows["410403002001"]["missing_roles"] == list(LiaisonRole.values)  # the police liaison ended
    summary = legal_summary(lw.admin, timezone.make_aware(dt.datetime(2025, 6, 1, 12)))
    assert (summary["communities"], summary["adviser_covered"], summary["adviser_coverage"]) == (3, 1, 0.3333)
    assert summary["liaison_coverage"] == 0.3333
    assert legal_summary(lw.other_street, timezone.make_aware(dt.datetime(2025, 6, 1, 12)))["adviser_coverage"] == 0


def test_cases_by_status_and_overdue_reviews(lw: SimpleNamespace) -> None:
    apply(lw)
    accepted = apply(lw)
    legal_aid_transition(actor=lw.street_staff, case=accepted, name="aid_accept", now=local(2025, 6, 4, 9))
    counts = legal_summary(lw.street_staff, local(2025, 6, 20, 9))["cases"]
    assert counts["by_status"][AidStatus.APPLIED] == 1
    assert counts["by_status"][AidStatus.ACCEPTED] == 1
    assert counts["review_overdue"] == 1
    assert legal_summary(lw.street_staff, local(2025, 6, 5, 9))["cases"]["review_overdue"] == 0


def test_the_applicants_numbers_are_revealed_to_the_entitled_only_and_audited(lw: SimpleNamespace) -> None:
    case = apply(lw)
    assert mask_id_number(case.applicant_id_number) == "110105********002X"
    assert may_reveal(lw.street_staff, case)
    assert not may_reveal(lw.leader, case)  # leaders view, they do not reveal
    assert reveal(user=lw.leader, obj=case, fields=("applicant_id_number",)) == {}
    assert not AuditEntry.objects.filter(action="legalservice.legalaidcase_reveal").exists()
    shown = reveal(user=lw.street_staff, obj=case, fields=("applicant_id_number", "applicant_phone"), ip="10.0.0.1")
    assert shown == {"applicant_id_number": ID_NUMBER, "applicant_phone": "13900001111"}
    entry = AuditEntry.objects.get(action="legalservice.legalaidcase_reveal")
    assert (entry.actor, entry.object_id, (entry.after or {})["fields"]) == (
        lw.street_staff,
        str(case.pk),
        ["applicant_id_number", "applicant_phone"],
    )
