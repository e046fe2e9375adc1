"""智能建议准确率: per month how often the suggested category was right (first guess, any of three) and the
suggested unit taken, the acceptance per suggested category, and the classifier's monthly retrains (wired by
wangge.web.urls through ``routes``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from wangge.intel import selectors
from wangge.intel.choices import SuggestionStep


@login_required
def suggestion_accuracy(request: HttpRequest) -> HttpResponse:
    if not selectors.may_read_report(request.user):
        raise PermissionDenied
    raw_months = request.GET.get("months", "")
    months = int(raw_months) if raw_months.isdigit() else 12
    step = request.GET.get("step", "")
    if step not in SuggestionStep.values:
        step = ""
    data = selectors.report(request.user, months=months, step=step, until=request.GET.get("until"))
    context = {
        **data,
        "steps": SuggestionStep.choices,
        "month_choices": (3, 6, 12, 24),
        "until_value": data["window"]["until"].strftime("%Y-%m"),
    }
    return render(request, "web/classifier/accuracy.html", context)


routes: list[URLPattern] = [
    path("intel/suggestions/", suggestion_accuracy, name="intel_suggestions"),
]
