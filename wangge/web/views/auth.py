"""Login, logout and the self-service password change. The session expires after settings.SESSION_COOKIE_AGE
of inactivity; every failed login gets the same message (wangge.accounts.forms.LOGIN_FAILED)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from wangge.accounts.forms import LoginForm, PasswordChangeForm
from wangge.accounts.passwords import password_change_reason, reason_text
from wangge.accounts.services import staff_set_password
from wangge.core import ratelimit
from wangge.core.errors import DomainError

# Wrong current passwords on the change page, per account: the page must not become a way to guess it.
CHANGE_ATTEMPTS = ratelimit.Rate(limit=10, period=3600)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Sent here from a page (?next=…): not logged in yet, or the session ended after the idle limit.
        if request.GET.get(self.redirect_field_name) and not request.user.is_authenticated:
            minutes = max(1, int(settings.SESSION_COOKIE_AGE) // 60)
            text = _("请先登录。超过 %(minutes)d 分钟未操作会自动退出，需要重新登录。") % {"minutes": minutes}
            messages.info(request, text)
        return super().get(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: any staff member, at any time; the only page open while a change is required."""
    user: Any = request.user
    reason = password_change_reason(user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST":
        if not ratelimit.check("web.password_change", str(user.pk), CHANGE_ATTEMPTS).allowed:
            form.is_valid()
            form.add_error(None, _("尝试次数过多，请稍后再试"))
        elif form.is_valid():
            try:
                staff_set_password(actor=user, user=user, password=form.cleaned_data["new_password1"])
            except DomainError as exc:
                form.add_error("new_password1", exc.message)
            else:
                user.refresh_from_db()
                update_session_auth_hash(request, user)  # this session goes on; the account's others end
                messages.success(request, _("密码已修改。其他设备上的登录和接口令牌已失效。"))
                return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        elif "old_password" in form.errors:
            ratelimit.hit("web.password_change", str(user.pk), CHANGE_ATTEMPTS)
    context = {"form": form, "reason": reason_text(reason) if reason else "", "next": _safe_next(request)}
    return render(request, "registration/password_change.html", context, status=400 if form.errors else 200)
