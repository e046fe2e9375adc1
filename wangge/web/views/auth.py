"""Login and logout. The session expires after settings.SESSION_COOKIE_AGE of inactivity."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from wangge.web.forms import LoginForm


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
