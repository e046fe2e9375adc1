"""知识库 through the API: staff read and search published articles, editors write (each edit a version)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.actors import SYSTEM
from wangge.knowledge.models import Article
from wangge.knowledge.services import article_create

URL = "/api/knowledge/articles/"


@pytest.fixture
def article(world: SimpleNamespace) -> Article:
    return article_create(
        actor=SYSTEM,
        title="居住证怎么办理",
        keywords="办居住证\n居住证材料",
        answer="到派出所户籍窗口申领。",
        status="published",
    )


def test_staff_read_and_search_published_articles(world: SimpleNamespace, client_for: Any, article: Article) -> None:
    draft = article_create(actor=SYSTEM, title="居住证签注", answer="草稿")
    c = client_for(world.caller)

    listed = c.get(URL).json()
    found = c.get(URL, {"q": "我想办居住证"}).json()
    detail = c.get(f"{URL}{article.pk}/").json()

    assert [a["id"] for a in listed["results"]] == [article.pk]
    assert found["results"][0]["id"] == article.pk and draft.pk not in [a["id"] for a in found["results"]]
    assert detail["versions"][0]["number"] == 1 and detail["keywords"] == ["办居住证", "居住证材料"]
    assert c.get(f"{URL}{draft.pk}/").status_code == 404


def test_only_editors_write_and_each_edit_is_a_version(
    world: SimpleNamespace, client_for: Any, article: Article
) -> None:
    body = {"title": "居住证怎么办理", "answer": "新口径", "status": "published", "expected_version": 1}

    assert client_for(world.caller).put(f"{URL}{article.pk}/", body, format="json").status_code == 403
    response = client_for(world.dispatcher).put(f"{URL}{article.pk}/", body, format="json")
    stale = client_for(world.dispatcher).put(f"{URL}{article.pk}/", {**body, "answer": "再改"}, format="json")
    created = client_for(world.dispatcher).post(URL, {"title": "新条目", "answer": "答复"}, format="json")

    assert response.status_code == 200, response.content
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]
    assert stale.status_code == 409
    assert created.status_code == 201 and created.json()["status"] == "draft"
