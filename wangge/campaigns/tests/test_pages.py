"""The pages: list, detail, form, finding, quantity, tag, bulletin and its files; scope answers 404."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from wangge.campaigns.models import Campaign, CampaignFinding, RemediationQuantity
from wangge.campaigns.services import finding_record
from wangge.workorders.models import WorkOrder


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_list_and_the_detail(cw: SimpleNamespace, running: Campaign) -> None:
    page = login(cw.worker).get(reverse("web:campaign_list"))
    assert page.status_code == 200 and running.name in page.content.decode()
    assert reverse("web:campaign_list") == "/campaigns/"
    detail = login(cw.worker).get(reverse("web:campaign_detail", args=[running.pk])).content.decode()
    assert "测试桥涵0" in detail and "排查登记" in detail and "campaign-points" in detail
    assert login(cw.stranger).get(reverse("web:campaign_detail", args=[running.pk])).status_code == 404
    assert running.name not in login(cw.stranger).get(reverse("web:campaign_list")).content.decode()


def test_create_a_campaign_through_the_form(cw: SimpleNamespace) -> None:
    c = login(cw.street_staff)
    assert c.get(reverse("web:campaign_new")).status_code == 200
    data = {
        "name": "桥涵专项二期",
        "kind": "facility",
        "territory": cw.street.pk,
        "start_date": "2025-11-01",
        "end_date": "2025-11-30",
        "point_types": [cw.bridge_type.pk],
        "target_inspected_pct": "100",
        "c0_text": "桥下无垃圾",
        "c0_category": "E0103",
        "c0_opens": "on",
        "t_rubbish": "20",
    }
    response = c.post(reverse("web:campaign_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="桥涵专项二期")
    assert campaign.checklist_items.get().category_code == "E0103"
    assert login(cw.worker).get(reverse("web:campaign_new")).status_code == 404  # a grid worker runs none


def test_record_a_finding_on_the_phone_form(cw: SimpleNamespace, running: Campaign) -> None:
    lines = list(running.checklist_items.order_by("ordering"))
    c = login(cw.worker)
    url = reverse("web:campaign_finding_new", args=[running.pk])
    assert c.get(f"{url}?point={cw.bridges[0].pk}").status_code == 200
    data = {"point": cw.bridges[0].pk, "description": "桥下有垃圾", **{f"r_{i.pk}": "pass" for i in lines}}
    data[f"r_{lines[0].pk}"] = "fail"
    response = c.post(url, data)
    assert response.status_code == 302
    finding = CampaignFinding.objects.get()
    assert finding.has_problem and WorkOrder.objects.filter(campaign_tags__finding=finding).count() == 1


def test_record_quantities_on_a_tagged_case(cw: SimpleNamespace, running: Campaign) -> None:
    line = running.checklist_items.order_by("ordering").first()
    assert line is not None
    f = finding_record(actor=cw.worker, campaign=running, point=cw.bridges[0], results={line.pk: "fail"})
    wo = WorkOrder.objects.get(campaign_tags__finding=f)
    c = login(cw.admin)
    url = reverse("web:campaign_quantity_new", args=[running.pk])
    page = c.get(f"{url}?work_order={wo.pk}")
    assert page.status_code == 200 and wo.tracking_code in page.content.decode()
    rubbish = running.targets.get(item__key="rubbish").item
    assert c.post(url, {"work_order": wo.pk, "item": rubbish.pk, "quantity": "6"}).status_code == 302
    assert RemediationQuantity.objects.get().quantity == 6
    refused = c.post(url, {"work_order": wo.pk, "item": rubbish.pk, "quantity": "-1"})
    assert refused.status_code == 200 and RemediationQuantity.objects.count() == 1
    assert c.get(url).status_code == 404  # nothing to record on


def test_take_a_step_on_the_detail_page(cw: SimpleNamespace, running: Campaign) -> None:
    c = login(cw.admin)
    response = c.post(reverse("web:campaign_act", args=[running.pk, "end"]), {"note": "完成", "expected_version": 1})
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == "ended"
    refused = login(cw.worker).post(reverse("web:campaign_act", args=[running.pk, "reopen"]), {"expected_version": 1})
    assert refused.status_code == 403
    running.refresh_from_db()
    assert running.status == "ended"


def test_the_bulletin_page_and_files(cw: SimpleNamespace, running: Campaign) -> None:
    c = login(cw.leader)
    page = c.get(reverse("web:campaign_bulletin", args=[running.pk]) + "?by=unit").content.decode()
    assert "区住建局" in page and "区交通运输局" in page and "合计" in page
    xlsx = c.get(reverse("web:campaign_bulletin_xlsx", args=[running.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = c.get(reverse("web:campaign_bulletin_pdf", args=[running.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert login(cw.stranger).get(reverse("web:campaign_bulletin_pdf", args=[running.pk])).status_code == 404


def test_the_case_fragment_lists_the_campaigns_of_a_case(cw: SimpleNamespace, running: Campaign) -> None:
    line = running.checklist_items.order_by("ordering").first()
    assert line is not None
    f = finding_record(actor=cw.worker, campaign=running, point=cw.bridges[0], results={line.pk: "fail"})
    wo = WorkOrder.objects.get(campaign_tags__finding=f)
    html = login(cw.admin).get(reverse("web:campaign_case_link", args=[wo.pk])).content.decode()
    assert running.name in html and f"?work_order={wo.pk}" in html
    assert login(cw.stranger).get(reverse("web:campaign_case_link", args=[wo.pk])).status_code == 404
