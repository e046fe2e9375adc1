"""The registers' services: what they keep, what they refuse (with a code and the field), and that a refusal
keeps nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.core.actors import SYSTEM
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.legalservice.choices import AidStatus, ConsultChannel, LiaisonRole, Referral, ServiceKind
from wangge.legalservice.errors import ErrorCode
from wangge.legalservice.models import (
    AdviserCommunity,
    AdviserService,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.services import (
    adviser_create,
    adviser_release,
    adviser_serve,
    adviser_service_record,
    aid_point_create,
    consultation_record,
    liaison_create,
    literate_create,
)
from wangge.legalservice.tests.conftest import ID_NUMBER, apply, local

LICENCE = "14104201810123456"


def make_adviser(w: SimpleNamespace, **kw: object) -> LegalAdviser:
    fields: dict[str, object] = {
        "actor": w.street_staff,
        "name": "王立新",
        "law_firm": "河南鹰城律师事务所",
        "licence_no": LICENCE,
        "phone": "13900002222",
        "territory": w.s1,
        "communities": [w.c1, w.c2],
        "since": dt.date(2025, 1, 1),
    }
    fields.update(kw)
    return adviser_create(**fields)  # type: ignore[arg-type]


def codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {d["field"]: d["error"] for d in exc.value.details}


# --- advisers ------------------------------------------------------------------------------------------------


def test_an_adviser_is_registered_with_the_communities_served_and_the_phone_protected(lw: SimpleNamespace) -> None:
    adviser = make_adviser(lw)
    assert sorted(adviser.served.values_list("community__code", flat=True)) == ["410403001001", "410403001002"]
    assert adviser.phone == "13900002222"
    assert adviser.phone_index
    entry = AuditEntry.objects.get(action="legalservice.adviser_create")
    assert (entry.after or {})["phone"] == "***"  # the audit trail never holds the number


def test_an_adviser_with_bad_fields_is_refused_with_every_problem_and_nothing_kept(lw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_adviser(lw, name=" ", licence_no="123", phone="12345678", communities=[lw.g1])
    assert codes(exc) == {
        "name": ErrorCode.INVALID_ENTRY,
        "licence_no": ErrorCode.INVALID_LICENCE,
        "phone": ErrorCode.INVALID_PHONE,
        "communities": ErrorCode.WRONG_LEVEL,
    }
    assert not LegalAdviser.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="legalservice").exists()


def test_a_licence_number_is_registered_once(lw: SimpleNamespace) -> None:
    make_adviser(lw)
    with pytest.raises(ValidationFailed) as exc:
        make_adviser(lw, name="李春雷")
    assert codes(exc) == {"licence_no": ErrorCode.LICENCE_TAKEN}
    assert LegalAdviser.objects.count() == 1


def test_staff_of_another_street_cannot_register_an_adviser_for_this_one(lw: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied) as exc:
        make_adviser(lw, actor=lw.other_street)
    assert exc.value.code == ErrorCode.TERRITORY_OUT_OF_SCOPE
    assert not LegalAdviser.objects.exists()


def test_a_leader_who_only_views_cannot_register(lw: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        make_adviser(lw, actor=lw.leader)
    assert not LegalAdviser.objects.exists()


def test_serving_a_community_twice_is_refused_and_a_released_one_can_be_served_again(lw: SimpleNamespace) -> None:
    adviser = make_adviser(lw, communities=[lw.c1])
    with pytest.raises(ValidationFailed) as exc:
        adviser_serve(actor=lw.street_staff, adviser=adviser, community=lw.c1)
    assert exc.value.code == ErrorCode.ALREADY_SERVED
    link = AdviserCommunity.objects.get(adviser=adviser, community=lw.c1)
    with pytest.raises(ValidationFailed) as reversed_:
        adviser_release(actor=lw.street_staff, link=link, until=dt.date(2024, 12, 1))
    assert reversed_.value.code == ErrorCode.DATES_REVERSED
    adviser_release(actor=lw.street_staff, link=link, until=dt.date(2025, 3, 1))
    again = adviser_serve(actor=lw.street_staff, adviser=adviser, community=lw.c1, since=dt.date(2025, 4, 1))
    assert (again.pk, again.since, again.until) == (link.pk, dt.date(2025, 4, 1), None)


def test_a_service_record_is_kept_for_a_community_the_adviser_serves_only(lw: SimpleNamespace) -> None:
    adviser = make_adviser(lw, communities=[lw.c1])
    now = local(2025, 6, 10, 12, 0)
    service = adviser_service_record(
        actor=lw.community_staff,
        adviser=adviser,
        community=lw.c1,
        date=dt.date(2025, 6, 9),
        kind=ServiceKind.LECTURE,
        attendees=40,
        notes="民法典婚姻家庭编讲座",
        now=now,
    )
    assert service.recorded_by == lw.community_staff
    with pytest.raises(ValidationFailed) as exc:
        adviser_service_record(
            actor=lw.street_staff,
            adviser=adviser,
            community=lw.c2,
            date=dt.date(2025, 6, 11),
            kind="sing",
            now=now,
        )
    assert codes(exc) == {
        "kind": ErrorCode.INVALID_ENTRY,
        "date": ErrorCode.DATE_IN_FUTURE,
        "community": ErrorCode.WRONG_LEVEL,
    }
    assert AdviserService.objects.count() == 1


# --- 法律明白人, liaisons, points, consultations -----------------------------------------------------------------


def test_a_legal_literate_belongs_to_a_grid(lw: SimpleNamespace) -> None:
    person = literate_create(
        actor=lw.community_staff,
        name="刘秀兰",
        grid=lw.g1,
        identity="楼栋长",
        phone="13900003333",
        trained_on=dt.date(2025, 3, 2),
    )
    assert person.grid == lw.g1
    with pytest.raises(ValidationFailed) as exc:
        literate_create(actor=lw.community_staff, name="刘秀兰", grid=lw.c1)
    assert codes(exc) == {"grid": ErrorCode.WRONG_LEVEL}
    with pytest.raises(PermissionDenied):
        literate_create(actor=lw.community_staff, name="张满仓", grid=lw.g3)  # another community
    assert LegalLiterate.objects.count() == 1


def test_a_liaison_period_cannot_end_before_it_starts(lw: SimpleNamespace) -> None:
    liaison = liaison_create(
        actor=lw.street_staff,
        role=LiaisonRole.JUDGE,
        institution="卫东区人民法院",
        person_name="陈志远",
        community=lw.c1,
        starts_on=dt.date(2025, 1, 1),
    )
    assert liaison.get_role_display() == "法官"
    with pytest.raises(ValidationFailed) as exc:
        liaison_create(
            actor=lw.street_staff,
            role="mayor",
            institution="",
            person_name="陈志远",
            community=lw.c1,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2024, 1, 1),
        )
    assert codes(exc) == {
        "role": ErrorCode.INVALID_ENTRY,
        "institution": ErrorCode.INVALID_ENTRY,
        "ends_on": ErrorCode.DATES_REVERSED,
    }
    assert Liaison.objects.count() == 1


def test_a_legal_aid_point_and_a_consultation(lw: SimpleNamespace) -> None:
    point = aid_point_create(
        actor=lw.street_staff, name="东安路街道法律援助工作站", territory=lw.s1, opening_hours="工作日 9:00-17:00"
    )
    assert point.territory == lw.s1
    row = consultation_record(
        actor=lw.community_staff,
        territory=lw.c1,
        consulted_on=dt.date(2025, 6, 3),
        channel=ConsultChannel.PHONE,
        topic="离婚后子女抚养费",
        answered_by="王立新",
        referral=Referral.LEGAL_AID,
        now=local(2025, 6, 3, 12, 0),
    )
    assert row.referral == Referral.LEGAL_AID
    with pytest.raises(ValidationFailed) as exc:
        consultation_record(
            actor=lw.community_staff,
            territory=lw.c1,
            consulted_on=dt.date(2025, 6, 3),
            channel="fax",
            topic="",
            answered_by="王立新",
            now=local(2025, 6, 3, 12, 0),
        )
    assert codes(exc) == {"channel": ErrorCode.INVALID_ENTRY, "topic": ErrorCode.INVALID_ENTRY}
    assert Consultation.objects.count() == 1


# --- legal-aid applications ---------------------------------------------------------------------------------------


def test_an_application_gets_its_review_deadline_on_the_working_calendar(lw: SimpleNamespace) -> None:
    case = apply(lw)
    assert case.status == AidStatus.APPLIED
    assert case.code == "FY202506030001"
    # 2025-06-03 (Tue) + 7 working days: 4, 5, 6, 9, 10, 11, 12 June.
    assert case.review_due_at.astimezone(case.received_at.tzinfo).date() == dt.date(2025, 6, 12)
    assert case.applicant_id_number == ID_NUMBER
    assert list(case.events.values_list("action", "to_status")) == [("create", AidStatus.APPLIED)]
    assert apply(lw).code == "FY202506030002"


def test_the_review_limit_skips_a_holiday(lw: SimpleNamespace) -> None:
    case = apply(lw, received_at=local(2025, 9, 29, 9, 0), now=local(2025, 9, 29, 10, 0), review_days=3)
    # 29 Sep (Mon) → 30 Sep, then the National Day holiday (1–8 Oct), then 9 and 10 Oct.
    assert case.review_due_at.astimezone(case.received_at.tzinfo).date() == dt.date(2025, 10, 10)


def test_an_application_with_bad_numbers_is_refused_and_nothing_kept(lw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        apply(
            lw,
            applicant_id_number="110105194912310021",
            applicant_phone="123",
            matter="nothing",
            review_days=0,
            received_at=local(2025, 6, 4, 9, 0),
        )
    assert codes(exc) == {
        "applicant_id_number": ErrorCode.INVALID_ID_NUMBER,
        "applicant_phone": ErrorCode.INVALID_PHONE,
        "matter": ErrorCode.INVALID_ENTRY,
        "review_days": ErrorCode.INVALID_ENTRY,
        "received_at": ErrorCode.DATE_IN_FUTURE,
    }
    assert not LegalAidCase.objects.exists()


def test_an_application_outside_the_actors_territory_is_refused(lw: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        apply(lw, territory=lw.c3)
    assert not LegalAidCase.objects.exists()
    assert apply(lw, actor=SYSTEM, territory=lw.c3).territory == lw.c3
