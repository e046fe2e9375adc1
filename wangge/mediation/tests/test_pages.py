"""The mediation pages: home with figures and definitions, list with filters, the form (and 转调解), the detail
with history, masked parties and the audited reveal, the steps, the agreement PDF and the register; 404 out of
scope."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.models import AuditEntry
from wangge.mediation.models import Dispute, Mediator, MediatorConflict
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import new_case

from .conftest import T0, mediating, register, step

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_home_shows_the_figures_with_their_definitions_and_the_high_risk_list(mw: SimpleNamespace) -> None:
    risky = mediating(mw, threat_of_violence=True, title="扬言报复的邻里纠纷")
    step(mw, mediating(mw, title="已调成"), "agree", hours=3, agreement_kind="oral")
    page = browser(mw.street_staff).get(reverse("web:mediation_home"), {"from": "2025-06-01", "to": "2025-06-30"})
    html = page.content.decode()
    assert page.status_code == 200
    for word in (
        "排查数",
        "受理数",
        "调解成功数",
        "化解率",
        "平均化解天数",
        "高风险在办",
        "化解率 = 调解成功数 ÷ 受理数",
    ):
        assert word in html
    assert "50%" in html and risky.code in html and "按成因类别" in html and "按街道" in html
    assert "风险等级以登记人判定为起点" in html
    other = browser(mw.other_staff).get(reverse("web:mediation_home"), {"from": "2025-06-01", "to": "2025-06-30"})
    assert risky.code not in other.content.decode()


def test_the_list_is_scoped_and_filtered(mw: SimpleNamespace) -> None:
    family = register(mw, title="赡养费纠纷", cause_class="organisation")
    neighbour = register(mw, title="漏水纠纷")
    page = browser(mw.worker).get(reverse("web:dispute_list"))
    assert page.status_code == 200 and family.code in page.content.decode()
    filtered = browser(mw.worker).get(reverse("web:dispute_list"), {"cause_class": "organisation"}).content.decode()
    assert family.code in filtered and neighbour.code not in filtered
    assert family.code not in browser(mw.other_staff).get(reverse("web:dispute_list")).content.decode()
    assert family.code not in browser(mw.other_worker).get(reverse("web:dispute_list")).content.decode()


def test_the_detail_is_404_out_of_scope(mw: SimpleNamespace) -> None:
    d = register(mw)
    url = reverse("web:dispute_detail", args=[d.pk])
    for user in (mw.worker, mw.community_staff, mw.dispatcher):
        assert browser(user).get(url).status_code == 200
    for user in (mw.other_worker, mw.other_staff, mw.stranger):
        assert browser(user).get(url).status_code == 404
        assert browser(user).post(reverse("web:dispute_act", args=[d.pk, "accept"])).status_code == 404


def test_the_detail_masks_the_parties_and_reveals_with_an_audit_entry(mw: SimpleNamespace) -> None:
    d = register(mw)
    html = browser(mw.community_staff).get(reverse("web:dispute_detail", args=[d.pk])).content.decode()
    assert mw.id_a not in html and "13800001111" not in html
    assert f"410403********{mw.id_a[-4:]}" in html and "138****1111" in html and "查看完整号码" in html
    revealed = browser(mw.community_staff).post(reverse("web:dispute_reveal", args=[d.pk]))
    assert revealed.status_code == 200 and mw.id_a in revealed.content.decode()
    entry = AuditEntry.objects.get(action="api.reveal")
    assert entry.actor_id == mw.community_staff.pk and "mediation.disputeparty" in str(entry.after)
    # The leader sees the dispute but holds no reveal right.
    assert browser(mw.leader).post(reverse("web:dispute_reveal", args=[d.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="api.reveal").count() == 1


def test_steps_are_taken_from_the_detail_page(mw: SimpleNamespace) -> None:
    d = register(mw)
    client = browser(mw.community_staff)
    detail = client.get(reverse("web:dispute_detail", args=[d.pk])).content.decode()
    assert "受理" in detail and "不予受理" in detail
    assert client.post(reverse("web:dispute_act", args=[d.pk, "accept"]), {"expected_version": 1}).status_code == 302
    response = client.post(
        reverse("web:dispute_act", args=[d.pk, "assign"]),
        {"expected_version": 1, "track": "people", "organisation": mw.committee.pk, "mediator": mw.mediator.pk},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == "mediating" and d.mediator == mw.mediator
    refused = client.post(
        reverse("web:dispute_act", args=[d.pk, "extend"]), {"expected_version": 1, "days": 5, "consent": "0"}
    )
    assert refused.status_code == 400 and "双方当事人同意" in refused.content.decode()
    assert (
        browser(mw.worker)
        .post(reverse("web:dispute_act", args=[d.pk, "fail"]), {"note": "x", "expected_version": 1})
        .status_code
        == 403
    )


def test_the_agreement_pdf_is_downloaded(mw: SimpleNamespace) -> None:
    d = step(mw, mediating(mw), "agree", hours=3, agreement_kind="written", terms="赔偿 3000 元")
    client = browser(mw.worker)
    assert "下载调解协议书" in client.get(reverse("web:dispute_detail", args=[d.pk])).content.decode()
    response = client.get(reverse("web:dispute_agreement", args=[d.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="mediation.agreement_download").exists()
    assert browser(mw.other_staff).get(reverse("web:dispute_agreement", args=[d.pk])).status_code == 404


def test_the_form_registers_a_dispute(mw: SimpleNamespace) -> None:
    client = browser(mw.worker)
    assert client.get(reverse("web:dispute_new")).status_code == 200
    data = {
        "title": "楼上漏水",
        "source": "patrol",
        "cause_class": "citizen",
        "type": mw.neighbour.pk,
        "grid": mw.grid1.pk,
        "declared_risk": "low",
        "p0_name": "赵大明",
        "p0_side": "applicant",
        "p0_kind": "person",
        "p0_id_number": mw.id_a,
        "p1_name": "钱小红",
        "p1_side": "respondent",
        "p1_kind": "person",
        "p2_side": "third",
        "p2_kind": "person",
    }
    bad = client.post(reverse("web:dispute_new"), {**data, "p0_id_number": "410403199001011239"})
    assert bad.status_code == 200 and "公民身份号码不正确" in bad.content.decode() and not Dispute.objects.exists()
    response = client.post(reverse("web:dispute_new"), data)
    d = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:dispute_detail", args=[d.pk])
    assert d.parties.count() == 2 and d.registered_by == mw.worker
    assert browser(mw.dispatcher).get(reverse("web:dispute_new")).status_code == 404  # keeps no grid


def test_the_form_converts_a_work_order(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    client = browser(mw.dispatcher)
    url = reverse("web:dispute_new") + f"?work_order={wo.pk}"
    page = client.get(url).content.decode()
    assert wo.tracking_code in page and "转调解" in page and "王先生" in page
    data = {
        "title": wo.title,
        "cause_class": "citizen",
        "type": mw.neighbour.pk,
        "declared_risk": "low",
        "p0_name": "王先生",
        "p0_side": "applicant",
        "p0_kind": "person",
        "p1_name": "东门外商户",
        "p1_side": "respondent",
        "p1_kind": "organisation",
        "p2_side": "third",
        "p2_kind": "person",
    }
    response = client.post(url, data)
    d = Dispute.objects.get()
    assert response.status_code == 302 and d.work_order == wo
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.CLOSED
    assert browser(mw.stranger).get(url).status_code == 404


def test_the_register_shows_caseloads_and_takes_a_conflict(mw: SimpleNamespace) -> None:
    mediating(mw)
    client = browser(mw.community_staff)
    html = client.get(reverse("web:mediation_register")).content.decode()
    assert "测试社区人民调解委员会" in html and "张调解" in html and "五老乡贤" in html
    response = client.post(
        reverse("web:mediation_conflict_new"), {"mediator": mw.mediator.pk, "person_name": "赵大明", "relation": "亲属"}
    )
    assert response.status_code == 302 and MediatorConflict.objects.filter(mediator=mw.mediator).count() == 1
    client.post(
        reverse("web:mediation_mediator_new"),
        {"organisation": mw.committee.pk, "name": "周律师", "kind": "lawyer", "phone": "13900009999"},
    )
    assert Mediator.objects.filter(name="周律师", organisation=mw.committee).exists()
    assert (
        "测试社区人民调解委员会" not in browser(mw.other_staff).get(reverse("web:mediation_register")).content.decode()
    )


def test_the_pages_fit_a_phone(mw: SimpleNamespace) -> None:
    """Wide tables sit in a scrolling wrapper; forms use the responsive filter grid."""
    d = mediating(mw)
    client = browser(mw.community_staff)
    for url in (
        reverse("web:mediation_home"),
        reverse("web:dispute_list"),
        reverse("web:dispute_detail", args=[d.pk]),
        reverse("web:mediation_register"),
    ):
        html = client.get(url).content.decode()
        assert html.count("<table") == html.count('<div class="table-wrap"><table')


def test_the_case_page_offers_the_conversion_then_links_the_dispute(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    url = reverse("web:dispute_case_link", args=[wo.pk])
    case = browser(mw.dispatcher).get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    assert url in case
    offer = browser(mw.dispatcher).get(url).content.decode()
    assert "转调解" in offer and f"?work_order={wo.pk}" in offer
    assert "转调解" not in browser(mw.inspector).get(url).content.decode()  # sees the case, may not convert
    assert browser(mw.stranger).get(url).status_code == 404
    assert browser(mw.inspector).get(reverse("web:dispute_new") + f"?work_order={wo.pk}").status_code == 404
    from wangge.mediation.services import dispute_from_work_order

    d = dispute_from_work_order(
        actor=mw.dispatcher,
        work_order=wo,
        cause_class="citizen",
        type=mw.neighbour,
        parties=[{"name": "甲"}, {"name": "乙"}],
    )
    linked = browser(mw.dispatcher).get(url).content.decode()
    assert d.code in linked and reverse("web:dispute_detail", args=[d.pk]) in linked


@pytest.mark.parametrize(
    ("who", "detail", "listed"),
    [
        ("anonymous", 302, False),  # to the login page
        ("nobody", 404, False),  # signed in, no grant
        ("other_worker", 404, False),  # another grid
        ("worker", 200, True),  # the grid's worker
        ("street_staff", 200, True),  # a parent node
        ("leader", 200, True),  # the district
        ("other_staff", 404, False),  # another district
    ],
)
def test_the_permission_matrix(mw: SimpleNamespace, who: str, detail: int, listed: bool) -> None:
    from django.contrib.auth import get_user_model

    d = register(mw)
    if who == "anonymous":
        client = Client()
    elif who == "nobody":
        client = browser(get_user_model().objects.create_user(username="nobody", password="x-Passw0rd-long"))
    else:
        client = browser(getattr(mw, who))
    assert client.get(reverse("web:dispute_detail", args=[d.pk])).status_code == detail
    listing = client.get(reverse("web:dispute_list"))
    assert (d.code in listing.content.decode()) is listed
    if who == "anonymous":
        assert listing.status_code == 302 and client.get(reverse("web:mediation_home")).status_code == 302
