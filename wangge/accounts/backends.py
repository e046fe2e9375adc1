"""Authentication with login-failure handling (等保 2.0: 登录失败处理), for every login path.

The staff login page, the admin login and the API token endpoint all call ``django.contrib.auth.authenticate``
with the request, which reaches :class:`LockoutBackend`. Before a password is checked, ``wangge.accounts.lockout``
may refuse the attempt (this address and username, this address, the platform under attack, an account slowed
down); a refusal stops the chain of backends. Afterwards the failure or success is counted there.

A wrong password, an unknown username, an account locked by an administrator or switched off, and a refusal
all end the same way — no user, the same message on every page — and take about the same time (a password
hash is computed in each case but a refusal, which does not depend on whether the username exists). Successful
and failed logins are written to the audit trail by the receivers in ``wangge.accounts.security``.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from wangge.accounts import lockout
from wangge.accounts.models import User
from wangge.accounts.passwords import demo_keeps_password, holds_published_demo_password
from wangge.core import audit
from wangge.core.clientaddr import client_ip

# Why the last attempt in this context failed; ``django.contrib.auth.authenticate`` sends
# ``user_login_failed`` right after the backend returns, in the same context, and the audit
# receiver reads it from here.
failure_reason: ContextVar[str | None] = ContextVar("wangge_login_failure_reason", default=None)


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_ip(request)
        refused = lockout.refusal(username, address)
        if refused is not None:
            failure_reason.set(f"refused_{refused.reason}")
            # Stops the chain of backends; django.contrib.auth then sends user_login_failed.
            raise PermissionDenied("login refused")
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            # Spend the time of a hash anyway, so timing does not tell which usernames exist.
            User().set_password(password)
            self._failed(username, address, None, "unknown_user")
            return None
        if not user.check_password(password):
            self._failed(username, address, user, "bad_password")
            return None
        if user.is_locked or not self.user_can_authenticate(user):
            # The right password of an account an administrator locked or switched off: not counted as a guess.
            failure_reason.set("locked" if user.is_locked else "inactive")
            return None
        lockout.count_success(username, address)
        if not demo_keeps_password() and not user.must_change_password and holds_published_demo_password(user):
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            user.must_change_password = True
        return user

    def _failed(self, username: str, address: str | None, user: User | None, reason: str) -> None:
        locked_now = lockout.count_failure(username, address)
        failure_reason.set(reason)
        if locked_now:
            audit.record(
                actor=username[:150] or "anonymous",
                action="auth.lockout",
                obj=user,
                after={"scope": "address", "minutes": lockout.pair_seconds() // 60},
                only_changes=False,
                ip=address,
            )
