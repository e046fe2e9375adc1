"""Helpers shared by the page views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wangge.core.clientaddr import client_ip
from wangge.core.errors import Conflict, DomainError

__all__ = [  # client_ip: one rule, in core
    "client_ip",
    "is_htmx",
    "paginate",
    "querystring_without",
    "run_step",
]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def querystring_without(request: HttpRequest, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def run_step(
    request: HttpRequest,
    form: forms.Form,
    perform: Callable[[], object],
    *,
    label: str,
    target: str,
    conflict_message: str | None = None,
    still_visible: Callable[[], bool] | None = None,
    queue: str | None = None,
) -> tuple[HttpResponse | None, int, str]:
    """Submit a workflow step's form: on success the page to go to (an htmx request is told through
    HX-Redirect), else ``(None, status, message)`` with the fields the service refused marked on the form.
    ``conflict_message`` replaces the service's message for a conflict (e.g. a stale version).

    A step can take the object out of the actor's scope (a unit that returns a case no longer sees it): when
    ``still_visible`` answers False after the step, the actor lands on ``queue`` (their list) with a message
    saying so, never on a page that would now answer 404."""
    if not form.is_valid():
        return None, 400, _("请检查填写的内容")
    try:
        perform()
    except DomainError as exc:
        if conflict_message and isinstance(exc, Conflict):
            return None, 409, conflict_message
        for detail in exc.details if isinstance(exc.details, list) else []:
            field = detail.get("field") if isinstance(detail, dict) else None
            if field in form.fields:
                form.add_error(field, detail.get("message") or _("请检查此项"))
        return None, exc.http_status, exc.message
    messages.success(request, _("已完成：%(label)s") % {"label": label})
    if queue is not None and still_visible is not None and not still_visible():
        messages.info(request, _("该事项已不在您的办理范围内，已返回工作台"))
        target = queue
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response, 204, ""
    return redirect(target), 302, ""
