"""Pages of 助企包联 (``wangge.enterprises``), wired by wangge.web.urls through ``routes``: the figures of a month
(企业、人均包联、走访覆盖、涉企诉求、授信放款), my enterprises (the cadre's phone list), the enterprise list (one
FilterSet with the API), an enterprise with its 三级包联, visits and financing, its cases (the problems raised and
their work orders, followed by its liaison cadres even without a territory grant, and the enterprise's rating), the
visit form, registering an enterprise (from the merchants ledger or directly), the service days (generated from their
rule, attendance and problems) and the 政银企 matchmaking events.

Everything is scoped: a row outside the user's scope answers 404 like a missing one. The services decide every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.core.errors import DomainError
from wangge.enterprises.choices import Industry, Intention, LiaisonLevel, Scale, ServiceDayKind
from wangge.enterprises.filtersets import EnterpriseFilterSet, FinancingEventFilterSet, ServiceDayFilterSet
from wangge.enterprises.models import (
    Bank,
    Cadre,
    Enterprise,
    FinancingEvent,
    FinancingProduct,
    Issue,
    Liaison,
    ServiceDay,
    Visit,
)
from wangge.enterprises.selectors import (
    DEFINITIONS,
    cadre_rows,
    enterprise_figures,
    enterprise_issues,
    liaisons_of,
    my_enterprises,
    participations_of,
)
from wangge.enterprises.services import (
    enterprise_from_merchant,
    enterprise_save,
    financing_event_offer_set,
    financing_event_save,
    is_liaison,
    issue_rate,
    liaison_assign,
    liaison_end,
    may_keep,
    may_organise,
    may_visit,
    participation_save,
    service_day_record,
    service_days_generate,
    visit_record,
)
from wangge.ledgers.models import Merchant
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import paginate, querystring_without
from wangge.workorders.choices import OPEN_STATUSES, Rating

PER_PAGE = 30

# --- helpers -------------------------------------------------------------------------------------------------


def get_enterprise(user: Any, pk: int) -> Enterprise:
    """An enterprise the user sees (territory scope, or liaising with it); otherwise 404 like a missing one."""
    found: Enterprise | None = (
        Enterprise.objects.restrict(user).select_related("grid", "merchant").filter(pk=pk).first()
    )
    if found is None:
        raise Http404(_("企业不存在"))
    return found


def _month(request: HttpRequest) -> dt.date:
    raw = str(request.GET.get("month") or "")
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _nodes(user: Any) -> QuerySet[Territory]:
    kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY]
    return Territory.objects.restrict(user).filter(kind__in=kinds).order_by("path")[:80]


def _node(user: Any, code: str | None) -> Territory | None:
    if not code:
        return None
    node: Territory | None = Territory.objects.restrict(user).filter(code=code).first()
    return node


def _refused(form: forms.Form, exc: DomainError) -> None:
    form.add_error(None, exc.message)
    for detail in exc.details if isinstance(exc.details, list) else []:
        name = str(detail.get("field", ""))
        if name in form.fields and detail.get("reason"):
            form.add_error(name, str(detail["reason"]))


# --- figures and lists ---------------------------------------------------------------------------------------


@login_required
def enterprise_home(request: HttpRequest) -> HttpResponse:
    """The 助企 figures of a month over a territory node (or everything the user sees), per cadre below."""
    user = request.user
    month = _month(request)
    node = _node(user, request.GET.get("territory"))
    context = {
        "month": month,
        "node": node,
        "nodes": _nodes(user),
        "figures": enterprise_figures(user, month, node=node),
        "cadres": cadre_rows(user, month, node, limit=30),
        "definitions": DEFINITIONS,
        "mine": my_enterprises(user).count(),
    }
    return render(request, "web/enterprises/home.html", context)


@login_required
def enterprise_mine(request: HttpRequest) -> HttpResponse:
    """My enterprises (包联企业) on the phone: each with its open cases and last visit."""
    user = request.user
    rows = list(
        my_enterprises(user)
        .annotate(
            open_cases=Count("issues", filter=Q(issues__work_order__status__in=OPEN_STATUSES), distinct=True),
            unrated=Count(
                "issues",
                filter=Q(issues__work_order__status="closed", issues__rating__isnull=True),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    month = timezone.localdate().replace(day=1)
    visits = dict(
        Visit.objects.filter(enterprise__in=[e.pk for e in rows], visited_on__gte=month)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise_id", "n")
    )
    for e in rows:
        e.visits_this_month = visits.get(e.pk, 0)  # type: ignore[attr-defined]
    return render(request, "web/enterprises/mine.html", {"rows": rows})


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Enterprise] = Enterprise.objects.restrict(user).select_related("grid").order_by("name", "id")
    filterset = EnterpriseFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    may_add = Territory.objects.restrict(user, "change").filter(kind=TerritoryKind.GRID).exists()
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "may_add": may_add,
    }
    return render(request, "web/enterprises/list.html", context)


class LiaisonForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("包联层级"), choices=LiaisonLevel.choices)
    cadre = forms.ModelChoiceField(label=gettext_lazy("包联人"), queryset=Cadre.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("包联部门"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.filter(  # type: ignore[attr-defined]
            district_id=enterprise.district_id, is_active=True
        ).order_by("rank", "name")
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            kind=UnitKind.DEPARTMENT, territory_id=enterprise.district_id, is_active=True
        ).order_by("code")


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=gettext_lazy("企业评价"), choices=Rating.choices, coerce=int)
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("企业认为问题是否解决"),
        choices=(("1", gettext_lazy("已解决")), ("0", gettext_lazy("未解决"))),
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=gettext_lazy("评价说明（选填）"), max_length=200, required=False)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    e = get_enterprise(user, pk)
    keeper = may_keep(user, e.grid.path)
    context = {
        "e": e,
        "liaisons": liaisons_of(e),
        "visits": list(e.visits.select_related("cadre").order_by("-visited_on", "-id")[:10]),
        "issues": list(enterprise_issues(e)[:5]),
        "issue_count": e.issues.count(),
        "financings": list(e.financings.select_related("event", "bank").order_by("-event__held_on")),
        "may_visit": may_visit(user, e),
        "may_keep": keeper,
        "liaison_form": LiaisonForm(enterprise=e) if keeper else None,
    }
    return render(request, "web/enterprises/detail.html", context)


@login_required
def enterprise_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's cases: each problem raised, its work order's state and the enterprise's rating. Its liaison
    cadres see this page even without a grant over the case's territory."""
    user = request.user
    e = get_enterprise(user, pk)
    issues = list(enterprise_issues(e))
    may_rate = is_liaison(user, e) or may_keep(user, e.grid.path)
    context = {"e": e, "issues": issues, "may_rate": may_rate, "rate_form": RateForm() if may_rate else None}
    return render(request, "web/enterprises/cases.html", context)


@login_required
def enterprise_issue_rate(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    user = request.user
    issue: Issue | None = (
        Issue.objects.restrict(user).select_related("enterprise", "enterprise__grid").filter(pk=pk).first()
    )
    if issue is None:
        raise Http404
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            issue_rate(
                actor=user,
                issue=issue,
                rating=form.cleaned_data["rating"],
                resolved=form.cleaned_data["resolved"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录企业评价"))
    else:
        messages.error(request, _("请选择评价"))
    return redirect("web:enterprise_cases", pk=issue.enterprise_id)


@login_required
def enterprise_liaison_add(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    user = request.user
    e = get_enterprise(user, pk)
    form = LiaisonForm(request.POST, enterprise=e)
    if form.is_valid():
        try:
            liaison_assign(
                actor=user,
                enterprise=e,
                level=form.cleaned_data["level"],
                cadre=form.cleaned_data["cadre"],
                unit=form.cleaned_data["unit"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已调整包联关系"))
    else:
        messages.error(request, _("请检查包联层级、包联人或部门"))
    return redirect("web:enterprise_detail", pk=e.pk)


@login_required
def enterprise_liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    user = request.user
    link: Liaison | None = Liaison.objects.restrict(user).select_related("enterprise__grid").filter(pk=pk).first()
    if link is None:
        raise Http404
    try:
        liaison_end(actor=user, liaison=link)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已结束该包联关系"))
    return redirect("web:enterprise_detail", pk=link.enterprise_id)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=gettext_lazy("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    visitors = forms.CharField(label=gettext_lazy("走访人员（选填）"), max_length=200, required=False)
    findings = forms.CharField(
        label=gettext_lazy("走访情况（查看台账、生产经营、发现的情况）"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    problems = forms.CharField(
        label=gettext_lazy("企业反映的问题（每行一个，每个问题转立一件涉企工单）"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def problem_list(self) -> list[str]:
        return [line.strip() for line in str(self.cleaned_data.get("problems") or "").splitlines() if line.strip()]


@login_required
def enterprise_visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    e = get_enterprise(user, pk)
    if not may_visit(user, e):
        raise Http404
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                visit = visit_record(
                    actor=user,
                    enterprise=e,
                    visited_on=form.cleaned_data["visited_on"],
                    findings=form.cleaned_data["findings"],
                    visitors=form.cleaned_data["visitors"],
                    problems=form.problem_list(),
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                text = _("走访已记录")
                if visit.problem_count:
                    text += _("，%(n)s 个问题已转立涉企工单") % {"n": visit.problem_count}
                messages.success(request, text)
                return redirect("web:enterprise_cases" if visit.problem_count else "web:enterprise_detail", pk=e.pk)
        else:
            status = 400
    else:
        form = VisitForm(initial={"visited_on": timezone.localdate()})
    return render(request, "web/enterprises/visit_form.html", {"e": e, "form": form}, status=status)


class EnterpriseForm(forms.Form):
    merchant_code = forms.CharField(
        label=gettext_lazy("从商户台账登记：统一社会信用代码（选填）"),
        max_length=18,
        required=False,
        help_text=gettext_lazy("填写后名称、行业、地址和网格取自商户台账"),
    )
    name = forms.CharField(label=gettext_lazy("企业名称"), max_length=120, required=False)
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18, required=False)
    grid = forms.ModelChoiceField(label=gettext_lazy("所在网格"), queryset=Territory.objects.none(), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("行业"), choices=Industry.choices, initial=Industry.OTHER)
    scale = forms.ChoiceField(label=gettext_lazy("规模"), choices=Scale.choices, initial=Scale.SMALL)
    employees = forms.IntegerField(label=gettext_lazy("从业人数"), min_value=0, initial=0)
    annual_output = forms.DecimalField(
        label=gettext_lazy("年产值（万元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"].queryset = (  # type: ignore[attr-defined]
            Territory.objects.restrict(user, "change").filter(kind=TerritoryKind.GRID).order_by("path")
        )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        code = str(d.get("merchant_code") or "").strip().upper()
        if code:
            merchant: Merchant | None = Merchant.objects.restrict(self.user).filter(credit_code=code).first()
            if merchant is None:
                self.add_error("merchant_code", _("商户台账中没有该统一社会信用代码"))
            d["merchant"] = merchant
        elif not d.get("name") or not d.get("grid"):
            self.add_error("name", _("请填写企业名称并选择所在网格，或填写商户台账中的统一社会信用代码"))
        return d


@login_required
def enterprise_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = 200
    if request.method == "POST":
        form = EnterpriseForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            extra = {k: d[k] for k in ("industry", "scale", "employees", "annual_output")}
            try:
                if d.get("merchant") is not None:
                    e = enterprise_from_merchant(actor=user, merchant=d["merchant"], **extra)
                else:
                    e = enterprise_save(
                        actor=user,
                        grid=d["grid"],
                        name=d["name"],
                        credit_code=d["credit_code"],
                        address=d["address"],
                        contact_name=d["contact_name"],
                        **extra,
                    )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已登记包联企业“%(n)s”") % {"n": e.name})
                return redirect("web:enterprise_detail", pk=e.pk)
        else:
            status = 400
    else:
        form = EnterpriseForm(user=user)
    return render(request, "web/enterprises/form.html", {"form": form}, status=status)


# --- service days --------------------------------------------------------------------------------------------


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=ServiceDayKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("举办辖区"), queryset=Territory.objects.none())
    start = forms.DateField(label=gettext_lazy("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET]
        self.fields["territory"].queryset = (  # type: ignore[attr-defined]
            Territory.objects.restrict(user, "change").filter(kind__in=kinds).order_by("path")
        )


@login_required
def service_day_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[ServiceDay] = (
        ServiceDay.objects.restrict(user)
        .select_related("territory")
        .annotate(enterprise_count=Count("enterprises", distinct=True), issue_count=Count("issues", distinct=True))
        .order_by("-held_on", "kind", "id")
    )
    filterset = ServiceDayFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    form = GenerateForm(user=user)
    if request.method == "POST":
        form = GenerateForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                n = service_days_generate(
                    actor=user, territory=d["territory"], kind=d["kind"], start=d["start"], end=d["end"]
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已按规则生成服务日 %(n)s 个") % {"n": n})
                return redirect("web:enterprise_service_days")
    today = timezone.localdate()
    if not form.is_bound:
        form.initial = {"start": today.replace(day=1), "end": (today.replace(day=1) + dt.timedelta(days=62))}
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "form": form if form.fields["territory"].queryset.exists() else None,  # type: ignore[attr-defined]
    }
    return render(request, "web/enterprises/service_days.html", context)


class ServiceDayForm(forms.Form):
    enterprises = forms.ModelMultipleChoiceField(
        label=gettext_lazy("到场企业"), queryset=Enterprise.objects.none(), required=False
    )
    cadres = forms.ModelMultipleChoiceField(
        label=gettext_lazy("到场干部"), queryset=Cadre.objects.none(), required=False
    )
    note = forms.CharField(label=gettext_lazy("纪要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problem_enterprise = forms.ModelChoiceField(
        label=gettext_lazy("反映问题的企业（选填）"), queryset=Enterprise.objects.none(), required=False
    )
    problem = forms.CharField(
        label=gettext_lazy("反映的问题（转立一件涉企工单）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, day: ServiceDay, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ents = (
            Enterprise.objects.restrict(user)
            .filter(grid__path__startswith=day.territory.path, is_active=True)
            .order_by("name")
        )
        self.fields["enterprises"].queryset = ents  # type: ignore[attr-defined]
        self.fields["problem_enterprise"].queryset = ents  # type: ignore[attr-defined]
        prefixes = [day.territory.path[:i] for i in range(4, len(day.territory.path) + 1, 4)]
        self.fields["cadres"].queryset = Cadre.objects.filter(  # type: ignore[attr-defined]
            is_active=True, district__path__in=prefixes
        ).order_by("rank", "name")

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if bool(d.get("problem_enterprise")) != bool(str(d.get("problem") or "").strip()):
            self.add_error("problem", _("请同时选择企业并填写问题"))
        return d


@login_required
def service_day_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    day: ServiceDay | None = ServiceDay.objects.restrict(user).select_related("territory").filter(pk=pk).first()
    if day is None:
        raise Http404
    organiser = may_organise(user, day.territory.path)
    form = ServiceDayForm(day=day, user=user) if organiser else None
    status = 200
    if request.method == "POST" and organiser:
        form = ServiceDayForm(request.POST, day=day, user=user)
        if form.is_valid():
            d = form.cleaned_data
            problems = [(d["problem_enterprise"], d["problem"])] if d.get("problem_enterprise") else []
            try:
                service_day_record(
                    actor=user,
                    service_day=day,
                    enterprises=d["enterprises"],
                    cadres=d["cadres"],
                    note=d["note"] or day.note,
                    problems=problems,
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已记录服务日"))
                return redirect("web:enterprise_service_day_detail", pk=day.pk)
        else:
            status = 400
    context = {
        "day": day,
        "enterprises": list(day.enterprises.restrict(user).order_by("name")),  # type: ignore[attr-defined]
        "cadres": list(day.cadres.order_by("rank", "name")),
        "issues": list(day.issues.restrict(user).select_related("enterprise", "work_order")),  # type: ignore[attr-defined]
        "form": form,
    }
    return render(request, "web/enterprises/service_day.html", context, status=status)


# --- matchmaking ---------------------------------------------------------------------------------------------


@login_required
def financing_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    month = _month(request)
    qs: QuerySet[FinancingEvent] = (
        FinancingEvent.objects.restrict(user).select_related("territory").order_by("-held_on", "-id")
    )
    filterset = FinancingEventFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    figures = enterprise_figures(user, month)["financing"]
    totals = {e["pk"]: e for e in figures["events"]}
    for event in page.object_list:
        event.totals = totals.get(event.pk)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "figures": figures,
        "month": month,
        "may_create": bool(_organised_nodes(user)),
    }
    return render(request, "web/enterprises/financing_list.html", context)


def _organised_nodes(user: Any) -> list[Territory]:
    """The district, street and community nodes the user may organise a matchmaking event over."""
    kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY]
    nodes = Territory.objects.restrict(user, "change").filter(kind__in=kinds).order_by("path")[:200]
    return [t for t in nodes if may_organise(user, t.path)]


class FinancingOfferForm(forms.Form):
    banks = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参与银行"),
        queryset=Bank.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    products = forms.ModelMultipleChoiceField(
        label=gettext_lazy("推介产品"),
        queryset=FinancingProduct.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("只能选择所选银行的产品"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["banks"].queryset = Bank.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["products"].queryset = FinancingProduct.objects.select_related("bank").order_by(  # type: ignore[attr-defined]
            "bank__name", "name"
        )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        banks = {b.pk for b in d.get("banks") or ()}
        if any(p.bank_id not in banks for p in d.get("products") or ()):
            self.add_error("products", _("推介产品须属于参与银行"))
        return d


class FinancingEventForm(FinancingOfferForm):
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=120)
    held_on = forms.DateField(
        label=gettext_lazy("举办日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    territory = forms.ModelChoiceField(label=gettext_lazy("举办辖区"), queryset=Territory.objects.none())
    place = forms.CharField(label=gettext_lazy("地点"), max_length=120, required=False)
    organiser = forms.CharField(label=gettext_lazy("主办单位"), max_length=120, required=False)
    online = forms.BooleanField(label=gettext_lazy("线上直播"), required=False)
    note = forms.CharField(
        label=gettext_lazy("说明（选填）"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["title", "held_on", "territory", "place", "organiser", "online", "banks", "products", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pks = [t.pk for t in _organised_nodes(user)]
        self.fields["territory"].queryset = Territory.objects.filter(pk__in=pks).order_by("path")  # type: ignore[attr-defined]


@login_required
def financing_new(request: HttpRequest) -> HttpResponse:
    """Create a 政银企 matchmaking event: street staff, dispatchers and admins over a territory node."""
    user = request.user
    form = FinancingEventForm(request.POST or None, user=user)
    if not form.fields["territory"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                event = financing_event_save(actor=user, **form.cleaned_data)
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已创建对接活动“%(n)s”") % {"n": event.title})
                return redirect("web:enterprise_financing_detail", pk=event.pk)
        else:
            status = 400
    else:
        form.initial = {"held_on": timezone.localdate()}
    context = {"form": form, "event": None}
    return render(request, "web/enterprises/financing_form.html", context, status=status)


@login_required
def financing_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the banks and products of a matchmaking event."""
    user = request.user
    event: FinancingEvent | None = (
        FinancingEvent.objects.restrict(user).select_related("territory").filter(pk=pk).first()
    )
    if event is None or not may_organise(user, event.territory.path):
        raise Http404
    status = 200
    if request.method == "POST":
        form = FinancingOfferForm(request.POST)
        if form.is_valid():
            try:
                financing_event_offer_set(
                    actor=user, event=event, banks=form.cleaned_data["banks"], products=form.cleaned_data["products"]
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已调整参与银行和推介产品"))
                return redirect("web:enterprise_financing_detail", pk=event.pk)
        else:
            status = 400
    else:
        form = FinancingOfferForm(initial={"banks": list(event.banks.all()), "products": list(event.products.all())})
    context = {"form": form, "event": event}
    return render(request, "web/enterprises/financing_form.html", context, status=status)


class ParticipationForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=gettext_lazy("企业"), queryset=Enterprise.objects.none())
    need_amount = forms.DecimalField(
        label=gettext_lazy("融资需求（万元）"), min_value=0, max_digits=12, decimal_places=2
    )
    purpose = forms.CharField(label=gettext_lazy("资金用途"), max_length=120, required=False)
    bank = forms.ModelChoiceField(label=gettext_lazy("对接银行"), queryset=Bank.objects.none(), required=False)
    product = forms.ModelChoiceField(
        label=gettext_lazy("意向产品"), queryset=FinancingProduct.objects.none(), required=False
    )
    intention = forms.ChoiceField(label=gettext_lazy("对接意向"), choices=Intention.choices)
    credit_granted = forms.DecimalField(
        label=gettext_lazy("授信金额（万元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    loan_disbursed = forms.DecimalField(
        label=gettext_lazy("放款金额（万元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )

    def __init__(self, *args: Any, event: FinancingEvent, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (  # type: ignore[attr-defined]
            Enterprise.objects.restrict(user)
            .filter(grid__path__startswith=event.territory.path, is_active=True)
            .order_by("name")
        )
        self.fields["bank"].queryset = event.banks.order_by("name")  # type: ignore[attr-defined]
        self.fields["product"].queryset = event.products.select_related("bank").order_by("bank__name", "name")  # type: ignore[attr-defined]


@login_required
def financing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    event: FinancingEvent | None = (
        FinancingEvent.objects.restrict(user).select_related("territory").filter(pk=pk).first()
    )
    if event is None:
        raise Http404
    organiser = may_organise(user, event.territory.path)
    form = ParticipationForm(event=event, user=user) if organiser else None
    status = 200
    if request.method == "POST" and organiser:
        form = ParticipationForm(request.POST, event=event, user=user)
        if form.is_valid():
            try:
                participation_save(actor=user, event=event, **form.cleaned_data)
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已记录对接企业"))
                return redirect("web:enterprise_financing_detail", pk=event.pk)
        else:
            status = 400
    rows = list(participations_of(event, user))
    context = {
        "event": event,
        "rows": rows,
        "banks": list(event.banks.order_by("name")),
        "products": list(event.products.select_related("bank").order_by("bank__name", "name")),
        "total_need": sum(r.need_amount for r in rows),
        "total_credit": sum(r.credit_granted for r in rows),
        "total_loans": sum(r.loan_disbursed for r in rows),
        "form": form,
        "may_organise": organiser,
    }
    return render(request, "web/enterprises/financing_detail.html", context, status=status)


routes: list[URLPattern] = [
    path("enterprises/", enterprise_home, name="enterprise_home"),
    path("enterprises/mine/", enterprise_mine, name="enterprise_mine"),
    path("enterprises/list/", enterprise_list, name="enterprise_list"),
    path("enterprises/new/", enterprise_new, name="enterprise_new"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/cases/", enterprise_cases, name="enterprise_cases"),
    path("enterprises/<int:pk>/visit/", enterprise_visit_new, name="enterprise_visit_new"),
    path("enterprises/<int:pk>/liaisons/", enterprise_liaison_add, name="enterprise_liaison_add"),
    path("enterprises/liaisons/<int:pk>/end/", enterprise_liaison_end, name="enterprise_liaison_end"),
    path("enterprises/issues/<int:pk>/rate/", enterprise_issue_rate, name="enterprise_issue_rate"),
    path("enterprises/service-days/", service_day_list, name="enterprise_service_days"),
    path("enterprises/service-days/<int:pk>/", service_day_detail, name="enterprise_service_day_detail"),
    path("enterprises/financing/", financing_list, name="enterprise_financing"),
    path("enterprises/financing/new/", financing_new, name="enterprise_financing_new"),
    path("enterprises/financing/<int:pk>/", financing_detail, name="enterprise_financing_detail"),
    path("enterprises/financing/<int:pk>/offer/", financing_offer, name="enterprise_financing_offer"),
]
