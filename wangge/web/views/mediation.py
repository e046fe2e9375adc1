"""Pages of 矛盾纠纷调解 (wired by wangge.web.urls through ``routes``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def mediation_home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/mediation/home.html", {})


routes: list[URLPattern] = [
    path("mediation/", mediation_home, name="mediation_home"),
]
