"""Case detail: only the actions the user may take now, conflicts, masking, photos; dispatch screen; report."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.core.tests.images import PNG
from wangge.web.tests.conftest import act, local, new_case
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import Attachment, WorkOrder
from wangge.workorders.services import attachment_add

pytestmark = pytest.mark.django_db


def png(name: str = "a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def action_names(response: Any) -> set[str]:
    return {item["transition"].name for item in response.context["actions"]}


def test_detail_shows_only_the_actions_of_this_user_now(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)
    assert "dispatch" in action_names(client.get(reverse("web:case_detail", args=[wo.pk])))
    act(world, wo, "dispatch", "dispatcher", timezone.now(), unit=world.dept)

    client.force_login(world.handler)
    names = action_names(client.get(reverse("web:case_detail", args=[wo.pk])))

    assert names == {"accept", "return"}


def test_case_out_of_scope_is_not_found(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.stranger)

    assert client.get(reverse("web:case_detail", args=[wo.pk])).status_code == 404
    assert client.get(reverse("web:case_dispatch", args=[wo.pk])).status_code == 404


def test_accept_through_the_page_moves_the_case(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.handler)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "accept"]),
        {"expected_version": wo.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("web:case_detail", args=[wo.pk])
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.HANDLING


def test_stale_version_answers_409_with_a_clear_message_and_changes_nothing(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.handler)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "accept"]),
        {"expected_version": wo.version - 1},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 409
    assert "已被他人处理" in response.content.decode()
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.DISPATCHED and fresh.version == wo.version


def test_action_not_allowed_for_the_user_is_refused_and_changes_nothing(client: Client, world: Any) -> None:
    wo = new_case(world, lng=113.01, lat=33.01)
    client.force_login(world.worker)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "dispatch"]), {"expected_version": wo.version, "unit": world.dept.pk}
    )

    assert response.status_code == 403
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.REGISTERED and fresh.version == wo.version


def test_missing_required_note_is_a_400_with_the_form(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.handler)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "return"]),
        {"expected_version": wo.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.DISPATCHED


def test_reply_with_a_photo_attaches_it_to_the_event(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    wo = act(world, wo, "accept", "handler", timezone.now())
    client.force_login(world.handler)

    client.post(
        reverse("web:case_act", args=[wo.pk, "reply"]),
        {"expected_version": wo.version, "text": "已拆除", "result": "resolved", "attachments": [png()]},
    )

    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.REPLIED
    assert Attachment.objects.filter(work_order=wo, event__name="reply").count() == 1


def test_phone_is_masked_and_revealing_it_is_audited(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    assert "138****1234" in body and "13812341234" not in body
    revealed = client.post(reverse("web:case_reveal_phone", args=[wo.pk]))

    assert "13812341234" in revealed.content.decode()
    assert AuditEntry.objects.filter(action="workorders.reveal_reporter_phone", object_id=str(wo.pk)).count() == 1


def test_user_without_reveal_right_cannot_see_the_number(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.handler)

    body = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    response = client.post(reverse("web:case_reveal_phone", args=[wo.pk]))

    assert "13812341234" not in body
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="workorders.reveal_reporter_phone").exists()


def test_photos_are_served_only_within_scope(client: Client, world: Any) -> None:
    wo = new_case(world)
    att = attachment_add(actor=SYSTEM, work_order=wo, upload=png())
    url = reverse("web:case_attachment", args=[wo.pk, att.pk])
    client.force_login(world.dispatcher)
    assert client.get(url).status_code == 200

    client.force_login(world.stranger)

    assert client.get(url).status_code == 404


def test_dispatch_screen_offers_the_routing_suggestion_and_dispatches(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)

    page = client.get(reverse("web:case_dispatch", args=[wo.pk]))
    assert page.status_code == 200
    assert 'id="suggestions"' in page.content.decode()
    response = client.post(
        reverse("web:case_act", args=[wo.pk, "dispatch"]), {"expected_version": wo.version, "unit": world.dept2.pk}
    )

    assert response.status_code == 302
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.DISPATCHED and fresh.assigned_unit == world.dept2


def test_grid_worker_reports_a_case_found_on_patrol(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    response = client.post(
        reverse("web:case_report"),
        {
            "category": world.category.pk,
            "appeal_type": "report",
            "description": "河道边有人倾倒建筑垃圾",
            "lng": "113.02",
            "lat": "33.02",
            "crs": "wgs84",
            "photos": [png()],
        },
    )

    wo = WorkOrder.objects.get()
    assert response.status_code == 302
    assert wo.channel == Channel.PATROL and wo.reporter_user == world.worker and wo.grid == world.grid1
    assert wo.attachments.count() == 1


def test_dispatch_screen_says_when_no_classifier_is_active(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:case_dispatch", args=[wo.pk]))

    assert response.context["suggestion"].classifier is False
    html = response.content.decode()
    assert "分类模型未启用" in html and "城市管理局" in html  # routing still suggests the unit


def test_dispatch_screen_shows_the_classifier_suggestion_and_the_duplicates(client: Client, world: Any) -> None:
    from wangge.intel import services, textclf
    from wangge.intel.tests.synthetic_appeals import dataset

    texts, labels = dataset(20, seed=7)
    codes = {"环境保护": "S0201", "交通运输": "S0301", "教育文体": "S0501"}
    model = textclf.train(texts, [codes[x] for x in labels], params=textclf.Params(embedding_dim=8, min_df=2))
    services.forget_active_model()
    services.classifier_register(actor=SYSTEM, path_or_model=model, activate=True)
    text = "小区东门外有人长期排放废水，河道有异味，严重影响居民生活，请环保局尽快处理。"
    earlier = new_case(world, category=None, title="河道排放废水", description=text, at=local(2025, 6, 2, 9))
    wo = new_case(world, category=None, title="河道排放废水", description=text)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:case_dispatch", args=[wo.pk]))
    services.forget_active_model()

    suggestion = response.context["suggestion"]
    assert suggestion.confident and suggestion.category.code == "S0201"
    form = response.context["dispatch"]["form"]
    assert form.initial["category"] == suggestion.category.pk and form.initial["unit"] == world.dept2.pk
    html = response.content.decode()
    assert f"{suggestion.best.confidence:.2f}" in html and "噪声污染" in html
    assert earlier.tracking_code in html and "合并到此工单" in html


def test_dispatch_screen_offers_the_units_of_the_cases_district_grouped_by_kind(client: Client, world: Any) -> None:
    elsewhere = Unit.objects.create(
        code="410411-cgj", name="湛河区城市管理局", kind=UnitKind.DEPARTMENT, territory=world.other_district
    )
    wo = new_case(world)
    client.force_login(world.dispatcher)

    field = client.get(reverse("web:case_dispatch", args=[wo.pk])).context["dispatch"]["form"].fields["unit"]

    routed, *grouped = field.choices[1:]  # the routed unit first, marked （推荐）, then the groups without it
    groups = dict(grouped)
    assert routed[0] == world.dept.pk and set(groups) == {"指挥中心", "职能部门"}
    assert {pk for pk, _label in groups["职能部门"]} == {world.dept2.pk}
    assert elsewhere not in field.queryset


def test_dispatch_to_another_districts_unit_is_refused_and_changes_nothing(client: Client, world: Any) -> None:
    elsewhere = Unit.objects.create(
        code="410411-cgj", name="湛河区城市管理局", kind=UnitKind.DEPARTMENT, territory=world.other_district
    )
    wo = new_case(world)
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "dispatch"]), {"expected_version": wo.version, "unit": elsewhere.pk}
    )

    assert response.status_code == 400
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.REGISTERED and fresh.assigned_unit is None and fresh.version == wo.version


def test_report_page_opens_the_map_on_the_grid_workers_own_grid(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    worker_focus = client.get(reverse("web:case_report")).context["focus"]
    client.force_login(world.dispatcher)

    district_wide = client.get(reverse("web:case_report"))

    assert worker_focus == [113.0, 33.0, 113.05, 33.05]
    assert district_wide.context["focus"] is None and "data-focus" not in district_wide.content.decode()


def test_numbers_in_the_text_are_masked_for_roles_without_the_reveal_right(world: Any) -> None:
    wo = new_case(world, title="门口占道，联系13812345678", description="请致电 138-1234-5678 或 0375-1234567")
    for who, full in (("dispatcher", True), ("inspector", False), ("leader", False)):
        client = Client()
        client.force_login(getattr(world, who))
        html = client.get(f"/cases/{wo.pk}/").content.decode()
        assert ("138-1234-5678" in html) is full, who
        assert ("13812345678" in html) is full, who
        assert ("0375-1234567" in html) is full, who
        if not full:
            assert "138****5678" in html


def test_after_a_return_the_unit_lands_on_its_queue_with_a_message(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.handler)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "return"]),
        {"expected_version": wo.version, "note": "不属于本单位职责"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 204 and response["HX-Redirect"] == reverse("web:workbench")
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.RETURNED
    page = client.get(response["HX-Redirect"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "已完成：退回" in text and "已不在您的办理范围内" in text


def test_after_a_step_that_keeps_the_case_in_scope_the_page_stays_on_the_case(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "recall"]), {"expected_version": wo.version, "note": "派错单位"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("web:case_detail", args=[wo.pk])


def test_a_pending_extension_is_shown_with_its_unit_requester_reason_and_approver(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    wo = act(world, wo, "accept", "handler", timezone.now())
    act(
        world,
        wo,
        "request_extension",
        "handler",
        timezone.now(),
        amount=3,
        unit_of_time="working_days",
        note="需采购材料",
    )
    client.force_login(world.dispatcher)

    html = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()

    shown = html[html.index('id="extension-pending"') :].split("</dd>")[0]
    assert "3 工作日" in shown and "待审批" in shown and "需采购材料" in shown
    assert "handler" in shown and "指挥中心派遣员" in shown
    assert {"approve_extension", "reject_extension"} <= action_names(
        client.get(reverse("web:case_detail", args=[wo.pk]))
    )


def test_a_reply_before_the_decision_keeps_the_request_in_the_history(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    wo = act(world, wo, "accept", "handler", timezone.now())
    wo = act(
        world, wo, "request_extension", "handler", timezone.now(), amount=8, unit_of_time="working_hours", note="等配件"
    )
    client.force_login(world.handler)

    client.post(
        reverse("web:case_act", args=[wo.pk, "reply"]),
        {"expected_version": wo.version, "text": "已修复", "result": "resolved"},
    )

    client.force_login(world.dispatcher)
    html = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    assert 'id="extension-pending"' not in html
    assert "延期申请撤销（未审批）" in html and "办结反馈时延期申请尚未审批" in html


def test_redispatch_through_the_page_offers_the_other_units_and_moves_the_case(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.dispatcher)

    page = client.get(reverse("web:case_detail", args=[wo.pk]))
    assert {"redispatch", "recall"} <= action_names(page)
    assert "data-unit-picker" in page.content.decode() and "unitpicker.js" in page.content.decode()
    response = client.post(
        reverse("web:case_act", args=[wo.pk, "redispatch"]),
        {"expected_version": wo.version, "unit": world.dept2.pk, "note": "职责属生态环境"},
    )

    assert response.status_code == 302
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.DISPATCHED and fresh.assigned_unit == world.dept2 and fresh.return_count == 0


def test_recall_without_a_reason_is_a_400_and_changes_nothing(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.dispatcher)

    response = client.post(reverse("web:case_act", args=[wo.pk, "recall"]), {"expected_version": wo.version})

    assert response.status_code == 400
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.DISPATCHED and fresh.version == wo.version


def test_dispatch_screen_puts_the_routed_unit_first_and_marks_it(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:case_dispatch", args=[wo.pk]))

    routed = response.context["suggestion"].unit
    field = response.context["dispatch"]["form"].fields["unit"]
    assert routed is not None and field.choices[1][0] == routed.pk and "（推荐）" in field.choices[1][1]
    assert "unitpicker.js" in response.content.decode()
