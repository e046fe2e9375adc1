"""Token authentication of the API (django-rest-knox tokens, wangge.accounts.tokens).

A module of its own: REST framework imports the default authentication classes while ``rest_framework.views``
loads, so this must not import anything that imports the views.
"""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions

from wangge.accounts.passwords import password_change_reason, reason_text


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>``, as issued by ``POST /api/auth/token/``: expired tokens, and the tokens of
    an account that is switched off, locked by an administrator or must change its password first, are refused.

    One query per request: the token row with its user. Knox also walks every other token of the user on each
    request to delete the expired ones; here an expired token is deleted when it is presented, and the others
    when the user is next issued a token (``api_token_issue``) — an expired token authenticates nothing either
    way. Revocation deletes the row, so the next request with it fails: nothing is cached between requests."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        msg = _("Invalid token.")
        raw = token.decode("utf-8")
        try:
            digest = hash_token(raw)
        except (TypeError, binascii.Error) as exc:
            raise exceptions.AuthenticationFailed(msg) from exc
        rows = get_token_model().objects.filter(token_key=raw[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
        for auth_token in rows:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=type(self), username=username, source="auth_token")
                break
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(msg)

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, token = super().validate_user(auth_token)
        if user.is_locked:
            raise exceptions.AuthenticationFailed(_("账号已被锁定"))
        reason = password_change_reason(user)
        if reason is not None:
            raise exceptions.AuthenticationFailed(reason_text(reason))
        return user, token
