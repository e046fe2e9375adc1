"""The login forms of the staff pages and the admin, and the self-service password change.

Every failed login gets the one message :data:`LOGIN_FAILED`, whether the password was wrong, the username
unknown, the account locked or switched off, or the attempt refused by the login-failure limits
(``wangge.accounts.lockout``): the page never tells which usernames exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import User

LOGIN_FAILED = _("用户名或密码不正确，或尝试过于频繁。多次失败后请稍候再试，仍无法登录请联系管理员。")


class LoginForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": LOGIN_FAILED}


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": LOGIN_FAILED}


class PasswordChangeForm(forms.Form):
    """The current password, then the new one twice, checked against the policy (history included)."""

    old_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_old_password(self) -> str:
        old = str(self.cleaned_data["old_password"])
        if not self.user.check_password(old):
            raise forms.ValidationError(_("当前密码不正确"), code="password_incorrect")
        return old

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error(
                "new_password2", forms.ValidationError(_("两次输入的新密码不一致"), code="password_mismatch")
            )
        elif new1:
            try:
                password_validation.validate_password(new1, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data
