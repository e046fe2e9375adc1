"""Pages of 专项整治 (``wangge.campaigns``), wired by wangge.web.urls through ``routes``: the campaign list, the
campaign form (new and edit, with its checklist and quantity targets), the campaign detail (progress, points on a
map and in a list, findings, cases, quantities, bulletin links, the steps this user may take now), the
phone-first finding form, the quantity form (on a tagged case, a finding or a tagged hazard), tagging an existing
case or hazard, and the bulletin to each responsible body as a page, .xlsx and PDF.

Everything is scoped: a campaign the user does not see answers 404 like a missing one. The step forms are
generated from ``campaigns.workflow``; the services decide every write; every figure comes from
``campaigns.selectors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import Unit
from wangge.campaigns.choices import (
    FINDING_STATUSES,
    QUANTITY_STATUSES,
    CampaignKind,
    CampaignStatus,
    ItemResult,
)
from wangge.campaigns.documents import XLSX_TYPE, bulletin_pdf, bulletin_xlsx, file_stem
from wangge.campaigns.filtersets import CampaignFilterSet
from wangge.campaigns.models import Campaign, CampaignFinding, QuantityItem
from wangge.campaigns.selectors import (
    DEFINITIONS,
    campaign_bulletin,
    campaign_cases,
    campaign_hazards,
    campaign_points,
    campaign_totals,
    campaigns_for,
    quantity_rows,
)
from wangge.campaigns.services import (
    campaign_create,
    campaign_tag_case,
    campaign_tag_hazard,
    campaign_transition,
    campaign_update,
    finding_record,
    quantity_record,
)
from wangge.campaigns.workflow import EVENT_LABELS, TRANSITIONS, available
from wangge.core import audit
from wangge.core.errors import DomainError
from wangge.core.scoping import CHANGE
from wangge.core.workflow import Transition
from wangge.places.models import Point, PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import display_point, map_settings
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import MultipleImageField, StepForm
from wangge.workorders.models import WorkOrder

PER_PAGE = 30
CHECKLIST_ROWS = 6


# --- forms ---------------------------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("专项名称"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("专项类别"), choices=CampaignKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("整治范围"), queryset=Territory.objects.none())
    start_date = forms.DateField(label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    point_types = forms.ModelMultipleChoiceField(
        label=gettext_lazy("点位类型"),
        queryset=PointType.objects.order_by("ordering", "key"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("整治范围内这些类型的点位都纳入专项"),
    )
    point_codes = forms.CharField(
        label=gettext_lazy("指定点位编码（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("每行或以逗号分隔一个点位编码"),
    )
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("牵头单位"), queryset=Unit.objects.none(), required=False)
    member_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("成员单位"), queryset=Unit.objects.none(), required=False
    )
    target_inspected_pct = forms.IntegerField(
        label=gettext_lazy("排查覆盖率目标(%)"), min_value=0, max_value=100, initial=100
    )
    description = forms.CharField(
        label=gettext_lazy("工作方案（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]
        nodes = Territory.objects.restrict(user, CHANGE).filter(kind__in=kinds).order_by("path")
        self.fields["territory"].queryset = nodes  # type: ignore[attr-defined]
        units: QuerySet[Unit] = Unit.objects.restrict(user).filter(is_active=True).order_by("code")
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["member_units"].queryset = units  # type: ignore[attr-defined]
        if campaign is not None and campaign.status != CampaignStatus.DRAFT:
            self.fields["territory"].disabled = True
            self.fields["territory"].queryset = Territory.objects.filter(pk=campaign.territory_id)  # type: ignore[attr-defined]
        for i in range(CHECKLIST_ROWS):
            self.fields[f"c{i}_text"] = forms.CharField(
                label=_("检查项 %(n)s") % {"n": i + 1}, max_length=200, required=False
            )
            self.fields[f"c{i}_category"] = forms.CharField(
                label=_("工单分类编码"), max_length=20, required=False, help_text=_("如 E0102 暴露垃圾")
            )
            self.fields[f"c{i}_opens"] = forms.BooleanField(label=_("不合格时转立工单"), required=False)
        self.items = list(QuantityItem.objects.filter(is_active=True).order_by("ordering", "key"))
        for item in self.items:
            self.fields[f"t_{item.key}"] = forms.DecimalField(
                label=f"{item.name}（{item.unit}）", required=False, min_value=0, decimal_places=2
            )

    def checklist_rows(self) -> list[list[Any]]:
        return [[self[f"c{i}_text"], self[f"c{i}_category"], self[f"c{i}_opens"]] for i in range(CHECKLIST_ROWS)]

    def target_fields(self) -> list[Any]:
        return [self[f"t_{item.key}"] for item in self.items]

    def main_fields(self) -> list[Any]:
        return [self[n] for n in self.fields if not (n[:1] == "c" and n[1:2].isdigit()) and not n.startswith("t_")]

    def clean_point_codes(self) -> list[Point]:
        raw = self.cleaned_data.get("point_codes") or ""
        codes = [c.strip() for c in raw.replace("，", ",").replace("\n", ",").split(",") if c.strip()]
        points: QuerySet[Point] = Point.objects.restrict(self.user).filter(code__in=codes).select_related("territory")
        found = {p.code: p for p in points}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(_("找不到点位：%(codes)s") % {"codes": "、".join(missing[:5])})
        return [found[c] for c in codes]

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        checklist = [
            {"text": d[f"c{i}_text"], "category_code": d[f"c{i}_category"], "opens_case": d[f"c{i}_opens"]}
            for i in range(CHECKLIST_ROWS)
            if d.get(f"c{i}_text")
        ]
        return {
            "name": d["name"],
            "kind": d["kind"],
            "territory": d["territory"],
            "start_date": d["start_date"],
            "end_date": d["end_date"],
            "point_types": list(d["point_types"]),
            "points": d["point_codes"],
            "lead_unit": d.get("lead_unit"),
            "member_units": list(d["member_units"]),
            "target_inspected_pct": d["target_inspected_pct"],
            "description": d["description"],
            "checklist": checklist,
            "targets": {item: d.get(f"t_{item.key}") for item in self.items},
        }

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": campaign.name,
            "kind": campaign.kind,
            "territory": campaign.territory_id,
            "start_date": campaign.start_date,
            "end_date": campaign.end_date,
            "point_types": list(campaign.point_types.all()),
            "point_codes": "\n".join(campaign.points.order_by("code").values_list("code", flat=True)),
            "lead_unit": campaign.lead_unit_id,
            "member_units": list(campaign.member_units.all()),
            "target_inspected_pct": campaign.target_inspected_pct,
            "description": campaign.description,
        }
        for i, item in enumerate(campaign.checklist_items.order_by("ordering", "id")[:CHECKLIST_ROWS]):
            initial.update(
                {f"c{i}_text": item.text, f"c{i}_category": item.category_code, f"c{i}_opens": item.opens_case}
            )
        for t in campaign.targets.select_related("item"):
            initial[f"t_{t.item.key}"] = t.target
        return initial


class FindingForm(forms.Form):
    point = forms.ModelChoiceField(label=gettext_lazy("点位"), queryset=Point.objects.none())
    description = forms.CharField(
        label=gettext_lazy("情况描述（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=gettext_lazy("现场照片"))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["point"].queryset = campaign_points(campaign).order_by("code")  # type: ignore[attr-defined]
        self.items = list(campaign.checklist_items.order_by("ordering", "id"))
        for item in self.items:
            self.fields[f"r_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ItemResult.choices,
                initial=ItemResult.PASS,
                widget=forms.RadioSelect,
                help_text=_("不合格时转立工单") if item.opens_case else "",
            )

    def result_fields(self) -> list[Any]:
        return [self[f"r_{item.pk}"] for item in self.items]

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "point": d["point"],
            "description": d["description"],
            "photos": d["photos"],
            "results": {item.pk: d[f"r_{item.pk}"] for item in self.items},
        }


class QuantityForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("整治项目"),
        queryset=QuantityItem.objects.filter(is_active=True).order_by("ordering", "key"),
        empty_label=None,
    )
    quantity = forms.DecimalField(label=gettext_lazy("数量"), min_value=0, decimal_places=2)
    note = forms.CharField(label=gettext_lazy("说明（选填）"), max_length=200, required=False)


class TagForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("工单查询码或隐患编号"),
        max_length=32,
        help_text=gettext_lazy("将已有工单或隐患标记到本专项"),
    )


class CampaignStepForm(StepForm):
    """The inputs of one campaign step, generated from its row in ``campaigns.workflow``."""


# --- helpers -------------------------------------------------------------------------------------------------


def get_campaign(user: Any, pk: int) -> Campaign:
    """A campaign the user sees; out of scope answers exactly like a missing one."""
    found: Campaign | None = (
        campaigns_for(user).select_related("territory", "lead_unit", "created_by").filter(pk=pk).first()
    )
    if found is None:
        raise Http404(_("专项不存在"))
    return found


def may_create(user: Any) -> bool:
    return Territory.objects.restrict(user, CHANGE).exists()


def may_edit(user: Any, campaign: Campaign) -> bool:
    from wangge.campaigns.services.common import may_manage

    return campaign.status in (CampaignStatus.DRAFT, CampaignStatus.ACTIVE) and may_manage(user, campaign)


def action_forms(
    user: Any, campaign: Campaign, bound: dict[str, CampaignStepForm] | None = None
) -> list[dict[str, Any]]:
    out = []
    for t in available(user, campaign):
        form = (bound or {}).get(t.name) or CampaignStepForm(transition=t, obj=campaign, user=user)
        out.append({"transition": t, "form": form, "multipart": False})
    return out


def _form_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(None, exc.message)
    for detail in exc.details if isinstance(exc.details, list) else []:
        field = str(detail.get("field", "")) if isinstance(detail, dict) else ""
        if field in form.fields:
            form.add_error(field, detail.get("reason") or _("请检查此项"))


def _points_data(campaign: Campaign) -> tuple[list[Any], dict[str, Any]]:
    inspected = set(CampaignFinding.objects.filter(campaign=campaign).values_list("point_id", flat=True))
    problems = set(
        CampaignFinding.objects.filter(campaign=campaign, has_problem=True).values_list("point_id", flat=True)
    )
    points = list(campaign_points(campaign).select_related("type", "territory", "responsible_unit").order_by("code"))
    features = []
    for p in points:
        p.inspected = p.pk in inspected  # type: ignore[attr-defined]
        p.problem = p.pk in problems  # type: ignore[attr-defined]
        x, y = display_point(p.lng, p.lat)
        features.append(
            {
                "name": p.name,
                "lng": x,
                "lat": y,
                "state": "problem" if p.pk in problems else "inspected" if p.pk in inspected else "todo",
            }
        )
    labels = {"todo": _("待排查"), "inspected": _("已排查"), "problem": _("发现问题")}
    return points, {"points": features, "labels": labels}


def detail_context(
    request: HttpRequest, campaign: Campaign, bound: dict[str, CampaignStepForm] | None = None
) -> dict[str, Any]:
    user = request.user
    points, map_data = _points_data(campaign)
    now = timezone.now()
    cases = list(
        campaign_cases(campaign)
        .filter(pk__in=WorkOrder.objects.restrict(user).values("pk"))
        .select_related("category", "assigned_unit")
        .order_by("-received_at")[:50]
    )
    events = list(campaign.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    return {
        "campaign": campaign,
        "totals": campaign_totals(campaign, now=now),
        "definitions": DEFINITIONS,
        "points": points,
        "map_data": map_data,
        "map": map_settings(),
        "findings": list(campaign.findings.select_related("point").order_by("-has_problem", "-found_at", "-id")[:50]),
        "cases": cases,
        "hazards": list(campaign_hazards(campaign).order_by("-found_at")[:50]),
        "quantities": list(quantity_rows(campaign)[:50]),
        "checklist": list(campaign.checklist_items.order_by("ordering", "id")),
        "member_units": list(campaign.member_units.order_by("code")),
        "point_types": list(campaign.point_types.order_by("ordering")),
        "events": events,
        "actions": action_forms(user, campaign, bound),
        "may_edit": may_edit(user, campaign),
        "may_record": campaign.status in FINDING_STATUSES,
        "may_quantify": campaign.status in QUANTITY_STATUSES,
        "tag_form": TagForm() if campaign.status in QUANTITY_STATUSES else None,
    }


# --- pages ---------------------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Campaign] = campaigns_for(user).select_related("territory", "lead_unit").order_by("-start_date", "-id")
    filterset = CampaignFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    now = timezone.now()
    for c in page.object_list:
        c.totals = campaign_totals(c, now=now)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "can_create": may_create(user),
    }
    return render(request, "web/campaigns/list.html", context)


def _campaign_form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = CampaignForm(request.POST, user=user, campaign=campaign)
        if form.is_valid():
            args = form.arguments()
            try:
                if campaign is None:
                    saved = campaign_create(actor=user, **args)
                else:
                    if campaign.status != CampaignStatus.DRAFT:
                        args.pop("territory")
                    saved = campaign_update(actor=user, campaign=campaign, **args)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("已保存专项 %(code)s") % {"code": saved.code})
                return redirect("web:campaign_detail", pk=saved.pk)
    else:
        initial = CampaignForm.initial_for(campaign) if campaign is not None else {}
        form = CampaignForm(initial=initial, user=user, campaign=campaign)
        if campaign is None:
            for i in range(CHECKLIST_ROWS):
                form.fields[f"c{i}_opens"].initial = True
    return render(request, "web/campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not may_create(request.user):
        raise Http404(_("您没有可组织专项整治的辖区"))
    return _campaign_form_page(request, None)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request.user, pk)
    if not may_edit(request.user, campaign):
        raise Http404(_("该专项不能修改"))
    return _campaign_form_page(request, campaign)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request.user, pk)
    return render(request, "web/campaigns/detail.html", detail_context(request, campaign))


@login_required
def campaign_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("web:campaign_detail", pk=pk)
    user = request.user
    campaign = get_campaign(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = CampaignStepForm(request.POST, transition=t, obj=campaign, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: campaign_transition(actor=user, campaign=campaign, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:campaign_detail", args=[campaign.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form, "multipart": False}, "campaign": campaign, "error": message}
        return render(request, "web/campaigns/action_form.html", context, status=status)
    messages.error(request, message)
    return render(request, "web/campaigns/detail.html", detail_context(request, campaign, {name: form}), status=status)


@login_required
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    """排查登记 at one point, phone-first: the point, one tap per checklist item, photos, a note."""
    user = request.user
    campaign = get_campaign(user, pk)
    if campaign.status not in FINDING_STATUSES:
        messages.error(request, _("专项未在进行中，不能登记排查"))
        return redirect("web:campaign_detail", pk=campaign.pk)
    if request.method == "POST":
        form = FindingForm(request.POST, request.FILES, campaign=campaign)
        if form.is_valid():
            try:
                finding = finding_record(actor=user, campaign=campaign, **form.arguments())
            except DomainError as exc:
                _form_error(form, exc)
            else:
                opened = finding.case_tags.count()
                text = _("已登记排查：%(point)s") % {"point": finding.point.name}
                if opened:
                    text += _("，转立工单 %(n)s 件") % {"n": opened}
                messages.success(request, text)
                return redirect("web:campaign_detail", pk=campaign.pk)
    else:
        point = request.GET.get("point")
        form = FindingForm(initial={"point": point} if point else None, campaign=campaign)
    return render(request, "web/campaigns/finding.html", {"form": form, "campaign": campaign})


def _quantity_target(request: HttpRequest, campaign: Campaign) -> tuple[str, Any, str]:
    """What the quantity is recorded on, from ``?work_order=``, ``?finding=`` or ``?hazard=`` (ids)."""
    from wangge.hazards.models import HazardFinding

    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    for key in ("work_order", "finding", "hazard"):
        raw = str(data.get(key) or "")
        if not raw.isdigit():
            continue
        if key == "work_order":
            wo: QuerySet[WorkOrder] = (
                campaign_cases(campaign).filter(pk__in=WorkOrder.objects.restrict(user).values("pk")).filter(pk=raw)
            )
            obj: Any = wo.first()
            label = _("工单 %(code)s") % {"code": obj.tracking_code} if obj else ""
        elif key == "finding":
            obj = campaign.findings.select_related("point").filter(pk=raw).first()
            label = _("排查记录：%(point)s") % {"point": obj.point.name} if obj else ""
        else:
            obj = (
                campaign_hazards(campaign)
                .filter(pk__in=HazardFinding.objects.restrict(user).values("pk"))
                .filter(pk=raw)
                .first()
            )
            label = _("隐患 %(code)s") % {"code": obj.code} if obj else ""
        if obj is None:
            raise Http404
        return key, obj, label
    raise Http404(_("请从专项工单、排查记录或隐患进入填报"))


@login_required
def quantity_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record remediation quantities against a case tagged with the campaign, one of its findings or a tagged
    hazard finding (the case page itself is not this module's: it links here from the campaign page)."""
    user = request.user
    campaign = get_campaign(user, pk)
    key, target, label = _quantity_target(request, campaign)
    if request.method == "POST":
        form = QuantityForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                row = quantity_record(
                    actor=user,
                    campaign=campaign,
                    item=d["item"],
                    quantity=d["quantity"],
                    note=d["note"],
                    **{key: target},
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已填报整治量：%(item)s %(q)s %(unit)s")
                    % {"item": row.item.name, "q": row.quantity, "unit": row.unit},
                )
                if "again" in request.POST:
                    return redirect(f"{reverse('web:campaign_quantity_new', args=[campaign.pk])}?{key}={target.pk}")
                return redirect("web:campaign_detail", pk=campaign.pk)
    else:
        form = QuantityForm()
    recorded = quantity_rows(campaign).filter(**{key: target})
    context = {"form": form, "campaign": campaign, "key": key, "target": target, "label": label, "recorded": recorded}
    return render(request, "web/campaigns/quantity.html", context)


@login_required
def campaign_tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Tag an existing case (by its tracking code) or hazard finding (by its code) with the campaign."""
    from wangge.hazards.models import HazardFinding

    user = request.user
    campaign = get_campaign(user, pk)
    if request.method != "POST":
        return redirect("web:campaign_detail", pk=campaign.pk)
    form = TagForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["code"].strip()
        wo: WorkOrder | None = WorkOrder.objects.restrict(user).filter(tracking_code=code).first()
        hazard = HazardFinding.objects.restrict(user).filter(code=code).first() if wo is None else None
        try:
            if wo is not None:
                campaign_tag_case(actor=user, campaign=campaign, work_order=wo)
            elif hazard is not None:
                campaign_tag_hazard(actor=user, campaign=campaign, hazard=hazard)
            else:
                messages.error(request, _("找不到工单或隐患：%(code)s") % {"code": code})
                return redirect("web:campaign_detail", pk=campaign.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已标记到本专项：%(code)s") % {"code": code})
    else:
        messages.error(request, _("请填写工单查询码或隐患编号"))
    return redirect("web:campaign_detail", pk=campaign.pk)


@login_required
def campaign_bulletin_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request.user, pk)
    by = "unit" if request.GET.get("by") == "unit" else "territory"
    data = campaign_bulletin(campaign, by=by)
    for row in data["rows"]:
        row["cells"] = [(f"{i['name']}（{i['unit']}）", row["quantities"].get(i["key"])) for i in data["items"]]
    totals = {q["key"]: q["total"] for q in data["totals"]["quantities"]}
    context = {
        "campaign": campaign,
        "data": data,
        "by": by,
        "total_cells": [(f"{i['name']}（{i['unit']}）", totals.get(i["key"])) for i in data["items"]],
        "definitions": DEFINITIONS,
    }
    return render(request, "web/campaigns/bulletin.html", context)


def _download(request: HttpRequest, campaign: Campaign, fmt: str) -> HttpResponse:
    content = bulletin_xlsx(campaign) if fmt == "xlsx" else bulletin_pdf(campaign)
    audit.record(
        actor=request.user,
        action="campaigns.report_download",
        obj=campaign,
        after={"format": fmt},
        ip=client_ip(request),
        only_changes=False,
    )
    response = HttpResponse(content, content_type=XLSX_TYPE if fmt == "xlsx" else "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_stem(campaign)}.{fmt}"'
    return response


@login_required
def campaign_bulletin_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, get_campaign(request.user, pk), "xlsx")


@login_required
def campaign_bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, get_campaign(request.user, pk), "pdf")


@login_required
def campaign_case_link(request: HttpRequest, wo_pk: int) -> HttpResponse:
    """The campaigns a case is tagged with, for the case page to load (htmx): each with its link to record
    remediation quantities on the case while the campaign takes them. Empty when the case is in none."""
    wo: WorkOrder | None = WorkOrder.objects.restrict(request.user).filter(pk=wo_pk).first()
    if wo is None:
        raise Http404
    tagged = list(
        campaigns_for(request.user).filter(case_tags__work_order=wo).select_related("territory").order_by("-start_date")
    )
    for c in tagged:
        c.takes_quantities = c.status in QUANTITY_STATUSES  # type: ignore[attr-defined]
        c.recorded = list(quantity_rows(c).filter(work_order=wo))  # type: ignore[attr-defined]
    return render(request, "web/campaigns/case_link.html", {"wo": wo, "campaigns": tagged})


routes: list[URLPattern] = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/act/<slug:name>/", campaign_act, name="campaign_act"),
    path("campaigns/<int:pk>/findings/new/", finding_new, name="campaign_finding_new"),
    path("campaigns/<int:pk>/quantities/new/", quantity_new, name="campaign_quantity_new"),
    path("campaigns/<int:pk>/tag/", campaign_tag, name="campaign_tag"),
    path("campaigns/<int:pk>/bulletin/", campaign_bulletin_page, name="campaign_bulletin"),
    path("campaigns/<int:pk>/bulletin.xlsx", campaign_bulletin_xlsx, name="campaign_bulletin_xlsx"),
    path("campaigns/<int:pk>/bulletin.pdf", campaign_bulletin_pdf, name="campaign_bulletin_pdf"),
    path("campaigns/cases/<int:wo_pk>/", campaign_case_link, name="campaign_case_link"),
]
