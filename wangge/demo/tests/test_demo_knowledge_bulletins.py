"""The demo's knowledge base and past 日通报: built once through the services, left alone on re-runs."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wangge.core.actors import SYSTEM
from wangge.demo.bulletins import DEMO_BULLETIN_DAYS, bulletins_seed
from wangge.demo.knowledge import ARTICLES, knowledge_seed
from wangge.demo.services import DemoOptions, demo_bulletins_seed
from wangge.knowledge.models import Article
from wangge.knowledge.selectors import search
from wangge.reports.models import Bulletin
from wangge.reports.tasks import due_bulletin_runs

pytestmark = pytest.mark.django_db


def test_a_dozen_published_articles_once_and_found_by_a_callers_words(world: SimpleNamespace) -> None:
    assert knowledge_seed(actor=SYSTEM) == (len(ARTICLES), 0)
    assert len(ARTICLES) >= 12
    assert knowledge_seed(actor=SYSTEM) == (0, len(ARTICLES))
    assert Article.objects.filter(status="published").count() == len(ARTICLES)
    assert search(world.caller, "我的社保卡丢了")[0].title == "社保卡丢失如何挂失补办"


def test_past_bulletins_exist_for_the_district_and_yesterday_for_its_streets(world: SimpleNamespace) -> None:
    created, unchanged = bulletins_seed(actor=SYSTEM, district_code=world.district.code)

    today = timezone.localdate()
    district_days = set(Bulletin.objects.filter(scope_code=world.district.code).values_list("date", flat=True))
    assert district_days == {today - dt.timedelta(days=n) for n in range(1, DEMO_BULLETIN_DAYS + 1)}
    street = Bulletin.objects.get(scope_code=world.street.code)
    assert street.date == today - dt.timedelta(days=1)
    assert timezone.localtime(street.generated_at).time() == dt.time(17, 30)  # as the schedule would have
    assert not Bulletin.objects.filter(scope_code=world.other_district.code).exists()
    assert (created, unchanged) == (DEMO_BULLETIN_DAYS + 1, 0)
    assert bulletins_seed(actor=SYSTEM, district_code=world.district.code) == (0, DEMO_BULLETIN_DAYS + 1)


def test_the_schedule_catches_up_what_the_demo_left_to_it(world: SimpleNamespace) -> None:
    bulletins_seed(actor=SYSTEM, district_code=world.district.code)

    owed = due_bulletin_runs(timezone.now())
    assert world.street.code in {r.scope_code for r in owed}  # the street's earlier days


def test_without_cases_the_demo_has_no_bulletins(world: SimpleNamespace) -> None:
    demo_bulletins_seed(actor=SYSTEM, options=DemoOptions())

    assert not Bulletin.objects.exists()
