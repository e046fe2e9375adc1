"""Pages of the 重点人员管控化解台账 (wired by wangge.web.urls through ``routes``).

Restricted: every page answers 404 to anyone without the key-person role (``keypersons.selectors``), the
list page included, so the ledger's existence is not revealed; an officer sees the key persons of the subtree
of the nodes the role is granted on. Every list, detail, export, reveal and change is written to the access
log by the selectors and services these views call (channel ``web``). The access-log page is for auditors
(``audit_key_persons``: administrators, inspectors; superusers): it shows ids, never the people.

Phone first: the list collapses to cards on a narrow screen, the visit form is one column with large targets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from wangge.core.errors import DomainError, NotFound
from wangge.core.validators import mask_id_number, mask_phone
from wangge.keypersons import schedule
from wangge.keypersons.access import AccessChannel
from wangge.keypersons.choices import AccessAction, AttentionLevel, VisitMethod
from wangge.keypersons.exporting import key_persons_export_xlsx
from wangge.keypersons.filtersets import AccessLogFilterSet, KeyPersonFilterSet
from wangge.keypersons.models import KeyPerson
from wangge.keypersons.selectors import (
    Revealed,
    access_log,
    categories,
    holds_key_persons,
    key_person_detail,
    key_person_for_change,
    key_person_list,
    key_person_reveal,
    key_person_scope,
    may_audit_key_persons,
    pickable_residents,
    resident_by_id_number,
    visible_key_persons,
    visits_of,
)
from wangge.keypersons.services import (
    HELPER_NAMES_MAX,
    NOTE_MAX,
    SITUATION_MAX,
    key_person_create,
    key_person_release,
    key_person_update,
    key_person_visit,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, paginate, querystring_without

WEB = AccessChannel.WEB
PER_PAGE = 30
LOG_PER_PAGE = 50


def _404(exc: NotFound | None = None) -> Http404:
    return Http404(exc.message if exc is not None else _("页面不存在"))


def _refusal(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal on the form: each problem on its field when the form has it, else on top."""
    placed = False
    for problem in exc.details or []:
        field = problem.get("field") if isinstance(problem, dict) else None
        if field in form.fields:
            form.add_error(field, str(problem.get("reason") or exc.message))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _query(request: HttpRequest) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists() if k not in {"page", "export"}}


# -- forms ------------------------------------------------------------------------------------------------


class _DateInput(forms.DateInput):
    """A date picker: the browser takes only ISO dates as its value, whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            local = value if timezone.is_naive(value) else timezone.localtime(value)
            return local.strftime("%Y-%m-%dT%H:%M")
        return super().format_value(value)  # type: ignore[no-any-return]


def _category_choices() -> list[tuple[str, str]]:
    return [(c.key, f"{c.name}（{c.visit_interval_days}天一访）") for c in categories()]


class KeyPersonForm(forms.Form):
    """What an officer gives when adding or changing a key person (the resident is picked separately)."""

    category = forms.ChoiceField(label=gettext_lazy("类别"))
    level = forms.ChoiceField(label=gettext_lazy("关注等级"), choices=AttentionLevel.choices)
    helper_names = forms.CharField(
        label=gettext_lazy("帮扶人"),
        required=False,
        max_length=HELPER_NAMES_MAX,
        help_text=gettext_lazy("帮扶责任人姓名及单位，多人以顿号分隔"),
    )
    visit_interval_days = forms.IntegerField(
        label=gettext_lazy("走访周期(天)"),
        required=False,
        min_value=schedule.MIN_INTERVAL_DAYS,
        max_value=schedule.MAX_INTERVAL_DAYS,
        help_text=gettext_lazy("留空则按类别的走访周期"),
    )
    notes = forms.CharField(label=gettext_lazy("管控情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()  # type: ignore[attr-defined]


class KeyPersonNewForm(KeyPersonForm):
    id_number = forms.CharField(
        label=gettext_lazy("公民身份号码"),
        required=False,
        max_length=18,
        help_text=gettext_lazy("精确匹配辖区居民；或在上方按网格选择居民"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "class": "mono"}),
    )
    resident = forms.TypedChoiceField(label=gettext_lazy("居民"), required=False, coerce=int, empty_value=None)
    started_on = forms.DateField(label=gettext_lazy("纳入管控日期"), required=False, widget=_DateInput())

    field_order = ["resident", "id_number", "category", "level", "started_on"]

    def __init__(self, *args: Any, residents: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = list(residents[:500]) if residents is not None else []
        self.fields["resident"].choices = [("", _("—— 请选择 ——"))] + [  # type: ignore[attr-defined]
            (r.pk, f"{r.name}　{mask_id_number(r.id_number or '')}") for r in rows
        ]
        if not rows:
            self.fields["resident"].widget = forms.HiddenInput()


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=gettext_lazy("走访时间"),
        widget=_DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    method = forms.ChoiceField(label=gettext_lazy("方式"), choices=VisitMethod.choices)
    situation = forms.CharField(
        label=gettext_lazy("走访情况"), max_length=SITUATION_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReleaseForm(forms.Form):
    ended_on = forms.DateField(label=gettext_lazy("解除日期"), widget=_DateInput())
    note = forms.CharField(
        label=gettext_lazy("解除原因"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


# -- list, export, detail, reveal --------------------------------------------------------------------------


@login_required
def keyperson_list(request: HttpRequest) -> HttpResponse:
    """The officer's key persons with filters (category, level, status, overdue); ``?export=xlsx`` downloads
    them (masked, logged). 404 to anyone without the role."""
    if not holds_key_persons(request.user):
        try:
            key_person_list(user=request.user, channel=WEB, query=_query(request))  # logs the attempt
        except NotFound as exc:
            raise _404(exc) from exc
    base = visible_key_persons(request.user)
    filterset = KeyPersonFilterSet(request.GET or None, queryset=base, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    rows = rows.order_by("status", "next_visit_due", "id")
    if request.GET.get("export") == "xlsx":
        content = key_persons_export_xlsx(user=request.user, channel=WEB, rows=rows, query=_query(request))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="keypersons-{stamp}.xlsx"'
        return response
    pages: dict[str, Any] = {}

    def one_page(qs: QuerySet[KeyPerson]) -> Any:
        pages["page"] = paginate(request, qs, per_page=PER_PAGE)
        return pages["page"].object_list

    try:
        listing = key_person_list(user=request.user, channel=WEB, rows=rows, query=_query(request), paginate=one_page)
    except NotFound as exc:
        raise _404(exc) from exc
    today = schedule.today()
    items = [
        {
            "kp": kp,
            "id_number": mask_id_number(kp.resident.id_number or ""),
            "overdue": schedule.days_overdue(kp, today),
            "interval": schedule.interval_days(kp),
        }
        for kp in listing.rows
    ]
    context = {
        "filterset": filterset,
        "items": items,
        "page": pages["page"],
        "total": listing.total,
        "querystring": querystring_without(request, "page", "export"),
        "may_audit": may_audit_key_persons(request.user),
    }
    return render(request, "web/keypersons/list.html", context)


def _detail_context(request: HttpRequest, kp: KeyPerson, revealed: Revealed | None = None) -> dict[str, Any]:
    resident = kp.resident
    today = schedule.today()
    return {
        "kp": kp,
        "resident": resident,
        "id_number": revealed.id_number if revealed else mask_id_number(resident.id_number or ""),
        "phone": revealed.phone if revealed else mask_phone(resident.phone or ""),
        "revealed": revealed is not None,
        "can_reveal": bool(resident.id_number or resident.phone) and revealed is None,
        "interval": schedule.interval_days(kp),
        "days_overdue": schedule.days_overdue(kp, today),
        "visits": list(visits_of(kp)[:100]),
        "helpers": list(kp.helpers.all()),
        "visit_form": VisitForm(initial={"visited_at": timezone.now(), "method": VisitMethod.HOME}),
        "release_form": ReleaseForm(initial={"ended_on": today}),
    }


@login_required
def keyperson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        kp = key_person_detail(user=request.user, pk=pk, channel=WEB)
    except NotFound as exc:
        raise _404(exc) from exc
    return render(request, "web/keypersons/detail.html", _detail_context(request, kp))


@login_required
@require_POST
def keyperson_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The detail page once with the resident's full numbers (logged in the access log and the audit trail)."""
    try:
        revealed = key_person_reveal(user=request.user, pk=pk, channel=WEB, ip=client_ip(request))
    except NotFound as exc:
        raise _404(exc) from exc
    response = render(request, "web/keypersons/detail.html", _detail_context(request, revealed.key_person, revealed))
    response["Cache-Control"] = "no-store"
    return response


# -- changes ----------------------------------------------------------------------------------------------


def _for_change(request: HttpRequest, pk: int, action: AccessAction) -> KeyPerson:
    try:
        return key_person_for_change(user=request.user, pk=pk, channel=WEB, action=action)
    except NotFound as exc:
        raise _404(exc) from exc


def _for_view(request: HttpRequest, pk: int) -> KeyPerson:
    try:
        return key_person_detail(user=request.user, pk=pk, channel=WEB)
    except NotFound as exc:
        raise _404(exc) from exc


@login_required
@require_http_methods(["GET", "POST"])
def keyperson_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit (走访): a one-column form that works on a phone. Showing the form is a logged view."""
    kp = _for_change(request, pk, AccessAction.VISIT) if request.method == "POST" else _for_view(request, pk)
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                key_person_visit(actor=request.user, key_person=kp, channel=WEB, **form.cleaned_data)
            except DomainError as exc:
                _refusal(form, exc)
            else:
                messages.success(request, _("走访已登记"))
                return redirect("web:keyperson_detail", pk=kp.pk)
    else:
        form = VisitForm(initial={"visited_at": timezone.now(), "method": VisitMethod.HOME})
    return render(request, "web/keypersons/visit.html", {"kp": kp, "form": form})


@login_required
@require_POST
def keyperson_release(request: HttpRequest, pk: int) -> HttpResponse:
    kp = _for_change(request, pk, AccessAction.RELEASE)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            key_person_release(actor=request.user, key_person=kp, channel=WEB, **form.cleaned_data)
        except DomainError as exc:
            _refusal(form, exc)
        else:
            messages.success(request, _("已解除管控，记录已归档"))
            return redirect("web:keyperson_detail", pk=kp.pk)
    return render(request, "web/keypersons/release.html", {"kp": kp, "form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def keyperson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kp = _for_change(request, pk, AccessAction.UPDATE) if request.method == "POST" else _for_view(request, pk)
    if request.method == "POST":
        form = KeyPersonForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                key_person_update(actor=request.user, key_person=kp, channel=WEB, **data)
            except DomainError as exc:
                _refusal(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("web:keyperson_detail", pk=kp.pk)
    else:
        form = KeyPersonForm(
            initial={
                "category": kp.category.key,
                "level": kp.level,
                "helper_names": kp.helper_names,
                "visit_interval_days": kp.visit_interval_days,
                "notes": kp.notes,
            }
        )
    return render(request, "web/keypersons/form.html", {"kp": kp, "form": form, "title": _("修改重点人员")})


def _grids(user: Any) -> QuerySet[Territory]:
    scope = key_person_scope(user)
    q = Q(pk__in=[])
    for p in scope.territory_paths:
        q |= Q(path__startswith=p)
    return Territory.objects.filter(q, kind=TerritoryKind.GRID).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def keyperson_new(request: HttpRequest) -> HttpResponse:
    """Add a key person: the resident by exact 公民身份号码, or picked from a grid's residents."""
    if not holds_key_persons(request.user):
        raise _404()
    grids = _grids(request.user)
    grid_id = request.GET.get("grid") or request.POST.get("grid") or ""
    grid = grids.filter(pk=int(grid_id)).first() if grid_id.isdigit() and len(grid_id) < 12 else None
    residents = pickable_residents(request.user).filter(grid=grid).order_by("name", "id") if grid else None
    if request.method == "POST":
        form = KeyPersonNewForm(request.POST, residents=residents)
        if form.is_valid():
            data = dict(form.cleaned_data)
            resident_pk, id_number = data.pop("resident"), data.pop("id_number")
            if resident_pk:
                resident = pickable_residents(request.user).filter(pk=resident_pk).first()
            elif id_number:
                resident = resident_by_id_number(request.user, id_number)
            else:
                resident = None
                form.add_error("id_number", _("请输入公民身份号码或从网格中选择居民"))
            if resident is None and not form.errors:
                form.add_error("id_number", _("辖区内没有该公民身份号码的在册居民"))
            if resident is not None:
                try:
                    kp = key_person_create(actor=request.user, resident=resident, channel=WEB, **data)
                except DomainError as exc:
                    _refusal(form, exc)
                else:
                    messages.success(request, _("已纳入管控"))
                    return redirect("web:keyperson_detail", pk=kp.pk)
    else:
        form = KeyPersonNewForm(
            initial={"level": AttentionLevel.NORMAL, "started_on": schedule.today()}, residents=residents
        )
    context = {"form": form, "grids": grids, "grid": grid, "title": _("新增重点人员")}
    return render(request, "web/keypersons/form.html", context)


# -- access log ------------------------------------------------------------------------------------------


@login_required
def keyperson_access_log(request: HttpRequest) -> HttpResponse:
    """The access log for auditors: who, when, what (ids, filters, count), channel, address. 404 otherwise."""
    if not may_audit_key_persons(request.user):
        raise _404()
    base = access_log(request.user)
    filterset = AccessLogFilterSet(request.GET or None, queryset=base, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = paginate(request, rows.order_by("-at", "-id"), per_page=LOG_PER_PAGE)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "auditor_only": not holds_key_persons(request.user),
        "may_audit": True,
    }
    return render(request, "web/keypersons/access_log.html", context)


routes: list[URLPattern] = [
    path("keypersons/", keyperson_list, name="keyperson_list"),
    path("keypersons/new/", keyperson_new, name="keyperson_new"),
    path("keypersons/access-log/", keyperson_access_log, name="keyperson_access_log"),
    path("keypersons/<int:pk>/", keyperson_detail, name="keyperson_detail"),
    path("keypersons/<int:pk>/reveal/", keyperson_reveal, name="keyperson_reveal"),
    path("keypersons/<int:pk>/visit/", keyperson_visit, name="keyperson_visit"),
    path("keypersons/<int:pk>/release/", keyperson_release, name="keyperson_release"),
    path("keypersons/<int:pk>/edit/", keyperson_edit, name="keyperson_edit"),
]
