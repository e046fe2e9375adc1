"""受理登记's aids and the call taker's home: a confident category filled in, the caller's earlier cases by
phone number, the knowledge base searched and a 咨询 closed on the spot (直接答复)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.intel import services, textclf
from wangge.intel.tests.synthetic_appeals import dataset
from wangge.knowledge.models import Article
from wangge.knowledge.services import article_create, article_update
from wangge.web.tests.conftest import new_case
from wangge.workorders.choices import Channel, Status, Urgency
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

POLLUTION = "小区东门外有人长期排放废水，河道有异味，严重影响居民生活，请环保局尽快处理。"
CALL = {
    "channel": Channel.HOTLINE,
    "urgency": Urgency.NORMAL,
    "appeal_type": "complaint",
    "title": "",
    "description": POLLUTION,
    "address": "测试街道测试社区二网格东门",
    "reporter_name": "王先生",
    "reporter_phone": "13812341234",
}


@pytest.fixture
def active_classifier(db: Any) -> Any:
    texts, labels = dataset(20, seed=7)
    codes = {"环境保护": "S0201", "交通运输": "S0301", "教育文体": "S0501"}
    model = textclf.train(texts, [codes[x] for x in labels], params=textclf.Params(embedding_dim=8, min_df=2))
    services.forget_active_model()
    services.classifier_register(actor=SYSTEM, path_or_model=model, activate=True)
    yield model
    services.forget_active_model()


@pytest.fixture
def article(world: Any) -> Article:
    return article_create(
        actor=SYSTEM,
        title="社保卡丢失如何补办",
        keywords="社保卡丢了\n补办社保卡",
        answer="携带身份证到就近的社保经办网点办理挂失补办。",
        status="published",
    )


# -- the classifier's category ---------------------------------------------------------------------------


def test_the_panel_asks_the_page_to_fill_a_confident_category(
    client: Client, world: Any, active_classifier: Any
) -> None:
    client.force_login(world.caller)

    response = client.post(
        reverse("web:case_intake_suggest"), {**CALL, "district": world.district.pk}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    s0201 = response.context["suggestion"].category
    assert s0201 is not None and s0201.code == "S0201"
    assert f'data-fill-category="{s0201.pk}"' in html


def test_a_confident_category_left_empty_is_saved_not_unclassified(
    client: Client, world: Any, active_classifier: Any
) -> None:
    client.force_login(world.caller)

    client.post(reverse("web:case_intake"), {**CALL, "district": world.district.pk})

    category = WorkOrder.objects.get().category
    assert category is not None and category.code == "S0201"


def test_a_category_emptied_on_purpose_stays_empty(client: Client, world: Any, active_classifier: Any) -> None:
    client.force_login(world.caller)

    client.post(reverse("web:case_intake"), {**CALL, "district": world.district.pk, "category_auto": "0"})

    assert WorkOrder.objects.get().category is None


def test_the_page_loads_its_own_script_and_keeps_the_aids_beside_the_fields(client: Client, world: Any) -> None:
    client.force_login(world.caller)

    html = client.get(reverse("web:case_intake")).content.decode()

    assert "web/intake.js" in html and "web/intake.css" in html and 'class="intake-aside"' in html


# -- the caller's history ----------------------------------------------------------------------------------


def test_the_callers_earlier_cases_are_shown_by_phone_and_the_lookup_is_audited(client: Client, world: Any) -> None:
    earlier = new_case(world, at=timezone.now() - dt.timedelta(days=3), reporter_phone="13900001111")
    other = new_case(world, at=timezone.now() - dt.timedelta(days=2), reporter_phone="13800002222")
    client.force_login(world.caller)

    response = client.post(
        reverse("web:case_intake_suggest"),
        {"part": "history", "reporter_phone": "139 0000 1111"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert earlier.tracking_code in html and other.tracking_code not in html
    assert "139****1111" in html and "13900001111" not in html
    entry = AuditEntry.objects.get(action="workorders.caller_history")
    assert entry.actor == world.caller and "139****1111" in entry.note


def test_caller_history_keeps_to_the_users_scope(client: Client, world: Any) -> None:
    earlier = new_case(world, at=timezone.now() - dt.timedelta(days=3), reporter_phone="13900001111")
    client.force_login(world.stranger)

    response = client.post(reverse("web:case_intake_suggest"), {"part": "history", "reporter_phone": "13900001111"})

    assert earlier.tracking_code not in response.content.decode()
    assert not AuditEntry.objects.filter(action="workorders.caller_history").exists()


def test_a_half_typed_number_looks_nothing_up(client: Client, world: Any) -> None:
    new_case(world, reporter_phone="13900001111")
    client.force_login(world.caller)

    response = client.post(reverse("web:case_intake_suggest"), {"part": "history", "reporter_phone": "139000"})

    assert "填写来电号码后" in response.content.decode()


# -- the knowledge base at intake ------------------------------------------------------------------------


def test_the_knowledge_base_is_searched_from_what_the_call_taker_types(
    client: Client, world: Any, article: Article
) -> None:
    client.force_login(world.caller)

    by_description = client.post(reverse("web:knowledge_suggest"), {"description": "我的社保卡丢了，怎么补办？"})
    by_box = client.post(reverse("web:knowledge_suggest"), {"q": "补办社保卡"})

    for response in (by_description, by_box):
        html = response.content.decode()
        assert article.title in html and f'data-kb-insert="{article.pk}"' in html and 'data-kb-version="1"' in html


def test_a_consultation_is_answered_and_closed_on_the_spot(client: Client, world: Any, article: Article) -> None:
    article_update(actor=SYSTEM, article_id=article.pk, title=article.title, answer="第二版口径", status="published")
    client.force_login(world.caller)

    response = client.post(
        reverse("web:case_intake"),
        {
            **CALL,
            "description": "社保卡丢了，想问问怎么补办",
            "district": world.district.pk,
            "answer_direct": "1",
            "kb_article": str(article.pk),
            "kb_version": "1",
            "kb_answer": "携带身份证到网点补办。",
        },
    )

    wo = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:case_detail", args=[wo.pk])
    assert wo.status == Status.CLOSED and wo.appeal_type == "consult"
    assert wo.reply_text == "携带身份证到网点补办。"
    event = wo.events.get(name="answer_direct")
    assert (event.data["article"], event.data["article_version"]) == (article.pk, 1)  # the version inserted


def test_a_direct_answer_without_an_article_keeps_the_form(client: Client, world: Any) -> None:
    client.force_login(world.caller)

    response = client.post(
        reverse("web:case_intake"),
        {**CALL, "district": world.district.pk, "answer_direct": "1", "kb_answer": "随便答"},
    )

    assert response.status_code == 200 and "请先在知识库中选择答复口径" in response.content.decode()
    assert not WorkOrder.objects.exists()


# -- the call taker's home ----------------------------------------------------------------------------------


def test_the_call_takers_home_is_todays_calls_not_the_dispatch_queue(client: Client, world: Any) -> None:
    mine = new_case(world, at=timezone.now())
    yesterday = new_case(world, at=timezone.now() - dt.timedelta(days=1))
    theirs = new_case(world, actor=world.dispatcher, at=timezone.now())
    client.force_login(world.caller)

    response = client.get(reverse("web:home"))

    html = response.content.decode()
    assert response.context["kind"] == "intake"
    assert mine.tracking_code in html
    assert yesterday.tracking_code not in html and theirs.tracking_code not in html
    assert response.context["today_total"] == 1 and response.context["today_waiting"] == 1
    assert "派遣队列" not in html and reverse("web:case_intake") in html


def test_a_dispatcher_still_lands_on_the_dispatch_queue(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    assert client.get(reverse("web:home")).context["kind"] == "dispatch"
