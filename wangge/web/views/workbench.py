"""The workbench: the case list with filters, saved views and bulk dispatch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.choices import Role
from wangge.core.errors import DomainError
from wangge.web import selectors, services
from wangge.web.filters import CASE_PRIMARY_FILTERS, case_filterset_class, split_fields, tune_form
from wangge.web.forms import BulkDispatchForm, SavedViewForm
from wangge.web.models import SavedView
from wangge.web.views.common import is_htmx, querystring_without
from wangge.workorders.models import WorkOrder
from wangge.workorders.services import work_order_transition

TAB_MINE, TAB_ALL = "mine", "all"
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})


def may_bulk_dispatch(user: Any) -> bool:
    return bool(user.is_superuser or selectors.roles_of(user) & DISPATCH_ROLES)


def case_list_queryset(user: Any, tab: str) -> Any:
    """待我处理: due soonest first. 全部: newest first (an index walk; most of them are closed and have no clock).
    The ``ordering`` filter overrides either."""
    if tab == TAB_MINE:
        return selectors.list_rows(selectors.action_queue(user)).order_by(*selectors.DUE_ORDER)
    return selectors.list_rows(WorkOrder.objects.restrict(user)).order_by(*selectors.NEWEST_ORDER)


def _without(params: QueryDict, *keys: str) -> str:
    params = params.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def case_table_context(request: HttpRequest, params: QueryDict) -> dict[str, Any]:
    """The case table for these query parameters (tab, filters, page): the workbench page, and the table a
    bulk dispatch sends back so its rows show what the dispatch did."""
    user = request.user
    tab = TAB_ALL if params.get("tab") == TAB_ALL else TAB_MINE
    filterset = case_filterset_class()(params or None, queryset=case_list_queryset(user, tab), request=request)
    cases = filterset.qs if filterset.is_bound and filterset.is_valid() else case_list_queryset(user, tab)
    tune_form(filterset.form)
    page = Paginator(cases, 50).get_page(params.get("page"))
    selectors.decorate(list(page.object_list), timezone.now())
    return {
        "tab": tab,
        "filterset": filterset,
        "page": page,
        "querystring": _without(params, "page"),
        "tab_querystring": _without(params, "page", "tab"),
        "can_bulk_dispatch": may_bulk_dispatch(user),
    }


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    view_id = request.GET.get("view")
    if view_id and view_id.isdigit():
        saved = get_object_or_404(SavedView, pk=int(view_id), user_id=user.pk)
        return HttpResponseRedirect(f"{reverse('web:workbench')}?{saved.querystring}")
    context = case_table_context(request, request.GET)
    primary, more = split_fields(context["filterset"].form, CASE_PRIMARY_FILTERS)
    bulk = context["can_bulk_dispatch"]
    context.update(
        {
            "primary_filters": primary,
            "more_filters": more,
            "more_open": any(request.GET.get(f.name) for f in more),
            "filters_active": any(request.GET.get(f.name) for f in (*primary, *more)),
            "saved_views": SavedView.objects.filter(user_id=user.pk or 0),
            "bulk_form": BulkDispatchForm(user=user) if bulk and not is_htmx(request) else None,
            "save_form": SavedViewForm(initial={"querystring": querystring_without(request, "page")}),
        }
    )
    template = "web/partials/case_table.html" if is_htmx(request) else "web/workbench.html"
    return render(request, template, context)


def _shown_params(request: HttpRequest) -> QueryDict:
    """The query of the workbench page an htmx request came from (htmx sends its address), so the table sent
    back is the one on the screen; the default list otherwise."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.path != reverse("web:workbench"):
        return QueryDict()
    return QueryDict(current.query)


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch every selected case to one unit, each through the transition service; a refused case
    does not stop the others and is reported with its reason."""
    user = request.user
    if not may_bulk_dispatch(user):
        return render(request, "web/partials/bulk_result.html", {"error": _("无权批量派遣")}, status=403)
    form = BulkDispatchForm(request.POST, user=user)
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        return render(request, "web/partials/bulk_result.html", {"error": errors}, status=400)
    unit = form.cleaned_data["unit"]
    codes: dict[int, str] = dict(
        WorkOrder.objects.restrict(user)
        .filter(pk__in=[pk for pk, _v in form.cleaned_data["cases"]])
        .values_list("pk", "tracking_code")
    )
    results = []
    for pk, version in form.cleaned_data["cases"]:
        try:
            wo = work_order_transition(
                actor=user, work_order_id=pk, name="dispatch", expected_version=version, unit=unit
            )
        except DomainError as exc:
            # a case out of the user's scope is named by no code, never by its internal id
            results.append({"code": codes.get(pk, _("未知工单")), "ok": False, "message": exc.message})
        else:
            results.append({"code": wo.tracking_code, "ok": True, "message": _("已派往 %(unit)s") % {"unit": unit}})
    done = sum(1 for r in results if r["ok"])
    context: dict[str, Any] = {"results": results, "done": done, "failed": len(results) - done, "unit": unit}
    if not is_htmx(request):
        messages.info(request, _("批量派遣：成功 %(done)d 件，失败 %(failed)d 件") % context)
        return redirect("web:workbench")
    # The rows on the screen must not go on saying 待派遣: the table comes back with the result (out of band).
    context["table"] = case_table_context(request, _shown_params(request))
    return render(request, "web/partials/bulk_result.html", context)


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = services.saved_view_save(
                actor=request.user, name=form.cleaned_data["name"], querystring=form.cleaned_data["querystring"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存常用筛选“%(name)s”") % {"name": view.name})
            return HttpResponseRedirect(f"{reverse('web:workbench')}?{view.querystring}")
    else:
        messages.error(request, _("请填写名称"))
    return redirect("web:workbench")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.saved_view_delete(actor=request.user, view_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("web:workbench")
