"""Login and logout. The session expires after settings.SESSION_COOKIE_AGE of inactivity."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from wangge.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
