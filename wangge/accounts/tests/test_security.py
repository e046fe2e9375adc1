"""等保 2.0 登录失败处理 on every login path, without a way to lock everyone out, and the audit of security events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.utils import timezone
from freezegun import freeze_time

from wangge.accounts import lockout
from wangge.accounts.forms import LOGIN_FAILED
from wangge.accounts.services import staff_lock, staff_unlock
from wangge.accounts.tests.factories import PASSWORD, UserFactory
from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
LOGIN_PATHS = ["/login/", "/admin/login/"]


@pytest.fixture
def lockout_policy(settings):
    settings.WANGGE_LOCKOUT_ATTEMPTS = 3
    settings.WANGGE_LOCKOUT_MINUTES = 15
    return settings


def post_login(path: str, username: str, password: str, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(path, {"username": username, "password": password})
    return client


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def attempt(username: str, password: str, address: str) -> bool:
    request = RequestFactory().post("/login/", REMOTE_ADDR=address)
    return authenticate(request, username=username, password=password) is not None


def test_default_policy(settings) -> None:
    assert (settings.WANGGE_LOCKOUT_ATTEMPTS, settings.WANGGE_LOCKOUT_MINUTES) == (5, 15)
    assert settings.WANGGE_LOGIN_ADDRESS_FAILURES == "20/h"
    assert settings.WANGGE_LOGIN_GLOBAL_FAILURES == "300/min"
    assert settings.AUTHENTICATION_BACKENDS == ["wangge.accounts.backends.LockoutBackend"]


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_failures_from_one_address_lock_that_address_out_of_that_account_only(lockout_policy, path: str) -> None:
    # given
    UserFactory.create(username="li", is_staff=True)

    # when an address gets the password wrong three times
    for _ in range(3):
        post_login(path, "li", WRONG, "10.0.0.66")

    # then that address is refused even the right password, for 15 minutes, while the owner's address is not
    assert not logged_in(post_login(path, "li", PASSWORD, "10.0.0.66"))
    assert logged_in(post_login(path, "li", PASSWORD, "10.0.0.7"))
    with freeze_time(timezone.now() + dt.timedelta(minutes=15, seconds=1)):
        assert logged_in(post_login(path, "li", PASSWORD, "10.0.0.66"))
    assert AuditEntry.objects.filter(action="auth.lockout", actor_name="li", ip="10.0.0.66").count() == 1


def test_an_attacker_cannot_lock_every_account(lockout_policy) -> None:
    # given twenty staff, each attacked from addresses of the attacker's own until every pair is locked
    users = [UserFactory.create(username=f"staff{i:02d}", is_staff=True) for i in range(20)]
    for n, user in enumerate(users):
        for _ in range(3):
            attempt(user.username, WRONG, f"198.51.100.{n}")

    # then each of them still logs in from their own computer
    for n, user in enumerate(users):
        assert attempt(user.username, PASSWORD, f"10.1.0.{n}"), user.username


def test_one_address_cannot_try_many_accounts(settings) -> None:
    # given a limit of 20 failures an hour per address, and 40 accounts
    users = [UserFactory.create(username=f"u{i:02d}") for i in range(40)]

    # when one address tries a wrong password on each
    results = [attempt(user.username, WRONG, "203.0.113.9") for user in users]

    # then from the 21st on it is refused before any password is checked: even a right one fails
    assert not any(results)
    assert not attempt("u39", PASSWORD, "203.0.113.9")
    assert attempt("u39", PASSWORD, "10.0.0.1")
    refused = AuditEntry.objects.filter(action="auth.login_failed", note="refused_address")
    assert refused.count() == 1  # written once a minute per address, not for every refused attempt
    with freeze_time(timezone.now() + dt.timedelta(hours=1, seconds=1)):
        assert attempt("u39", PASSWORD, "203.0.113.9")


def test_a_distributed_attack_closes_failing_addresses_not_the_platform(settings) -> None:
    # given a platform-wide limit of 10 failures a minute, reached from ten addresses
    settings.WANGGE_LOGIN_GLOBAL_FAILURES = "10/min"
    UserFactory.create(username="li")
    for n in range(10):
        attempt("nobody", WRONG, f"198.51.100.{n}")
    assert not attempt("li", WRONG, "198.51.100.99")  # the 11th failure: over the limit

    # then an address that failed is refused even the right password, one that did not still logs in
    assert not attempt("li", PASSWORD, "198.51.100.3")
    assert attempt("li", PASSWORD, "10.0.0.1")


def test_many_failures_slow_an_account_down_without_locking_it(settings) -> None:
    # given ten failures on one account, each from another address (no pair lock)
    settings.WANGGE_LOGIN_ACCOUNT_SLOWDOWN_AFTER = 10
    settings.WANGGE_LOGIN_ACCOUNT_MAX_DELAY = 60
    UserFactory.create(username="li")
    assert attempt("li", PASSWORD, "10.0.0.7")  # the owner's usual address
    start = timezone.now()
    with freeze_time(start) as clock:
        for n in range(10):
            attempt("li", WRONG, f"198.51.100.{n}")

        # then a new address waits 2 s after the last failure, the owner's known address does not
        assert not attempt("li", PASSWORD, "10.9.9.9")
        clock.tick(dt.timedelta(seconds=3))
        assert attempt("li", PASSWORD, "10.9.9.9")

    with freeze_time(start) as clock:
        for n in range(20):
            attempt("li", WRONG, f"198.51.101.{n}")
        assert attempt("li", PASSWORD, "10.0.0.7")  # known address: never slowed down

    # and the wait never exceeds the maximum
    with freeze_time(start) as clock:
        for n in range(30):
            attempt("li", WRONG, f"198.51.102.{n}")
        clock.tick(dt.timedelta(seconds=61))
        assert attempt("li", PASSWORD, "10.9.9.8")


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_every_failure_gets_the_same_answer(lockout_policy, path: str) -> None:
    # given an account locked out of one address, one locked by an administrator, one switched off
    UserFactory.create(username="li", is_staff=True)
    locked = UserFactory.create(username="wang", is_staff=True)
    staff_lock(actor=SYSTEM, user=locked)
    UserFactory.create(username="gone", is_staff=True, is_active=False)
    for _ in range(3):
        post_login(path, "li", WRONG, "10.0.0.66")

    # when
    answers = {
        "wrong password": Client(REMOTE_ADDR="10.0.0.1").post(path, {"username": "li", "password": WRONG}),
        "unknown user": Client(REMOTE_ADDR="10.0.0.2").post(path, {"username": "zhao", "password": WRONG}),
        "locked out of this address": Client(REMOTE_ADDR="10.0.0.66").post(
            path, {"username": "li", "password": PASSWORD}
        ),
        "locked by an administrator": Client(REMOTE_ADDR="10.0.0.3").post(
            path, {"username": "wang", "password": PASSWORD}
        ),
        "switched off": Client(REMOTE_ADDR="10.0.0.4").post(path, {"username": "gone", "password": PASSWORD}),
    }

    # then each is the same page with the same message, naming no lock
    for case, response in answers.items():
        body = response.content.decode()
        assert response.status_code == 200, case
        assert str(LOGIN_FAILED) in body, case
        assert "锁定" not in body and "分钟后再试" not in body, case


def test_unknown_usernames_are_counted_like_existing_ones(lockout_policy) -> None:
    for _ in range(3):
        attempt("nobody", WRONG, "10.0.0.66")

    assert lockout.refusal("nobody", "10.0.0.66") is not None
    assert AuditEntry.objects.filter(action="auth.lockout", actor_name="nobody").count() == 1


def test_usernames_differing_in_case_share_their_counters(lockout_policy) -> None:
    UserFactory.create(username="li")
    for name in ("li", "Li", "LI"):
        attempt(name, WRONG, "10.0.0.66")

    assert not attempt("li", PASSWORD, "10.0.0.66")


def test_an_administrator_lifts_the_limits_of_an_account(lockout_policy) -> None:
    # given an account locked out of an address and locked by an administrator
    user = UserFactory.create(username="li")
    for _ in range(3):
        attempt("li", WRONG, "10.0.0.66")
    staff_lock(actor=SYSTEM, user=user)
    assert not attempt("li", PASSWORD, "10.0.0.7")

    # when
    staff_unlock(actor=SYSTEM, user=user)

    # then
    assert attempt("li", PASSWORD, "10.0.0.66")
    assert AuditEntry.objects.filter(action="accounts.staff_unlock").count() == 1


def test_a_right_password_of_a_locked_account_is_not_counted_as_a_guess(lockout_policy) -> None:
    user = UserFactory.create(username="li")
    staff_lock(actor=SYSTEM, user=user)
    for _ in range(5):
        attempt("li", PASSWORD, "10.0.0.7")
    staff_unlock(actor=SYSTEM, user=user)

    assert attempt("li", PASSWORD, "10.0.0.7")


def test_inactive_user_cannot_log_in_with_the_right_password() -> None:
    UserFactory.create(username="gone", is_active=False)

    assert not attempt("gone", PASSWORD, "10.0.0.7")
    assert AuditEntry.objects.get(action="auth.login_failed").note == "inactive"


def test_login_success_failure_and_logout_are_audited(lockout_policy) -> None:
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
def test_the_login_trail_records_the_client_address(lockout_policy, settings, proxies: int, recorded: str) -> None:
    # given a proxy at 10.0.0.2 that appends the client's address, trusted or not
    settings.WANGGE_TRUSTED_PROXIES = proxies
    UserFactory.create(username="li", is_staff=True)
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    # when the password is wrong until the address is locked out
    for _ in range(3):
        client.post("/admin/login/", {"username": "li", "password": WRONG})

    # then a forged hop is never recorded
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {recorded}
    assert AuditEntry.objects.filter(action="auth.lockout").exists()


def test_a_forged_forwarded_header_does_not_escape_the_address_lock(lockout_policy) -> None:
    UserFactory.create(username="li", is_staff=True)
    for i in range(3):
        Client(REMOTE_ADDR="10.0.0.66", HTTP_X_FORWARDED_FOR=f"6.6.6.{i}").post(
            "/login/", {"username": "li", "password": WRONG}
        )

    client = Client(REMOTE_ADDR="10.0.0.66", HTTP_X_FORWARDED_FOR="6.6.6.200")
    client.post("/login/", {"username": "li", "password": PASSWORD})

    assert not logged_in(client)


def test_session_timeout_is_configured(settings) -> None:
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
