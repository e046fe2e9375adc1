"""等保 2.0: login-failure lockout and the audit of security events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from wangge.accounts.models import User
from wangge.accounts.tests.factories import PASSWORD, UserFactory
from wangge.core.models import AuditEntry

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


@pytest.fixture
def lockout(settings):
    settings.WANGGE_LOCKOUT_ATTEMPTS = 3
    settings.WANGGE_LOCKOUT_MINUTES = 15
    return settings


def test_default_policy_is_five_failures_and_fifteen_minutes(settings) -> None:
    assert settings.WANGGE_LOCKOUT_ATTEMPTS == 5
    assert settings.WANGGE_LOCKOUT_MINUTES == 15
    assert settings.AUTHENTICATION_BACKENDS == ["wangge.accounts.backends.LockoutBackend"]


def test_account_locks_after_n_failures_and_refuses_the_right_password(lockout) -> None:
    # given
    user = UserFactory.create(username="li")

    # when
    for _ in range(3):
        assert authenticate(username="li", password=WRONG) is None

    # then
    user.refresh_from_db()
    assert user.is_locked
    assert user.locked_until is not None
    remaining = user.locked_until - timezone.now()
    assert dt.timedelta(minutes=14) < remaining <= dt.timedelta(minutes=15)
    assert authenticate(username="li", password=PASSWORD) is None
    assert AuditEntry.objects.filter(action="auth.lockout", object_id=str(user.pk)).count() == 1


def test_failures_below_the_limit_do_not_lock(lockout) -> None:
    # given
    user = UserFactory.create(username="li")

    # when
    for _ in range(2):
        authenticate(username="li", password=WRONG)

    # then
    user.refresh_from_db()
    assert user.failed_logins == 2
    assert not user.is_locked
    assert authenticate(username="li", password=PASSWORD) == user


def test_success_resets_the_failure_count(lockout) -> None:
    # given
    user = UserFactory.create(username="li")
    for _ in range(2):
        authenticate(username="li", password=WRONG)

    # when
    assert authenticate(username="li", password=PASSWORD) == user

    # then: the count starts again, two more failures do not lock
    user.refresh_from_db()
    assert user.failed_logins == 0
    for _ in range(2):
        authenticate(username="li", password=WRONG)
    user.refresh_from_db()
    assert not user.is_locked


def test_attempts_while_locked_do_not_extend_the_lock(lockout) -> None:
    # given
    user = UserFactory.create(username="li")
    for _ in range(3):
        authenticate(username="li", password=WRONG)
    user.refresh_from_db()
    locked_until = user.locked_until

    # when
    authenticate(username="li", password=WRONG)

    # then
    user.refresh_from_db()
    assert user.locked_until == locked_until
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1


def test_lock_expires_and_the_count_starts_again(lockout) -> None:
    # given: a lock that ended a minute ago
    user = UserFactory.create(username="li")
    User.objects.filter(pk=user.pk).update(failed_logins=3, locked_until=timezone.now() - dt.timedelta(minutes=1))

    # when: one more failure
    authenticate(username="li", password=WRONG)

    # then: counted as the first of a new series, not a new lock
    user.refresh_from_db()
    assert user.failed_logins == 1
    assert not user.is_locked
    assert authenticate(username="li", password=PASSWORD) == user


def test_inactive_user_cannot_log_in_with_the_right_password() -> None:
    # given
    UserFactory.create(username="gone", is_active=False)

    # when / then
    assert authenticate(username="gone", password=PASSWORD) is None
    assert AuditEntry.objects.get(action="auth.login_failed").note == "inactive"


def test_login_success_failure_and_logout_are_audited(lockout) -> None:
    # given
    user = UserFactory.create(username="li", is_staff=True)
    client = Client(REMOTE_ADDR="10.1.2.3")

    # when
    assert not client.login(username="li", password=WRONG)
    assert not client.login(username="nobody", password=WRONG)
    assert client.login(username="li", password=PASSWORD)
    client.logout()

    # then
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "actor_name", "note"))
    assert entries == [
        ("auth.login_failed", "li", "bad_password"),
        ("auth.login_failed", "nobody", "unknown_user"),
        ("auth.login", "li", ""),
        ("auth.logout", "li", ""),
    ]
    failed = AuditEntry.objects.filter(action="auth.login_failed", actor_name="li").first()
    assert failed is not None and failed.object_id == str(user.pk)
    assert WRONG not in str(list(AuditEntry.objects.values_list("before", "after", "note")))


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "10.0.0.2"), (1, "203.0.113.7")])
def test_the_login_trail_records_the_client_address(lockout, settings, proxies: int, recorded: str) -> None:
    # given a proxy at 10.0.0.2 that appends the client's address, trusted or not
    settings.WANGGE_TRUSTED_PROXIES = proxies
    UserFactory.create(username="li", is_staff=True)
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    # when the password is wrong until the account locks
    for _ in range(3):
        client.post("/admin/login/", {"username": "li", "password": WRONG})

    # then a forged hop is never recorded
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {recorded}
    assert AuditEntry.objects.filter(action="auth.lockout").exists()


def test_admin_login_page_enforces_the_lockout(lockout) -> None:
    # given
    UserFactory.create(username="li", is_staff=True)
    client = Client()

    # when
    for _ in range(3):
        client.post("/admin/login/", {"username": "li", "password": WRONG})
    response = client.post("/admin/login/", {"username": "li", "password": PASSWORD})

    # then: still the login form, no session
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.login_failed", note="locked").count() == 1


def test_session_timeout_is_configured(settings) -> None:
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
