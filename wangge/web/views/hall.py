"""Pages of the service hall (政务服务), wired by wangge.web.urls through ``routes``: the hub (this month's
figures, the halls, the programmes), the catalogue (items with filters, an item's materials with the waived
certificates, the bundles, the 事项清单 import and export), a hall with its windows, the items each takes and the
staff on duty (set from the page by the hall's own staff), the 办件 ledger (one FilterSet with the API; the
applicant's numbers masked and revealed through an audited request; an .xlsx of the filtered rows, masked),
receiving, an application with its history and the steps this user may take (forms
generated from the workflow), the figures page and the 帮办代办 records.

Everything is scoped: an application or hall outside the user's scope answers 404 like a missing one. The
services decide every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.models import RoleGrant, User
from wangge.accounts.roles import REVEAL
from wangge.core import audit
from wangge.core.errors import DomainError, ValidationFailed
from wangge.core.validators import mask_id_number, mask_phone
from wangge.core.workflow import Transition
from wangge.hall.choices import ApplicantKind, ApplicationStatus, AssistanceKind, Channel, HandlingMode
from wangge.hall.filtersets import ApplicationFilterSet, AssistanceFilterSet, ItemFilterSet
from wangge.hall.models import Application, Assistance, Bundle, Duty, Hall, Item, Programme, Window
from wangge.hall.selectors import DEFINITIONS, GROUPS, as_percent, figures
from wangge.hall.services import (
    application_receive,
    application_transition,
    applications_export,
    assistance_record,
    catalogue_export,
    catalogue_import,
    duty_set,
    may_edit_catalogue,
)
from wangge.hall.services.catalogue import COLUMNS, error_report_xlsx
from wangge.hall.services.common import serves
from wangge.hall.workflow import EVENT_LABELS, RECEIVERS, TRANSITIONS, available
from wangge.web import kept_files
from wangge.web.filters import tune_form
from wangge.web.kept_files import attachment
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm

PER_PAGE = 30
DUTY_DAYS_SHOWN = 7
DUTY_DAYS_AHEAD = 90
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_REPORT_ROWS = 300
REPORTS_DIR = "hall-reports"
SESSION_KEY = "hall_reports"

# --- helpers -------------------------------------------------------------------------------------------------


def get_application(user: Any, pk: int) -> Application:
    """An application in the user's scope; out of scope answers exactly like a missing one."""
    a: Application | None = (
        Application.objects.restrict(user)
        .select_related("item", "hall", "hall__territory", "window", "department", "staff", "first_contact", "bundle")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise Http404(_("办件不存在"))
    return a


def receiving_halls(user: Any) -> list[Hall]:
    halls: list[Hall] = list(Hall.objects.restrict(user).select_related("territory").filter(is_active=True))
    return [h for h in halls if serves(user, h)]


def period_of(request: HttpRequest) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """The period asked for (``start``/``end`` dates, end included); this month up to today by default."""
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or "")
    except ValueError:
        start = today.replace(day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end") or "")
    except ValueError:
        end = today
    if end < start:
        end = start
    tz = timezone.get_current_timezone()
    return (
        start,
        end,
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def programmes(user: Any) -> list[Programme]:
    return list(
        Programme.objects.restrict(user)
        .select_related("hall")
        .prefetch_related("windows")
        .annotate(
            received=Count("applications", distinct=True),
            households=Count("applications", filter=Q(applications__status=ApplicationStatus.FINISHED), distinct=True),
            assisted=Count("assistances", distinct=True),
        )
        .order_by("code")
    )


def shown(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A figures row with its rates written as percentages for the page."""
    if row is None:
        return None
    for key in ("finish_rate", "speedup", "online_rate"):
        row[f"{key}_pct"] = as_percent(row.get(key))
    return row


# --- hub and catalogue ---------------------------------------------------------------------------------------


@login_required
def hall_home(request: HttpRequest) -> HttpResponse:
    """The hub: this month's figures in the user's scope, the halls, the programmes, the catalogue's size."""
    user = request.user
    start, end, since, until = period_of(request)
    scoped: QuerySet[Application] = Application.objects.restrict(user)
    halls: list[Hall] = list(Hall.objects.restrict(user).annotate(window_count=Count("windows")).order_by("code"))
    context = {
        "start": start,
        "end": end,
        "figures": shown(figures(scoped, start=since, end=until)["total"]) if halls or scoped.exists() else None,
        "halls": halls,
        "programmes": programmes(user),
        "items": Item.objects.filter(is_active=True).count(),
        "bundles": Bundle.objects.filter(is_active=True).count(),
        "may_receive": bool(receiving_halls(user)),
        "may_edit_catalogue": may_edit_catalogue(user),
        "definitions": DEFINITIONS,
    }
    return render(request, "web/hall/home.html", context)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Item] = Item.objects.select_related("department").order_by("code")
    filterset = ItemFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    labels = dict(HandlingMode.choices)
    for i in page.object_list:
        i.mode_names = [labels[m] for m in HandlingMode.values if m in (i.modes or [])]  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "mode_labels": labels,
        "may_edit_catalogue": may_edit_catalogue(request.user),
    }
    return render(request, "web/hall/items.html", context)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = Item.objects.select_related("department").filter(pk=pk).first()
    if item is None:
        raise Http404(_("事项不存在"))
    materials = list(item.materials.all())
    context = {
        "item": item,
        "materials": [m for m in materials if not m.is_waived],
        "waived": [m for m in materials if m.is_waived],
        "modes": [label for value, label in HandlingMode.choices if value in (item.modes or [])],
        "bundles": list(item.bundles.all()),
        "windows": list(
            Window.objects.filter(items=item, hall__in=Hall.objects.restrict(request.user))
            .select_related("hall")
            .order_by("hall__code", "number")
        ),
    }
    return render(request, "web/hall/item_detail.html", context)


@login_required
def bundle_list(request: HttpRequest) -> HttpResponse:
    bundles = Bundle.objects.select_related("lead_department").prefetch_related("items").order_by("code")
    return render(request, "web/hall/bundles.html", {"bundles": bundles})


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("事项清单（.xlsx）"))


@login_required
def catalogue_import_page(request: HttpRequest) -> HttpResponse:
    """Upload a 事项清单 workbook: the counts, or the row report of a refused file (and the file back with its
    "错误说明" column)."""
    if not may_edit_catalogue(request.user):
        return render(request, "web/hall/forbidden.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": COLUMNS}
    status = 200
    if request.method == "POST":
        status = 400
        upload = request.FILES.get("file")
        if form.is_valid() and upload is not None:
            if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
                form.add_error("file", _("文件过大（上限 %(mb)d MB）") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
            else:
                status = _run_import(request, upload, form, context)
    return render(request, "web/hall/import.html", context, status=status)


def _run_import(request: HttpRequest, upload: Any, form: forms.Form, context: dict[str, Any]) -> int:
    from wangge.core.uploads import XLSX, sanitise_data

    try:
        clean = sanitise_data(upload, accept=frozenset({XLSX}))
        result = catalogue_import(actor=request.user, file=clean.content, source=upload.name)
    except ValidationFailed as exc:
        details = [d for d in exc.details if isinstance(d, dict)] if isinstance(exc.details, list) else []
        context["refusal"] = exc.message
        context["report"] = details[:MAX_REPORT_ROWS]
        context["report_total"] = len(details)
        if any(int(d.get("row") or 0) > 1 for d in details):
            try:
                data = error_report_xlsx(clean.content, details)
            except DomainError:
                data = b""
            if data:
                context["report_token"] = kept_files.keep(request, data, folder=REPORTS_DIR, session_key=SESSION_KEY)
        return 400
    except DomainError as exc:
        form.add_error(None, exc.message)
        return exc.http_status
    context["result"] = result
    messages.success(
        request, _("事项清单已导入：新增 %(c)d 项，更新 %(u)d 项") % {"c": result.created, "u": result.updated}
    )
    return 200


@login_required
def catalogue_report(request: HttpRequest, token: str) -> HttpResponse:
    file = kept_files.kept(request, token, folder=REPORTS_DIR, session_key=SESSION_KEY)
    return attachment(file.read_bytes(), _("事项清单导入错误报告.xlsx"))


@login_required
def catalogue_export_page(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Item] = Item.objects.all()
    filterset = ItemFilterSet(request.GET or None, queryset=qs, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    data = catalogue_export(actor=request.user, items=rows)
    return attachment(data, _("政务服务事项清单.xlsx"))


# --- halls ---------------------------------------------------------------------------------------------------


def duty_candidates(hall: Hall) -> QuerySet[User]:
    """The active users holding a receiving role over the hall's territory: who may be put on duty there."""
    path = hall.territory.path
    grants = RoleGrant.objects.filter(role__in=RECEIVERS, user__is_active=True, territory__isnull=False)
    ids = {uid for uid, p in grants.values_list("user_id", "territory__path") if p and path.startswith(p)}
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


class DutyForm(forms.Form):
    """Put someone on duty at a window of the hall for a day, or take them off."""

    window = forms.ModelChoiceField(label=gettext_lazy("窗口"), queryset=Window.objects.none())
    day = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    staff = forms.ModelChoiceField(label=gettext_lazy("值班人员"), queryset=User.objects.none())
    on = forms.TypedChoiceField(
        label=gettext_lazy("操作"),
        choices=[("1", gettext_lazy("安排值班")), ("0", gettext_lazy("取消值班"))],
        coerce=lambda v: v == "1",
        initial="1",
    )

    def __init__(self, *args: Any, hall: Hall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        window_field: Any = self.fields["window"]
        window_field.queryset = hall.windows.filter(is_active=True).order_by("number")
        window_field.label_from_instance = lambda w: f"{w.number} {w.name}"
        staff_field: Any = self.fields["staff"]
        staff_field.queryset = duty_candidates(hall)
        staff_field.label_from_instance = lambda u: u.display_name or u.username
        self.initial.setdefault("day", timezone.localdate())

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("不能安排已过去的日期"))
        if day > today + dt.timedelta(days=DUTY_DAYS_AHEAD):
            raise forms.ValidationError(_("最多提前 %(n)d 天安排值班") % {"n": DUTY_DAYS_AHEAD})
        return day


def get_hall(user: Any, pk: int) -> Hall:
    hall: Hall | None = Hall.objects.restrict(user).select_related("territory").filter(pk=pk).first()
    if hall is None:
        raise Http404(_("大厅不存在"))
    return hall


def hall_context(request: HttpRequest, hall: Hall, duty_form: DutyForm | None = None) -> dict[str, Any]:
    day = timezone.localdate()
    windows = list(
        hall.windows.annotate(item_count=Count("items", distinct=True))
        .prefetch_related(
            "staff",
            Prefetch("duties", queryset=Duty.objects.filter(day=day).select_related("staff"), to_attr="today"),
            "programmes",
        )
        .order_by("number")
    )
    for w in windows:
        w.sample = list(w.items.order_by("code").values_list("name", flat=True)[:6])  # type: ignore[attr-defined]
    may_set_duty = serves(request.user, hall)
    if duty_form is None and may_set_duty:
        duty_form = DutyForm(hall=hall)
    upcoming = (
        Duty.objects.filter(window__hall=hall, day__gt=day, day__lte=day + dt.timedelta(days=DUTY_DAYS_SHOWN))
        .select_related("window", "staff")
        .order_by("day", "window__number", "staff__username")
    )
    return {
        "hall": hall,
        "windows": windows,
        "day": day,
        "programmes": [p for p in programmes(request.user) if p.hall_id == hall.pk],
        "duty_form": duty_form if may_set_duty else None,
        "upcoming": list(upcoming),
        "duty_days": DUTY_DAYS_SHOWN,
    }


@login_required
def hall_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hall = get_hall(request.user, pk)
    return render(request, "web/hall/hall_detail.html", hall_context(request, hall))


@login_required
@require_POST
def hall_duty(request: HttpRequest, pk: int) -> HttpResponse:
    """Set (or take off) a window's duty for a day; only the hall's own staff, like receiving."""
    user = request.user
    hall = get_hall(user, pk)
    if not serves(user, hall):
        return render(request, "web/hall/forbidden.html", status=403)
    form = DutyForm(request.POST, hall=hall)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            duty_set(actor=user, window=d["window"], day=d["day"], staff=d["staff"], on=d["on"])
        except DomainError as exc:
            status = exc.http_status
            form.add_error(None, exc.message)
            for detail in exc.details if isinstance(exc.details, list) else []:
                if isinstance(detail, dict) and detail.get("field") in form.fields:
                    form.add_error(detail["field"], detail.get("reason") or _("请检查此项"))
        else:
            messages.success(request, _("值班安排已保存") if d["on"] else _("值班安排已取消"))
            return redirect("web:hall_detail", pk=hall.pk)
    return render(request, "web/hall/hall_detail.html", hall_context(request, hall, form), status=status)


# --- the 办件 ledger ---------------------------------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Application] = (
        Application.objects.restrict(user)
        .select_related("item", "hall", "window", "staff")
        .order_by("-received_at", "-id")
    )
    filterset = ApplicationFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "may_receive": bool(receiving_halls(user)),
    }
    return render(request, "web/hall/applications.html", context)


@login_required
def application_export(request: HttpRequest) -> HttpResponse:
    """The ledger as filtered on its page (same FilterSet), in the user's scope, numbers masked; audited."""
    user = request.user
    qs: QuerySet[Application] = Application.objects.restrict(user)
    filterset = ApplicationFilterSet(request.GET or None, queryset=qs, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(_("筛选条件不正确"), status=400)
    rows = filterset.qs if filterset.is_bound else qs
    filters = {k: v for k, v in request.GET.items() if k != "page" and v}
    data = applications_export(actor=user, applications=rows, filters=filters, ip=client_ip(request))
    return attachment(data, _("办件台账.xlsx"))


class HallStepForm(StepForm):
    """The inputs of one declared step of an application."""


def may_reveal(user: Any, a: Application) -> bool:
    return Application.objects.restrict(user, REVEAL).filter(pk=a.pk).exists()


def action_forms(user: Any, a: Application, bound: dict[str, HallStepForm] | None = None) -> list[dict[str, Any]]:
    out = []
    for t in available(user, a):
        form = (bound or {}).get(t.name) or HallStepForm(transition=t, obj=a, user=user)
        out.append({"transition": t, "form": form})
    return out


def detail_context(
    request: HttpRequest, a: Application, bound: dict[str, HallStepForm] | None = None, *, revealed: bool = False
) -> dict[str, Any]:
    events = list(a.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.transition, ev.transition)  # type: ignore[attr-defined]
    reveal = may_reveal(request.user, a)
    return {
        "application": a,
        "events": events,
        "actions": action_forms(request.user, a, bound),
        "materials": list(a.item.materials.all()),
        "id_shown": a.applicant_id_number if revealed else mask_id_number(a.applicant_id_number or ""),
        "phone_shown": a.applicant_phone if revealed else mask_phone(a.applicant_phone or ""),
        "revealed": revealed,
        "can_reveal": reveal and not revealed and bool(a.applicant_id_number or a.applicant_phone),
        "assistances": list(a.assistances.all()),
        "now": timezone.now(),
    }


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_application(request.user, pk)
    return render(request, "web/hall/application_detail.html", detail_context(request, a))


@login_required
@require_POST
def application_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's full ID number and phone, for a user entitled to reveal; written to the audit trail."""
    a = get_application(request.user, pk)
    if not may_reveal(request.user, a):
        return HttpResponse(_("无权查看完整号码"), status=403)
    audit.record_reveal(
        actor=request.user,
        revealed={"hall.application": {"ids": {a.pk}, "fields": {"applicant_id_number", "applicant_phone"}}},
        ip=client_ip(request),
        note=f"hall:web application {a.code}",
    )
    response = render(request, "web/hall/application_detail.html", detail_context(request, a, revealed=True))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def application_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    a = get_application(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = HallStepForm(request.POST, transition=t, obj=a, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: application_transition(actor=user, application=a, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:hall_application_detail", args=[a.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form}, "application": a, "error": message}
        return render(request, "web/hall/action_form.html", context, status=status)
    messages.error(request, message)
    a = get_application(user, pk)
    return render(request, "web/hall/application_detail.html", detail_context(request, a, {name: form}), status=status)


class ReceiveForm(forms.Form):
    hall = forms.ModelChoiceField(label=gettext_lazy("大厅"), queryset=Hall.objects.none())
    item = forms.ModelChoiceField(label=gettext_lazy("事项"), queryset=Item.objects.none())
    window = forms.ModelChoiceField(label=gettext_lazy("窗口"), queryset=Window.objects.none(), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("申请渠道"), choices=Channel.choices, initial=Channel.WINDOW)
    applicant_kind = forms.ChoiceField(label=gettext_lazy("申请人类型"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=gettext_lazy("申请人"), max_length=100)
    applicant_id_number = forms.CharField(
        label=gettext_lazy("证件号码/统一社会信用代码"), max_length=32, required=False
    )
    applicant_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    note = forms.CharField(
        label=gettext_lazy("说明（选填）"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, halls: list[Hall], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [h.pk for h in halls]
        hall_field: Any = self.fields["hall"]
        hall_field.queryset = Hall.objects.filter(pk__in=ids).order_by("code")
        item_field: Any = self.fields["item"]
        item_field.queryset = Item.objects.filter(is_active=True).order_by("code")
        item_field.label_from_instance = lambda i: f"{i.name}（{i.code}）"
        window_field: Any = self.fields["window"]
        window_field.queryset = Window.objects.filter(hall_id__in=ids, is_active=True).select_related("hall")
        window_field.label_from_instance = lambda w: f"{w.hall.name} {w.number} {w.name}"
        if len(ids) == 1:
            self.initial.setdefault("hall", ids[0])


@login_required
def application_receive_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    halls = receiving_halls(user)
    if not halls:
        return render(request, "web/hall/forbidden.html", status=403)
    form = ReceiveForm(request.POST or None, halls=halls, initial={"item": request.GET.get("item")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                a = application_receive(actor=user, **d)
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
                for detail in exc.details if isinstance(exc.details, list) else []:
                    if isinstance(detail, dict) and detail.get("field") in form.fields:
                        form.add_error(detail["field"], detail.get("reason") or _("请检查此项"))
            else:
                messages.success(request, _("已收件：%(code)s") % {"code": a.code})
                return redirect("web:hall_application_detail", pk=a.pk)
    return render(request, "web/hall/receive.html", {"form": form}, status=status)


# --- figures, assistance ----------------------------------------------------------------------------------


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    start, end, since, until = period_of(request)
    by = request.GET.get("by") or "hall"
    if by not in GROUPS:
        by = "hall"
    data = figures(Application.objects.restrict(user), start=since, end=until, by=by)
    previous = last_month(timezone.localdate())
    context = {
        "start": start,
        "end": end,
        "by": by,
        "groups": [
            ("hall", _("大厅")),
            ("department", _("部门")),
            ("item", _("事项")),
            ("window", _("窗口")),
            ("staff", _("经办人")),
        ],
        "total": shown(data["total"]),
        "rows": [shown(r) for r in data["rows"][:200]],
        "definitions": DEFINITIONS,
        "last_month": previous,
    }
    return render(request, "web/hall/figures.html", context)


class AssistanceForm(forms.Form):
    hall = forms.ModelChoiceField(label=gettext_lazy("大厅"), queryset=Hall.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("方式"), choices=AssistanceKind.choices)
    item = forms.ModelChoiceField(label=gettext_lazy("事项"), queryset=Item.objects.none(), required=False)
    person_name = forms.CharField(label=gettext_lazy("服务对象"), max_length=100)
    person_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    address = forms.CharField(label=gettext_lazy("上门地址"), max_length=200, required=False)
    note = forms.CharField(
        label=gettext_lazy("服务内容"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, halls: list[Hall], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hall_field: Any = self.fields["hall"]
        hall_field.queryset = Hall.objects.filter(pk__in=[h.pk for h in halls]).order_by("code")
        item_field: Any = self.fields["item"]
        item_field.queryset = Item.objects.filter(is_active=True).order_by("code")
        item_field.label_from_instance = lambda i: f"{i.name}（{i.code}）"


@login_required
def assistance_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Assistance] = Assistance.objects.restrict(user).select_related("hall", "item", "application")
    filterset = AssistanceFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    halls = receiving_halls(user)
    form = AssistanceForm(request.POST or None, halls=halls) if halls else None
    status = 200
    if request.method == "POST":
        if form is None:
            return render(request, "web/hall/forbidden.html", status=403)
        status = 400
        if form.is_valid():
            try:
                assistance_record(actor=user, **form.cleaned_data)
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
                for detail in exc.details if isinstance(exc.details, list) else []:
                    if isinstance(detail, dict) and detail.get("field") in form.fields:
                        form.add_error(detail["field"], detail.get("reason") or _("请检查此项"))
            else:
                messages.success(request, _("已登记帮办代办"))
                return redirect("web:hall_assistance")
    page = paginate(request, rows.order_by("-at", "-id"), PER_PAGE)
    for row in page.object_list:
        row.phone_shown = mask_phone(row.person_phone or "")  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "form": form,
        "querystring": querystring_without(request, "page"),
        "programmes": programmes(user),
    }
    return render(request, "web/hall/assistance.html", context, status=status)


routes: list[URLPattern] = [
    path("hall/", hall_home, name="hall_home"),
    path("hall/items/", item_list, name="hall_items"),
    path("hall/items/<int:pk>/", item_detail, name="hall_item_detail"),
    path("hall/items/import/", catalogue_import_page, name="hall_catalogue_import"),
    path("hall/items/import/report/<slug:token>/", catalogue_report, name="hall_catalogue_report"),
    path("hall/items/export/", catalogue_export_page, name="hall_catalogue_export"),
    path("hall/bundles/", bundle_list, name="hall_bundles"),
    path("hall/halls/<int:pk>/", hall_detail, name="hall_detail"),
    path("hall/halls/<int:pk>/duty/", hall_duty, name="hall_duty"),
    path("hall/applications/", application_list, name="hall_applications"),
    path("hall/applications/new/", application_receive_page, name="hall_receive"),
    path("hall/applications/export/", application_export, name="hall_application_export"),
    path("hall/applications/<int:pk>/", application_detail, name="hall_application_detail"),
    path("hall/applications/<int:pk>/reveal/", application_reveal, name="hall_application_reveal"),
    path("hall/applications/<int:pk>/act/<slug:name>/", application_act, name="hall_application_act"),
    path("hall/figures/", figures_page, name="hall_figures"),
    path("hall/assistance/", assistance_list, name="hall_assistance"),
]
