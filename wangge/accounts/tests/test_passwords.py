"""等保 2.0 第三级 口令: complexity, history, expiry with a forced change, the self-service change page, and the demo
logins' published password outside ``make run``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from wangge.accounts import services
from wangge.accounts.models import PasswordHistory, User
from wangge.accounts.passwords import password_change_reason
from wangge.accounts.tests.factories import PASSWORD, UserFactory
from wangge.core.actors import SYSTEM
from wangge.core.errors import ValidationFailed
from wangge.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CHANGE = "/password/"


def login(user: User, address: str = "10.0.0.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.mark.parametrize(
    "password",
    ["alllowercase-words", "ALLUPPERCASE2025", "lowercase2025only", "Short-1a", "Abcdefghij"],
)
def test_a_password_needs_ten_characters_of_three_classes(password: str) -> None:
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, User(username="li"))


@pytest.mark.parametrize("password", ["Zhangsan-2025", "gridwork9WORK", "平安网格Ab-9x7"])
def test_a_password_of_three_classes_passes(password: str) -> None:
    password_validation.validate_password(password, User(username="li"))


def test_none_of_the_last_five_passwords_may_be_chosen_again() -> None:
    # given an account that went through six passwords
    user = UserFactory.create(username="li")
    chosen = [f"Rotation-{n}-pass" for n in range(1, 6)]
    for password in chosen:
        services.staff_set_password(actor=user, user=user, password=password)

    # then the current one and the four before it are refused, the first one (six back) is allowed
    for old in [*chosen[1:], chosen[-1]]:
        with pytest.raises(ValidationFailed) as caught:
            services.staff_set_password(actor=user, user=user, password=old)
        assert "最近 5 次" in str(caught.value.details)
    services.staff_set_password(actor=user, user=user, password=PASSWORD)
    assert PasswordHistory.objects.filter(user=user).count() == 4


def test_the_history_keeps_hashes_only() -> None:
    user = UserFactory.create(username="li")
    services.staff_set_password(actor=user, user=user, password="Rotation-1-pass")

    stored = PasswordHistory.objects.get(user=user).password
    assert stored.startswith("md5$") and PASSWORD not in stored


def test_an_expired_password_must_be_changed_before_anything_else(settings) -> None:
    # given a password changed 91 days ago, with 90 allowed
    settings.WANGGE_PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory.create(username="li", is_staff=True)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client = login(user)

    # when the user opens a page, the admin, or the API on the session
    page = client.get("/workbench/")
    admin = client.get("/admin/")
    api = client.get("/api/me/")

    # then every door leads to the change page first
    assert page.status_code == 302 and page["Location"].startswith(f"{CHANGE}?next=%2Fworkbench%2F")
    assert admin.status_code == 302 and admin["Location"].startswith(CHANGE)
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    body = client.get(CHANGE).content.decode()
    assert "已使用超过 90 天" in body


def test_expiry_can_be_switched_off(settings) -> None:
    settings.WANGGE_PASSWORD_MAX_AGE_DAYS = 0
    user = UserFactory.create(username="li")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=900))

    assert login(user).get("/workbench/").status_code == 200


def test_a_password_set_by_an_administrator_is_changed_at_the_first_login() -> None:
    # given an account created with a password chosen by someone else
    user = services.staff_create(actor=SYSTEM, username="li", display_name="李", password="Initial-Pass-1")

    # when its owner logs in
    client = Client()
    client.post("/login/", {"username": "li", "password": "Initial-Pass-1"})
    response = client.get("/workbench/")

    # then the change page comes first, and says why
    assert response["Location"].startswith(CHANGE)
    assert "由管理员设置" in client.get(CHANGE).content.decode()
    assert password_change_reason(User.objects.get(pk=user.pk)) == "initial"


def test_the_change_page_changes_the_password_and_keeps_the_session() -> None:
    # given a signed-in user who must change the password, holding an API token
    user = UserFactory.create(username="li")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    AuthToken.objects.create(user=user)
    client = login(user)

    # when
    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-New-Pass-7",
            "new_password2": "Brand-New-Pass-7",
            "next": "/map/",
        },
    )

    # then
    assert response.status_code == 302 and response["Location"] == "/map/"
    user.refresh_from_db()
    assert user.check_password("Brand-New-Pass-7") and not user.must_change_password
    assert client.get("/workbench/").status_code == 200
    assert not AuthToken.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="auth.token_revoke_all", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"old_password": "wrong-Pass-1", "new_password1": "Brand-New-Pass-7", "new_password2": "Brand-New-Pass-7"},
            "old_password",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "Brand-New-Pass-7", "new_password2": "Brand-New-Pass-8"},
            "new_password2",
        ),
        ({"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}, "new_password1"),
        ({"old_password": PASSWORD, "new_password1": "brandnewpass", "new_password2": "brandnewpass"}, "new_password1"),
    ],
)
def test_the_change_page_refuses_and_changes_nothing(data: dict[str, str], field: str) -> None:
    user = UserFactory.create(username="li")
    before = User.objects.get(pk=user.pk).password
    client = login(user)

    response = client.post(CHANGE, data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.get(pk=user.pk).password == before


def test_the_change_page_needs_a_login() -> None:
    response = Client().get(CHANGE)

    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.fixture
def demo_login(db) -> User:
    """A demo login as the demo command leaves it: the published password set without the services."""
    user = User.objects.create(username="demo_dispatcher", is_demo=True, display_name="演示派遣员")
    user.set_password(PASSWORD)
    User.objects.bulk_update([user], ["password", "password_changed_at"])
    return user


def test_outside_make_run_a_demo_login_must_change_its_published_password(settings, demo_login: User) -> None:
    settings.WANGGE_DEMO_KEEPS_PASSWORD = False
    client = login(demo_login)

    assert client.get("/workbench/")["Location"].startswith(CHANGE)
    assert "演示账号的密码是公开的" in client.get(CHANGE).content.decode()
    token = APIClient().post("/api/auth/token/", {"username": demo_login.username, "password": PASSWORD}, format="json")
    assert token.status_code == 403 and token.json()["code"] == "password_change_required"

    # once changed, the account is free
    client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "Own-Demo-Pass-5", "new_password2": "Own-Demo-Pass-5"}
    )
    assert client.get("/workbench/").status_code == 200


def test_under_make_run_the_demo_logins_keep_their_password(settings, demo_login: User) -> None:
    settings.WANGGE_DEMO_KEEPS_PASSWORD = True

    assert login(demo_login).get("/workbench/").status_code == 200


def test_only_the_local_settings_let_the_demo_keep_its_password() -> None:
    from config.settings import base, local

    assert base.WANGGE_DEMO_KEEPS_PASSWORD is False
    assert local.WANGGE_DEMO_KEEPS_PASSWORD is True
    assert (base.WANGGE_PASSWORD_MAX_AGE_DAYS, base.WANGGE_PASSWORD_HISTORY) == (90, 5)


def test_the_admin_changes_passwords_on_the_staff_page() -> None:
    user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client = login(user)

    response = client.get("/admin/password_change/")

    assert response.status_code == 302 and response["Location"] == CHANGE
