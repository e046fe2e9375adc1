"""Token authentication of the API (django-rest-knox tokens, wangge.accounts.tokens).

A module of its own: REST framework imports the default authentication classes while ``rest_framework.views``
loads, so this must not import anything that imports the views.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from wangge.accounts.passwords import password_change_reason, reason_text


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>``, as issued by ``POST /api/auth/token/``: expired tokens, and the tokens of
    an account that is switched off, locked by an administrator or must change its password first, are refused."""

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, token = super().validate_user(auth_token)
        if user.is_locked:
            raise exceptions.AuthenticationFailed(_("账号已被锁定"))
        reason = password_change_reason(user)
        if reason is not None:
            raise exceptions.AuthenticationFailed(reason_text(reason))
        return user, token
