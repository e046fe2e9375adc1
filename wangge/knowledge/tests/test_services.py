from __future__ import annotations

from types import SimpleNamespace

import pytest

from wangge.core.errors import Conflict, PermissionDenied, ValidationFailed
from wangge.knowledge.choices import ArticleStatus
from wangge.knowledge.errors import ErrorCode
from wangge.knowledge.models import Article
from wangge.knowledge.selectors import may_edit, search, visible_articles
from wangge.knowledge.services import answer_call, article_create, article_update
from wangge.workorders.choices import AppealType, Channel, ResolutionMode, Status
from wangge.workorders.errors import ErrorCode as CaseCode
from wangge.workorders.services import work_order_transition
from wangge.workorders.tests.conftest import new_case

pytestmark = pytest.mark.django_db


def _intake(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "channel": Channel.HOTLINE,
        "appeal_type": AppealType.CONSULT,
        "description": "社保卡丢了，想问问怎么补办",
        "reporter_name": "李女士",
        "reporter_phone": "13912345678",
        "lng": 113.01,
        "lat": 33.01,
    }
    base.update(kw)
    return base


def test_only_dispatchers_and_admins_edit(world: SimpleNamespace) -> None:
    assert may_edit(world.dispatcher)
    assert not may_edit(world.caller)
    with pytest.raises(PermissionDenied) as exc:
        article_create(actor=world.caller, title="t", answer="a")
    assert exc.value.code == ErrorCode.EDIT_FORBIDDEN


def test_empty_title_or_answer_is_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        article_create(actor=world.dispatcher, title=" ", answer="")
    assert exc.value.code == ErrorCode.ARTICLE_INVALID
    assert {d["field"] for d in exc.value.details} == {"title", "answer"}


def test_each_edit_is_a_new_version_and_the_old_is_kept(article: Article, world: SimpleNamespace) -> None:
    old_answer = article.answer
    edited = article_update(
        actor=world.dispatcher,
        article_id=article.pk,
        title=article.title,
        keywords=article.keywords,
        answer="新的答复口径",
        status=ArticleStatus.PUBLISHED,
        note="政策调整",
        expected_version=1,
    )
    assert edited.version == 2
    versions = {v.number: v for v in edited.versions.all()}
    assert versions[1].answer == old_answer
    assert versions[2].answer == "新的答复口径" and versions[2].note == "政策调整"
    assert versions[2].created_by == world.dispatcher
    # the same content again adds no version
    same = article_update(
        actor=world.dispatcher,
        article_id=article.pk,
        title=edited.title,
        keywords=edited.keywords,
        answer=edited.answer,
        status=edited.status,
    )
    assert same.version == 2 and same.versions.count() == 2


def test_a_stale_edit_is_a_conflict(article: Article, world: SimpleNamespace) -> None:
    article_update(actor=world.dispatcher, article_id=article.pk, title="改标题", answer="x", status="published")
    with pytest.raises(Conflict):
        article_update(actor=world.dispatcher, article_id=article.pk, title="再改", answer="y", expected_version=1)


def test_search_finds_by_question_words_and_hides_drafts_from_readers(article: Article, world: SimpleNamespace) -> None:
    draft = article_create(actor=world.dispatcher, title="社保卡密码重置", answer="到网点重置密码")
    found = search(world.caller, "我的社保卡丢了怎么办")
    assert found and found[0] == article
    assert draft not in search(world.caller, "社保卡密码")
    assert draft in search(world.dispatcher, "社保卡密码")
    assert search(world.caller, "   ") == []
    assert search(world.caller, "燃气费缴纳") == []
    assert draft not in visible_articles(world.caller)


def test_answer_call_registers_and_closes_the_case_naming_the_version(article: Article, world: SimpleNamespace) -> None:
    wo = answer_call(
        actor=world.caller,
        article_id=article.pk,
        article_version=1,
        answer=article.answer,
        intake=_intake(appeal_type=AppealType.COMPLAINT),  # a direct answer is always a 咨询
    )
    assert wo.status == Status.CLOSED and wo.closed_at is not None
    assert wo.appeal_type == AppealType.CONSULT
    assert wo.resolution_mode == ResolutionMode.ON_SITE
    assert wo.reply_text == article.answer
    assert wo.filed_by == world.caller
    names = list(wo.events.values_list("name", flat=True))
    assert names == ["create", "answer_direct"]
    event = wo.events.get(name="answer_direct")
    assert event.data["article"] == article.pk and event.data["article_version"] == 1


def test_a_draft_cannot_answer_and_nothing_is_kept(world: SimpleNamespace) -> None:
    from wangge.workorders.models import WorkOrder

    draft = article_create(actor=world.dispatcher, title="草稿", answer="未定")
    with pytest.raises(ValidationFailed) as exc:
        answer_call(actor=world.caller, article_id=draft.pk, answer="未定", intake=_intake())
    assert exc.value.code == ErrorCode.ARTICLE_NOT_PUBLISHED
    assert not WorkOrder.objects.exists()


def test_an_empty_answer_is_refused(article: Article, world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        answer_call(actor=world.caller, article_id=article.pk, answer=" ", intake=_intake())
    assert exc.value.code == ErrorCode.ANSWER_REQUIRED


def test_only_a_consultation_is_answered_directly(world: SimpleNamespace) -> None:
    from wangge.core.workflow import InvalidTransition

    wo = new_case(world)  # a 投诉
    with pytest.raises(InvalidTransition) as exc:
        work_order_transition(actor=world.caller, work_order_id=wo.pk, name="answer_direct", text="答复")
    assert exc.value.code == CaseCode.NOT_A_CONSULTATION
