"""Login with lockout message, logout, and the role-aware home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from wangge.accounts.models import User
from wangge.web.tests.conftest import PASSWORD, new_case

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese_and_logs_in(client: Client, world: Any) -> None:
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert "工作人员登录" in page.content.decode()

    response = client.post(reverse("web:login"), {"username": "dispatcher", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_wrong_password_says_so_without_logging_in(client: Client, world: Any) -> None:
    response = client.post(reverse("web:login"), {"username": "dispatcher", "password": "wrong-password-1"})

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_locked_by_an_administrator_gets_the_same_answer(client: Client, world: Any) -> None:
    User.objects.filter(pk=world.dispatcher.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=9))

    response = client.post(reverse("web:login"), {"username": "dispatcher", "password": PASSWORD})

    body = response.content.decode()
    assert "用户名或密码不正确" in body and "锁定" not in body
    assert "_auth_user_id" not in client.session


def test_fifth_wrong_password_locks_this_address_out_and_the_page_does_not_say_so(
    client: Client, world: Any, settings: Any
) -> None:
    settings.WANGGE_LOCKOUT_ATTEMPTS = 5
    for _ in range(5):
        client.post(reverse("web:login"), {"username": "handler", "password": "nope-nope-nope"})

    response = client.post(reverse("web:login"), {"username": "handler", "password": PASSWORD})

    body = response.content.decode()
    assert "用户名或密码不正确" in body and "锁定" not in body
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(pk=world.handler.pk).is_locked  # the account itself stays open elsewhere
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    assert elsewhere.post(reverse("web:login"), {"username": "handler", "password": PASSWORD}).status_code == 302


def test_logout_needs_post_and_ends_the_session(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.post(reverse("web:logout"))

    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_anonymous_is_sent_to_login(client: Client, world: Any) -> None:
    response = client.get(reverse("web:workbench"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("dispatcher", "派遣队列"),
        ("caller", "今日受理"),  # a call taker's home is their intake and today's calls
        ("handler", "本单位待办"),
        ("worker", "我的网格"),
        ("leader", "运行概览"),
        ("inspector", "运行概览"),
    ],
)
def test_home_page_follows_the_role(client: Client, world: Any, who: str, heading: str) -> None:
    client.force_login(getattr(world, who))

    body = client.get(reverse("web:home")).content.decode()

    assert f"<h1>{heading}</h1>" in body


def test_grid_worker_home_lists_own_grid_cases_and_a_report_button(client: Client, world: Any) -> None:
    mine = new_case(world, lng=113.01, lat=33.01)
    other = new_case(world, lng=113.07, lat=33.01)
    client.force_login(world.worker)

    body = client.get(reverse("web:home")).content.decode()

    assert mine.tracking_code in body
    assert other.tracking_code not in body
    assert reverse("web:case_report") in body


def test_dispatcher_home_counts_the_queue(client: Client, world: Any) -> None:
    new_case(world)
    new_case(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:home"))

    assert response.context["queue_count"] == 2


def test_idle_session_ends_after_the_limit_but_an_active_one_goes_on(client: Client, settings: Any, world: Any) -> None:
    start = timezone.now()
    limit = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    client.post(reverse("web:login"), {"username": "dispatcher", "password": PASSWORD})

    with freeze_time(start + limit - dt.timedelta(minutes=1)):
        kept = client.get(reverse("web:home"))  # each request starts the idle time again
    with freeze_time(start + 2 * limit - dt.timedelta(minutes=2)):
        still = client.get(reverse("web:home"))
    with freeze_time(start + 3 * limit):
        ended = client.get(reverse("web:workbench"))

    assert kept.status_code == 200 and still.status_code == 200
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("web:login"))


def test_login_page_reached_from_a_page_says_why(client: Client, world: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 30 * 60

    body = client.get(reverse("web:workbench"), follow=True).content.decode()

    assert "请先登录" in body and "30 分钟未操作" in body
    assert "请先登录" not in client.get(reverse("web:login")).content.decode()


def test_overview_links_to_the_cases_in_scope_not_an_empty_queue(client: Client, world: Any) -> None:
    new_case(world)
    client.force_login(world.leader)

    body = client.get(reverse("web:home")).content.decode()

    assert "待我处理" not in body
    assert "?tab=all&amp;status=registered&amp;status=returned" in body and "?tab=all&amp;overdue=true" in body


def test_an_unknown_page_answers_404_in_chinese(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "Not Found" not in html
