"""Security events to the audit trail: login success, failure and logout (等保 2.0 安全审计).

Connected in ``AccountsConfig.ready``. These receivers record events only; the login-failure rules live in
``wangge.accounts.lockout`` and are applied by ``wangge.accounts.backends``. Attempts refused before any
password was checked are written once a minute per address and reason, so a flood of them does not flood
the trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from wangge.accounts.backends import failure_reason
from wangge.accounts.models import User
from wangge.core import audit, ratelimit
from wangge.core.clientaddr import client_ip

REFUSALS_AUDITED = ratelimit.Rate(limit=1, period=60)


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
    # bad_password, unknown_user, locked (by an administrator), inactive, or refused_<pair|account|address|global>
    reason = failure_reason.get()
    failure_reason.set(None)
    ip = client_ip(request)
    refused = bool(reason and reason.startswith("refused_"))
    if refused and not ratelimit.hit("auth.audit_refused", f"{ip}|{reason}", REFUSALS_AUDITED).allowed:
        return
    user = User._default_manager.filter(username=username).first() if username else None
    reason = reason or ("unknown_user" if user is None else "bad_credentials")
    audit.record(actor=username or "anonymous", action="auth.login_failed", obj=user, note=reason, ip=ip)
