"""Pages of the 治安隐患排查整治台账 (wired by wangge.web.urls through ``routes``): the list with its filters and
overdue badges, the report form a grid worker fills on the phone (type, what, where — a building, a scanned
point or the phone's position — the owner, the deadline, photos), and the detail page with the history, the
before and after photos, the rectification steps this user may take now and the linked work order.

Everything is scoped: a finding outside the user's ``view`` scope answers 404 like a missing one; photos are
sent through ``core.files.serve_protected`` after the same check. The step forms are generated from
``hazards.workflow`` (``web.workflow_forms.StepForm``); the services decide every write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.roles import RECORD, REVEAL
from wangge.core import audit, files
from wangge.core.errors import DomainError
from wangge.core.geo import to_wgs84
from wangge.core.masking import mask_numbers
from wangge.core.validators import mask_phone
from wangge.core.workflow import Transition
from wangge.hazards.choices import PhotoStage
from wangge.hazards.filtersets import HazardFindingFilterSet
from wangge.hazards.models import HazardFinding, HazardPhoto, HazardType
from wangge.hazards.selectors import is_overdue
from wangge.hazards.services import hazard_report, hazard_transition
from wangge.hazards.workflow import EVENT_LABELS, TRANSITIONS, available
from wangge.ledgers.models import Building
from wangge.places.models import Point
from wangge.territory.maps import display_point, focus_bounds, grid_feature, map_settings
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import MultipleImageField, StepForm
from wangge.workorders.models import WorkOrder

PER_PAGE = 30
# How many buildings the report form offers in its list (a grid has a few dozen; typing the code works beyond).
BUILDING_CHOICES = 300


# --- forms ---------------------------------------------------------------------------------------------------


class HazardStepForm(StepForm):
    """The inputs of one rectification step, generated from its row in ``hazards.workflow``."""


class HazardReportForm(forms.Form):
    """排查登记: what, where (a building, a scanned point or a position on the map / from the phone), who must
    rectify it within how many working days, and photos."""

    type = forms.ModelChoiceField(label=gettext_lazy("隐患类型"), queryset=HazardType.objects.none(), empty_label=None)
    title = forms.CharField(
        label=gettext_lazy("隐患描述"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：楼道堆放杂物堵塞消防通道")}),
    )
    description = forms.CharField(
        label=gettext_lazy("详细情况（选填）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    building = forms.CharField(
        label=gettext_lazy("楼栋（选填，输入或选择楼栋编码）"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"list": "hazard-buildings", "autocomplete": "off"}),
    )
    address = forms.CharField(label=gettext_lazy("地址或位置描述"), required=False, max_length=200)
    lng = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    crs = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[("wgs84", "wgs84"), ("gcj02", "gcj02")], initial="wgs84", required=False
    )
    point = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    owner_name = forms.CharField(label=gettext_lazy("整改责任人"), max_length=50)
    owner_phone = forms.CharField(label=gettext_lazy("责任人电话（选填）"), max_length=32, required=False)
    deadline_days = forms.IntegerField(label=gettext_lazy("整改时限（工作日）"), min_value=1, max_value=365, initial=5)
    photos = MultipleImageField(label=gettext_lazy("现场照片（整改前）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["type"].queryset = HazardType.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def buildings(self) -> QuerySet[Building]:
        """The buildings this user records in, for the form's list."""
        return Building.objects.restrict(self.user, RECORD).only("code", "name").order_by("code")[:BUILDING_CHOICES]

    def clean_building(self) -> Building | None:
        code = (self.cleaned_data.get("building") or "").strip()
        if not code:
            return None
        building: Building | None = Building.objects.restrict(self.user, RECORD).filter(code=code).first()
        if building is None:
            raise forms.ValidationError(_("楼栋不存在或不在您的登记范围内"), code="unknown_building")
        return building

    def clean_point(self) -> Point | None:
        code = (self.cleaned_data.get("point") or "").strip()
        if not code:
            return None
        point: Point | None = Point.objects.restrict(self.user).filter(code=code).first()
        if point is None:
            raise forms.ValidationError(_("二维码对应的点位不存在"), code="unknown_point")
        return point

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_xy = data.get("lng") is not None and data.get("lat") is not None
        if not (has_xy or data.get("building") or data.get("point")) and not self.errors:
            raise forms.ValidationError(
                _("请选择楼栋，或在地图上点选位置、使用“定位我的位置”"), code="location_required"
            )
        return data

    def report(self) -> dict[str, Any]:
        """The valid input as the arguments of ``hazards.services.hazard_report``."""
        d = self.cleaned_data
        lng, lat = d.get("lng"), d.get("lat")
        if lng is not None and lat is not None:
            lng, lat = to_wgs84(lng, lat, d.get("crs") or "wgs84")
        else:
            lng = lat = None
        return {
            "type": d["type"],
            "title": d["title"],
            "description": d["description"],
            "building": d["building"],
            "point": d["point"],
            "address": d["address"],
            "lng": lng,
            "lat": lat,
            "owner_name": d["owner_name"],
            "owner_phone": d["owner_phone"],
            "deadline_days": d["deadline_days"],
            "photos": d["photos"],
        }


# --- helpers -------------------------------------------------------------------------------------------------


def get_finding(user: Any, pk: int) -> HazardFinding:
    """A finding in the user's scope; out of scope answers exactly like a missing one."""
    finding: HazardFinding | None = (
        HazardFinding.objects.restrict(user)
        .select_related("type", "grid", "point", "building", "merchant", "owner_unit", "work_order", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404(_("隐患不存在"))
    return finding


def may_reveal(user: Any, finding: HazardFinding) -> bool:
    return HazardFinding.objects.restrict(user, REVEAL).filter(pk=finding.pk).exists()


def may_report(user: Any) -> bool:
    """Whether the user keeps the ledgers of any grid (the report button)."""
    return Territory.objects.restrict(user, RECORD).exists()


def action_forms(
    user: Any, finding: HazardFinding, bound: dict[str, HazardStepForm] | None = None
) -> list[dict[str, Any]]:
    """One form per step the user may take now."""
    out = []
    for t in available(user, finding):
        form = (bound or {}).get(t.name) or HazardStepForm(transition=t, obj=finding, user=user)
        out.append({"transition": t, "form": form, "multipart": form.is_multipart()})
    return out


def detail_context(
    request: HttpRequest, finding: HazardFinding, bound: dict[str, HazardStepForm] | None = None
) -> dict[str, Any]:
    user = request.user
    reveal = may_reveal(user, finding)
    # Numbers typed into the text are personal data too: without the reveal right they read masked.
    shown = (lambda text: text or "") if reveal else mask_numbers
    events = list(finding.events.select_related("actor").order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
        ev.note_shown = shown(ev.note)  # type: ignore[attr-defined]
    photos = list(finding.photos.order_by("id"))
    pin = display_point(finding.lng, finding.lat) if finding.lng is not None and finding.lat is not None else None
    return {
        "finding": finding,
        "overdue": is_overdue(finding),
        "events": events,
        "before": [p for p in photos if p.stage == PhotoStage.BEFORE],
        "after": [p for p in photos if p.stage == PhotoStage.AFTER],
        "actions": action_forms(user, finding, bound),
        "phone_masked": mask_phone(finding.owner_phone),
        "can_reveal": bool(finding.owner_phone) and reveal,
        "text": {
            "title": shown(finding.title),
            "description": shown(finding.description),
            "rectification": shown(finding.rectification),
        },
        "work_order_visible": finding.work_order_id is not None
        and WorkOrder.objects.restrict(user).filter(pk=finding.work_order_id).exists(),
        "pin": pin,
        "grid_outline": grid_feature(finding.grid_id) if pin else None,
        "map": map_settings(),
    }


# --- pages ---------------------------------------------------------------------------------------------------


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    """The findings in the user's scope with filters (type, status, overdue, grid, territory), newest first."""
    user = request.user
    qs: QuerySet[HazardFinding] = (
        HazardFinding.objects.restrict(user).select_related("type", "grid", "work_order").order_by("-found_at", "-id")
    )
    filterset = HazardFindingFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    now = timezone.now()
    for finding in page.object_list:
        finding.is_overdue = is_overdue(finding, now)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "can_report": may_report(user),
    }
    return render(request, "web/hazards/list.html", context)


@login_required
def hazard_report_page(request: HttpRequest) -> HttpResponse:
    """排查登记 on the phone or the desktop."""
    user = request.user
    if not may_report(user):
        raise Http404(_("您没有登记隐患的网格"))
    if request.method == "POST":
        form = HazardReportForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                finding = hazard_report(actor=user, **form.report())
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已登记隐患 %(code)s") % {"code": finding.code})
                return redirect("web:hazard_detail", pk=finding.pk)
    else:
        form = HazardReportForm(
            initial={"point": request.GET.get("point", ""), "building": request.GET.get("building", "")}, user=user
        )
    point: Point | None = Point.objects.restrict(user).filter(code=request.GET.get("point") or "").first()
    context = {
        "form": form,
        "buildings": form.buildings(),
        "point": point,
        "map": map_settings(),
        "focus": focus_bounds(user),
    }
    return render(request, "web/hazards/report.html", context)


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_finding(request.user, pk)
    return render(request, "web/hazards/detail.html", detail_context(request, finding))


@login_required
@require_POST
def hazard_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Every step of the detail page posts here; the transition service decides."""
    user = request.user
    finding = get_finding(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = HazardStepForm(request.POST, request.FILES, transition=t, obj=finding, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: hazard_transition(actor=user, finding=finding, name=name, **form.payload()),
        label=t.label,
        target=reverse("web:hazard_detail", args=[finding.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form, "multipart": True}, "finding": finding, "error": message}
        return render(request, "web/hazards/action_form.html", context, status=status)
    messages.error(request, message)
    finding = get_finding(user, pk)
    return render(request, "web/hazards/detail.html", detail_context(request, finding, {name: form}), status=status)


@login_required
def hazard_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse | FileResponse:
    """A finding's photo, through the finding's scope (never from a public media URL)."""
    finding = get_finding(request.user, pk)
    photo = HazardPhoto.objects.filter(pk=photo_pk, finding=finding).first()
    if photo is None:
        raise Http404
    return files.serve_protected(photo.file, photo.content_type)


@login_required
@require_POST
def hazard_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the rectification owner's full number to an entitled user, and write that to the audit trail."""
    finding = get_finding(request.user, pk)
    if not may_reveal(request.user, finding):
        return HttpResponse(_("无权查看完整号码"), status=403)
    audit.record(
        actor=request.user,
        action="hazards.reveal_owner_phone",
        obj=finding,
        note="hazard detail page",
        ip=client_ip(request),
        only_changes=False,
    )
    return HttpResponse(format_html('<a href="tel:{0}">{0}</a>', finding.owner_phone))


routes: list[URLPattern] = [
    path("hazards/", hazard_list, name="hazard_list"),
    path("hazards/new/", hazard_report_page, name="hazard_report"),
    path("hazards/<int:pk>/", hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/act/<slug:name>/", hazard_act, name="hazard_act"),
    path("hazards/<int:pk>/photos/<int:photo_pk>/", hazard_photo, name="hazard_photo"),
    path("hazards/<int:pk>/phone/", hazard_reveal_phone, name="hazard_reveal_phone"),
]
