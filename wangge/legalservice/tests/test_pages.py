"""The pages: each renders in the user's scope, the forms call the services (and show their refusals), the case
page takes the workflow's steps, numbers are masked and revealed with an audit entry; out of scope is 404."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.models import AuditEntry
from wangge.legalservice.choices import AidStatus, ConsultChannel, LiaisonRole, ServiceKind
from wangge.legalservice.models import AdviserService, Consultation, LegalAdviser, LegalAidCase, LegalLiterate
from wangge.legalservice.selectors import coverage
from wangge.legalservice.services import (
    adviser_create,
    aid_point_create,
    consultation_record,
    liaison_create,
    literate_create,
)
from wangge.legalservice.tests.conftest import ID_NUMBER, apply


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


@pytest.fixture
def filled(lw: SimpleNamespace) -> SimpleNamespace:
    lw.adviser = adviser_create(
        actor=lw.admin,
        name="王立新",
        law_firm="河南鹰城律师事务所",
        licence_no="14104201810123456",
        phone="13900002222",
        territory=lw.district,
        communities=[lw.c1],
        since=dt.date(2025, 1, 1),
    )
    literate_create(actor=lw.admin, name="刘秀兰", grid=lw.g1, phone="13900003333")
    literate_create(actor=lw.admin, name="张满仓", grid=lw.g4)
    liaison_create(
        actor=lw.admin,
        role=LiaisonRole.JUDGE,
        institution="卫东区人民法院",
        person_name="陈志远",
        community=lw.c1,
        starts_on=dt.date(2025, 1, 1),
    )
    lw.point = aid_point_create(actor=lw.admin, name="东安路街道法律援助工作站", territory=lw.s1)
    consultation_record(
        actor=lw.admin,
        territory=lw.c1,
        consulted_on=dt.date.today(),
        channel=ConsultChannel.VISIT,
        topic="拖欠工资如何维权",
        answered_by="王立新",
    )
    lw.case = apply(lw, point=lw.point)
    return lw


PAGES = [
    "web:legal_home",
    "web:legal_coverage",
    "web:legal_advisers",
    "web:legal_literates",
    "web:legal_liaisons",
    "web:legal_aid_points",
    "web:legal_aid_cases",
    "web:legal_consultations",
    "web:legal_adviser_new",
    "web:legal_literate_new",
    "web:legal_liaison_new",
    "web:legal_aid_point_new",
    "web:legal_aid_case_new",
    "web:legal_consultation_new",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_street_staff(filled: SimpleNamespace, name: str) -> None:
    response = client_for(filled.street_staff).get(reverse(name))
    assert response.status_code == 200
    assert "公共法律服务" in response.content.decode()


def test_the_home_page_shows_the_figures_of_the_scope(filled: SimpleNamespace) -> None:
    page = client_for(filled.street_staff).get(reverse("web:legal_home")).content.decode()
    assert "法律顾问覆盖率" in page and "50%" in page  # 华西 covered, 建新 not
    other = client_for(filled.other_street).get(reverse("web:legal_home")).content.decode()
    assert "0%" in other


def test_lists_show_the_scope_only_and_numbers_masked(filled: SimpleNamespace) -> None:
    c = client_for(filled.other_street)
    page = c.get(reverse("web:legal_literates")).content.decode()
    assert "张满仓" in page and "刘秀兰" not in page
    mine = client_for(filled.street_staff).get(reverse("web:legal_literates")).content.decode()
    assert "139****3333" in mine and "13900003333" not in mine
    assert "五一路街道" not in mine  # the per-street counts list the streets of the scope


def test_the_coverage_page_lists_communities_without_an_adviser(filled: SimpleNamespace) -> None:
    page = client_for(filled.street_staff).get(reverse("web:legal_coverage") + "?missing=adviser").content.decode()
    assert "建新社区" in page and "华西社区" not in page


def test_registering_an_adviser_through_the_form(filled: SimpleNamespace) -> None:
    c = client_for(filled.street_staff)
    data = {
        "name": "李春雷",
        "law_firm": "河南平安律师事务所",
        "licence_no": "14104201810654321",
        "territory": filled.s1.pk,
        "communities": [filled.c2.pk],
    }
    response = c.post(reverse("web:legal_adviser_new"), data)
    adviser = LegalAdviser.objects.get(name="李春雷")
    assert response.status_code == 302 and response["Location"] == reverse("web:legal_adviser", args=[adviser.pk])
    refused = c.post(reverse("web:legal_adviser_new"), {**data, "name": "重复"})
    assert refused.status_code == 200 and "该执业证号已登记" in refused.content.decode()
    assert not LegalAdviser.objects.filter(name="重复").exists()


def test_a_service_record_from_the_adviser_page(filled: SimpleNamespace) -> None:
    c = client_for(filled.street_staff)
    url = reverse("web:legal_adviser", args=[filled.adviser.pk])
    assert "登记服务记录" in c.get(url).content.decode()
    response = c.post(
        url,
        {
            "record-community": filled.c1.pk,
            "record-date": dt.date.today().isoformat(),
            "record-kind": ServiceKind.LECTURE,
            "record-attendees": 30,
            "record-notes": "法治讲座",
        },
    )
    assert response.status_code == 302
    assert AdviserService.objects.get().attendees == 30


def test_forms_refuse_nodes_outside_the_scope(filled: SimpleNamespace) -> None:
    c = client_for(filled.community_staff)
    response = c.post(reverse("web:legal_literate_new"), {"name": "外人", "grid": filled.g4.pk})
    assert response.status_code == 200
    assert not LegalLiterate.objects.filter(name="外人").exists()


def test_a_leader_sees_but_registers_nothing(filled: SimpleNamespace) -> None:
    c = client_for(filled.leader)
    page = c.get(reverse("web:legal_consultations")).content.decode()
    assert "拖欠工资如何维权" in page and "登记咨询" not in page
    assert c.get(reverse("web:legal_consultation_new")).status_code == 404


def test_a_consultation_form(filled: SimpleNamespace) -> None:
    c = client_for(filled.community_staff)
    response = c.post(
        reverse("web:legal_consultation_new"),
        {
            "territory": filled.c1.pk,
            "consulted_on": dt.date.today().isoformat(),
            "channel": ConsultChannel.PHONE,
            "matter": "family",
            "topic": "赡养费纠纷",
            "answered_by": "王立新",
            "referral": "mediation",
        },
    )
    assert response.status_code == 302
    assert Consultation.objects.get(topic="赡养费纠纷").referral == "mediation"


def test_the_case_page_takes_the_steps(filled: SimpleNamespace) -> None:
    c = client_for(filled.street_staff)
    url = reverse("web:legal_aid_case", args=[filled.case.pk])
    page = c.get(url).content.decode()
    assert "110105********002X" in page and ID_NUMBER not in page
    assert "受理" in page and "不予受理" in page
    act = reverse("web:legal_aid_case_act", args=[filled.case.pk, "aid_accept"])
    assert c.post(act, {"expected_version": 1}).status_code == 302
    assign = reverse("web:legal_aid_case_act", args=[filled.case.pk, "aid_assign"])
    missing = c.post(assign, {"expected_version": 2, "lawyer_name": "王立新"})
    assert missing.status_code == 400
    c.post(assign, {"expected_version": 2, "lawyer_name": "王立新", "lawyer_firm": "河南鹰城律师事务所"})
    assert LegalAidCase.objects.get(pk=filled.case.pk).status == AidStatus.ASSIGNED


def test_the_case_page_offers_no_step_to_community_staff_and_refuses_a_forged_post(filled: SimpleNamespace) -> None:
    c = client_for(filled.community_staff)
    page = c.get(reverse("web:legal_aid_case", args=[filled.case.pk])).content.decode()
    assert "当前没有需要您执行的操作" in page
    response = c.post(reverse("web:legal_aid_case_act", args=[filled.case.pk, "aid_accept"]), {"expected_version": 1})
    assert response.status_code == 403
    assert LegalAidCase.objects.get(pk=filled.case.pk).status == AidStatus.APPLIED


def test_out_of_scope_reads_as_missing(filled: SimpleNamespace) -> None:
    c = client_for(filled.other_street)
    assert c.get(reverse("web:legal_aid_case", args=[filled.case.pk])).status_code == 404
    assert c.get(reverse("web:legal_adviser", args=[filled.adviser.pk])).status_code == 404
    assert c.post(reverse("web:legal_aid_case_reveal", args=[filled.case.pk])).status_code == 404


def test_reveal_is_for_the_entitled_and_audited(filled: SimpleNamespace) -> None:
    url = reverse("web:legal_aid_case_reveal", args=[filled.case.pk])
    assert client_for(filled.leader).post(url).status_code == 403
    response = client_for(filled.street_staff).post(url)
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode() and "13900001111" in response.content.decode()
    assert AuditEntry.objects.filter(action="legalservice.legalaidcase_reveal", actor=filled.street_staff).count() == 1
    phone = client_for(filled.community_staff).post(reverse("web:legal_adviser_reveal", args=[filled.adviser.pk]))
    assert "13900002222" in phone.content.decode()
    assert AuditEntry.objects.filter(action="legalservice.legaladviser_reveal").count() == 1


def test_ending_a_liaison_keeps_it_as_history(filled: SimpleNamespace) -> None:
    from wangge.legalservice.models import Liaison

    liaison = Liaison.objects.get(person_name="陈志远")
    c = client_for(filled.street_staff)
    assert "结束联系" in c.get(reverse("web:legal_liaisons")).content.decode()
    url = reverse("web:legal_liaison_end", args=[liaison.pk])
    refused = c.post(url, {"ends_on": "2024-12-31"})
    assert refused.status_code == 200 and "结束日期不能早于开始日期" in refused.content.decode()
    assert c.post(url, {"ends_on": dt.date.today().isoformat()}).status_code == 302
    liaison.refresh_from_db()
    assert liaison.ends_on == dt.date.today()
    assert client_for(filled.other_street).get(url).status_code == 404
    assert client_for(filled.leader).get(url).status_code == 404  # a leader views, never changes


def test_releasing_an_adviser_from_a_community(filled: SimpleNamespace) -> None:
    from wangge.legalservice.models import AdviserCommunity

    link = AdviserCommunity.objects.get(adviser=filled.adviser, community=filled.c1)
    url = reverse("web:legal_adviser_release", args=[filled.adviser.pk, link.pk])
    assert client_for(filled.leader).post(url).status_code == 404
    page = client_for(filled.community_staff).get(reverse("web:legal_adviser", args=[filled.adviser.pk]))
    assert "解聘" in page.content.decode()
    assert client_for(filled.community_staff).post(url).status_code == 302
    link.refresh_from_db()
    assert link.until == dt.date.today()
    tomorrow = dt.date.today() + dt.timedelta(days=1)  # the release day is the last day served
    rows = {r["community"].code: r["has_adviser"] for r in coverage(filled.street_staff, tomorrow)}
    assert rows["410403001001"] is False


def test_the_territory_filter_narrows_a_list(filled: SimpleNamespace) -> None:
    page = client_for(filled.admin).get(reverse("web:legal_literates") + "?territory=410403002").content.decode()
    assert "张满仓" in page and "刘秀兰" not in page


def test_a_paper_application_is_registered_with_its_own_date(filled: SimpleNamespace) -> None:
    c = client_for(filled.community_staff)
    data = {"territory": filled.c1.pk, "applicant_name": "孙桂香", "matter": "maintenance"}
    response = c.post(reverse("web:legal_aid_case_new"), {**data, "received_at": "2025-06-03T09:30"})
    case = LegalAidCase.objects.get(applicant_name="孙桂香")
    assert response.status_code == 302 and case.code.startswith("FY20250603")
    future = c.post(reverse("web:legal_aid_case_new"), {**data, "received_at": "2999-01-01T09:00"})
    assert future.status_code == 200 and "申请时间不能晚于当前时间" in future.content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "legaladviser",
        "adviserservice",
        "legalliterate",
        "liaison",
        "legalaidpoint",
        "legalaidcase",
        "consultation",
    ],
)
def test_the_admin_lists_and_shows_each_register_read_only_with_numbers_masked(
    filled: SimpleNamespace, model: str
) -> None:
    from wangge.accounts.models import User

    root = User.objects.create_superuser(username="root", password="x-Passw0rd-long")
    c = client_for(root)
    listing = c.get(f"/admin/legalservice/{model}/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "13900001111" not in body and ID_NUMBER not in body and "13900002222" not in body
    assert f"/admin/legalservice/{model}/add/" not in body


def test_the_cases_of_a_legal_aid_point(filled: SimpleNamespace) -> None:
    apply(filled, applicant_name="周素芬")  # received at no point
    c = client_for(filled.street_staff)
    page = c.get(reverse("web:legal_aid_cases") + f"?point={filled.point.pk}").content.decode()
    assert filled.case.code in page and "周素芬" not in page
    assert api_count(filled, f"/api/legal-aid-cases/?point={filled.point.pk}") == 1


def api_count(w: SimpleNamespace, url: str) -> int:
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(w.street_staff)
    return int(c.get(url).json()["count"])
