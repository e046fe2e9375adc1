"""Security events to the audit trail: login success, failure and logout (等保 2.0 安全审计).

Connected in ``AccountsConfig.ready``. These receivers record events only; the lockout rule
itself lives in ``wangge.accounts.backends``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from wangge.accounts.backends import failure_reason
from wangge.accounts.models import User
from wangge.core import audit
from wangge.core.clientaddr import client_ip


@receiver(user_logged_in, dispatch_uid="wangge.accounts.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action="auth.login", obj=user, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="wangge.accounts.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    audit.record(actor=user, action="auth.logout", obj=user, ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="wangge.accounts.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    user = User._default_manager.filter(username=username).first() if username else None
    # bad_password, locked_now (this failure locked the account), locked, inactive, unknown_user
    reason = failure_reason.get() or ("unknown_user" if user is None else "bad_credentials")
    failure_reason.set(None)
    audit.record(
        actor=username or "anonymous",
        action="auth.login_failed",
        obj=user,
        note=reason,
        ip=client_ip(request),
    )
