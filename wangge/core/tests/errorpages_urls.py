"""The platform's URLs and three views that fail, for the error page tests."""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a detail only the log should hold")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a detail only the log should hold")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("a detail only the log should hold")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/missing/", missing),
    path("", include("config.urls")),
]
