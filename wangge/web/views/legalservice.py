"""Pages of 公共法律服务 (wired by wangge.web.urls through ``routes``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def legal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/legalservice/home.html", {})


routes: list[URLPattern] = [
    path("legal/", legal_home, name="legal_home"),
]
