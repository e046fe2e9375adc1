"""知识库 pages: search, an article with its versions, editing by editors only (each save a new version)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.actors import SYSTEM
from wangge.knowledge.models import Article
from wangge.knowledge.services import article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(world: Any) -> Article:
    return article_create(
        actor=SYSTEM,
        title="燃气费怎么缴纳",
        keywords="交燃气费\n燃气缴费",
        answer="可在燃气公司营业厅或微信缴费。",
        status="published",
    )


def test_search_lists_matching_articles_and_hides_drafts_from_call_takers(
    client: Client, world: Any, article: Article
) -> None:
    draft = article_create(actor=SYSTEM, title="燃气表报修", answer="拨打燃气公司电话")
    client.force_login(world.caller)

    html = client.get(reverse("web:knowledge_list"), {"q": "燃气"}).content.decode()

    assert article.title in html and draft.title not in html
    assert client.get(reverse("web:knowledge_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("web:knowledge_edit", args=[article.pk])).status_code == 403
    assert client.get(reverse("web:knowledge_new")).status_code == 403


def test_an_editor_saves_a_new_version_and_the_old_one_stays_readable(
    client: Client, world: Any, article: Article
) -> None:
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:knowledge_edit", args=[article.pk]),
        {
            "title": article.title,
            "keywords": article.keywords,
            "answer": "新口径：支付宝也可缴费。",
            "status": "published",
            "note": "增加缴费渠道",
            "expected_version": 1,
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 2 and article.answer == "新口径：支付宝也可缴费。"
    old = client.get(reverse("web:knowledge_detail", args=[article.pk]), {"v": 1}).content.decode()
    assert "可在燃气公司营业厅或微信缴费。" in old and "增加缴费渠道" in old


def test_a_stale_edit_is_refused_with_a_message(client: Client, world: Any, article: Article) -> None:
    client.force_login(world.dispatcher)
    form = {"title": "改", "answer": "改", "status": "published", "expected_version": 1}
    client.post(reverse("web:knowledge_edit", args=[article.pk]), form)

    response = client.post(reverse("web:knowledge_edit", args=[article.pk]), {**form, "answer": "再改"})

    assert response.status_code == 409 and "已被他人修改" in response.content.decode()


def test_an_editor_creates_an_article(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:knowledge_new"), {"title": "居住证办理", "answer": "到派出所办理。", "status": "draft"}
    )

    article = Article.objects.get(title="居住证办理")
    assert response.status_code == 302 and article.versions.count() == 1
