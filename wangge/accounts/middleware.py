"""A signed-in account whose password must change (wangge.accounts.passwords) reaches nothing else first.

Pages redirect to the password change page (``web:password_change``), which says why; REST API
calls on the session answer 403 with the API's error body. What stays reachable: the change page itself, logout,
language switching, static files and the health check. API calls with a token are refused by the token's
authentication (``wangge.api.base``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from rest_framework.views import APIView

from wangge.accounts.passwords import password_change_reason, reason_text

OPEN_URL_NAMES = ("web:password_change", "web:logout", "admin:logout", "set_language", "healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            paths = []
            for name in OPEN_URL_NAMES:
                try:
                    paths.append(reverse(name))
                except NoReverseMatch:
                    continue
            self._open_paths = tuple(paths)
        return self._open_paths

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if path in self.open_paths() or path.startswith(("/" + settings.STATIC_URL.lstrip("/"),)):
            return None
        reason = password_change_reason(user)
        if reason is None:
            return None
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return JsonResponse({"code": "password_change_required", "message": reason_text(reason)}, status=403)
        return redirect(f"{reverse('web:password_change')}?{urlencode({'next': request.get_full_path()})}")
