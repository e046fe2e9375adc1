"""Pages of 矛盾纠纷调解 (三调联动), wired by wangge.web.urls through ``routes``: the home page with the figures of
the user's territory and the open high-risk disputes, the dispute list with its filters, the registration form
(also 转调解 from a work order), the dispute detail with its one history across tracks, its parties (numbers
masked, revealed with an audit entry), its sessions and the steps this user may take now, the 调解协议书 PDF, and
the register of mediation organisations and mediators with their caseloads.

Everything is scoped: a dispute outside the user's ``view`` scope answers 404 like a missing one. The step forms
are generated from ``mediation.workflow`` (``web.workflow_forms.StepForm``); the services decide every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.roles import RECORD, REVEAL
from wangge.core import audit
from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers
from wangge.core.scoping import CHANGE
from wangge.core.validators import mask_id_number, mask_phone
from wangge.core.workflow import Transition
from wangge.mediation.choices import (
    CauseClass,
    DisputeSource,
    MediatorKind,
    OrganisationKind,
    PartyKind,
    PartySide,
    RiskLevel,
)
from wangge.mediation.documents import agreement_pdf
from wangge.mediation.filtersets import DisputeFilterSet
from wangge.mediation.models import Dispute, DisputeType, MediationOrganisation, Mediator
from wangge.mediation.risk import RULE_TEXT
from wangge.mediation.selectors import (
    DEFINITIONS,
    dispute_summary,
    high_risk_open,
    is_overdue,
    mediator_caseloads,
    mediators_for,
    organisations_for,
)
from wangge.mediation.services import (
    dispute_from_work_order,
    dispute_register,
    dispute_transition,
    mediator_create,
    mediator_declare_conflict,
    organisation_create,
)
from wangge.mediation.workflow import EVENT_LABELS, TRANSITIONS, available
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm
from wangge.workorders.models import WorkOrder
from wangge.workorders.workflow import WORKFLOW as CASE_WORKFLOW

PER_PAGE = 30
PARTY_ROWS = 3  # the form offers three parties; more through the API


# --- forms ---------------------------------------------------------------------------------------------------


def _organisation_field(obj: Any, user: Any, i: Any) -> forms.Field:
    qs: QuerySet[MediationOrganisation] = (
        organisations_for(user)
        .filter(is_active=True, territory__path__in=_ancestor_paths(obj))
        .order_by("kind", "name")
    )
    return forms.ModelChoiceField(label=i.label, queryset=qs, required=i.required)


def _mediator_field(obj: Any, user: Any, i: Any) -> forms.Field:
    qs: QuerySet[Mediator] = (
        mediators_for(user)
        .filter(organisation__territory__path__in=_ancestor_paths(obj))
        .filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    return MediatorChoiceField(label=i.label, queryset=qs, required=i.required)


def _ancestor_paths(dispute: Dispute) -> list[str]:
    """The paths of the nodes at or above the dispute's grid: the organisations that may take it."""
    path, step = dispute.grid.path, Territory.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


class MediatorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation.name} · {obj.name}（{obj.get_kind_display()}）"


class DisputeStepForm(StepForm):
    """The inputs of one mediation step, generated from its row in ``mediation.workflow``."""

    refs = {"organisation": _organisation_field, "mediator": _mediator_field}


class DisputeForm(forms.Form):
    """排查登记 of a dispute, or 转调解 of a work order (then the place comes from the work order)."""

    title = forms.CharField(label=gettext_lazy("纠纷概要"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("纠纷情况（选填）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=DisputeSource.choices, initial=DisputeSource.PATROL)
    source_reference = forms.CharField(label=gettext_lazy("移交文书号（选填）"), required=False, max_length=100)
    cause_class = forms.ChoiceField(
        label=gettext_lazy("成因类别"), choices=CauseClass.choices, widget=forms.RadioSelect
    )
    type = forms.ModelChoiceField(label=gettext_lazy("纠纷类型"), queryset=DisputeType.objects.none(), empty_label=None)
    grid = forms.ModelChoiceField(label=gettext_lazy("所在网格"), queryset=Territory.objects.none(), required=False)
    address = forms.CharField(label=gettext_lazy("地点（选填）"), required=False, max_length=200)
    lng = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    amount = forms.DecimalField(
        label=gettext_lazy("涉及金额（元，选填）"), required=False, min_value=0, decimal_places=2
    )
    people_count = forms.IntegerField(label=gettext_lazy("涉及人数（选填）"), required=False, min_value=1)
    declared_risk = forms.ChoiceField(
        label=gettext_lazy("登记人判定风险"), choices=RiskLevel.choices, initial=RiskLevel.LOW
    )
    threat_of_violence = forms.BooleanField(label=gettext_lazy("有暴力或极端言行苗头"), required=False)
    petition_risk = forms.BooleanField(label=gettext_lazy("有信访（越级上访）苗头"), required=False)

    def __init__(self, *args: Any, user: Any, work_order: WorkOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.work_order = work_order
        self.fields["type"].queryset = DisputeType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if work_order is not None:
            for name in ("grid", "address", "lng", "lat", "source", "source_reference"):
                del self.fields[name]
        else:
            grids = Territory.objects.restrict(user, RECORD).filter(kind=TerritoryKind.GRID).order_by("path")
            self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
        for i in range(PARTY_ROWS):
            required = i < 2
            suffix = "" if required else gettext_lazy("（选填）")
            self.fields[f"p{i}_name"] = forms.CharField(
                label=_("当事人%(n)s 姓名/名称") % {"n": i + 1} + str(suffix), max_length=100, required=required
            )
            self.fields[f"p{i}_side"] = forms.ChoiceField(
                label=_("身份"),
                choices=PartySide.choices,
                initial=[PartySide.APPLICANT, PartySide.RESPONDENT, PartySide.THIRD][i],
            )
            self.fields[f"p{i}_kind"] = forms.ChoiceField(label=_("类别"), choices=PartyKind.choices)
            self.fields[f"p{i}_id_number"] = forms.CharField(
                label=_("公民身份号码（选填）"), max_length=32, required=False
            )
            self.fields[f"p{i}_phone"] = forms.CharField(label=_("联系电话（选填）"), max_length=32, required=False)
            self.fields[f"p{i}_address"] = forms.CharField(label=_("住址（选填）"), max_length=200, required=False)

    def party_rows(self) -> list[list[Any]]:
        names = ("name", "side", "kind", "id_number", "phone", "address")
        return [[self[f"p{i}_{n}"] for n in names] for i in range(PARTY_ROWS)]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not (name[:1] == "p" and name[1:2].isdigit())]

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        parties = [
            {k: d.get(f"p{i}_{k}") or "" for k in ("name", "side", "kind", "id_number", "phone", "address")}
            for i in range(PARTY_ROWS)
            if d.get(f"p{i}_name")
        ]
        args: dict[str, Any] = {
            "title": d["title"],
            "description": d["description"],
            "cause_class": d["cause_class"],
            "type": d["type"],
            "parties": parties,
            "amount": d.get("amount"),
            "people_count": d.get("people_count"),
            "declared_risk": d["declared_risk"],
            "threat_of_violence": d["threat_of_violence"],
            "petition_risk": d["petition_risk"],
        }
        if self.work_order is None:
            args.update(
                source=d["source"],
                source_reference=d["source_reference"],
                grid=d.get("grid"),
                address=d["address"],
                lng=d.get("lng"),
                lat=d.get("lat"),
            )
        return args


class OrganisationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("组织名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=OrganisationKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("所属辖区"), queryset=Territory.objects.none())
    phone = forms.CharField(label=gettext_lazy("联系电话（选填）"), max_length=32, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY]
        qs = Territory.objects.restrict(user, CHANGE).filter(kind__in=kinds).order_by("path")
        self.fields["territory"].queryset = qs  # type: ignore[attr-defined]


class MediatorForm(forms.Form):
    organisation = forms.ModelChoiceField(label=gettext_lazy("调解组织"), queryset=MediationOrganisation.objects.none())
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    kind = forms.ChoiceField(label=gettext_lazy("调解员类型"), choices=MediatorKind.choices)
    title = forms.CharField(label=gettext_lazy("身份/职务（选填）"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话（选填）"), max_length=32, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs: QuerySet[MediationOrganisation] = (
            MediationOrganisation.objects.restrict(user, CHANGE).filter(is_active=True).order_by("kind", "name")
        )
        self.fields["organisation"].queryset = qs  # type: ignore[attr-defined]


class ConflictForm(forms.Form):
    mediator = forms.ModelChoiceField(label=gettext_lazy("调解员"), queryset=Mediator.objects.none())
    person_name = forms.CharField(label=gettext_lazy("关系人姓名"), max_length=100)
    relation = forms.CharField(
        label=gettext_lazy("关系"), max_length=50, help_text=gettext_lazy("如亲属、同事、利害关系")
    )
    id_number = forms.CharField(label=gettext_lazy("关系人公民身份号码（选填）"), max_length=18, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs: QuerySet[Mediator] = (
            Mediator.objects.restrict(user, CHANGE).filter(is_active=True).order_by("organisation_id", "name")
        )
        self.fields["mediator"].queryset = qs  # type: ignore[attr-defined]


# --- helpers -------------------------------------------------------------------------------------------------


def get_dispute(user: Any, pk: int) -> Dispute:
    """A dispute in the user's scope; out of scope answers exactly like a missing one."""
    dispute: Dispute | None = (
        Dispute.objects.restrict(user)
        .select_related("type", "grid", "organisation", "mediator", "work_order")
        .filter(pk=pk)
        .first()
    )
    if dispute is None:
        raise Http404(_("纠纷不存在"))
    return dispute


def may_reveal(user: Any, dispute: Dispute) -> bool:
    return Dispute.objects.restrict(user, REVEAL).filter(pk=dispute.pk).exists()


def may_register(user: Any) -> bool:
    return Territory.objects.restrict(user, RECORD).exists()


def may_convert(user: Any, wo: WorkOrder) -> bool:
    """Whether ``user`` may convert this (visible) work order into a dispute: its 转调解 step is open to them in
    its current state (the step's guard, a dispute filed from it, is what the conversion itself satisfies)."""
    t = CASE_WORKFLOW.get("refer_to_mediation")
    return t is not None and wo.status in t.sources and CASE_WORKFLOW.may(user, t, wo) and not wo.disputes.exists()


def top_node(user: Any, code: str | None = None) -> Territory | None:
    """The node the figures are for: the one asked for when visible, else the highest node the user sees."""
    visible = Territory.objects.restrict(user).exclude(kind=TerritoryKind.BUILDING)
    if code:
        node = visible.filter(code=code).first()
        if node is not None:
            return node
    found: Territory | None = visible.filter(kind=TerritoryKind.DISTRICT).order_by("path").first()
    return found or visible.order_by("depth", "path").first()


def action_forms(user: Any, dispute: Dispute, bound: dict[str, DisputeStepForm] | None = None) -> list[dict[str, Any]]:
    out = []
    for t in available(user, dispute):
        form = (bound or {}).get(t.name) or DisputeStepForm(transition=t, obj=dispute, user=user)
        out.append({"transition": t, "form": form, "multipart": False})
    return out


def detail_context(
    request: HttpRequest,
    dispute: Dispute,
    bound: dict[str, DisputeStepForm] | None = None,
    *,
    revealed: bool = False,
) -> dict[str, Any]:
    user = request.user
    reveal = may_reveal(user, dispute)
    shown = (lambda text: text or "") if reveal else mask_numbers
    parties = list(dispute.parties.select_related("resident").order_by("id"))
    for p in parties:
        p.id_shown = p.id_number if revealed else mask_id_number(p.id_number or "")  # type: ignore[attr-defined]
        p.phone_shown = p.phone if revealed else mask_phone(p.phone or "")  # type: ignore[attr-defined]
    events = list(dispute.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
        ev.note_shown = shown(ev.note)  # type: ignore[attr-defined]
    stints = list(dispute.stints.select_related("organisation", "mediator").order_by("started_at", "id"))
    return {
        "dispute": dispute,
        "overdue": is_overdue(dispute),
        "parties": parties,
        "revealed": revealed,
        "can_reveal": reveal and not revealed and any(p.id_number or p.phone for p in parties),
        "events": events,
        "stints": stints,
        "sessions": list(dispute.sessions.order_by("held_on", "id")),
        "actions": action_forms(user, dispute, bound),
        "text": {
            "title": shown(dispute.title),
            "description": shown(dispute.description),
            "terms": shown(dispute.agreement_terms),
        },
        "work_order_visible": dispute.work_order_id is not None
        and WorkOrder.objects.restrict(user).filter(pk=dispute.work_order_id).exists(),
        "risk_rule": RULE_TEXT,
    }


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET.get("to") or "") if request.GET.get("to") else today
        start = (
            dt.date.fromisoformat(request.GET.get("from") or "")
            if request.GET.get("from")
            else end - dt.timedelta(days=364)
        )
    except ValueError:
        start, end = today - dt.timedelta(days=364), today
    if start > end:
        start, end = end, start
    return start, end


# --- pages ---------------------------------------------------------------------------------------------------


@login_required
def mediation_home(request: HttpRequest) -> HttpResponse:
    """The figures of the user's territory over a period (definitions stated) and the open high-risk disputes."""
    user = request.user
    node = top_node(user, request.GET.get("territory"))
    start, end = _period(request)
    scoped: QuerySet[Dispute] = Dispute.objects.restrict(user)
    summary = dispute_summary(node, start, end, qs=scoped) if node is not None else None
    context = {
        "node": node,
        "start": start,
        "end": end,
        "summary": summary,
        "definitions": DEFINITIONS,
        "high_risk": list(high_risk_open(node, scoped)[:20]) if node is not None else [],
        "risk_rule": RULE_TEXT,
        "can_register": may_register(user),
        "nodes": Territory.objects.restrict(user)
        .filter(kind__in=[TerritoryKind.DISTRICT, TerritoryKind.STREET])
        .order_by("path")[:50],
    }
    return render(request, "web/mediation/home.html", context)


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Dispute] = (
        Dispute.objects.restrict(user)
        .select_related("type", "grid", "organisation", "mediator")
        .order_by("-found_at", "-id")
    )
    filterset = DisputeFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    now = timezone.now()
    for d in page.object_list:
        d.is_overdue = is_overdue(d, now)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "can_register": may_register(user),
    }
    return render(request, "web/mediation/list.html", context)


@login_required
def dispute_new(request: HttpRequest) -> HttpResponse:
    """排查登记, or 转调解 of a work order (``?work_order=<id>``)."""
    user = request.user
    work_order: WorkOrder | None = None
    wo_id = request.GET.get("work_order") or request.POST.get("work_order")
    if wo_id:
        work_order = WorkOrder.objects.restrict(user).filter(pk=int(wo_id) if str(wo_id).isdigit() else 0).first()
        if work_order is None or not may_convert(user, work_order):
            raise Http404(_("工单不存在或不能转调解"))
    elif not may_register(user):
        raise Http404(_("您没有登记纠纷的网格"))
    if request.method == "POST":
        form = DisputeForm(request.POST, user=user, work_order=work_order)
        if form.is_valid():
            try:
                if work_order is not None:
                    dispute = dispute_from_work_order(actor=user, work_order=work_order, **form.arguments())
                else:
                    dispute = dispute_register(actor=user, **form.arguments())
            except DomainError as exc:
                form.add_error(None, exc.message)
                for detail in exc.details if isinstance(exc.details, list) else []:
                    field = str(detail.get("field", "")).replace("parties[", "p").replace("].", "_")
                    if field in form.fields:
                        form.add_error(field, detail.get("reason") or _("请检查此项"))
            else:
                messages.success(request, _("已登记矛盾纠纷 %(code)s") % {"code": dispute.code})
                return redirect("web:dispute_detail", pk=dispute.pk)
    else:
        initial: dict[str, Any] = {}
        if work_order is not None:
            initial = {
                "title": work_order.title,
                "description": work_order.description,
                "p0_name": work_order.reporter_name,
            }
        form = DisputeForm(initial=initial, user=user, work_order=work_order)
    return render(request, "web/mediation/new.html", {"form": form, "work_order": work_order, "risk_rule": RULE_TEXT})


@login_required
def dispute_case_link(request: HttpRequest, wo_pk: int) -> HttpResponse:
    """The 转调解 button of a case page (loaded into it): the form for those who may convert it, the dispute when
    it was converted, nothing otherwise."""
    wo: WorkOrder | None = WorkOrder.objects.restrict(request.user).filter(pk=wo_pk).first()
    if wo is None:
        raise Http404
    converted: Dispute | None = Dispute.objects.restrict(request.user).filter(work_order=wo).first()
    context = {"wo": wo, "dispute": converted, "may_convert": converted is None and may_convert(request.user, wo)}
    return render(request, "web/mediation/case_link.html", context)


@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_dispute(request.user, pk)
    return render(request, "web/mediation/detail.html", detail_context(request, dispute))


@login_required
@require_POST
def dispute_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The parties' full ID numbers and phones, for a user entitled to reveal; written to the audit trail."""
    dispute = get_dispute(request.user, pk)
    if not may_reveal(request.user, dispute):
        return HttpResponse(_("无权查看完整号码"), status=403)
    ids = set(dispute.parties.values_list("pk", flat=True))
    audit.record_reveal(
        actor=request.user,
        revealed={"mediation.disputeparty": {"ids": ids, "fields": {"id_number", "phone"}}},
        ip=client_ip(request),
        note=f"mediation:web dispute {dispute.code}",
    )
    response = render(request, "web/mediation/detail.html", detail_context(request, dispute, revealed=True))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def dispute_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    dispute = get_dispute(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = DisputeStepForm(request.POST, transition=t, obj=dispute, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: dispute_transition(actor=user, dispute=dispute, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:dispute_detail", args=[dispute.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form, "multipart": False}, "dispute": dispute, "error": message}
        return render(request, "web/mediation/action_form.html", context, status=status)
    messages.error(request, message)
    dispute = get_dispute(user, pk)
    return render(request, "web/mediation/detail.html", detail_context(request, dispute, {name: form}), status=status)


@login_required
def dispute_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The 调解协议书 (PDF) of a written agreement; parties' numbers masked."""
    dispute = get_dispute(request.user, pk)
    try:
        pdf = agreement_pdf(dispute)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.http_status)
    audit.record(
        actor=request.user,
        action="mediation.agreement_download",
        obj=dispute,
        note="调解协议书",
        ip=client_ip(request),
        only_changes=False,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dispute.code}-agreement.pdf"'
    return response


@login_required
def mediation_register(request: HttpRequest) -> HttpResponse:
    """The mediation organisations and mediators in the user's scope, with caseloads and outcomes."""
    user = request.user
    mediators = mediator_caseloads(mediators_for(user)).prefetch_related("communities").order_by("name")
    organisations: QuerySet[MediationOrganisation] = (
        organisations_for(user)
        .select_related("territory")
        .annotate(cases=Count("stints__dispute", distinct=True))
        .prefetch_related(Prefetch("mediators", queryset=mediators))
        .order_by("kind", "territory__path", "name")
    )
    page = paginate(request, organisations, PER_PAGE)
    may_change = Territory.objects.restrict(user, CHANGE).exists()
    context = {
        "page": page,
        "querystring": querystring_without(request, "page"),
        "may_change": may_change,
        "organisation_form": OrganisationForm(user=user) if may_change else None,
        "mediator_form": MediatorForm(user=user) if may_change else None,
        "conflict_form": ConflictForm(user=user) if may_change else None,
    }
    return render(request, "web/mediation/register.html", context)


def _register_post(request: HttpRequest, form: forms.Form, perform: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    else:
        errors = "；".join(
            f"{form.fields[k].label if k in form.fields else ''}{' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()
        )
        messages.error(request, _("请检查填写的内容：%(errors)s") % {"errors": errors})
    return redirect("web:mediation_register")


@login_required
@require_POST
def mediation_organisation_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = OrganisationForm(request.POST, user=user)
    return _register_post(request, form, lambda d: organisation_create(actor=user, **d), _("已添加调解组织"))


@login_required
@require_POST
def mediation_mediator_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = MediatorForm(request.POST, user=user)
    return _register_post(request, form, lambda d: mediator_create(actor=user, **d), _("已添加调解员"))


@login_required
@require_POST
def mediation_conflict_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ConflictForm(request.POST, user=user)
    return _register_post(request, form, lambda d: mediator_declare_conflict(actor=user, **d), _("已登记回避申报"))


routes: list[URLPattern] = [
    path("mediation/", mediation_home, name="mediation_home"),
    path("mediation/disputes/", dispute_list, name="dispute_list"),
    path("mediation/disputes/new/", dispute_new, name="dispute_new"),
    path("mediation/disputes/<int:pk>/", dispute_detail, name="dispute_detail"),
    path("mediation/cases/<int:wo_pk>/", dispute_case_link, name="dispute_case_link"),
    path("mediation/disputes/<int:pk>/reveal/", dispute_reveal, name="dispute_reveal"),
    path("mediation/disputes/<int:pk>/act/<slug:name>/", dispute_act, name="dispute_act"),
    path("mediation/disputes/<int:pk>/agreement.pdf", dispute_agreement, name="dispute_agreement"),
    path("mediation/register/", mediation_register, name="mediation_register"),
    path("mediation/register/organisations/", mediation_organisation_new, name="mediation_organisation_new"),
    path("mediation/register/mediators/", mediation_mediator_new, name="mediation_mediator_new"),
    path("mediation/register/conflicts/", mediation_conflict_new, name="mediation_conflict_new"),
]
