"""Authentication with login-failure lockout (等保 2.0: 登录失败处理).

After ``WANGGE_LOCKOUT_ATTEMPTS`` consecutive wrong passwords the account is locked for
``WANGGE_LOCKOUT_MINUTES``. While locked, no password is even checked, so guessing cannot go on.
A correct password resets the counter. Successful and failed logins are written to the audit
trail by the receivers in ``wangge.accounts.security``; the lockout itself is written here.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wangge.accounts.models import User
from wangge.core import audit
from wangge.core.clientaddr import client_ip

# Why the last attempt in this context failed; ``django.contrib.auth.authenticate`` sends
# ``user_login_failed`` right after the backend returns, in the same context, and the audit
# receiver reads it from here.
failure_reason: ContextVar[str | None] = ContextVar("wangge_login_failure_reason", default=None)


def lockout_attempts() -> int:
    return int(getattr(settings, "WANGGE_LOCKOUT_ATTEMPTS", 5))


def lockout_minutes() -> int:
    return int(getattr(settings, "WANGGE_LOCKOUT_MINUTES", 15))


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
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            # Spend the time of a hash anyway, so timing does not tell which usernames exist.
            User().set_password(password)
            failure_reason.set("unknown_user")
            return None
        if user.is_locked:
            failure_reason.set("locked")
            # Stops the chain of backends; django.contrib.auth then sends user_login_failed.
            raise PermissionDenied("account locked")
        if user.check_password(password):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
                user.failed_logins, user.locked_until = 0, None
            if self.user_can_authenticate(user):
                return user
            failure_reason.set("inactive")
            return None
        register_failure(user, request)
        failure_reason.set("locked_now" if user.is_locked else "bad_password")
        return None


@transaction.atomic
def register_failure(user: User, request: HttpRequest | None = None) -> User:
    """Count one wrong password; lock the account when the count reaches the limit."""
    now = timezone.now()
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.locked_until is not None and locked.locked_until <= now:
        # The previous lock has expired: the count starts again.
        locked.failed_logins = 0
        locked.locked_until = None
    locked.failed_logins += 1
    if locked.failed_logins >= lockout_attempts() and locked.locked_until is None:
        locked.locked_until = now + dt.timedelta(minutes=lockout_minutes())
        audit.record(
            actor=locked.username,
            action="auth.lockout",
            obj=locked,
            after={"failed_logins": locked.failed_logins, "locked_until": locked.locked_until.isoformat()},
            only_changes=False,
            ip=client_ip(request),
        )
    locked.save(update_fields=["failed_logins", "locked_until"])
    user.failed_logins, user.locked_until = locked.failed_logins, locked.locked_until
    return locked
