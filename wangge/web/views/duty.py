"""Pages of 值班与防汛备勤 (``wangge.duty``), wired by wangge.web.urls through ``routes``: the home page (the duty
now, the supplies short of their norms and the overdue stock-takes), the rosters (a month calendar on a desktop,
a list on a phone; generation from a rotation; 换班), the phone check-in, the supplies by depot with their
shortfall (stock-take form, issue/return), the rescue forces by area on a map, the emergency plans with their
versions, the drills and the 会商 records. The rosters and the supplies export as .xlsx through the one safe
writer.

Everything is scoped: a row outside the user's ``view`` scope answers 404 like a missing one; the services decide
every write and its permission.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.models import Unit, User
from wangge.core import audit
from wangge.core.errors import DomainError
from wangge.core.files import serve_protected
from wangge.core.scoping import CHANGE
from wangge.core.spreadsheets import write_row, write_rows
from wangge.core.validators import mask_phone
from wangge.duty.choices import DepotKind, DutyRole, MovementDirection, PlanKind, TeamKind
from wangge.duty.filtersets import (
    ConsultationFilterSet,
    DepotFilterSet,
    DrillFilterSet,
    EmergencyPlanFilterSet,
    RescueTeamFilterSet,
)
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DrillPhoto,
    DutyAssignment,
    DutyRoster,
    DutyShift,
    EmergencyPlan,
    PlanVersion,
    RescueTeam,
    StockMovement,
    SupplyItem,
)
from wangge.duty.selectors import (
    DEFINITIONS,
    check_in_missing,
    depot_supply_rows,
    depots_with_rows,
    flood_readiness,
    roster_month,
    stocktake_state,
)
from wangge.duty.services import (
    consultation_record,
    depot_create,
    drill_record,
    duty_assignment_add,
    duty_assignment_remove,
    duty_check_in,
    duty_roster_create,
    duty_roster_generate,
    duty_swap,
    may_keep,
    may_write_depot,
    plan_create,
    plan_revise,
    stock_move,
    stocktake_record,
    team_create,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import display_point, map_settings
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, paginate, querystring_without

PER_PAGE = 30
NODE_KINDS = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers -------------------------------------------------------------------------------------------------


def top_node(user: Any, code: str | None = None) -> Territory | None:
    """The node the page is for: the one asked for when visible, else the highest district, street or community
    the user sees."""
    visible = Territory.objects.restrict(user).filter(kind__in=NODE_KINDS)
    if code:
        node = visible.filter(code=code).first()
        if node is not None:
            return node
    found: Territory | None = visible.order_by("depth", "path").first()
    return found


def kept_nodes(user: Any) -> QuerySet[Territory]:
    """The districts, streets and communities whose duty and flood records the user keeps."""
    return Territory.objects.restrict(user, CHANGE).filter(kind__in=NODE_KINDS).order_by("path")


def visible_units(user: Any) -> QuerySet[Unit]:
    return Unit.objects.restrict(user).filter(is_active=True).order_by("code")


def staff_choices(user: Any) -> QuerySet[User]:
    return User.objects.restrict(user).filter(is_active=True).order_by("username")


class StaffField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj}（{obj.username}）"


def _errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{' '.join(str(e) for e in v)}"
        for k, v in form.errors.items()
    )


def _refused(form: forms.Form, exc: DomainError) -> None:
    form.add_error(None, exc.message)
    for detail in exc.details if isinstance(exc.details, list) else []:
        field = str(detail.get("field", ""))
        if field in form.fields:
            form.add_error(field, detail.get("reason") or _("请检查此项"))


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month") or ""
    try:
        first = dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        first = timezone.localdate().replace(day=1)
    return first


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _people_text(rows: list[dict[str, Any]]) -> str:
    return "、".join(p["name"] for p in rows)


def _xlsx(sheet_name: str, header: list[str], rows: list[list[Any]]) -> tuple[bytes, int]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    write_row(sheet, header)
    count = write_rows(sheet, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- home ----------------------------------------------------------------------------------------------------


@login_required
def duty_home(request: HttpRequest) -> HttpResponse:
    """The duty now, the warnings (check-ins missing, supplies short, stock-takes overdue) and the links."""
    user = request.user
    node = top_node(user, request.GET.get("territory"))
    figures = (
        flood_readiness(
            node,
            depots=Depot.objects.restrict(user),
            teams=RescueTeam.objects.restrict(user),
            shifts=DutyShift.objects.restrict(user),
        )
        if node is not None
        else None
    )
    now = timezone.now()
    mine = (
        DutyAssignment.objects.filter(
            user_id=user.pk or 0, shift__ends_at__gt=now, shift__starts_at__lt=now + dt.timedelta(days=1)
        )
        .select_related("shift", "shift__pattern", "shift__roster")
        .order_by("shift__starts_at")
    )
    context = {
        "node": node,
        "figures": figures,
        "definitions": DEFINITIONS,
        "mine": list(mine),
        "nodes": Territory.objects.restrict(user).filter(kind__in=NODE_KINDS[:2]).order_by("path")[:50],
    }
    return render(request, "web/duty/home.html", context)


# --- rosters -------------------------------------------------------------------------------------------------


class RosterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("值班表名称"), max_length=100)
    territory = forms.ModelChoiceField(label=gettext_lazy("所属辖区"), queryset=Territory.objects.none())
    unit = forms.ModelChoiceField(label=gettext_lazy("值班单位（选填）"), queryset=Unit.objects.none(), required=False)
    location = forms.CharField(label=gettext_lazy("值班地点（选填）"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("值班电话（选填）"), max_length=32, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = kept_nodes(user)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = visible_units(user)  # type: ignore[attr-defined]


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    rosters: QuerySet[DutyRoster] = (
        DutyRoster.objects.restrict(user).select_related("territory", "unit").order_by("territory__path", "name")
    )
    may_create = kept_nodes(user).exists()
    form = RosterForm(user=user) if may_create else None
    if request.method == "POST" and may_create:
        form = RosterForm(request.POST, user=user)
        if form.is_valid():
            try:
                roster = duty_roster_create(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已新建值班表"))
                return redirect("web:duty_roster", pk=roster.pk)
    page = paginate(request, rosters, PER_PAGE)
    return render(
        request,
        "web/duty/rosters.html",
        {"page": page, "querystring": querystring_without(request, "page"), "form": form},
    )


def get_roster(user: Any, pk: int) -> DutyRoster:
    roster: DutyRoster | None = (
        DutyRoster.objects.restrict(user).select_related("territory", "unit").filter(pk=pk).first()
    )
    if roster is None:
        raise Http404(_("值班表不存在"))
    return roster


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The month of a roster: a calendar on a desktop, a list by day on a phone."""
    user = request.user
    roster = get_roster(user, pk)
    first = _month(request)
    last = _month_end(first)
    by_day = roster_month(DutyShift.objects.filter(roster=roster), first, last)
    weeks = [
        [{"day": d, "in_month": d.month == first.month, "shifts": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    context = {
        "roster": roster,
        "first": first,
        "weeks": weeks,
        "days": sorted(by_day.items()),
        "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"),
        "month": first.strftime("%Y-%m"),
        "may_keep": may_keep(user, roster.territory),
        "today": timezone.localdate(),
        "now": timezone.now(),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
    }
    return render(request, "web/duty/roster.html", context)


class GenerateForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    leaders = StaffField(label=gettext_lazy("带班领导（按日轮换）"), queryset=User.objects.none(), required=False)
    officers = StaffField(label=gettext_lazy("值班员（按班轮换）"), queryset=User.objects.none(), required=False)
    others = forms.CharField(
        label=gettext_lazy("无账号的值班员（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一人：姓名 电话"),
    )
    officers_per_shift = forms.IntegerField(label=gettext_lazy("每班值班员人数"), min_value=1, max_value=10, initial=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = staff_choices(user)  # type: ignore[attr-defined]
        self.fields["officers"].queryset = staff_choices(user)  # type: ignore[attr-defined]

    def extra_people(self) -> list[dict[str, str]]:
        out = []
        for line in str(self.cleaned_data.get("others") or "").splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if parts:
                out.append({"name": parts[0], "phone": parts[1] if len(parts) > 1 else ""})
        return out


@login_required
def roster_generate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    roster = get_roster(user, pk)
    if not may_keep(user, roster.territory):
        raise Http404(_("您不负责该值班表"))
    today = timezone.localdate()
    form = GenerateForm(user=user, initial={"start": today, "end": _month_end(today)})
    if request.method == "POST":
        form = GenerateForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = duty_roster_generate(
                    actor=user,
                    roster=roster,
                    start=d["start"],
                    end=d["end"],
                    leaders=list(d["leaders"]),
                    officers=[*d["officers"], *form.extra_people()],
                    officers_per_shift=d["officers_per_shift"],
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(
                    request,
                    _("已生成 %(created)s 个班次，跳过已有的 %(skipped)s 个")
                    % {"created": result.created, "skipped": result.skipped},
                )
                return redirect(reverse("web:duty_roster", args=[roster.pk]) + f"?month={d['start']:%Y-%m}")
    return render(request, "web/duty/generate.html", {"roster": roster, "form": form})


class SwapForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=gettext_lazy("接班人员（账号）"), queryset=User.objects.none(), required=False
    )
    to_name = forms.CharField(label=gettext_lazy("或：接班人员姓名"), max_length=50, required=False)
    to_phone = forms.CharField(label=gettext_lazy("接班人员电话"), max_length=32, required=False)
    reason = forms.CharField(label=gettext_lazy("换班原因"), max_length=200)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = staff_choices(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_user") and not data.get("to_name"):
            raise forms.ValidationError(_("请选择接班人员或填写姓名"))
        return data

    def person(self) -> Any:
        d = self.cleaned_data
        return d["to_user"] or {"name": d["to_name"], "phone": d.get("to_phone") or ""}


@login_required
def assignment_swap(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    a: DutyAssignment | None = (
        DutyAssignment.objects.restrict(user)
        .select_related("shift", "shift__pattern", "shift__roster", "shift__roster__territory")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise Http404(_("值班安排不存在"))
    form = SwapForm(user=user)
    if request.method == "POST":
        form = SwapForm(request.POST, user=user)
        if form.is_valid():
            try:
                duty_swap(actor=user, assignment=a, to=form.person(), reason=form.cleaned_data["reason"])
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记换班"))
                return redirect(reverse("web:duty_roster", args=[a.shift.roster_id]) + f"?month={a.shift.day:%Y-%m}")
    swaps = list(a.swaps.order_by("-at"))
    return render(request, "web/duty/swap.html", {"a": a, "form": form, "swaps": swaps})


@login_required
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The month of a roster as .xlsx (phones masked), written through the one safe writer and audited."""
    user = request.user
    roster = get_roster(user, pk)
    first = _month(request)
    by_day = roster_month(DutyShift.objects.filter(roster=roster), first, _month_end(first))
    rows = [
        [
            day,
            r["shift"],
            timezone.localtime(r["starts_at"]).strftime("%m-%d %H:%M"),
            timezone.localtime(r["ends_at"]).strftime("%m-%d %H:%M"),
            _people_text(r["leaders"]),
            _people_text(r["officers"]),
            "、".join(p["phone"] for p in r["leaders"] + r["officers"] if p["phone"]),
        ]
        for day, shifts in sorted(by_day.items())
        for r in shifts
    ]
    header = [_("日期"), _("班次"), _("开始"), _("结束"), _("带班领导"), _("值班员"), _("电话（脱敏）")]
    data, count = _xlsx(_("值班表"), header, rows)
    audit.record_export(
        actor=user,
        action="duty.rosters_export",
        what="duty.dutyshift",
        fmt="xlsx",
        count=count,
        filters={"roster": roster.pk, "month": first.strftime("%Y-%m")},
        obj=roster,
        ip=client_ip(request),
    )
    return _download(data, f"duty-roster-{roster.pk}-{first:%Y-%m}.xlsx")


class AddForm(SwapForm):
    role = forms.ChoiceField(label=gettext_lazy("职责"), choices=DutyRole.choices, initial=DutyRole.OFFICER)
    reason = forms.CharField(label=gettext_lazy("说明（选填）"), max_length=200, required=False)


@login_required
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    """增派: one more person on a shift."""
    user = request.user
    shift: DutyShift | None = (
        DutyShift.objects.restrict(user).select_related("roster", "roster__territory", "pattern").filter(pk=pk).first()
    )
    if shift is None or not may_keep(user, shift.roster.territory):
        raise Http404(_("班次不存在"))
    form = AddForm(user=user)
    if request.method == "POST":
        form = AddForm(request.POST, user=user)
        if form.is_valid():
            try:
                duty_assignment_add(actor=user, shift=shift, role=form.cleaned_data["role"], person=form.person())
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已增派值班人员"))
                return redirect(reverse("web:duty_roster", args=[shift.roster_id]) + f"?month={shift.day:%Y-%m}")
    return render(request, "web/duty/add.html", {"shift": shift, "form": form})


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """撤下: take a person off a shift, with the reason."""
    user = request.user
    a: DutyAssignment | None = DutyAssignment.objects.restrict(user).select_related("shift").filter(pk=pk).first()
    if a is None:
        raise Http404(_("值班安排不存在"))
    roster_id, day = a.shift.roster_id, a.shift.day
    try:
        duty_assignment_remove(actor=user, assignment=a, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:duty_swap", pk=pk)
    messages.success(request, _("已撤下值班人员"))
    return redirect(reverse("web:duty_roster", args=[roster_id]) + f"?month={day:%Y-%m}")


# --- check-in ------------------------------------------------------------------------------------------------


@login_required
def check_in_page(request: HttpRequest) -> HttpResponse:
    """The phone page of the person on duty: their duties from yesterday to tomorrow, each with its check-in."""
    user = request.user
    now = timezone.now()
    rows = list(
        DutyAssignment.objects.filter(
            user_id=user.pk or 0,
            shift__ends_at__gt=now - dt.timedelta(hours=12),
            shift__starts_at__lt=now + dt.timedelta(days=2),
        )
        .select_related("shift", "shift__pattern", "shift__roster", "shift__roster__territory")
        .order_by("shift__starts_at")
    )
    for a in rows:
        a.missing = check_in_missing(a.shift.starts_at, a.checked_in_at, now)  # type: ignore[attr-defined]
        a.open = a.checked_in_at is None and a.shift.ends_at > now  # type: ignore[attr-defined]
    return render(request, "web/duty/check_in.html", {"rows": rows})


class CheckInForm(forms.Form):
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("位置坐标不正确"))
        return redirect("web:duty_check_in")
    d = form.cleaned_data
    try:
        duty_check_in(actor=request.user, assignment=pk, lng=d.get("longitude"), lat=d.get("latitude"))
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签到"))
    return redirect("web:duty_check_in")


# --- supplies ------------------------------------------------------------------------------------------------


class DepotForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("储备点名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("储备点类型"), choices=DepotKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("所属辖区"), queryset=Territory.objects.none())
    address = forms.CharField(label=gettext_lazy("地址（选填）"), max_length=200, required=False)
    custodian = forms.ModelChoiceField(
        label=gettext_lazy("保管人（账号）"), queryset=User.objects.none(), required=False
    )
    custodian_name = forms.CharField(label=gettext_lazy("或：保管人姓名"), max_length=50, required=False)
    custodian_phone = forms.CharField(label=gettext_lazy("保管人电话（选填）"), max_length=32, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = kept_nodes(user)  # type: ignore[attr-defined]
        self.fields["custodian"].queryset = staff_choices(user)  # type: ignore[attr-defined]


@login_required
def supplies(request: HttpRequest) -> HttpResponse:
    """The depots in scope with their stock against the norms, the shortfalls and the stock-take state."""
    user = request.user
    qs: QuerySet[Depot] = Depot.objects.restrict(user).order_by("territory__path", "name")
    filterset = DepotFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    depots = depots_with_rows(
        Depot.objects.filter(pk__in=[d.pk for d in page.object_list]).order_by("territory__path", "name")
    )
    may_create = kept_nodes(user).exists()
    form = DepotForm(user=user) if may_create else None
    if request.method == "POST" and may_create:
        form = DepotForm(request.POST, user=user)
        if form.is_valid():
            try:
                depot = depot_create(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记储备点"))
                return redirect("web:duty_depot", pk=depot.pk)
    context = {
        "filterset": filterset,
        "page": page,
        "depots": depots,
        "querystring": querystring_without(request, "page"),
        "form": form,
        "definitions": DEFINITIONS,
    }
    return render(request, "web/duty/supplies.html", context)


def get_depot(user: Any, pk: int) -> Depot:
    depot: Depot | None = (
        (Depot.objects.restrict(user) | Depot.objects.filter(custodian_id=getattr(user, "pk", None)))
        .select_related("territory", "custodian")
        .filter(pk=pk)
        .first()
    )
    if depot is None:
        raise Http404(_("储备点不存在"))
    return depot


class MoveForm(forms.Form):
    item = forms.ModelChoiceField(label=gettext_lazy("物资"), queryset=SupplyItem.objects.filter(is_active=True))
    direction = forms.ChoiceField(label=gettext_lazy("方向"), choices=MovementDirection.choices)
    quantity = forms.DecimalField(label=gettext_lazy("数量"), min_value=0, decimal_places=2, max_digits=12)
    reason = forms.CharField(label=gettext_lazy("事由"), max_length=200)


@login_required
def depot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    depot = get_depot(user, pk)
    writable = may_write_depot(user, depot)
    form = MoveForm() if writable else None
    if request.method == "POST" and writable:
        form = MoveForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                stock_move(
                    actor=user,
                    depot=depot,
                    item=d["item"],
                    direction=d["direction"],
                    quantity_moved=d["quantity"],
                    reason=d["reason"],
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记出入库"))
                return redirect("web:duty_depot", pk=depot.pk)
    state = stocktake_state(depot, timezone.localdate())
    context = {
        "depot": depot,
        "rows": depot_supply_rows(depot),
        "state": state,
        "custodian_phone": mask_phone(depot.custodian_phone or ""),
        "stocktakes": list(depot.stocktakes.prefetch_related("lines__item").order_by("-taken_on", "-id")[:10]),
        "movements": list(StockMovement.objects.filter(depot=depot).select_related("item").order_by("-at")[:30]),
        "form": form,
        "writable": writable,
    }
    return render(request, "web/duty/depot.html", context)


@login_required
def stocktake_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The 盘点 form: one count per active item, prefilled with the book quantity."""
    user = request.user
    depot = get_depot(user, pk)
    if not may_write_depot(user, depot):
        raise Http404(_("您不负责该储备点"))
    items = list(SupplyItem.objects.filter(is_active=True).order_by("ordering", "key"))
    book = {r["item_key"]: r["stock"] for r in depot_supply_rows(depot)}
    error = ""
    if request.method == "POST":
        counts = {i.key: request.POST.get(f"count_{i.key}", "").strip() for i in items}
        try:
            taken_on = dt.date.fromisoformat(request.POST.get("taken_on") or "")
        except ValueError:
            error = _("请填写盘点日期")
        else:
            try:
                stocktake_record(
                    actor=user, depot=depot, taken_on=taken_on, counts=counts, note=request.POST.get("note", "")
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("已登记盘点，库存已按实盘数量更新"))
                return redirect("web:duty_depot", pk=depot.pk)
    rows = [{"item": i, "book": book.get(i.key), "value": request.POST.get(f"count_{i.key}", "")} for i in items]
    context = {"depot": depot, "rows": rows, "today": timezone.localdate(), "error": error}
    return render(request, "web/duty/stocktake.html", context, status=400 if error else 200)


@login_required
def supplies_export(request: HttpRequest) -> HttpResponse:
    """Every depot in scope with its stock, norm and shortfall per item, as .xlsx through the one safe writer."""
    user = request.user
    depots = depots_with_rows(Depot.objects.restrict(user).order_by("territory__path", "name"))
    rows = [
        [
            d.territory.name,
            d.name,
            d.get_kind_display(),  # type: ignore[attr-defined]
            r["item_name"],
            r["unit_label"],
            r["stock"],
            r["required"] if r["required"] is not None else "",
            r["shortfall"],
            d.last_taken_on or "",  # type: ignore[attr-defined]
            _("逾期") if d.stocktake_overdue else "",  # type: ignore[attr-defined]
        ]
        for d in depots
        for r in d.rows  # type: ignore[attr-defined]
    ]
    header = [
        _("辖区"),
        _("储备点"),
        _("类型"),
        _("物资"),
        _("单位"),
        _("库存"),
        _("定额"),
        _("缺口"),
        _("最近盘点"),
        _("盘点逾期"),
    ]
    data, count = _xlsx(_("防汛物资"), header, rows)
    audit.record_export(
        actor=user, action="duty.supplies_export", what="duty.stock", fmt="xlsx", count=count, ip=client_ip(request)
    )
    return _download(data, "flood-supplies.xlsx")


# --- rescue forces -------------------------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("队伍名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("队伍类型"), choices=TeamKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("驻防区域"), queryset=Territory.objects.none())
    unit = forms.ModelChoiceField(label=gettext_lazy("所属单位（选填）"), queryset=Unit.objects.none(), required=False)
    leader_name = forms.CharField(label=gettext_lazy("队长"), max_length=50)
    leader_phone = forms.CharField(label=gettext_lazy("队长电话（选填）"), max_length=32, required=False)
    members = forms.IntegerField(label=gettext_lazy("队员人数"), min_value=1)
    address = forms.CharField(label=gettext_lazy("驻地（选填）"), max_length=200, required=False)
    equipment = forms.CharField(
        label=gettext_lazy("装备（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一项：名称 数量 单位，如“冲锋舟 2 艘”"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = kept_nodes(user)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = visible_units(user)  # type: ignore[attr-defined]

    def clean_equipment(self) -> list[tuple[str, int, str]]:
        out = []
        for line in str(self.cleaned_data.get("equipment") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2 or not parts[1].isdigit():
                raise forms.ValidationError(_("装备“%(line)s”须写成：名称 数量 单位") % {"line": line.strip()})
            out.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
        return out


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    """The rescue teams in scope by area, on a map and as a list (leader phones masked)."""
    user = request.user
    qs: QuerySet[RescueTeam] = (
        RescueTeam.objects.restrict(user)
        .select_related("territory", "unit")
        .prefetch_related("equipment")
        .order_by("territory__path", "kind", "name")
    )
    filterset = RescueTeamFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = list(filterset.qs if filterset.is_bound and filterset.is_valid() else qs)
    markers = []
    for t in rows:
        t.phone_shown = mask_phone(t.leader_phone or "")  # type: ignore[attr-defined]
        if t.lng is not None and t.lat is not None:
            x, y = display_point(t.lng, t.lat)
            markers.append({"lng": x, "lat": y, "name": t.name, "kind": t.get_kind_display(), "members": t.members})  # type: ignore[attr-defined]
    areas: dict[str, list[RescueTeam]] = {}
    for t in rows:
        areas.setdefault(t.territory.name, []).append(t)
    may_create = kept_nodes(user).exists()
    form = TeamForm(user=user) if may_create else None
    if request.method == "POST" and may_create:
        form = TeamForm(request.POST, user=user)
        if form.is_valid():
            try:
                team_create(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记抢险队伍"))
                return redirect("web:duty_teams")
    context = {
        "filterset": filterset,
        "areas": sorted(areas.items(), key=lambda kv: kv[1][0].territory.path),
        "count": len(rows),
        "members": sum(t.members for t in rows),
        "markers": markers,
        "map": map_settings(),
        "form": form,
    }
    return render(request, "web/duty/teams.html", context)


# --- plans ---------------------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("预案名称"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("预案类型"), choices=PlanKind.choices)
    territory = forms.ModelChoiceField(label=gettext_lazy("制定辖区"), queryset=Territory.objects.none())
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("适用单位"), queryset=Unit.objects.none(), required=False)
    version = forms.CharField(label=gettext_lazy("版本"), max_length=20, initial="1.0")
    effective_on = forms.DateField(label=gettext_lazy("施行日期"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(
        label=gettext_lazy("说明（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=gettext_lazy("预案文件（PDF，选填）"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = kept_nodes(user)  # type: ignore[attr-defined]
        self.fields["units"].queryset = visible_units(user)  # type: ignore[attr-defined]


class ReviseForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("新版本"), max_length=20)
    effective_on = forms.DateField(label=gettext_lazy("施行日期"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=gettext_lazy("修订说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=gettext_lazy("预案文件（PDF，选填）"), required=False)


def _versions() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch("versions", queryset=PlanVersion.objects.order_by("-uploaded_at", "-id"))


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[EmergencyPlan] = (
        EmergencyPlan.objects.restrict(user)
        .select_related("territory")
        .prefetch_related(_versions(), "units")
        .order_by("territory__path", "kind", "title")
    )
    filterset = EmergencyPlanFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    may_create = kept_nodes(user).exists()
    form = PlanForm(user=user) if may_create else None
    if request.method == "POST" and may_create:
        form = PlanForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                plan = plan_create(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记预案"))
                return redirect("web:duty_plan", pk=plan.pk)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "form": form,
    }
    return render(request, "web/duty/plans.html", context)


def get_plan(user: Any, pk: int) -> EmergencyPlan:
    plan: EmergencyPlan | None = (
        EmergencyPlan.objects.restrict(user)
        .select_related("territory")
        .prefetch_related(_versions(), "units", "drills")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404(_("预案不存在"))
    return plan


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = get_plan(user, pk)
    keeper = may_keep(user, plan.territory)
    form = ReviseForm() if keeper else None
    if request.method == "POST" and keeper:
        form = ReviseForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                plan_revise(actor=user, plan=plan, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记新版本，原版本已废止"))
                return redirect("web:duty_plan", pk=plan.pk)
    return render(request, "web/duty/plan.html", {"plan": plan, "form": form})


@login_required
def plan_file(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A plan version's file, after the scope check, through the protected file path; audited."""
    version: PlanVersion | None = (
        PlanVersion.objects.filter(plan__in=EmergencyPlan.objects.restrict(request.user)).filter(pk=pk).first()
    )
    if version is None or not version.file:
        raise Http404(_("文件不存在"))
    audit.record(
        actor=request.user,
        action="duty.plan_download",
        obj=version.plan,
        note=version.version,
        ip=client_ip(request),
        only_changes=False,
    )
    return serve_protected(version.file, version.content_type or "application/octet-stream")


# --- drills --------------------------------------------------------------------------------------------------


class DrillForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("演练日期"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=gettext_lazy("演练名称"), max_length=200)
    territory = forms.ModelChoiceField(label=gettext_lazy("组织辖区"), queryset=Territory.objects.none())
    plan = forms.ModelChoiceField(
        label=gettext_lazy("依据预案（选填）"), queryset=EmergencyPlan.objects.none(), required=False
    )
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("参演单位"), queryset=Unit.objects.none(), required=False)
    participants = forms.IntegerField(label=gettext_lazy("参演人数"), min_value=1)
    scenario = forms.CharField(label=gettext_lazy("演练科目/情景"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=gettext_lazy("发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_ups = forms.CharField(
        label=gettext_lazy("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = kept_nodes(user)  # type: ignore[attr-defined]
        self.fields["plan"].queryset = EmergencyPlan.objects.restrict(user).order_by("title")  # type: ignore[attr-defined]
        self.fields["units"].queryset = visible_units(user)  # type: ignore[attr-defined]


@login_required
def drills(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Drill] = (
        Drill.objects.restrict(user)
        .select_related("territory", "plan")
        .prefetch_related("units", "photos")
        .order_by("-held_on", "-id")
    )
    filterset = DrillFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    may_create = kept_nodes(user).exists()
    form = DrillForm(user=user) if may_create else None
    if request.method == "POST" and may_create:
        form = DrillForm(request.POST, user=user)
        if form.is_valid():
            try:
                drill_record(actor=user, photos=request.FILES.getlist("photos"), **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记演练"))
                return redirect("web:duty_drills")
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page"), "form": form}
    return render(request, "web/duty/drills.html", context)


@login_required
def drill_photo(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    photo: DrillPhoto | None = DrillPhoto.objects.filter(drill__in=Drill.objects.restrict(request.user), pk=pk).first()
    if photo is None:
        raise Http404(_("照片不存在"))
    return serve_protected(photo.file, photo.content_type or "image/jpeg")


# --- 会商 ----------------------------------------------------------------------------------------------------


class ConsultationForm(forms.Form):
    held_at = forms.DateTimeField(
        label=gettext_lazy("会商时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    territory = forms.ModelChoiceField(label=gettext_lazy("会商辖区"), queryset=Territory.objects.none())
    topic = forms.CharField(label=gettext_lazy("会商主题"), max_length=200)
    convened_by = forms.CharField(label=gettext_lazy("召集人"), max_length=100)
    attendees = forms.CharField(label=gettext_lazy("参会人员/单位"), widget=forms.Textarea(attrs={"rows": 2}))
    situation = forms.CharField(label=gettext_lazy("雨情水情与形势研判"), widget=forms.Textarea(attrs={"rows": 3}))
    decisions = forms.CharField(label=gettext_lazy("会商意见与部署"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = kept_nodes(user)  # type: ignore[attr-defined]


@login_required
def consultations(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Consultation] = (
        Consultation.objects.restrict(user).select_related("territory").order_by("-held_at", "-id")
    )
    filterset = ConsultationFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    may_create = kept_nodes(user).exists()
    form = ConsultationForm(user=user) if may_create else None
    if request.method == "POST" and may_create:
        form = ConsultationForm(request.POST, user=user)
        if form.is_valid():
            try:
                consultation_record(actor=user, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已登记会商记录"))
                return redirect("web:duty_consultations")
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page"), "form": form}
    return render(request, "web/duty/consultations.html", context)


routes: list[URLPattern] = [
    path("duty/", duty_home, name="duty_home"),
    path("duty/rosters/", roster_list, name="duty_rosters"),
    path("duty/rosters/<int:pk>/", roster_detail, name="duty_roster"),
    path("duty/rosters/<int:pk>/generate/", roster_generate, name="duty_roster_generate"),
    path("duty/rosters/<int:pk>/export.xlsx", roster_export, name="duty_roster_export"),
    path("duty/assignments/<int:pk>/swap/", assignment_swap, name="duty_swap"),
    path("duty/assignments/<int:pk>/remove/", assignment_remove, name="duty_assignment_remove"),
    path("duty/shifts/<int:pk>/add/", shift_add, name="duty_shift_add"),
    path("duty/check-in/", check_in_page, name="duty_check_in"),
    path("duty/check-in/<int:pk>/", check_in, name="duty_check_in_post"),
    path("duty/supplies/", supplies, name="duty_supplies"),
    path("duty/supplies/export.xlsx", supplies_export, name="duty_supplies_export"),
    path("duty/supplies/<int:pk>/", depot_detail, name="duty_depot"),
    path("duty/supplies/<int:pk>/stocktake/", stocktake_new, name="duty_stocktake"),
    path("duty/teams/", teams, name="duty_teams"),
    path("duty/plans/", plans, name="duty_plans"),
    path("duty/plans/<int:pk>/", plan_detail, name="duty_plan"),
    path("duty/plans/versions/<int:pk>/file", plan_file, name="duty_plan_file"),
    path("duty/drills/", drills, name="duty_drills"),
    path("duty/drills/photos/<int:pk>", drill_photo, name="duty_drill_photo"),
    path("duty/consultations/", consultations, name="duty_consultations"),
]
