"""The password policy (等保 2.0 第三级 身份鉴别: 口令复杂度, 定期更换) and when a password must be changed.

Validators, listed in ``AUTH_PASSWORD_VALIDATORS`` beside Django's length, similarity and common-password ones,
so every way of choosing a password (the change page, the admin, the services, ``changepassword``) applies them:

* :class:`CharacterClassesValidator`: at least three of four classes — upper case, lower case, digits, others.
* :class:`PasswordHistoryValidator`: none of the last ``WANGGE_PASSWORD_HISTORY`` passwords (5, the current one
  included). It also files the hash a new password replaces, on the save that stores the new one.

A signed-in account is sent to the change page (``wangge.accounts.middleware``) and refused an API token
while :func:`password_change_reason` names a reason:

* ``"initial"``: someone other than its owner set the password (an administrator, an import);
* ``"demo"``: a demo login still holds the published demo password, outside ``make run`` (decided at login,
  where it becomes ``must_change_password``; ``WANGGE_DEMO_KEEPS_PASSWORD`` is on only in the local settings);
* ``"expired"``: the password is older than ``WANGGE_PASSWORD_MAX_AGE_DAYS`` (90; 0 switches expiry off).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wangge.accounts.models import PasswordHistory, User

CLASSES = (
    ("upper", lambda c: c.isupper()),
    ("lower", lambda c: c.islower()),
    ("digit", lambda c: c.isdigit()),
    ("other", lambda c: not c.isalnum()),
)


def history_length() -> int:
    return max(0, int(getattr(settings, "WANGGE_PASSWORD_HISTORY", 5)))


def max_age() -> dt.timedelta | None:
    days = int(getattr(settings, "WANGGE_PASSWORD_MAX_AGE_DAYS", 90))
    return dt.timedelta(days=days) if days > 0 else None


def demo_keeps_password() -> bool:
    return bool(getattr(settings, "WANGGE_DEMO_KEEPS_PASSWORD", False))


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        used = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            raise ValidationError(self.message(), code="password_too_simple", params={"n": self.min_classes})

    def message(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、其他符号中的至少 %(n)d 类。") % {"n": self.min_classes}

    def get_help_text(self) -> str:
        return self.message()


class PasswordHistoryValidator:
    """Not one of the account's last ``count`` passwords (the current one counts)."""

    def __init__(self, count: int | None = None) -> None:
        self._count = count

    @property
    def count(self) -> int:
        return history_length() if self._count is None else self._count

    def _recent_hashes(self, user: User) -> list[str]:
        if self.count <= 0:
            return []
        current = user.password if user._password_replaced is None else user._password_replaced
        hashes = [current] if current and is_password_usable(current) else []
        if self.count > 1:
            hashes += list(
                PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count - 1]
            )
        return hashes

    def validate(self, password: str, user: Any = None) -> None:
        if not isinstance(user, User) or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._recent_hashes(user)):
            raise ValidationError(self.message(), code="password_reused", params={"n": self.count})

    def password_changed(self, password: str, user: Any = None) -> None:
        """File the hash the new password replaced, and keep only as many as are checked."""
        if not isinstance(user, User) or user.pk is None:
            return
        replaced, user._password_replaced = user._password_replaced, None
        if not replaced or not is_password_usable(replaced):
            return
        PasswordHistory.objects.create(user=user, password=replaced)
        keep = max(self.count - 1, 0)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def message(self) -> str:
        return ngettext("新密码不能与当前密码相同。", "新密码不能与最近 %(n)d 次使用过的密码相同。", self.count) % {
            "n": self.count
        }

    def get_help_text(self) -> str:
        return self.message()


def password_expired(user: User, now: dt.datetime | None = None) -> bool:
    limit = max_age()
    if limit is None or user.password_changed_at is None or not user.has_usable_password():
        return False
    return (now or timezone.now()) - user.password_changed_at > limit


def password_change_reason(user: Any) -> str | None:
    """Why the signed-in ``user`` must choose a new password before anything else, or None."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if user.is_demo and demo_keeps_password():
        return None
    if user.must_change_password:
        return "demo" if user.is_demo and not PasswordHistory.objects.filter(user_id=user.pk).exists() else "initial"
    if password_expired(user):
        return "expired"
    return None


def holds_published_demo_password(user: User) -> bool:
    """A demo login whose password was never changed through the platform: the demo command gives every demo
    login the published password without going through the services, so it has no history."""
    return user.is_demo and not PasswordHistory.objects.filter(user_id=user.pk).exists()


def reason_text(reason: str) -> str:
    days = int(getattr(settings, "WANGGE_PASSWORD_MAX_AGE_DAYS", 90))
    return {
        "initial": _("您的密码由管理员设置，请先修改为只有您知道的密码。"),
        "demo": _("演示账号的密码是公开的，请先修改密码。"),
        "expired": _("您的密码已使用超过 %(days)d 天，请修改密码。") % {"days": days},
    }.get(reason, _("请修改密码。"))
