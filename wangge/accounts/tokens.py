"""API tokens (django-rest-knox): only a hash is stored, each token expires, and they are revoked on logout, when
the password changes, and when the account is locked or switched off.

``WANGGE_API_TOKEN_HOURS`` (10) is a token's lifetime from its issue (knox ``TOKEN_TTL``), not renewed by use;
an account holds at most ``WANGGE_API_TOKENS_PER_USER`` (10) live tokens, the oldest going first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from wangge.accounts.models import User
from wangge.core import audit


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "WANGGE_API_TOKEN_HOURS", 10)))


def tokens_per_user() -> int:
    return max(1, int(getattr(settings, "WANGGE_API_TOKENS_PER_USER", 10)))


@transaction.atomic
def api_token_issue(*, actor: User, ip: str | None = None) -> tuple[AuthToken, str]:
    """A new token for ``actor`` (who has just proved their password). Returns the row and the token itself,
    which is shown this once: only its hash is kept."""
    now = timezone.now()
    AuthToken.objects.filter(user=actor, expiry__lt=now).delete()
    live = AuthToken.objects.filter(user=actor).order_by("-created").values_list("digest", flat=True)
    surplus = list(live[tokens_per_user() - 1 :])
    if surplus:
        AuthToken.objects.filter(digest__in=surplus).delete()
    token, raw = AuthToken.objects.create(user=actor, expiry=token_lifetime())
    audit.record(
        actor=actor,
        action="auth.token_issue",
        obj=actor,
        after={"token": token.token_key[:8], "expiry": token.expiry.isoformat() if token.expiry else None},
        only_changes=False,
        ip=ip,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: AuthToken, ip: str | None = None) -> None:
    """The holder of ``token`` gives it back (API logout)."""
    key = token.token_key[:8]
    token.delete()
    audit.record(actor=actor, action="auth.token_revoke", obj=actor, after={"token": key}, only_changes=False, ip=ip)


def api_tokens_revoke_all(*, actor: Any, user: User, reason: str) -> int:
    """Revoke every token of ``user`` (inside the caller's transaction); the audit entry names the reason."""
    count, _ = AuthToken.objects.filter(user=user).delete()
    if count:
        audit.record(
            actor=actor,
            action="auth.token_revoke_all",
            obj=user,
            after={"count": count, "reason": reason},
            only_changes=False,
        )
    return int(count)
