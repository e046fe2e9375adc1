"""The closed-loop test district (workorders' ``world``) and a published article."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wangge.core.actors import SystemActor
from wangge.knowledge.models import Article
from wangge.knowledge.services import article_create
from wangge.workorders.tests.conftest import _user, local, world  # noqa: F401 — the fixtures are used by name

__all__ = ["_user", "local"]


@pytest.fixture
def article(world: SimpleNamespace) -> Article:  # noqa: F811 — the imported fixture
    return article_create(
        actor=SystemActor("test"),
        title="社保卡丢失如何补办",
        keywords="社保卡丢了\n补办社保卡\n社会保障卡挂失",
        answer="携带身份证到就近的社保经办网点或合作银行网点办理挂失补办，也可在“掌上社保”App 办理。",
        status="published",
    )
