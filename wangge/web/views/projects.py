"""Pages of 项目台账 (wired by wangge.web.urls through ``routes``): the list with the rollup cards by type and the
filters (one FilterSet with the API) and its .xlsx export; the detail page with the project's line or polygon on
the map, its milestones, the weekly entries as a timeline, the investment chart, the work orders raised from it
and the workflow steps this user may take; the create and edit form (the line or polygon drawn on the map or
uploaded as GeoJSON); the phone-first weekly entry form (周进度); the problem form that opens a work order.

Everything is scoped: a project outside the user's ``view`` scope answers 404 like a missing one; photos are sent
through ``core.files.serve_protected`` after the same check. The services decide every write.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.models import Unit
from wangge.core import audit, files, geo, uploads
from wangge.core.errors import DomainError
from wangge.core.scoping import CHANGE
from wangge.core.workflow import Transition
from wangge.projects import exporting
from wangge.projects.choices import REPORTING_STATUSES, STATUS_COLOURS, ProjectType
from wangge.projects.filtersets import ProjectFilterSet
from wangge.projects.models import EntryPhoto, Project
from wangge.projects.schedule import behind_reasons, planned_progress, week_label, week_start_of
from wangge.projects.selectors import project_rollup, project_week_summary, with_milestones
from wangge.projects.services import (
    project_create,
    project_problem_raise,
    project_transition,
    project_update,
    weekly_entry_save,
)
from wangge.projects.services.common import may_keep
from wangge.projects.workflow import EVENT_LABELS, TRANSITIONS, available
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import map_settings, tile_crs
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import MultipleImageField, StepForm
from wangge.workorders.models import WorkOrder

PER_PAGE = 30
EXPORT_LIMIT = 5000
PROJECT_KINDS = (TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY)
SEPARATORS = re.compile(r"\s*[|｜,，\t]\s*|\s+")


# --- forms ---------------------------------------------------------------------------------------------------


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        raise forms.ValidationError(_("日期“%(d)s”格式应为 2025-10-31") % {"d": text}, code="bad_date") from None


class ProjectForm(forms.Form):
    """登记/修改项目. Components and milestones are one per line (``名称 数量 单位``;
    ``名称 | 计划日期 | 完成日期``)."""

    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    type = forms.ChoiceField(label=gettext_lazy("项目类型"), choices=ProjectType.choices)
    code = forms.CharField(label=gettext_lazy("项目编号（选填，留空自动生成）"), max_length=32, required=False)
    territory = forms.ModelChoiceField(label=gettext_lazy("所属辖区"), queryset=Territory.objects.none())
    location = forms.CharField(label=gettext_lazy("建设地点"), max_length=200, required=False)
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)
    crs = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[("wgs84", "wgs84"), ("gcj02", "gcj02")], initial="wgs84", required=False
    )
    geojson = forms.FileField(
        label=gettext_lazy("或上传 GeoJSON 文件（WGS-84，线或面）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    length_m = forms.DecimalField(
        label=gettext_lazy("长度（米，留空按线位计算）"), required=False, min_value=0, decimal_places=1, max_digits=10
    )
    components = forms.CharField(
        label=gettext_lazy("建设内容（每行一项：名称 数量 单位）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "路面 3200 平方米\n雨水管网 560 米\n绿化 800 平方米"}),
    )
    description = forms.CharField(
        label=gettext_lazy("项目概况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    total_investment = forms.DecimalField(
        label=gettext_lazy("总投资（万元）"), min_value=0, max_digits=14, decimal_places=2
    )
    invested = forms.DecimalField(
        label=gettext_lazy("累计完成投资（万元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    progress = forms.IntegerField(label=gettext_lazy("形象进度（%）"), min_value=0, max_value=100, initial=0)
    planned_start = forms.DateField(
        label=gettext_lazy("计划开工"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_end = forms.DateField(
        label=gettext_lazy("计划完工"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actual_start = forms.DateField(
        label=gettext_lazy("实际开工"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actual_end = forms.DateField(
        label=gettext_lazy("实际完工"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    milestones = forms.CharField(
        label=gettext_lazy("节点（每行一个：名称 | 计划日期 | 完成日期）"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "管网完工 | 2021-09-30 | 2021-09-28\n通车 | 2021-11-10"}
        ),
    )
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("牵头单位"), queryset=Unit.objects.none(), required=False)
    co_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("配合单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, project: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.project = project
        territories = Territory.objects.restrict(user, CHANGE).filter(kind__in=PROJECT_KINDS).order_by("path")
        if project is not None:
            territories = territories | Territory.objects.filter(pk=project.territory_id)
        self.fields["territory"].queryset = territories  # type: ignore[attr-defined]
        units: QuerySet[Unit] = Unit.objects.restrict(user).filter(is_active=True).order_by("code")
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].widget.attrs["size"] = 6
        if project is not None:
            del self.fields["code"]

    def clean_components(self) -> list[dict[str, Any]]:
        out = []
        for line in (self.cleaned_data.get("components") or "").splitlines():
            parts = [p for p in SEPARATORS.split(line.strip()) if p]
            if not parts:
                continue
            quantity: float | None = None
            unit = ""
            if len(parts) >= 2:
                try:
                    quantity = float(Decimal(parts[1]))
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("“%(l)s”：数量须为数字") % {"l": line.strip()}, code="bad_quantity"
                    ) from None
                unit = " ".join(parts[2:])
            out.append({"name": parts[0], "quantity": quantity, "unit": unit})
        return out

    def clean_milestones(self) -> list[dict[str, Any]]:
        out = []
        for line in (self.cleaned_data.get("milestones") or "").splitlines():
            parts = [p.strip() for p in re.split(r"[|｜]", line)]
            if not parts or not parts[0]:
                continue
            if len(parts) < 2 or not parts[1]:
                raise forms.ValidationError(_("“%(l)s”：缺少计划日期") % {"l": line.strip()}, code="bad_milestone")
            out.append(
                {
                    "name": parts[0],
                    "planned_date": _date(parts[1]),
                    "done_date": _date(parts[2]) if len(parts) > 2 else None,
                }
            )
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("geojson")
        if upload:
            try:
                clean = uploads.sanitise_data(upload, accept=frozenset({uploads.GEOJSON}))
            except DomainError as exc:
                self.add_error("geojson", exc.message)
            else:
                data["geometry"] = clean.content.decode("utf-8")
                data["crs"] = "wgs84"
        return data

    def arguments(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("geojson", None)
        d["crs"] = d.get("crs") or "wgs84"
        d["geometry"] = d.get("geometry") or None
        if self.project is None:
            d["code"] = d.get("code") or ""
        return d

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        components = "\n".join(
            " ".join(str(x) for x in (c.get("name"), _num(c.get("quantity")), c.get("unit")) if x not in (None, ""))
            for c in project.components or []
        )
        milestones = "\n".join(
            " | ".join([m.name, m.planned_date.isoformat(), m.done_date.isoformat() if m.done_date else ""]).rstrip(
                " |"
            )
            for m in project.milestones.all()
        )
        return {
            "name": project.name,
            "type": project.type,
            "territory": project.territory_id,
            "location": project.location,
            "length_m": project.length_m,
            "components": components,
            "description": project.description,
            "total_investment": project.total_investment,
            "invested": project.invested,
            "progress": project.progress,
            "planned_start": project.planned_start,
            "planned_end": project.planned_end,
            "actual_start": project.actual_start,
            "actual_end": project.actual_end,
            "milestones": milestones,
            "lead_unit": project.lead_unit_id,
            "co_units": list(project.co_units.values_list("pk", flat=True)),
        }


def _num(value: Any) -> str:
    if value is None:
        return ""
    f = float(value)
    return str(int(f)) if f.is_integer() else str(f)


class WeeklyEntryForm(forms.Form):
    """周进度, phone first."""

    week = forms.DateField(label=gettext_lazy("填报周（选该周任一天）"), widget=forms.DateInput(attrs={"type": "date"}))
    progress = forms.IntegerField(label=gettext_lazy("形象进度（%）"), min_value=0, max_value=100)
    invested = forms.DecimalField(
        label=gettext_lazy("累计完成投资（万元）"), min_value=0, max_digits=14, decimal_places=2
    )
    work_done = forms.CharField(
        label=gettext_lazy("本周完成工作"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_plan = forms.CharField(
        label=gettext_lazy("下周计划"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(
        label=gettext_lazy("存在问题"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decrease_reason = forms.CharField(
        label=gettext_lazy("进度或投资低于上周时的说明"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = MultipleImageField(label=gettext_lazy("现场照片（选填）"), required=False)


class ProblemForm(forms.Form):
    """A problem on the project, opened as a work order."""

    title = forms.CharField(label=gettext_lazy("问题标题"), max_length=150)
    description = forms.CharField(
        label=gettext_lazy("问题描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    lng = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    crs = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[("wgs84", "wgs84"), ("gcj02", "gcj02")], initial="wgs84", required=False
    )
    photos = MultipleImageField(label=gettext_lazy("现场照片（选填）"), required=False)


class ProjectStepForm(StepForm):
    """The inputs of one step, generated from its row in ``projects.workflow``."""


# --- helpers -------------------------------------------------------------------------------------------------


def get_project(user: Any, pk: int) -> Project:
    """A project in the user's scope; out of scope answers exactly like a missing one."""
    project: Project | None = (
        with_milestones(Project.objects.restrict(user)).select_related("territory", "lead_unit").filter(pk=pk).first()
    )
    if project is None:
        raise Http404(_("项目不存在"))
    return project


def may_create(user: Any) -> bool:
    return Territory.objects.restrict(user, CHANGE).filter(kind__in=PROJECT_KINDS).exists()


def top_node(user: Any, code: str | None = None) -> Territory | None:
    """The territory a rollup reads: the one named (in scope), else the highest node the user sees."""
    nodes = Territory.objects.restrict(user)
    if code:
        named: Territory | None = nodes.filter(code=code).first()
        if named is not None:
            return named
    top: Territory | None = nodes.order_by("depth", "path").first()
    return top


def display_geometry(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    if not geometry:
        return None
    crs = tile_crs()
    return geometry if crs == "wgs84" else geo.transform_geometry_from_wgs84(geometry, crs)


def action_forms(user: Any, project: Project, bound: dict[str, ProjectStepForm] | None = None) -> list[dict[str, Any]]:
    out = []
    for t in available(user, project):
        form = (bound or {}).get(t.name) or ProjectStepForm(transition=t, obj=project, user=user)
        out.append({"transition": t, "form": form, "multipart": False})
    return out


def detail_context(
    request: HttpRequest, project: Project, bound: dict[str, ProjectStepForm] | None = None
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    entries = list(project.entries.prefetch_related("photos").order_by("-week_start"))
    chart = {
        "weeks": [week_label(e.week_start) for e in reversed(entries)],
        "progress": [e.progress for e in reversed(entries)],
        "invested": [float(e.invested) for e in reversed(entries)],
        "total": float(project.total_investment),
        "labels": {"progress": _("形象进度（%）"), "invested": _("累计完成投资（万元）"), "total": _("总投资")},
    }
    problems = list(project.problems.select_related("work_order").order_by("-raised_at"))
    visible: set[int] = set(
        WorkOrder.objects.restrict(user).filter(pk__in=[p.work_order_id for p in problems]).values_list("pk", flat=True)
    )
    for p in problems:
        p.visible = p.work_order_id in visible  # type: ignore[attr-defined]
    events = list(project.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    milestones = list(project.milestones.all())
    for m in milestones:
        m.late = m.done_date is None and m.planned_date < today  # type: ignore[attr-defined]
    crs = tile_crs()
    pins = []
    for p in problems:
        x, y = (p.lng, p.lat) if crs == "wgs84" else geo.from_wgs84(p.lng, p.lat, crs)
        pins.append({"lng": x, "lat": y, "title": p.work_order.title, "status": p.work_order.get_status_display()})
    keeper = may_keep(user, project)
    return {
        "project": project,
        "status_colour": STATUS_COLOURS.get(project.status, "status"),
        "planned": planned_progress(project, today),
        "behind": behind_reasons(project, today, milestones),
        "milestones": milestones,
        "entries": entries,
        "chart": chart,
        "problems": problems,
        "events": events,
        "actions": action_forms(user, project, bound),
        "can_edit": keeper,
        "can_report": keeper and project.status in REPORTING_STATUSES,
        "can_raise": keeper,
        "shape": display_geometry(project.geometry),
        "pins": pins,
        "map": map_settings(),
        "co_units": list(project.co_units.order_by("code")),
    }


# --- pages ---------------------------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """Rollup cards by type over the filtered projects, then the list; ``?export=xlsx`` downloads both."""
    user = request.user
    qs: QuerySet[Project] = Project.objects.restrict(user).select_related("territory", "lead_unit")
    filterset = ProjectFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs.order_by("code")
    node = top_node(user, request.GET.get("territory"))
    today = timezone.localdate()
    rollup = project_rollup(node, today, qs=rows) if node is not None else None
    if request.GET.get("export") == "xlsx":
        return export(request, rows, rollup, today)
    page = paginate(request, with_milestones(rows), PER_PAGE)
    for p in page.object_list:
        p.behind = behind_reasons(p, today, p.milestones.all())  # type: ignore[attr-defined]
        p.colour = STATUS_COLOURS.get(p.status, "status")  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page", "export"),
        "rollup": rollup,
        "can_create": may_create(user),
    }
    return render(request, "web/projects/list.html", context)


def export(
    request: HttpRequest, rows: QuerySet[Project], rollup: dict[str, Any] | None, today: dt.date
) -> HttpResponse:
    if rollup is None:
        raise Http404
    data, count = exporting.workbook(with_milestones(rows)[:EXPORT_LIMIT], rollup, today)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="projects-{today:%Y%m%d}.xlsx"'
    filters = {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists() if k != "export"}
    audit.record_export(
        actor=request.user,
        action="projects.export",
        what="projects",
        fmt="xlsx",
        count=count,
        filters=filters,
        ip=client_ip(request),
    )
    return response


@login_required
def project_week(request: HttpRequest) -> HttpResponse:
    """周通报: the week's entries, the projects 在建 without one, and those behind schedule."""
    user = request.user
    node = top_node(user, request.GET.get("territory"))
    if node is None:
        raise Http404
    try:
        day = dt.date.fromisoformat(request.GET.get("week") or "")
    except ValueError:
        day = timezone.localdate()
    monday = week_start_of(day)
    summary = project_week_summary(node, monday, qs=Project.objects.restrict(user))
    context = {
        "summary": summary,
        "node": node,
        "monday": monday,
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7) if monday < week_start_of(timezone.localdate()) else None,
    }
    return render(request, "web/projects/week.html", context)


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_create(user):
        raise Http404(_("您没有可登记项目的辖区"))
    if request.method == "POST":
        form = ProjectForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                project = project_create(actor=user, **form.arguments())
            except DomainError as exc:
                _mark(form, exc)
            else:
                messages.success(request, _("已登记项目 %(code)s") % {"code": project.code})
                return redirect("web:project_detail", pk=project.pk)
    else:
        form = ProjectForm(user=user)
    return render(request, "web/projects/form.html", {"form": form, "map": map_settings(), "shape": None})


def _mark(form: forms.Form, exc: DomainError) -> None:
    marked = False
    for detail in exc.details if isinstance(exc.details, list) else []:
        field = detail.get("field") if isinstance(detail, dict) else None
        if field in form.fields:
            form.add_error(field, detail.get("reason") or exc.message)
            marked = True
    if not marked:
        form.add_error(None, exc.message)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = get_project(user, pk)
    if not may_keep(user, project):
        raise Http404
    if request.method == "POST":
        form = ProjectForm(request.POST, request.FILES, user=user, project=project)
        if form.is_valid():
            args = form.arguments()
            if not args["geometry"] and project.geometry and not request.POST.get("clear_geometry"):
                args.pop("geometry")  # the drawing was left as it was
            elif args.get("length_m") == project.length_m:
                args.pop("length_m")  # a new line and the length as shown: measured again from the line
            try:
                project_update(actor=user, project=project, **args)
            except DomainError as exc:
                _mark(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("web:project_detail", pk=project.pk)
    else:
        form = ProjectForm(initial=ProjectForm.initial_for(project), user=user, project=project)
    context = {"form": form, "project": project, "map": map_settings(), "shape": display_geometry(project.geometry)}
    return render(request, "web/projects/form.html", context)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project(request.user, pk)
    return render(request, "web/projects/detail.html", detail_context(request, project))


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Every step of the detail page posts here; the transition service decides."""
    user = request.user
    project = get_project(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = ProjectStepForm(request.POST, transition=t, obj=project, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: project_transition(actor=user, project=project, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:project_detail", args=[project.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form, "multipart": False}, "project": project, "error": message}
        return render(request, "web/projects/action_form.html", context, status=status)
    messages.error(request, message)
    project = get_project(user, pk)
    return render(request, "web/projects/detail.html", detail_context(request, project, {name: form}), status=status)


@login_required
def project_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """周进度 of this week (or the week chosen), created or updated in place."""
    user = request.user
    project = get_project(user, pk)
    if not may_keep(user, project):
        raise Http404
    today = timezone.localdate()
    if request.method == "POST":
        form = WeeklyEntryForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                entry, created = weekly_entry_save(actor=user, project=project, **d)
            except DomainError as exc:
                _mark(form, exc)
            else:
                note = _("已填报 %(w)s 周进度") if created else _("已更新 %(w)s 周进度")
                messages.success(request, note % {"w": entry.week_label})
                return redirect("web:project_detail", pk=project.pk)
    else:
        try:
            day = dt.date.fromisoformat(request.GET.get("week") or "")
        except ValueError:
            day = today
        current = project.entries.filter(week_start=week_start_of(day)).first()
        initial: dict[str, Any] = {"week": day, "progress": project.progress, "invested": project.invested}
        if current is not None:
            initial.update(
                progress=current.progress,
                invested=current.invested,
                work_done=current.work_done,
                next_plan=current.next_plan,
                problems=current.problems,
                decrease_reason=current.decrease_reason,
            )
        form = WeeklyEntryForm(initial=initial)
    monday = week_start_of(today)
    existing = project.entries.filter(week_start=monday).exists()
    context = {"form": form, "project": project, "week_label": week_label(monday), "existing": existing}
    return render(request, "web/projects/entry.html", context)


@login_required
def project_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem on the project → a work order through the one intake, placed on the project. ``?entry=<id>``
    starts from the problems a weekly entry reported and links the case to that entry."""
    user = request.user
    project = get_project(user, pk)
    if not may_keep(user, project):
        raise Http404
    entry_id = request.POST.get("entry") or request.GET.get("entry") or ""
    entry = project.entries.filter(pk=int(entry_id)).first() if entry_id.isdigit() else None
    if request.method == "POST":
        form = ProblemForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                link = project_problem_raise(
                    actor=user,
                    project=project,
                    title=d["title"],
                    description=d["description"],
                    lng=d.get("lng"),
                    lat=d.get("lat"),
                    crs=d.get("crs") or "wgs84",
                    photos=d.get("photos") or (),
                    entry=entry,
                )
            except DomainError as exc:
                _mark(form, exc)
            else:
                messages.success(request, _("已转立工单 %(code)s") % {"code": link.work_order.tracking_code})
                return redirect("web:project_detail", pk=project.pk)
    else:
        initial: dict[str, Any] = {"crs": map_settings()["crs"]}
        if entry is not None and entry.problems:
            initial.update(title=entry.problems.splitlines()[0][:150], description=entry.problems)
        form = ProblemForm(initial=initial)
    context = {
        "form": form,
        "project": project,
        "entry": entry,
        "map": map_settings(),
        "shape": display_geometry(project.geometry),
    }
    return render(request, "web/projects/problem.html", context)


@login_required
def project_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse | FileResponse:
    """A weekly entry's photo, through the project's scope (never from a public media URL)."""
    project = get_project(request.user, pk)
    photo = EntryPhoto.objects.filter(pk=photo_pk, entry__project=project).first()
    if photo is None:
        raise Http404
    return files.serve_protected(photo.file, photo.content_type)


routes: list[URLPattern] = [
    path("projects/", project_list, name="project_list"),
    path("projects/week/", project_week, name="project_week"),
    path("projects/new/", project_new, name="project_new"),
    path("projects/<int:pk>/", project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/act/<slug:name>/", project_act, name="project_act"),
    path("projects/<int:pk>/entry/", project_entry, name="project_entry"),
    path("projects/<int:pk>/problem/", project_problem, name="project_problem"),
    path("projects/<int:pk>/photos/<int:photo_pk>/", project_photo, name="project_photo"),
]
